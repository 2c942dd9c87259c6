/* spmif POLICY, SLID and MIGRATE (see cmd_policy.h). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd_policy.h"
#include "log.h"
#include "spd.h"
#include "util.h"

#define SYNTAX_ERROR "Syntax Error"

static int reply(const struct cmd_out *out, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int reply(const struct cmd_out *out, int code, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	out->line(out->arg, code, false, text);
	return code;
}

/* compat §3.1: the received word must begin with the name */
static bool word_is(const char *word, const char *name)
{
	return strncasecmp(word, name, strlen(name)) == 0;
}

/* `A/P` with the prefix rules of compat §3.3: a missing, <= 0 or too large
 * prefix is the full length (the full-length unspecified address then
 * becomes the wildcard when the policy is built). */
static int parse_prefixed(const char *text, struct rc_addr *out)
{
	char buf[RC_ADDR_STRLEN], err[64], *slash, *end;
	long plen = 0;

	if (strlen(text) >= sizeof(buf))
		return -1;
	strcpy(buf, text);
	slash = strchr(buf, '/');
	if (slash) {
		*slash = '\0';
		errno = 0;
		plen = strtol(slash + 1, &end, 10);
		if (slash[1] == '\0' || *end || errno)
			return -1;
	}
	if (rc_addr_parse(buf, out, err, sizeof(err)) < 0)
		return -1;
	int max = rc_addr_maxprefix(out->family);
	out->prefixlen = (uint8_t)(plen <= 0 || plen > max ? max : plen);
	return 0;
}

static int parse_host(const char *text, struct rc_addr *out)
{
	char err[64];

	if (strchr(text, '/') || rc_addr_parse(text, out, err, sizeof(err)) < 0)
		return -1;
	return 0;
}

static bool spec_same(const struct rcf_addrspec *a, const struct rcf_addrspec *b)
{
	if (a->kind != b->kind || a->port != b->port)
		return false;
	switch (a->kind) {
	case RCF_ADDR_NUMERIC:
		return a->addr.family == b->addr.family && a->addr.prefixlen == b->addr.prefixlen &&
		       rc_addr_equal(&a->addr, &b->addr);
	case RCF_ADDR_MACRO:
		/* compat §10.2.7: macros compare by name, not by expansion */
		return a->macro == b->macro &&
		       strcmp(a->ifname ? a->ifname : "", b->ifname ? b->ifname : "") == 0;
	default:
		return strcasecmp(a->text ? a->text : "", b->text ? b->text : "") == 0;
	}
}

static bool list_same(const struct rcf_addrlist *a, const struct rcf_addrlist *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (!spec_same(&a->v[i], &b->v[i]))
			return false;
	return true;
}

static const char *remote_of(const struct rcf_selector *s)
{
	return s->policy && rcf_isset(s->policy->remote_index) ? s->policy->remote_index.v : "";
}

/* compat §3.3: the first selector of the same remote with src and dst
 * swapped */
static const struct rcf_selector *reverse_of(const struct rcf_config *cfg,
					     const struct rcf_selector *s)
{
	for (size_t i = 0; i < cfg->nselectors; i++) {
		const struct rcf_selector *r = cfg->selectors[i];
		if (r != s && strcmp(remote_of(r), remote_of(s)) == 0 &&
		    list_same(&r->src, &s->dst) && list_same(&r->dst, &s->src))
			return r;
	}
	return NULL;
}

static enum rk_dir dir_of(const struct rcf_selector *s)
{
	return s->direction.v == RCF_DIR_INBOUND ? RK_DIR_IN : RK_DIR_OUT;
}

struct add_req {
	const struct rcf_selector *s, *r;
	struct rc_addr src, dst, sa_src, sa_dst;
	enum rk_mode mode;
	uint64_t lifetime;
};

/* Both directions (and FWD for an inbound tunnel), each policy's ports from
 * its own selector.  Returns the number of policies, or -1. */
static int build_pair(struct cmd_policy_ctx *c, const struct add_req *q, struct spd_dyn out[3],
		      char *err, size_t errlen)
{
	bool tunnel = q->mode == RK_MODE_TUNNEL;
	int n = 0;

	for (int rev = 0; rev < 2; rev++) {
		const struct rcf_selector *s = rev ? q->r : q->s;
		struct spd_dyn *x = &out[n];
		if (spd_build_policy(s, dir_of(s), rev ? &q->dst : &q->src, rev ? &q->src : &q->dst,
				     q->mode, tunnel ? (rev ? &q->sa_dst : &q->sa_src) : NULL,
				     tunnel ? (rev ? &q->sa_src : &q->sa_dst) : NULL, &x->pol, err,
				     errlen) < 0)
			return -1;
		x->slid = s->name;
		x->pol.lifetime.hard_add_sec = q->lifetime;
		n++;
		if (c->fwd && tunnel && x->pol.dir == RK_DIR_IN && x->pol.action == RK_ACT_IPSEC) {
			out[n] = *x;
			out[n].pol.dir = RK_DIR_FWD;
			n++;
		}
	}
	return n;
}

static int policy_add(struct cmd_policy_ctx *c, int argc, char *const argv[],
		      const struct cmd_out *out)
{
	const struct rcf_config *cfg = spd_config(c->spd);
	struct add_req q = {0};
	struct spd_dyn dyn[4];
	char err[256], *end;

	if (argc != 6 && argc != 8)
		return reply(out, 500, SYNTAX_ERROR);
	if (strcasecmp(argv[3], "tunnel") == 0)
		q.mode = RK_MODE_TUNNEL;
	else if (strcasecmp(argv[3], "transport") == 0)
		q.mode = RK_MODE_TRANSPORT;
	else
		return reply(out, 500, SYNTAX_ERROR);
	/* compat §3.3 bug: racoon2 read past its arguments here */
	if (q.mode == RK_MODE_TUNNEL && argc != 8)
		return reply(out, 500, SYNTAX_ERROR);
	errno = 0;
	q.lifetime = strtoull(argv[2], &end, 10);
	if (argv[2][0] < '0' || argv[2][0] > '9' || *end || errno)
		return reply(out, 500, SYNTAX_ERROR);
	q.s = cfg ? rcf_selector_find(cfg, argv[1]) : NULL;
	if (!q.s)
		return reply(out, 550, "Operation Failed, selector not found");
	if (parse_prefixed(argv[4], &q.src) < 0 || parse_prefixed(argv[5], &q.dst) < 0 ||
	    (q.mode == RK_MODE_TUNNEL &&
	     (parse_host(argv[6], &q.sa_src) < 0 || parse_host(argv[7], &q.sa_dst) < 0)))
		return reply(out, 550, "Operation Failed");
	q.r = reverse_of(cfg, q.s);
	if (!q.r)
		return reply(out, 550, "Operation Failed, reverse selector not found");
	if (!rcf_isset(q.s->direction) || !rcf_isset(q.r->direction) ||
	    q.s->direction.v == q.r->direction.v)
		return reply(out, 550,
			     "Operation Failed, found reverse selector is same direction");
	int n = build_pair(c, &q, dyn, err, sizeof(err));
	if (n < 0 || spd_add_dynamic(c->spd, dyn, (size_t)n, err, sizeof(err)) < 0) {
		rc_log(RC_LOG_INTERNAL_ERR, "POLICY ADD %s: %s", q.s->name, err);
		return reply(out, 550, "Operation Failed(sl_index=%s)", q.s->name);
	}
	rc_log(RC_LOG_INFO, "policies generated for '%s' and '%s' (lifetime %" PRIu64 " s)",
	       q.s->name, q.r->name, q.lifetime);
	return reply(out, 250, "Policy Added %s and %s", q.s->name, q.r->name);
}

static int policy_delete(struct cmd_policy_ctx *c, int argc, char *const argv[],
			 const struct cmd_out *out)
{
	const struct rcf_config *cfg = spd_config(c->spd);
	const struct rcf_selector *s;
	struct rc_addr src, dst, sa[2];
	struct rk_policy pol;
	enum rk_mode mode;
	char err[256];

	if (argc != 2 && argc != 5 && argc != 7)
		return reply(out, 500, SYNTAX_ERROR);
	s = cfg ? rcf_selector_find(cfg, argv[1]) : NULL;
	if (argc == 2) {
		/* spmdctl's `policy delete SLID` (compat §10.2.3) */
		int n = spd_del_slid(c->spd, argv[1]);
		if (n > 0)
			return reply(out, 250, "Policy Deleted");
		if (!s)
			return reply(out, 550, "Operation Failed, selector not found");
		return reply(out, 550, "Operation Failed");
	}
	if (strcasecmp(argv[2], "tunnel") == 0)
		mode = RK_MODE_TUNNEL;
	else if (strcasecmp(argv[2], "transport") == 0)
		mode = RK_MODE_TRANSPORT;
	else
		return reply(out, 500, SYNTAX_ERROR);
	if (mode == RK_MODE_TUNNEL && argc != 7)
		return reply(out, 500, SYNTAX_ERROR);
	if (!s)
		return reply(out, 550, "Operation Failed, selector not found");
	if (parse_prefixed(argv[3], &src) < 0 || parse_prefixed(argv[4], &dst) < 0 ||
	    (argc == 7 && (parse_host(argv[5], &sa[0]) < 0 || parse_host(argv[6], &sa[1]) < 0)))
		return reply(out, 550, "Operation Failed");
	if (!rcf_isset(s->direction) ||
	    spd_build_policy(s, dir_of(s), &src, &dst, RK_MODE_TRANSPORT, NULL, NULL, &pol, err,
			     sizeof(err)) < 0 ||
	    spd_del_dynamic(c->spd, s->name, &pol.sel, pol.dir, err, sizeof(err)) < 0) {
		rc_log(RC_LOG_INFO, "POLICY DELETE %s: %s", s->name, err);
		return reply(out, 550, "Operation Failed");
	}
	return reply(out, 250, "Policy Deleted");
}

struct dump {
	const struct cmd_out *out;
	bool any;
	char pending[512];
};

static int dump_one(void *arg, const char *slid, const struct rk_policy *p, bool dynamic)
{
	struct dump *d = arg;

	(void)dynamic;
	/* a line goes out once we know it is not the last */
	if (d->any)
		d->out->line(d->out->arg, 250, true, d->pending);
	snprintf(d->pending, sizeof(d->pending), "%s %" PRIu32, slid, p->index);
	d->any = true;
	return 0;
}

static int policy_dump(struct cmd_policy_ctx *c, int argc, const struct cmd_out *out)
{
	struct dump d = {.out = out};

	if (argc != 1)
		return reply(out, 500, SYNTAX_ERROR);
	spd_walk(c->spd, dump_one, &d);
	if (!d.any)
		return reply(out, 251, "NO Policy Exists");
	return reply(out, 250, "%s", d.pending);
}

int cmd_policy(struct cmd_policy_ctx *c, int argc, char *const argv[], const struct cmd_out *out)
{
	if (argc < 1)
		return reply(out, 500, SYNTAX_ERROR);
	if (word_is(argv[0], "ADD"))
		return policy_add(c, argc, argv, out);
	if (word_is(argv[0], "DELETE"))
		return policy_delete(c, argc, argv, out);
	if (word_is(argv[0], "DUMP"))
		return policy_dump(c, argc, out);
	return reply(out, 500, SYNTAX_ERROR);
}

int cmd_slid(struct cmd_policy_ctx *c, int argc, char *const argv[], const struct cmd_out *out)
{
	unsigned long long v;
	char *end;

	if (argc != 1)
		return reply(out, 500, SYNTAX_ERROR);
	errno = 0;
	v = strtoull(argv[0], &end, 10);
	if (argv[0][0] < '0' || argv[0][0] > '9' || *end || errno || v > UINT32_MAX)
		return reply(out, 550, "Operation failed");
	const char *slid = spd_slid_by_index(c->spd, (uint32_t)v);
	if (!slid)
		return reply(out, 551, "No Such SPID(%llu)", v);
	return reply(out, 250, "%s", slid);
}

int cmd_migrate(struct cmd_policy_ctx *c, int argc, char *const argv[], const struct cmd_out *out)
{
	const struct rcf_config *cfg = spd_config(c->spd);
	struct rc_addr a[4];
	char err[256];

	/* compat §10.2.1: the 5 arguments clients send */
	if (argc != 5)
		return reply(out, 500, SYNTAX_ERROR);
	for (int i = 0; i < 4; i++)
		if (parse_host(argv[i + 1], &a[i]) < 0)
			return reply(out, 550, "Operation Failed");
	if (!cfg || !rcf_selector_find(cfg, argv[0]))
		return reply(out, 550, "Operation Failed, selector not found");
	if (spd_migrate(c->spd, argv[0], &a[0], &a[1], &a[2], &a[3], err, sizeof(err)) < 0) {
		rc_log(RC_LOG_INTERNAL_ERR, "MIGRATE %s: %s", argv[0], err);
		return reply(out, 550, "Operation Failed");
	}
	rc_log(RC_LOG_INFO, "MIGRATE %s: %s %s -> %s %s", argv[0], argv[1], argv[2], argv[3],
	       argv[4]);
	return reply(out, 250, "Migrate %s", argv[0]);
}
