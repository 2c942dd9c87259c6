/* rkctl: drive the kernel interface (lib/kernel.h) from the command line
 * or a script, so tests can exercise every backend the same way.  See
 * usage() and doc/rkctl.txt. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#ifdef __linux__
#include <linux/xfrm.h>
#endif

#include "kernel.h"
#include "kernel_memory.h"
#include "util.h"

#ifndef UDP_ENCAP
#define UDP_ENCAP 100
#endif
#ifndef UDP_ENCAP_ESPINUDP
#define UDP_ENCAP_ESPINUDP 2
#endif

#define MAX_ARGS 64
#define MAX_EVENTS 256
#define MAX_SOCKETS 16

struct ctl {
	struct rk *k;
	struct rk_event events[MAX_EVENTS]; /* received, not yet waited for */
	size_t nevents;
	unsigned long dropped;
	int sockets[MAX_SOCKETS];
	size_t nsockets;
	char err[512]; /* this command's failure, when not the kernel's */
};

static void usage(FILE *out)
{
	fputs("usage: rkctl [-K xfrm|pfkey|memory] COMMAND [ARG...]\n"
	      "       rkctl [-K BACKEND] [-k] [-s] -f SCRIPT|-\n"
	      "  -K  kernel interface (default: the build's default)\n"
	      "  -f  run one command per line through ONE handle ('#' comments)\n"
	      "  -k  keep going after a failed command (exit 1 at the end)\n"
	      "  -s  after each command print '. ok' or '. fail ERRNO text'\n"
	      "commands:\n"
	      "  caps\n"
	      "  getspi PROTO SRC DST [range MIN MAX] [reqid N]\n"
	      "  sa add|update PROTO SPI SRC DST [SA-OPTION...]\n"
	      "     mode transport|tunnel  reqid N  enc ALG KEYHEX  auth ALG KEYHEX\n"
	      "     aead ALG KEYHEX  comp ALG  replay N  esn  encap SPORT DPORT [oa ADDR]\n"
	      "     sel SRC DST [proto P]  soft-bytes|hard-bytes|soft-packets|hard-packets N\n"
	      "     soft-add|hard-add|soft-use|hard-use SECONDS\n"
	      "  sa del|get PROTO SPI SRC DST\n"
	      "  sa dump\n"
	      "  policy add|update SRC DST in|out|fwd [POLICY-OPTION...]\n"
	      "     proto P  sport N  dport N  icmp TYPE CODE  priority N\n"
	      "     action ipsec|bypass|discard (default ipsec)  soft-add|hard-add SECONDS\n"
	      "     tmpl PROTO transport [reqid N] [level require|use|unique]\n"
	      "     tmpl PROTO tunnel TSRC TDST [reqid N] [level ...]   (up to 3)\n"
	      "  policy del SRC DST DIR [proto P] [sport N] [dport N] [icmp TYPE CODE]\n"
	      "  policy del-index INDEX DIR\n"
	      "  policy dump\n"
	      "  migrate SELSRC SELDST DIR PROTO MODE REQID OLDSRC OLDDST NEWSRC NEWDST\n"
	      "     [proto P] [sport N] [dport N] [icmp TYPE CODE]\n"
	      "  flush                      remove what this handle added\n"
	      "  wait acquire|soft-expire|hard-expire|policy-expire|any [TIMEOUT]\n"
	      "  natt-socket PORT [4|6]     UDP socket with UDP_ENCAP_ESPINUDP, kept open\n"
	      "  inject-acquire INDEX       memory backend: an ACQUIRE for that policy\n"
	      "  sleep SECONDS   echo TEXT...   sync [TOKEN]\n"
	      "  bench-sas N   bench-policies N\n"
	      "  expect-fail ERRNO|any COMMAND...   succeed only if COMMAND fails so\n"
	      "PROTO esp|ah|comp; ALG a kernel name (aes-cbc, hmac-sha2-256-128, aes-gcm-16)\n"
	      "or a racoon2.conf keyword (aes128_cbc, hmac_sha1, aes256_gcm16).\n",
	      out);
}

/* --- errors --- */

static const struct {
	int err;
	const char *name;
} errnames[] = {
	{ENOENT, "ENOENT"},
	{EEXIST, "EEXIST"},
	{EINVAL, "EINVAL"},
	{EOPNOTSUPP, "EOPNOTSUPP"},
	{EPROTONOSUPPORT, "EPROTONOSUPPORT"},
	{EAFNOSUPPORT, "EAFNOSUPPORT"},
	{ENOSYS, "ENOSYS"},
	{ETIMEDOUT, "ETIMEDOUT"},
	{EPERM, "EPERM"},
	{ENOMEM, "ENOMEM"},
	{ESRCH, "ESRCH"},
	{EBUSY, "EBUSY"},
	{ENOSPC, "ENOSPC"},
	{ENOBUFS, "ENOBUFS"},
	{EIO, "EIO"},
	{EACCES, "EACCES"},
	{EMSGSIZE, "EMSGSIZE"},
	{EPROTO, "EPROTO"},
};

static const char *errname(int err)
{
	static char buf[16];

	if (err < 0)
		err = -err;
	for (size_t i = 0; i < RC_ARRAY_SIZE(errnames); i++)
		if (errnames[i].err == err)
			return errnames[i].name;
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}

static int errnum(const char *name)
{
	for (size_t i = 0; i < RC_ARRAY_SIZE(errnames); i++)
		if (strcasecmp(errnames[i].name, name) == 0)
			return errnames[i].err;
	return 0;
}

/* A usage error of a command: -EINVAL with the text kept in c->err. */
static int bad(struct ctl *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(struct ctl *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* --- argument parsing --- */

struct args {
	char **v;
	int n, i;
};

static const char *next(struct args *a)
{
	return a->i < a->n ? a->v[a->i++] : NULL;
}

static bool parse_u64(const char *s, uint64_t *out)
{
	char *end;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	*out = strtoull(s, &end, 0);
	return errno == 0 && *end == '\0';
}

static int arg_u64(struct ctl *c, struct args *a, const char *what, uint64_t *out)
{
	const char *s = next(a);

	if (!parse_u64(s, out))
		return bad(c, "%s: expected a number, got '%s'", what, s ? s : "(nothing)");
	return 0;
}

static int arg_u32(struct ctl *c, struct args *a, const char *what, uint32_t *out)
{
	uint64_t v = 0;
	int r = arg_u64(c, a, what, &v);

	if (r == 0 && v > UINT32_MAX)
		return bad(c, "%s: %" PRIu64 " is too large", what, v);
	*out = (uint32_t)v;
	return r;
}

static int arg_u16(struct ctl *c, struct args *a, const char *what, uint16_t *out)
{
	uint32_t v = 0;
	int r = arg_u32(c, a, what, &v);

	if (r == 0 && v > 0xffff)
		return bad(c, "%s: %u is larger than 65535", what, v);
	*out = (uint16_t)v;
	return r;
}

static int arg_addr(struct ctl *c, struct args *a, const char *what, struct rc_addr *out)
{
	const char *s = next(a);
	char err[128];

	if (!s)
		return bad(c, "%s: address missing", what);
	if (rc_addr_parse(s, out, err, sizeof(err)) < 0)
		return bad(c, "%s: '%s': %s", what, s, err);
	return 0;
}

static int arg_ipsec_proto(struct ctl *c, struct args *a, uint8_t *out)
{
	const char *s = next(a);

	if (s && strcmp(s, "esp") == 0)
		*out = RK_PROTO_ESP;
	else if (s && strcmp(s, "ah") == 0)
		*out = RK_PROTO_AH;
	else if (s && (strcmp(s, "comp") == 0 || strcmp(s, "ipcomp") == 0))
		*out = RK_PROTO_COMP;
	else
		return bad(c, "expected esp, ah or comp, got '%s'", s ? s : "(nothing)");
	return 0;
}

static const char *ipsec_proto_name(uint8_t p)
{
	return p == RK_PROTO_ESP    ? "esp"
	       : p == RK_PROTO_AH   ? "ah"
	       : p == RK_PROTO_COMP ? "comp"
				    : "?";
}

static int arg_ul_proto(struct ctl *c, struct args *a, uint8_t *out)
{
	static const struct {
		const char *name;
		uint8_t proto;
	} names[] = {{"any", 0},	{"icmp", 1},   {"tcp", 6},   {"udp", 17},
		     {"ipv6-icmp", 58}, {"icmp6", 58}, {"sctp", 132}};
	const char *s = next(a);
	uint64_t v;

	for (size_t i = 0; s && i < RC_ARRAY_SIZE(names); i++) {
		if (strcmp(s, names[i].name) == 0) {
			*out = names[i].proto;
			return 0;
		}
	}
	if (!parse_u64(s, &v) || v > 255)
		return bad(c, "proto: expected a protocol name or number, got '%s'",
			   s ? s : "(nothing)");
	*out = (uint8_t)v;
	return 0;
}

static int arg_mode(struct ctl *c, struct args *a, enum rk_mode *out)
{
	const char *s = next(a);

	if (s && strcmp(s, "transport") == 0)
		*out = RK_MODE_TRANSPORT;
	else if (s && strcmp(s, "tunnel") == 0)
		*out = RK_MODE_TUNNEL;
	else
		return bad(c, "expected transport or tunnel, got '%s'", s ? s : "(nothing)");
	return 0;
}

static int parse_dir(struct ctl *c, const char *s, enum rk_dir *out)
{
	if (s && strcmp(s, "in") == 0)
		*out = RK_DIR_IN;
	else if (s && strcmp(s, "out") == 0)
		*out = RK_DIR_OUT;
	else if (s && strcmp(s, "fwd") == 0)
		*out = RK_DIR_FWD;
	else
		return bad(c, "expected in, out or fwd, got '%s'", s ? s : "(nothing)");
	return 0;
}

static const char *dir_name(enum rk_dir d)
{
	return d == RK_DIR_IN ? "in" : d == RK_DIR_OUT ? "out" : d == RK_DIR_FWD ? "fwd" : "?";
}

static int arg_hexkey(struct ctl *c, struct args *a, uint8_t *key, size_t *len)
{
	const char *s = next(a);
	size_t n;

	if (!s)
		return bad(c, "key missing");
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	n = strlen(s);
	if (n % 2 || n / 2 > RK_MAX_KEY)
		return bad(c, "key: expected an even number of hex digits, at most %d bytes",
			   RK_MAX_KEY);
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;

		if (!isxdigit((unsigned char)s[2 * i]) || !isxdigit((unsigned char)s[2 * i + 1]) ||
		    sscanf(s + 2 * i, "%2x", &v) != 1)
			return bad(c, "key: '%s' is not hex", s);
		key[i] = (uint8_t)v;
	}
	*len = n / 2;
	return 0;
}

static int arg_enc(struct ctl *c, struct args *a, enum rk_enc *out)
{
	const char *s = next(a);

	for (int e = 0; s && e < RK_ENC_COUNT; e++) {
		if (strcmp(s, rk_enc_name(e)) == 0) {
			*out = e;
			return 0;
		}
	}
	if (s && rk_enc_from_keyword(s, out) == 0)
		return 0;
	return bad(c, "unknown encryption algorithm '%s'", s ? s : "(nothing)");
}

static int arg_auth(struct ctl *c, struct args *a, enum rk_auth *out)
{
	const char *s = next(a);

	for (int e = 0; s && e < RK_AUTH_COUNT; e++) {
		if (strcmp(s, rk_auth_name(e)) == 0) {
			*out = e;
			return 0;
		}
	}
	if (s && rk_auth_from_keyword(s, out) == 0)
		return 0;
	return bad(c, "unknown integrity algorithm '%s'", s ? s : "(nothing)");
}

static int arg_comp(struct ctl *c, struct args *a, enum rk_comp *out)
{
	const char *s = next(a);

	for (int e = 0; s && e < RK_COMP_COUNT; e++) {
		if (strcmp(s, rk_comp_name(e)) == 0) {
			*out = e;
			return 0;
		}
	}
	return bad(c, "unknown compression algorithm '%s'", s ? s : "(nothing)");
}

/* Lifetime keywords shared by SAs and policies; 1 = not one of them. */
static int lifetime_opt(struct ctl *c, struct args *a, const char *opt, struct rk_lifetime *lt)
{
	static const struct {
		const char *name;
		size_t off;
	} f[] = {
		{"soft-bytes", offsetof(struct rk_lifetime, soft_bytes)},
		{"hard-bytes", offsetof(struct rk_lifetime, hard_bytes)},
		{"soft-packets", offsetof(struct rk_lifetime, soft_packets)},
		{"hard-packets", offsetof(struct rk_lifetime, hard_packets)},
		{"soft-add", offsetof(struct rk_lifetime, soft_add_sec)},
		{"hard-add", offsetof(struct rk_lifetime, hard_add_sec)},
		{"soft-use", offsetof(struct rk_lifetime, soft_use_sec)},
		{"hard-use", offsetof(struct rk_lifetime, hard_use_sec)},
	};

	for (size_t i = 0; i < RC_ARRAY_SIZE(f); i++)
		if (strcmp(opt, f[i].name) == 0)
			return arg_u64(c, a, opt, (uint64_t *)((char *)lt + f[i].off));
	return 1;
}

/* --- output --- */

static const char *astr(const struct rc_addr *a, char *buf)
{
	if (a->family == AF_UNSPEC)
		return "-";
	return rc_addr_str(a, buf, RC_ADDR_STRLEN);
}

static void print_sel(const char *prefix, const struct rk_selector *s)
{
	char a[RC_ADDR_STRLEN], b[RC_ADDR_STRLEN];

	printf("%s %s %s proto %u sport %u dport %u", prefix, astr(&s->src, a), astr(&s->dst, b),
	       s->proto, s->src.port, s->dst.port);
}

static void print_sa(const struct rk_sa_info *i)
{
	const struct rk_sa *s = &i->sa;
	char a[RC_ADDR_STRLEN], b[RC_ADDR_STRLEN];

	printf("sa %s spi 0x%08x src %s dst %s mode %s reqid %u", ipsec_proto_name(s->proto),
	       s->spi, astr(&s->src, a), astr(&s->dst, b),
	       s->mode == RK_MODE_TUNNEL ? "tunnel" : "transport", s->reqid);
	if (s->enc != RK_ENC_NONE)
		printf(" enc %s", rk_enc_name(s->enc));
	if (s->auth != RK_AUTH_NONE)
		printf(" auth %s", rk_auth_name(s->auth));
	if (s->comp != RK_COMP_NONE)
		printf(" comp %s", rk_comp_name(s->comp));
	printf(" replay %u", s->replay_window);
	if (s->esn)
		printf(" esn");
	if (s->encap.enabled)
		printf(" encap %u %u", s->encap.sport, s->encap.dport);
	if (s->lifetime.soft_add_sec || s->lifetime.hard_add_sec)
		printf(" soft-add %" PRIu64 " hard-add %" PRIu64, s->lifetime.soft_add_sec,
		       s->lifetime.hard_add_sec);
	printf(" packets %" PRIu64 " bytes %" PRIu64 " add-time %" PRIu64 " use-time %" PRIu64 "\n",
	       i->cur.packets, i->cur.bytes, i->cur.add_time, i->cur.use_time);
}

static const char *action_name(enum rk_action a)
{
	return a == RK_ACT_IPSEC ? "ipsec" : a == RK_ACT_BYPASS ? "bypass" : "discard";
}

static const char *level_name(enum rk_level l)
{
	return l == RK_LEVEL_USE ? "use" : l == RK_LEVEL_UNIQUE ? "unique" : "require";
}

static void print_tmpl(const struct rk_tmpl *t)
{
	char a[RC_ADDR_STRLEN], b[RC_ADDR_STRLEN];

	printf(" tmpl %s %s", ipsec_proto_name(t->proto),
	       t->mode == RK_MODE_TUNNEL ? "tunnel" : "transport");
	if (t->mode == RK_MODE_TUNNEL || t->dst.family != AF_UNSPEC)
		printf(" %s %s", astr(&t->src, a), astr(&t->dst, b));
	printf(" reqid %u level %s", t->reqid, level_name(t->level));
}

static void print_policy(const struct rk_policy *p)
{
	printf("policy index %u dir %s", p->index, dir_name(p->dir));
	print_sel(" sel", &p->sel);
	printf(" action %s priority %u", action_name(p->action), p->priority);
	for (size_t i = 0; i < p->ntmpl && i < RK_MAX_TMPL; i++)
		print_tmpl(&p->tmpl[i]);
	if (p->lifetime.hard_add_sec)
		printf(" hard-add %" PRIu64, p->lifetime.hard_add_sec);
	printf("\n");
}

static const char *event_name(const struct rk_event *ev)
{
	switch (ev->type) {
	case RK_EV_ACQUIRE:
		return "acquire";
	case RK_EV_EXPIRE:
		return ev->u.expire.hard ? "hard-expire" : "soft-expire";
	case RK_EV_POLICY_EXPIRE:
		return "policy-expire";
	case RK_EV_MIGRATE:
		return "migrate";
	}
	return "?";
}

static void print_event(const struct rk_event *ev)
{
	char a[RC_ADDR_STRLEN], b[RC_ADDR_STRLEN];

	printf("event %s", event_name(ev));
	switch (ev->type) {
	case RK_EV_ACQUIRE:
		printf(" index %u dir %s", ev->u.acquire.policy_index, dir_name(ev->u.acquire.dir));
		print_sel(" sel", &ev->u.acquire.sel);
		print_sel(" pkt", &ev->u.acquire.pkt);
		print_tmpl(&ev->u.acquire.tmpl);
		printf(" seq %u", ev->u.acquire.seq);
		break;
	case RK_EV_EXPIRE:
		printf(" %s spi 0x%08x src %s dst %s reqid %u packets %" PRIu64 " bytes %" PRIu64,
		       ipsec_proto_name(ev->u.expire.id.proto), ev->u.expire.id.spi,
		       astr(&ev->u.expire.id.src, a), astr(&ev->u.expire.id.dst, b),
		       ev->u.expire.reqid, ev->u.expire.cur.packets, ev->u.expire.cur.bytes);
		break;
	case RK_EV_POLICY_EXPIRE:
		printf(" index %u dir %s %s", ev->u.policy_expire.index,
		       dir_name(ev->u.policy_expire.dir),
		       ev->u.policy_expire.hard ? "hard" : "soft");
		print_sel(" sel", &ev->u.policy_expire.sel);
		break;
	case RK_EV_MIGRATE:
		printf(" %s reqid %u old %s %s", ipsec_proto_name(ev->u.migrate.proto),
		       ev->u.migrate.reqid, astr(&ev->u.migrate.old_src, a),
		       astr(&ev->u.migrate.old_dst, b));
		printf(" new %s %s", astr(&ev->u.migrate.new_src, a),
		       astr(&ev->u.migrate.new_dst, b));
		break;
	}
	printf("\n");
}

static void on_event(const struct rk_event *ev, void *arg)
{
	struct ctl *c = arg;

	if (c->nevents == MAX_EVENTS) {
		c->dropped++;
		return;
	}
	c->events[c->nevents++] = *ev;
}

/* --- commands --- */

static void caps_line(const char *text, void *arg)
{
	printf("unsupported %s\n", text);
}

static int cmd_caps(struct ctl *c, struct args *a)
{
	const struct rk_caps *k = rk_caps(c->k);

	printf("backend %s\n", rk_backend_name(c->k));
	printf("proto esp %s\nproto ah %s\nproto comp %s\n", k->esp ? "yes" : "no",
	       k->ah ? "yes" : "no", k->ipcomp ? "yes" : "no");
	for (int e = RK_ENC_NULL; e < RK_ENC_COUNT; e++)
		printf("enc %s %s\n", rk_enc_name(e), k->enc[e] ? "yes" : "no");
	for (int e = RK_AUTH_HMAC_MD5_96; e < RK_AUTH_COUNT; e++)
		printf("auth %s %s\n", rk_auth_name(e), k->auth[e] ? "yes" : "no");
	for (int e = RK_COMP_OUI; e < RK_COMP_COUNT; e++)
		printf("comp %s %s\n", rk_comp_name(e), k->comp[e] ? "yes" : "no");
	printf("udp-encap %s\nesn %s\nmigrate %s\nipv6 %s\n", k->udp_encap ? "yes" : "no",
	       k->esn ? "yes" : "no", k->migrate ? "yes" : "no", k->ipv6 ? "yes" : "no");
	rk_caps_describe(c->k, caps_line, NULL);
	return 0;
}

static int cmd_getspi(struct ctl *c, struct args *a)
{
	uint8_t proto;
	struct rc_addr src, dst;
	uint32_t min = 0, max = 0, reqid = 0, spi;
	const char *opt;
	int r;

	if ((r = arg_ipsec_proto(c, a, &proto)) || (r = arg_addr(c, a, "src", &src)) ||
	    (r = arg_addr(c, a, "dst", &dst)))
		return r;
	while ((opt = next(a))) {
		if (strcmp(opt, "range") == 0)
			r = arg_u32(c, a, "range", &min) ?: arg_u32(c, a, "range", &max);
		else if (strcmp(opt, "reqid") == 0)
			r = arg_u32(c, a, "reqid", &reqid);
		else
			r = bad(c, "getspi: unknown option '%s'", opt);
		if (r)
			return r;
	}
	r = rk_getspi(c->k, proto, &src, &dst, min, max, reqid, &spi);
	if (r == 0)
		printf("spi 0x%08x\n", spi);
	return r;
}

static int sa_ident(struct ctl *c, struct args *a, struct rk_sa_id *id)
{
	int r;

	memset(id, 0, sizeof(*id));
	if ((r = arg_ipsec_proto(c, a, &id->proto)) || (r = arg_u32(c, a, "spi", &id->spi)) ||
	    (r = arg_addr(c, a, "src", &id->src)) || (r = arg_addr(c, a, "dst", &id->dst)))
		return r;
	return 0;
}

static int sa_option(struct ctl *c, struct args *a, const char *opt, struct rk_sa *sa)
{
	int r = lifetime_opt(c, a, opt, &sa->lifetime);

	if (r <= 0)
		return r;
	if (strcmp(opt, "mode") == 0)
		return arg_mode(c, a, &sa->mode);
	if (strcmp(opt, "reqid") == 0)
		return arg_u32(c, a, "reqid", &sa->reqid);
	if (strcmp(opt, "enc") == 0 || strcmp(opt, "aead") == 0) {
		r = arg_enc(c, a, &sa->enc);
		if (r == 0 && strcmp(opt, "aead") == 0 && !rk_enc_is_aead(sa->enc))
			return bad(c, "aead: %s is not an AEAD", rk_enc_name(sa->enc));
		return r ?: arg_hexkey(c, a, sa->enc_key, &sa->enc_keylen);
	}
	if (strcmp(opt, "auth") == 0)
		return arg_auth(c, a, &sa->auth)
			       ?: arg_hexkey(c, a, sa->auth_key, &sa->auth_keylen);
	if (strcmp(opt, "comp") == 0)
		return arg_comp(c, a, &sa->comp);
	if (strcmp(opt, "replay") == 0)
		return arg_u32(c, a, "replay", &sa->replay_window);
	if (strcmp(opt, "esn") == 0) {
		sa->esn = true;
		return 0;
	}
	if (strcmp(opt, "encap") == 0) {
		sa->encap.enabled = true;
		r = arg_u16(c, a, "encap sport", &sa->encap.sport)
			    ?: arg_u16(c, a, "encap dport", &sa->encap.dport);
		if (r == 0 && a->i < a->n && strcmp(a->v[a->i], "oa") == 0) {
			a->i++;
			r = arg_addr(c, a, "oa", &sa->encap.oa);
		}
		return r;
	}
	if (strcmp(opt, "sel") == 0) {
		r = arg_addr(c, a, "sel src", &sa->sel.src)
			    ?: arg_addr(c, a, "sel dst", &sa->sel.dst);
		if (r == 0 && a->i < a->n && strcmp(a->v[a->i], "proto") == 0) {
			a->i++;
			r = arg_ul_proto(c, a, &sa->sel.proto);
		}
		return r;
	}
	return bad(c, "sa: unknown option '%s'", opt);
}

static int sa_dump_cb(const struct rk_sa_info *i, void *arg)
{
	print_sa(i);
	return 0;
}

static int cmd_sa(struct ctl *c, struct args *a)
{
	const char *sub = next(a), *opt;
	struct rk_sa_id id;
	struct rk_sa_info info;
	struct rk_sa sa;
	int r;

	if (!sub)
		return bad(c, "sa: expected add, update, del, get or dump");
	if (strcmp(sub, "dump") == 0)
		return rk_sa_dump(c->k, sa_dump_cb, NULL);
	if (strcmp(sub, "add") != 0 && strcmp(sub, "update") != 0 && strcmp(sub, "del") != 0 &&
	    strcmp(sub, "get") != 0)
		return bad(c, "sa: unknown subcommand '%s'", sub);
	if ((r = sa_ident(c, a, &id)))
		return r;
	if (strcmp(sub, "del") == 0)
		return rk_sa_del(c->k, &id);
	if (strcmp(sub, "get") == 0) {
		r = rk_sa_get(c->k, &id, &info);
		if (r == 0)
			print_sa(&info);
		return r;
	}
	memset(&sa, 0, sizeof(sa));
	sa.proto = id.proto;
	sa.spi = id.spi;
	sa.src = id.src;
	sa.dst = id.dst;
	while ((opt = next(a)))
		if ((r = sa_option(c, a, opt, &sa)))
			goto out;
	r = strcmp(sub, "add") == 0 ? rk_sa_add(c->k, &sa) : rk_sa_update(c->k, &sa);
out:
	rc_memzero(&sa, sizeof(sa));
	return r;
}

static int sel_option(struct ctl *c, struct args *a, const char *opt, struct rk_selector *sel,
		      bool *used)
{
	*used = true;
	if (strcmp(opt, "proto") == 0)
		return arg_ul_proto(c, a, &sel->proto);
	if (strcmp(opt, "sport") == 0)
		return arg_u16(c, a, "sport", &sel->src.port);
	if (strcmp(opt, "dport") == 0)
		return arg_u16(c, a, "dport", &sel->dst.port);
	if (strcmp(opt, "icmp") == 0) /* type in src.port, code in dst.port */
		return arg_u16(c, a, "icmp type", &sel->src.port)
			       ?: arg_u16(c, a, "icmp code", &sel->dst.port);
	*used = false;
	return 0;
}

static int tmpl_option(struct ctl *c, struct args *a, struct rk_policy *p)
{
	struct rk_tmpl *t;
	const char *opt;
	int r;

	if (p->ntmpl == RK_MAX_TMPL)
		return bad(c, "policy: at most %d templates", RK_MAX_TMPL);
	t = &p->tmpl[p->ntmpl++];
	if ((r = arg_ipsec_proto(c, a, &t->proto)) || (r = arg_mode(c, a, &t->mode)))
		return r;
	if (t->mode == RK_MODE_TUNNEL && ((r = arg_addr(c, a, "tunnel src", &t->src)) ||
					  (r = arg_addr(c, a, "tunnel dst", &t->dst))))
		return r;
	while (a->i < a->n) {
		opt = a->v[a->i];
		if (strcmp(opt, "reqid") == 0) {
			a->i++;
			r = arg_u32(c, a, "reqid", &t->reqid);
		} else if (strcmp(opt, "level") == 0) {
			const char *l;

			a->i++;
			l = next(a);
			if (l && strcmp(l, "require") == 0)
				t->level = RK_LEVEL_REQUIRE;
			else if (l && strcmp(l, "use") == 0)
				t->level = RK_LEVEL_USE;
			else if (l && strcmp(l, "unique") == 0)
				t->level = RK_LEVEL_UNIQUE;
			else
				r = bad(c, "level: expected require, use or unique");
		} else {
			break;
		}
		if (r)
			return r;
	}
	return 0;
}

static int policy_head(struct ctl *c, struct args *a, struct rk_selector *sel, enum rk_dir *dir)
{
	int r;

	memset(sel, 0, sizeof(*sel));
	if ((r = arg_addr(c, a, "selector src", &sel->src)) ||
	    (r = arg_addr(c, a, "selector dst", &sel->dst)))
		return r;
	return parse_dir(c, next(a), dir);
}

static int policy_dump_cb(const struct rk_policy *p, void *arg)
{
	print_policy(p);
	return 0;
}

static int cmd_policy_add(struct ctl *c, struct args *a, bool update)
{
	struct rk_policy p;
	const char *opt;
	bool used;
	int r;

	memset(&p, 0, sizeof(p));
	if ((r = policy_head(c, a, &p.sel, &p.dir)))
		return r;
	while ((opt = next(a))) {
		r = lifetime_opt(c, a, opt, &p.lifetime);
		if (r < 0)
			return r;
		if (r == 0)
			continue;
		if ((r = sel_option(c, a, opt, &p.sel, &used)) || used) {
			if (r)
				return r;
			continue;
		}
		if (strcmp(opt, "priority") == 0) {
			r = arg_u32(c, a, "priority", &p.priority);
		} else if (strcmp(opt, "action") == 0) {
			const char *s = next(a);

			if (s && strcmp(s, "ipsec") == 0)
				p.action = RK_ACT_IPSEC;
			else if (s && strcmp(s, "bypass") == 0)
				p.action = RK_ACT_BYPASS;
			else if (s && strcmp(s, "discard") == 0)
				p.action = RK_ACT_DISCARD;
			else
				r = bad(c, "action: expected ipsec, bypass or discard");
		} else if (strcmp(opt, "tmpl") == 0) {
			r = tmpl_option(c, a, &p);
		} else {
			r = bad(c, "policy: unknown option '%s'", opt);
		}
		if (r)
			return r;
	}
	r = rk_policy_add(c->k, &p, update);
	if (r == 0)
		printf("policy index %u\n", p.index);
	return r;
}

static int cmd_policy(struct ctl *c, struct args *a)
{
	const char *sub = next(a), *opt;
	struct rk_selector sel;
	enum rk_dir dir;
	uint32_t index = 0;
	bool used;
	int r;

	if (!sub)
		return bad(c, "policy: expected add, update, del, del-index or dump");
	if (strcmp(sub, "dump") == 0)
		return rk_policy_dump(c->k, policy_dump_cb, NULL);
	if (strcmp(sub, "add") == 0 || strcmp(sub, "update") == 0)
		return cmd_policy_add(c, a, strcmp(sub, "update") == 0);
	if (strcmp(sub, "del-index") == 0) {
		if ((r = arg_u32(c, a, "index", &index)) || (r = parse_dir(c, next(a), &dir)))
			return r;
		return rk_policy_del_index(c->k, index, dir);
	}
	if (strcmp(sub, "del") != 0)
		return bad(c, "policy: unknown subcommand '%s'", sub);
	if ((r = policy_head(c, a, &sel, &dir)))
		return r;
	while ((opt = next(a))) {
		if ((r = sel_option(c, a, opt, &sel, &used)))
			return r;
		if (!used)
			return bad(c, "policy del: unknown option '%s'", opt);
	}
	return rk_policy_del(c->k, &sel, dir);
}

static int cmd_migrate(struct ctl *c, struct args *a)
{
	struct rk_migrate m;
	const char *opt;
	bool used;
	int r;

	memset(&m, 0, sizeof(m));
	if ((r = policy_head(c, a, &m.sel, &m.dir)) || (r = arg_ipsec_proto(c, a, &m.proto)) ||
	    (r = arg_mode(c, a, &m.mode)) || (r = arg_u32(c, a, "reqid", &m.reqid)) ||
	    (r = arg_addr(c, a, "old src", &m.old_src)) ||
	    (r = arg_addr(c, a, "old dst", &m.old_dst)) ||
	    (r = arg_addr(c, a, "new src", &m.new_src)) ||
	    (r = arg_addr(c, a, "new dst", &m.new_dst)))
		return r;
	/* the selector's upper layer, as in `policy del` */
	while ((opt = next(a))) {
		if ((r = sel_option(c, a, opt, &m.sel, &used)))
			return r;
		if (!used)
			return bad(c, "migrate: unknown option '%s'", opt);
	}
	return rk_migrate(c->k, &m);
}

static bool event_matches(const struct rk_event *ev, const char *what)
{
	return strcmp(what, "any") == 0 || strcmp(what, event_name(ev)) == 0;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Take the first matching event received so far, else wait for one. */
static int cmd_wait(struct ctl *c, struct args *a)
{
	const char *what = next(a);
	uint64_t timeout = 5;
	long deadline;

	if (!what || (strcmp(what, "acquire") && strcmp(what, "soft-expire") &&
		      strcmp(what, "hard-expire") && strcmp(what, "policy-expire") &&
		      strcmp(what, "migrate") && strcmp(what, "any")))
		return bad(c, "wait: expected acquire, soft-expire, hard-expire, policy-expire, "
			      "migrate or any");
	if (a->i < a->n && arg_u64(c, a, "timeout", &timeout))
		return -EINVAL;
	deadline = now_ms() + (long)timeout * 1000;
	for (;;) {
		for (size_t i = 0; i < c->nevents; i++) {
			if (!event_matches(&c->events[i], what))
				continue;
			print_event(&c->events[i]);
			memmove(&c->events[i], &c->events[i + 1],
				(c->nevents - i - 1) * sizeof(c->events[0]));
			c->nevents--;
			return 0;
		}
		long left = deadline - now_ms();

		if (left <= 0)
			break;
		int r = rk_poll_events(c->k, (int)left);

		if (r < 0)
			return r;
	}
	snprintf(c->err, sizeof(c->err), "no %s event within %" PRIu64 " s", what, timeout);
	return -ETIMEDOUT;
}

/* The kernel checks inbound policies on the UDP datagram before it hands
 * it to the ESP-in-UDP decapsulation, so a policy covering the peers'
 * UDP traffic would drop the encapsulated ESP: like an IKE daemon's
 * sockets, this one bypasses IPsec in both directions. */
static int socket_bypass(int fd, int family)
{
#ifdef __linux__
	struct xfrm_userpolicy_info pol;
	int level = family == AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IP;
	int opt = family == AF_INET6 ? IPV6_XFRM_POLICY : IP_XFRM_POLICY;

	for (int dir = XFRM_POLICY_IN; dir <= XFRM_POLICY_OUT; dir++) {
		memset(&pol, 0, sizeof(pol));
		pol.sel.family = (uint16_t)family;
		pol.dir = (uint8_t)dir;
		pol.action = XFRM_POLICY_ALLOW;
		pol.lft.soft_byte_limit = pol.lft.hard_byte_limit = XFRM_INF;
		pol.lft.soft_packet_limit = pol.lft.hard_packet_limit = XFRM_INF;
		if (setsockopt(fd, level, opt, &pol, sizeof(pol)) < 0)
			return -1;
	}
#endif
	return 0;
}

static int cmd_natt(struct ctl *c, struct args *a)
{
	uint16_t port;
	uint64_t fam = 4;
	int fd, on = 1, type = UDP_ENCAP_ESPINUDP;
	struct sockaddr_storage ss;
	socklen_t len;

	if (arg_u16(c, a, "port", &port))
		return -EINVAL;
	if (a->i < a->n && (arg_u64(c, a, "family", &fam) || (fam != 4 && fam != 6)))
		return bad(c, "natt-socket: family is 4 or 6");
	if (c->nsockets == MAX_SOCKETS)
		return bad(c, "natt-socket: at most %d sockets", MAX_SOCKETS);
	memset(&ss, 0, sizeof(ss));
	if (fam == 6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		len = sizeof(*s4);
	}
	fd = socket(fam == 6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		int e = errno;

		bad(c, "natt-socket: %s", strerror(e));
		return -e;
	}
	if (fam == 6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 ||
	    setsockopt(fd, IPPROTO_UDP, UDP_ENCAP, &type, sizeof(type)) < 0) {
		int e = errno;

		close(fd);
		bad(c, "natt-socket %u: %s", port, strerror(e));
		return -e;
	}
	if (socket_bypass(fd, fam == 6 ? AF_INET6 : AF_INET) < 0) {
		int e = errno;

		close(fd);
		bad(c, "natt-socket %u: cannot exempt it from IPsec policies: %s", port,
		    strerror(e));
		return -e;
	}
	c->sockets[c->nsockets++] = fd;
	printf("natt-socket %u\n", port);
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double secs(double d)
{
	return d > 1e-6 ? d : 1e-6;
}

static int cmd_bench_sas(struct ctl *c, struct args *a)
{
	uint64_t n;
	struct rk_sa sa;
	struct rk_sa_id id;
	double t0, t1, t2;
	char err[128];
	int r = 0;

	if (arg_u64(c, a, "count", &n) || n == 0 || n > 10000000)
		return bad(c, "bench-sas: count 1..10000000");
	memset(&sa, 0, sizeof(sa));
	sa.proto = RK_PROTO_ESP;
	rc_addr_parse("192.0.2.1", &sa.src, err, sizeof(err));
	rc_addr_parse("192.0.2.2", &sa.dst, err, sizeof(err));
	sa.enc = RK_ENC_AES_CBC;
	sa.enc_keylen = 16;
	sa.auth = RK_AUTH_HMAC_SHA1_96;
	sa.auth_keylen = 20;
	memset(sa.enc_key, 0x5a, 16);
	memset(sa.auth_key, 0xa5, 20);
	t0 = now_s();
	for (uint64_t i = 0; i < n && r == 0; i++) {
		sa.spi = (uint32_t)(0x100000 + i);
		r = rk_sa_add(c->k, &sa);
	}
	t1 = now_s();
	id.proto = sa.proto;
	id.src = sa.src;
	id.dst = sa.dst;
	for (uint64_t i = 0; i < n && r == 0; i++) {
		id.spi = (uint32_t)(0x100000 + i);
		r = rk_sa_del(c->k, &id);
	}
	t2 = now_s();
	if (r == 0)
		printf("bench-sas %" PRIu64 " add %.0f/s del %.0f/s\n", n, n / secs(t1 - t0),
		       n / secs(t2 - t1));
	return r;
}

static int cmd_bench_policies(struct ctl *c, struct args *a)
{
	uint64_t n;
	struct rk_policy p;
	double t0, t1, t2;
	char err[128];
	int r = 0;

	if (arg_u64(c, a, "count", &n) || n == 0 || n > 60000ull * 256)
		return bad(c, "bench-policies: count 1..15360000");
	memset(&p, 0, sizeof(p));
	rc_addr_parse("192.0.2.1", &p.sel.src, err, sizeof(err));
	rc_addr_parse("198.51.100.0", &p.sel.dst, err, sizeof(err));
	p.sel.proto = 17;
	p.dir = RK_DIR_OUT;
	p.action = RK_ACT_IPSEC;
	p.ntmpl = 1;
	p.tmpl[0].proto = RK_PROTO_ESP;
	p.tmpl[0].mode = RK_MODE_TRANSPORT;
	t0 = now_s();
	/* distinct selectors inside the documentation ranges: vary the
	 * destination host and the source port */
	for (uint64_t i = 0; i < n && r == 0; i++) {
		p.sel.dst.u.bytes[3] = (uint8_t)(i / 60000);
		p.sel.src.port = (uint16_t)(1 + i % 60000);
		r = rk_policy_add(c->k, &p, false);
	}
	t1 = now_s();
	for (uint64_t i = 0; i < n && r == 0; i++) {
		p.sel.dst.u.bytes[3] = (uint8_t)(i / 60000);
		p.sel.src.port = (uint16_t)(1 + i % 60000);
		r = rk_policy_del(c->k, &p.sel, p.dir);
	}
	t2 = now_s();
	if (r == 0)
		printf("bench-policies %" PRIu64 " add %.0f/s del %.0f/s\n", n, n / secs(t1 - t0),
		       n / secs(t2 - t1));
	return r;
}

static int cmd_inject(struct ctl *c, struct args *a)
{
	struct rk_acquire acq;

	memset(&acq, 0, sizeof(acq));
	if (arg_u32(c, a, "index", &acq.policy_index))
		return -EINVAL;
	return rk_memory_inject_acquire(c->k, &acq);
}

static int cmd_sleep(struct ctl *c, struct args *a)
{
	const char *s = next(a);
	char *end;
	double d = s ? strtod(s, &end) : -1;
	struct timespec ts;

	if (!s || *end || d < 0 || d > 3600)
		return bad(c, "sleep: expected seconds (0..3600)");
	ts.tv_sec = (time_t)d;
	ts.tv_nsec = (long)((d - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	return 0;
}

static int run(struct ctl *c, struct args *a);

/* expect-fail ERRNO|any COMMAND... */
static int cmd_expect_fail(struct ctl *c, struct args *a)
{
	const char *want = next(a);
	int werr = 0, r;

	if (!want || (strcmp(want, "any") && !(werr = errnum(want))))
		return bad(c, "expect-fail: expected an errno name (ENOENT, EEXIST, ...) or any");
	r = run(c, a);
	if (r == 0)
		return bad(c, "expected %s, but the command succeeded", want), -EPROTO;
	if (strcmp(want, "any") && -r != werr) {
		char text[sizeof(c->err)];

		snprintf(text, sizeof(text), "%s", c->err[0] ? c->err : rk_error(c->k));
		return bad(c, "expected %s, got %s: %s", want, errname(r), text), -EPROTO;
	}
	printf("expected failure %s: %s\n", errname(r), c->err[0] ? c->err : rk_error(c->k));
	c->err[0] = '\0';
	return 0;
}

static int run(struct ctl *c, struct args *a)
{
	const char *cmd = next(a);

	c->err[0] = '\0';
	if (!cmd)
		return bad(c, "no command");
	if (strcmp(cmd, "caps") == 0)
		return cmd_caps(c, a);
	if (strcmp(cmd, "getspi") == 0)
		return cmd_getspi(c, a);
	if (strcmp(cmd, "sa") == 0)
		return cmd_sa(c, a);
	if (strcmp(cmd, "policy") == 0)
		return cmd_policy(c, a);
	if (strcmp(cmd, "migrate") == 0)
		return cmd_migrate(c, a);
	if (strcmp(cmd, "flush") == 0)
		return rk_flush(c->k);
	if (strcmp(cmd, "wait") == 0)
		return cmd_wait(c, a);
	if (strcmp(cmd, "natt-socket") == 0)
		return cmd_natt(c, a);
	if (strcmp(cmd, "sleep") == 0)
		return cmd_sleep(c, a);
	if (strcmp(cmd, "bench-sas") == 0)
		return cmd_bench_sas(c, a);
	if (strcmp(cmd, "bench-policies") == 0)
		return cmd_bench_policies(c, a);
	if (strcmp(cmd, "inject-acquire") == 0)
		return cmd_inject(c, a);
	if (strcmp(cmd, "expect-fail") == 0)
		return cmd_expect_fail(c, a);
	if (strcmp(cmd, "echo") == 0 || strcmp(cmd, "sync") == 0) {
		printf("%s", strcmp(cmd, "sync") == 0 ? "sync" : "");
		for (int first = strcmp(cmd, "echo") == 0; a->i < a->n; first = 0)
			printf("%s%s", first ? "" : " ", a->v[a->i++]);
		printf("\n");
		return 0;
	}
	return bad(c, "unknown command '%s' (rkctl -h lists them)", cmd);
}

/* Runs one command with its arguments all used up. */
static int run_checked(struct ctl *c, struct args *a)
{
	int r = run(c, a);

	if (r == 0 && a->i < a->n)
		r = bad(c, "unexpected '%s'", a->v[a->i]);
	return r;
}

static const char *failure_text(struct ctl *c)
{
	return c->err[0] ? c->err : rk_error(c->k);
}

static int split(char *line, char **v)
{
	int n = 0;

	for (char *tok = strtok(line, " \t\r\n"); tok; tok = strtok(NULL, " \t\r\n")) {
		if (tok[0] == '#')
			break;
		if (n == MAX_ARGS)
			return -1;
		v[n++] = tok;
	}
	return n;
}

static int run_script(struct ctl *c, const char *path, bool keep_going, bool status)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	char line[4096], *v[MAX_ARGS];
	unsigned lineno = 0;
	int failed = 0;

	if (!f) {
		fprintf(stderr, "rkctl: %s: %s\n", path, strerror(errno));
		return 2;
	}
	while (fgets(line, sizeof(line), f)) {
		struct args a = {.v = v};
		int r;

		lineno++;
		a.n = split(line, v);
		if (a.n == 0)
			continue;
		if (a.n < 0)
			r = bad(c, "more than %d words", MAX_ARGS);
		else
			r = run_checked(c, &a);
		if (r < 0) {
			fprintf(stderr, "rkctl: %s:%u: %s\n", path, lineno, failure_text(c));
			failed = 1;
		}
		if (status) {
			if (r < 0)
				printf(". fail %s %s\n", errname(r), failure_text(c));
			else
				printf(". ok\n");
		}
		fflush(stdout);
		if (r < 0 && !keep_going)
			break;
	}
	if (f != stdin)
		fclose(f);
	return failed;
}

int main(int argc, char **argv)
{
	const char *backend = NULL, *script = NULL;
	bool keep_going = false, status = false;
	struct ctl c;
	char err[512];
	int opt, rc;

	while ((opt = getopt(argc, argv, "+K:f:ksh")) != -1) {
		switch (opt) {
		case 'K':
			backend = optarg;
			break;
		case 'f':
			script = optarg;
			break;
		case 'k':
			keep_going = true;
			break;
		case 's':
			status = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!script && optind >= argc) {
		usage(stderr);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(&c, 0, sizeof(c));
	c.k = rk_open(backend, NULL, on_event, &c, err, sizeof(err));
	if (!c.k) {
		fprintf(stderr, "rkctl: %s\n", err);
		return 1;
	}
	if (script) {
		rc = run_script(&c, script, keep_going, status);
	} else {
		struct args a = {.v = argv + optind, .n = argc - optind};

		rc = run_checked(&c, &a) < 0;
		if (rc)
			fprintf(stderr, "rkctl: %s\n", failure_text(&c));
	}
	if (c.dropped)
		fprintf(stderr, "rkctl: %lu events dropped (queue full)\n", c.dropped);
	for (size_t i = 0; i < c.nsockets; i++)
		close(c.sockets[i]);
	rk_close(c.k);
	return rc;
}
