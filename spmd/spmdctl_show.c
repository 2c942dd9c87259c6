/* `spmdctl policy show`: every policy in the kernel, joined with the
 * selector index spmd recorded for it (POLICY DUMP), in racoon2's
 * multi-line format (compat §4.1):
 *
 *   SRC/PLEN[PORT|any] DST/PLEN[PORT|any] ULPROTO|any|NUM
 *   \tDIR ACTION
 *   \tSATYPE transport LEVEL                  or  SATYPE tunnel SASRC-SADST LEVEL
 *   \tcreated: TIME lastused: TIME
 *   \tlifetime: HARD(s) validtime: SOFT(s)
 *   \tselector=SLID spid=SPID
 *
 * A bypass or discard policy has no SA line (racoon2 printed no entry for
 * them at all, which hid them). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "spmdctl.h"
#include "util.h"

int ctl_slid_parse(const char *text, struct ctl_slid *out)
{
	const char *sp = strchr(text, ' ');
	unsigned long long v;
	char *end;

	if (!sp || sp == text || sp[1] < '0' || sp[1] > '9')
		return -1;
	errno = 0;
	v = strtoull(sp + 1, &end, 10);
	if (errno || *end || v > UINT32_MAX)
		return -1;
	out->slid = rc_xstrndup(text, (size_t)(sp - text));
	out->spid = (uint32_t)v;
	return 0;
}

const char *ctl_slid_find(const struct ctl_slid *v, size_t n, uint32_t spid)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].spid == spid)
			return v[i].slid;
	return NULL;
}

const char *ctl_time_str(uint64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t == 0 || !localtime_r(&tt, &tm) || strftime(buf, len, "%b %d %X %Y", &tm) == 0)
		snprintf(buf, len, "0");
	return buf;
}

static const char *proto_name(uint8_t p)
{
	switch (p) {
	case 0:
		return "any";
	case 1:
		return "icmp";
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 47:
		return "gre";
	case RK_PROTO_ESP:
		return "esp";
	case RK_PROTO_AH:
		return "ah";
	case 58:
		return "icmp6";
	case 132:
		return "sctp";
	default:
		return NULL;
	}
}

static const char *dir_name(enum rk_dir d)
{
	switch (d) {
	case RK_DIR_IN:
		return "in";
	case RK_DIR_OUT:
		return "out";
	case RK_DIR_FWD:
		return "fwd";
	}
	return "-";
}

static const char *action_name(enum rk_action a)
{
	switch (a) {
	case RK_ACT_IPSEC:
		return "ipsec";
	case RK_ACT_BYPASS:
		return "none";
	case RK_ACT_DISCARD:
		return "discard";
	}
	return "unknown";
}

static const char *level_name(enum rk_level l)
{
	switch (l) {
	case RK_LEVEL_REQUIRE:
		return "require";
	case RK_LEVEL_USE:
		return "use";
	case RK_LEVEL_UNIQUE:
		return "unique";
	}
	return "unknown";
}

/* racoon2 names the protocols of a bundle in the fixed order ah, esp,
 * ipcomp, whatever the order of the templates. */
static const char *satype_name(const struct rk_policy *p)
{
	static const char *const names[] = {"unknown", "ah",	    "esp",	  "ah|esp",
					    "ipcomp",  "ah|ipcomp", "esp|ipcomp", "ah|esp|ipcomp"};
	unsigned mask = 0;

	for (size_t i = 0; i < p->ntmpl && i < RK_MAX_TMPL; i++) {
		switch (p->tmpl[i].proto) {
		case RK_PROTO_AH:
			mask |= 1;
			break;
		case RK_PROTO_ESP:
			mask |= 2;
			break;
		case RK_PROTO_COMP:
			mask |= 4;
			break;
		default:
			return "unknown";
		}
	}
	return names[mask];
}

/* The template that decides the mode: the outermost tunnel, if any. */
static const struct rk_tmpl *mode_tmpl(const struct rk_policy *p)
{
	size_t n = p->ntmpl < RK_MAX_TMPL ? p->ntmpl : RK_MAX_TMPL;

	for (size_t i = n; i > 0; i--)
		if (p->tmpl[i - 1].mode == RK_MODE_TUNNEL)
			return &p->tmpl[i - 1];
	return n ? &p->tmpl[0] : NULL;
}

static void sel_text(FILE *out, const struct rc_addr *a)
{
	char buf[RC_ADDR_STRLEN];

	fprintf(out, "%s/%u", rc_addr_ntop(a, buf, sizeof(buf)), a->prefixlen);
	if (a->port)
		fprintf(out, "[%u]", a->port);
	else
		fputs("[any]", out);
}

void ctl_policy_text(FILE *out, const struct rk_policy *p, const char *slid)
{
	const struct rk_tmpl *t = mode_tmpl(p);
	const char *proto = proto_name(p->sel.proto);
	char b1[RC_ADDR_STRLEN], b2[RC_ADDR_STRLEN], tb[64];

	sel_text(out, &p->sel.src);
	fputc(' ', out);
	sel_text(out, &p->sel.dst);
	if (proto)
		fprintf(out, " %s\n", proto);
	else
		fprintf(out, " %u\n", p->sel.proto);
	fprintf(out, "\t%s %s\n", dir_name(p->dir), action_name(p->action));
	if (t && t->mode == RK_MODE_TUNNEL)
		fprintf(out, "\t%s tunnel %s-%s %s\n", satype_name(p),
			rc_addr_ntop(&t->src, b1, sizeof(b1)),
			rc_addr_ntop(&t->dst, b2, sizeof(b2)), level_name(t->level));
	else if (t)
		fprintf(out, "\t%s transport %s\n", satype_name(p), level_name(t->level));
	fprintf(out, "\tcreated: %s ", ctl_time_str(p->cur.add_time, tb, sizeof(tb)));
	fprintf(out, "lastused: %s\n",
		p->cur.use_time ? ctl_time_str(p->cur.use_time, tb, sizeof(tb)) : "");
	fprintf(out, "\tlifetime: %llu(s) validtime: %llu(s)\n",
		(unsigned long long)p->lifetime.hard_add_sec,
		(unsigned long long)p->lifetime.soft_add_sec);
	fprintf(out, "\tselector=%s spid=%u\n", slid ? slid : "", p->index);
}

static void addr_json(struct ctl_json *j, const char *key, const char *plen_key,
		      const char *port_key, const struct rc_addr *a)
{
	char buf[RC_ADDR_STRLEN];

	cj_str(j, key, rc_addr_ntop(a, buf, sizeof(buf)));
	cj_int(j, plen_key, a->prefixlen);
	cj_int(j, port_key, a->port);
}

void ctl_policy_json(struct ctl_json *j, const struct rk_policy *p, const char *slid)
{
	const struct rk_tmpl *t = mode_tmpl(p);
	char buf[RC_ADDR_STRLEN];

	cj_obj_begin(j, NULL);
	addr_json(j, "src", "src_prefixlen", "src_port", &p->sel.src);
	addr_json(j, "dst", "dst_prefixlen", "dst_port", &p->sel.dst);
	cj_int(j, "proto", p->sel.proto);
	cj_str(j, "dir", dir_name(p->dir));
	cj_str(j, "action", action_name(p->action));
	cj_str(j, "satype", t ? satype_name(p) : NULL);
	cj_str(j, "mode", t ? (t->mode == RK_MODE_TUNNEL ? "tunnel" : "transport") : NULL);
	if (t && t->mode == RK_MODE_TUNNEL) {
		cj_str(j, "sa_src", rc_addr_ntop(&t->src, buf, sizeof(buf)));
		cj_str(j, "sa_dst", rc_addr_ntop(&t->dst, buf, sizeof(buf)));
	} else {
		cj_null(j, "sa_src");
		cj_null(j, "sa_dst");
	}
	cj_str(j, "level", t ? level_name(t->level) : NULL);
	cj_int(j, "created", (long long)p->cur.add_time);
	cj_int(j, "lastused", (long long)p->cur.use_time);
	cj_int(j, "lifetime", (long long)p->lifetime.hard_add_sec);
	cj_int(j, "validtime", (long long)p->lifetime.soft_add_sec);
	cj_str(j, "selector", slid);
	cj_int(j, "spid", p->index);
	cj_obj_end(j);
}
