/* The kernel IPsec interface (kernel.h): backend selection, argument
 * validation, error normalisation, ownership tracking for rk_flush() and
 * event delivery.  The backends (kernel_backend.h) only talk to the kernel. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "event.h"
#include "kernel.h"
#include "kernel_backend.h"
#include "rk_table.h"
#include "util.h"

/* An SA or policy added through this handle. */
struct own_sa {
	struct rk_tnode node;
	struct rk_sa_id id;
	uint32_t reqid;
};

struct own_pol {
	struct rk_tnode node;  /* by selector and direction */
	struct rk_tnode inode; /* by index and direction */
	struct rk_selector sel;
	enum rk_dir dir;
	uint32_t index;
};

struct rk {
	const struct rk_backend_ops *ops;
	void *priv;
	struct rk_caps caps;
	struct event_base *base;
	rk_event_fn fn;
	void *arg;
	struct rc_event *readable;
	int dispatched; /* events handed out by the current read */
	struct rk_table sas, pols, pol_index;
	char err[512];
};

/* The backends this platform builds (configure decides). */
static const struct rk_backend_ops *const backend_table[] = {
#ifdef RK_HAVE_XFRM
	&rk_xfrm_ops,
#endif
#ifdef RK_HAVE_PFKEY
	&rk_pfkey_ops,
#endif
	&rk_memory_ops,
};


/* --- helpers for backends --- */

void *rk_priv(struct rk *k)
{
	return k->priv;
}

void rk_set_priv(struct rk *k, void *priv)
{
	k->priv = priv;
}

struct rk_caps *rk_caps_mut(struct rk *k)
{
	return &k->caps;
}

struct event_base *rk_base(struct rk *k)
{
	return k->base;
}

int rk_fail(struct rk *k, int err, const char *fmt, ...)
{
	va_list ap;

	if (err < 0)
		err = -err;
	if (err == 0)
		err = EIO;
	va_start(ap, fmt);
	vsnprintf(k->err, sizeof(k->err), fmt, ap);
	va_end(ap);
	return -err;
}

const char *rk_error(const struct rk *k)
{
	return k->err[0] ? k->err : "no error";
}

const char *rk_backend_name(const struct rk *k)
{
	return k->ops->name;
}

const struct rk_caps *rk_caps(const struct rk *k)
{
	return &k->caps;
}

static void idx_key(struct rk_tkey *key, uint32_t index, enum rk_dir dir)
{
	uint8_t d = (uint8_t)dir;

	rk_tkey_init(key);
	rk_tkey_put(key, &d, 1);
	rk_tkey_put(key, &index, 4);
}

static struct own_sa *own_sa_find(struct rk *k, uint8_t proto, uint32_t spi,
				  const struct rc_addr *dst)
{
	struct rk_tkey key;

	rk_tkey_sa(&key, proto, spi, dst);
	return (struct own_sa *)rk_table_find(&k->sas, &key);
}

static void own_sa_add(struct rk *k, uint8_t proto, uint32_t spi, const struct rc_addr *src,
		       const struct rc_addr *dst, uint32_t reqid)
{
	struct own_sa *o = own_sa_find(k, proto, spi, dst);
	struct rk_tkey key;

	if (!o) {
		o = rc_xcalloc(1, sizeof(*o));
		rk_tkey_sa(&key, proto, spi, dst);
		rk_table_insert(&k->sas, &o->node, &key);
	}
	o->id.proto = proto;
	o->id.spi = spi;
	o->id.src = *src;
	o->id.dst = *dst;
	o->reqid = reqid;
}

static void own_sa_forget(struct rk *k, uint8_t proto, uint32_t spi, const struct rc_addr *dst)
{
	struct own_sa *o = own_sa_find(k, proto, spi, dst);

	if (o) {
		rk_table_remove(&k->sas, &o->node);
		free(o);
	}
}

static struct own_pol *own_pol_find(struct rk *k, const struct rk_selector *sel, enum rk_dir dir)
{
	struct rk_tkey key;

	rk_tkey_policy(&key, sel, dir);
	return (struct own_pol *)rk_table_find(&k->pols, &key);
}

static struct own_pol *own_pol_by_index(struct rk *k, uint32_t index, enum rk_dir dir)
{
	struct rk_tkey key;
	struct rk_tnode *n;

	idx_key(&key, index, dir);
	n = rk_table_find(&k->pol_index, &key);
	return n ? (struct own_pol *)((char *)n - offsetof(struct own_pol, inode)) : NULL;
}

static void own_pol_free(struct rk *k, struct own_pol *o)
{
	rk_table_remove(&k->pols, &o->node);
	rk_table_remove(&k->pol_index, &o->inode);
	free(o);
}

static void own_pol_add(struct rk *k, const struct rk_policy *p)
{
	struct own_pol *o = own_pol_find(k, &p->sel, p->dir);
	struct rk_tkey key;

	if (o) {
		/* an update may give the policy a new index */
		rk_table_remove(&k->pol_index, &o->inode);
	} else {
		o = rc_xcalloc(1, sizeof(*o));
		rk_tkey_policy(&key, &p->sel, p->dir);
		rk_table_insert(&k->pols, &o->node, &key);
	}
	o->sel = p->sel;
	o->dir = p->dir;
	o->index = p->index;
	if (!own_pol_by_index(k, p->index, p->dir)) {
		idx_key(&key, p->index, p->dir);
		rk_table_insert(&k->pol_index, &o->inode, &key);
	}
}

static void own_clear(struct rk *k)
{
	size_t pos = 0;
	struct rk_tnode *cur = NULL, *n;

	while ((n = rk_table_next(&k->sas, &pos, &cur)))
		free(n);
	pos = 0;
	cur = NULL;
	while ((n = rk_table_next(&k->pols, &pos, &cur)))
		free(n);
	rk_table_free(&k->sas);
	rk_table_free(&k->pols);
	rk_table_free(&k->pol_index);
}

/* --- events --- */

void rk_emit(struct rk *k, const struct rk_event *ev)
{
	struct own_pol *o;

	if (ev->type == RK_EV_EXPIRE && ev->u.expire.hard) {
		const struct rk_sa_id *id = &ev->u.expire.id;

		own_sa_forget(k, id->proto, id->spi, &id->dst);
	} else if (ev->type == RK_EV_POLICY_EXPIRE && ev->u.policy_expire.hard) {
		const struct rk_policy_expire *pe = &ev->u.policy_expire;

		o = own_pol_by_index(k, pe->index, pe->dir);
		if (!o && pe->sel.src.family != AF_UNSPEC)
			o = own_pol_find(k, &pe->sel, pe->dir);
		if (o)
			own_pol_free(k, o);
	}
	k->dispatched++;
	if (k->fn)
		k->fn(ev, k->arg);
}

static int read_events(struct rk *k)
{
	int r;

	k->dispatched = 0;
	k->err[0] = '\0';
	r = k->ops->read_events(k);
	if (r < 0)
		return r;
	return k->dispatched > r ? k->dispatched : r;
}

static void on_readable(int fd, void *arg)
{
	(void)read_events(arg);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int rk_poll_events(struct rk *k, int timeout_ms)
{
	long deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	int fd = k->ops->event_fd(k);

	for (;;) {
		long left = deadline - now_ms();
		int r;

		if (fd >= 0) {
			struct pollfd pfd = {.fd = fd, .events = POLLIN};

			r = poll(&pfd, 1, left > 0 ? (int)left : 0);
			if (r < 0 && errno != EINTR)
				return rk_fail(k, errno, "waiting for kernel events: %s",
					       strerror(errno));
			if (r <= 0) {
				if (left <= 0)
					return 0;
				continue;
			}
			return read_events(k);
		}
		/* No fd (memory backend): its timers run inside read_events. */
		r = read_events(k);
		if (r != 0 || left <= 0)
			return r;
		struct timespec ts = {0, (left < 10 ? left : 10) * 1000000L};

		nanosleep(&ts, NULL);
	}
}

/* --- open / close --- */

static const struct rk_backend_ops *find_backend(const char *name)
{
	for (size_t i = 0; i < RC_ARRAY_SIZE(backend_table); i++)
		if (strcmp(backend_table[i]->name, name) == 0)
			return backend_table[i];
	return NULL;
}

static void built_in_names(char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < RC_ARRAY_SIZE(backend_table); i++) {
		int n = snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
				 backend_table[i]->name);
		if (n < 0 || (size_t)n >= len - used)
			return;
		used += (size_t)n;
	}
}

struct rk *rk_open(const char *backend, struct event_base *base, rk_event_fn fn, void *arg,
		   char *err, size_t errlen)
{
	const struct rk_backend_ops *ops;
	struct rk *k;
	char names[128];
	int fd;

	if (!backend)
		backend = RC_DEFAULT_KERNEL;
	ops = find_backend(backend);
	if (!ops) {
		built_in_names(names, sizeof(names));
		snprintf(err, errlen, "unknown kernel interface '%s' (built in: %s)", backend,
			 names);
		return NULL;
	}
	k = rc_xcalloc(1, sizeof(*k));
	k->ops = ops;
	k->base = base;
	k->fn = fn;
	k->arg = arg;
	rk_table_init(&k->sas);
	rk_table_init(&k->pols);
	rk_table_init(&k->pol_index);
	if (ops->open(k) < 0) {
		snprintf(err, errlen, "%s",
			 k->err[0] ? k->err : "cannot open the kernel interface");
		free(k);
		return NULL;
	}
	fd = ops->event_fd(k);
	if (base && fd >= 0) {
		k->readable = rc_event_readable(base, fd, on_readable, k);
		if (!k->readable) {
			snprintf(err, errlen, "%s: cannot watch the kernel event socket",
				 ops->name);
			ops->close(k);
			free(k);
			return NULL;
		}
	}
	k->err[0] = '\0';
	return k;
}

void rk_close(struct rk *k)
{
	if (!k)
		return;
	rc_event_free(k->readable);
	k->ops->close(k);
	own_clear(k);
	free(k);
}

/* --- capabilities --- */

struct namelist {
	char text[400];
	size_t used;
};

static void namelist_add(struct namelist *l, const char *name)
{
	int n = snprintf(l->text + l->used, sizeof(l->text) - l->used, "%s%s", l->used ? " " : "",
			 name);

	if (n > 0 && (size_t)n < sizeof(l->text) - l->used)
		l->used += (size_t)n;
}

static void describe_line(const struct rk *k, void (*line)(const char *, void *), void *arg,
			  const char *family, const char *what)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "%s: %s%s%s unsupported", k->ops->name, family,
		 *family && *what ? ": " : "", what);
	line(buf, arg);
}

void rk_caps_describe(const struct rk *k, void (*line)(const char *text, void *arg), void *arg)
{
	const struct rk_caps *c = &k->caps;
	struct namelist l;

	if (!c->esp) {
		describe_line(k, line, arg, "ESP", "");
	} else {
		memset(&l, 0, sizeof(l));
		for (int e = RK_ENC_NULL; e < RK_ENC_COUNT; e++)
			if (!c->enc[e])
				namelist_add(&l, rk_enc_name(e));
		for (int a = RK_AUTH_HMAC_MD5_96; a < RK_AUTH_COUNT; a++)
			if (!c->auth[a])
				namelist_add(&l, rk_auth_name(a));
		if (l.used)
			describe_line(k, line, arg, "ESP", l.text);
	}
	if (!c->ah)
		describe_line(k, line, arg, "AH", "");
	if (!c->ipcomp) {
		describe_line(k, line, arg, "IPComp", "");
	} else {
		memset(&l, 0, sizeof(l));
		for (int m = RK_COMP_OUI; m < RK_COMP_COUNT; m++)
			if (!c->comp[m])
				namelist_add(&l, rk_comp_name(m));
		if (l.used)
			describe_line(k, line, arg, "IPComp", l.text);
	}
	if (!c->udp_encap)
		describe_line(k, line, arg, "UDP encapsulation (NAT traversal)", "");
	if (!c->esn)
		describe_line(k, line, arg, "extended sequence numbers", "");
	if (!c->migrate)
		describe_line(k, line, arg, "MIGRATE", "");
	if (!c->ipv6)
		describe_line(k, line, arg, "IPv6", "");
}

/* --- validation --- */

static bool proto_ok(uint8_t proto)
{
	return proto == RK_PROTO_ESP || proto == RK_PROTO_AH || proto == RK_PROTO_COMP;
}

static const char *proto_name(uint8_t proto)
{
	switch (proto) {
	case RK_PROTO_ESP:
		return "ESP";
	case RK_PROTO_AH:
		return "AH";
	case RK_PROTO_COMP:
		return "IPComp";
	default:
		return "?";
	}
}

static bool family_ok(sa_family_t f)
{
	return f == AF_INET || f == AF_INET6;
}

static int check_family(struct rk *k, sa_family_t f, const char *what)
{
	if (!family_ok(f))
		return rk_fail(k, EAFNOSUPPORT, "%s: %s is not an IPv4 or IPv6 address",
			       k->ops->name, what);
	if (f == AF_INET6 && !k->caps.ipv6)
		return rk_fail(k, EAFNOSUPPORT, "%s: IPv6 is not supported by this kernel",
			       k->ops->name);
	return 0;
}

static int check_pair(struct rk *k, const struct rc_addr *src, const struct rc_addr *dst,
		      const char *what)
{
	int r = check_family(k, dst->family, what);

	if (r < 0)
		return r;
	if (src->family != dst->family)
		return rk_fail(k, EINVAL, "%s: %s source and destination are not the same family",
			       k->ops->name, what);
	return 0;
}

/* Policies and SPI allocation name a protocol the kernel need not
 * implement (XFRM takes them without the ESP module: an ACQUIRE still
 * fires), so they check the number only. */
static int check_proto_number(struct rk *k, uint8_t proto)
{
	if (!proto_ok(proto))
		return rk_fail(k, EPROTONOSUPPORT,
			       "%s: IP protocol %u is not an IPsec protocol (ESP, AH, IPComp)",
			       k->ops->name, proto);
	return 0;
}

static int check_proto(struct rk *k, uint8_t proto)
{
	if (check_proto_number(k, proto) < 0)
		return -EPROTONOSUPPORT;
	if ((proto == RK_PROTO_ESP && !k->caps.esp) || (proto == RK_PROTO_AH && !k->caps.ah) ||
	    (proto == RK_PROTO_COMP && !k->caps.ipcomp))
		return rk_fail(k, EPROTONOSUPPORT, "%s: %s is not supported by this kernel",
			       k->ops->name, proto_name(proto));
	return 0;
}

static bool enc_keylen_ok(enum rk_enc e, size_t len)
{
	if (len == rk_enc_keylen(e, 0))
		return true;
	for (unsigned bits = 8; bits <= 512; bits += 8)
		if (rk_enc_keylen(e, bits) == len)
			return true;
	return false;
}

static int check_sa_algs(struct rk *k, const struct rk_sa *sa)
{
	const char *b = k->ops->name;

	if ((unsigned)sa->enc >= RK_ENC_COUNT || (unsigned)sa->auth >= RK_AUTH_COUNT ||
	    (unsigned)sa->comp >= RK_COMP_COUNT)
		return rk_fail(k, EINVAL, "%s: unknown algorithm number", b);
	switch (sa->proto) {
	case RK_PROTO_ESP:
		if (sa->enc == RK_ENC_NONE)
			return rk_fail(k, EINVAL,
				       "%s: an ESP SA needs an encryption algorithm "
				       "(null for none)",
				       b);
		if (rk_enc_is_aead(sa->enc) && sa->auth != RK_AUTH_NONE)
			return rk_fail(k, EINVAL,
				       "%s: %s is an AEAD: no separate integrity "
				       "algorithm",
				       b, rk_enc_name(sa->enc));
		if (sa->enc == RK_ENC_NULL && sa->auth == RK_AUTH_NONE)
			return rk_fail(k, EINVAL,
				       "%s: ESP with null encryption needs an "
				       "integrity algorithm",
				       b);
		if (sa->comp != RK_COMP_NONE)
			return rk_fail(k, EINVAL, "%s: an ESP SA has no compression", b);
		break;
	case RK_PROTO_AH:
		if (sa->enc != RK_ENC_NONE || sa->comp != RK_COMP_NONE || sa->auth == RK_AUTH_NONE)
			return rk_fail(k, EINVAL, "%s: an AH SA has an integrity algorithm only",
				       b);
		break;
	case RK_PROTO_COMP:
		if (sa->enc != RK_ENC_NONE || sa->auth != RK_AUTH_NONE || sa->comp == RK_COMP_NONE)
			return rk_fail(k, EINVAL,
				       "%s: an IPComp SA has a compression algorithm "
				       "only",
				       b);
		if (sa->spi > 0xffff)
			return rk_fail(k, EINVAL, "%s: IPComp CPI 0x%x is larger than 16 bits", b,
				       sa->spi);
		break;
	}
	if (!k->caps.enc[sa->enc] && sa->enc != RK_ENC_NONE)
		return rk_fail(k, EOPNOTSUPP, "%s: %s is not supported by this kernel", b,
			       rk_enc_name(sa->enc));
	if (!k->caps.auth[sa->auth] && sa->auth != RK_AUTH_NONE)
		return rk_fail(k, EOPNOTSUPP, "%s: %s is not supported by this kernel", b,
			       rk_auth_name(sa->auth));
	if (!k->caps.comp[sa->comp] && sa->comp != RK_COMP_NONE)
		return rk_fail(k, EOPNOTSUPP, "%s: %s is not supported by this kernel", b,
			       rk_comp_name(sa->comp));
	if (sa->enc_keylen > RK_MAX_KEY || !enc_keylen_ok(sa->enc, sa->enc_keylen))
		return rk_fail(k, EINVAL, "%s: a %zu-byte key does not fit %s", b, sa->enc_keylen,
			       rk_enc_name(sa->enc));
	if (sa->auth_keylen != rk_auth_keylen(sa->auth))
		return rk_fail(k, EINVAL, "%s: %s needs a %zu-byte key, not %zu bytes", b,
			       rk_auth_name(sa->auth), rk_auth_keylen(sa->auth), sa->auth_keylen);
	return 0;
}

static int check_selector(struct rk *k, const struct rk_selector *sel, bool optional)
{
	int r;

	if (optional && sel->src.family == AF_UNSPEC && sel->dst.family == AF_UNSPEC)
		return 0;
	r = check_pair(k, &sel->src, &sel->dst, "selector");
	if (r < 0)
		return r;
	if (sel->src.prefixlen > rc_addr_maxprefix(sel->src.family) ||
	    sel->dst.prefixlen > rc_addr_maxprefix(sel->dst.family))
		return rk_fail(k, EINVAL, "%s: selector prefix length too long", k->ops->name);
	if (sel->proto == 0 && (sel->src.port || sel->dst.port))
		return rk_fail(k, EINVAL, "%s: selector ports need an upper-layer protocol",
			       k->ops->name);
	return 0;
}

static int check_sa(struct rk *k, const struct rk_sa *sa)
{
	int r;

	if (!sa)
		return rk_fail(k, EINVAL, "%s: no SA given", k->ops->name);
	r = check_proto(k, sa->proto);
	if (r == 0)
		r = check_pair(k, &sa->src, &sa->dst, "SA");
	if (r == 0 && sa->mode != RK_MODE_TRANSPORT && sa->mode != RK_MODE_TUNNEL)
		r = rk_fail(k, EINVAL, "%s: unknown SA mode %d", k->ops->name, (int)sa->mode);
	if (r == 0)
		r = check_sa_algs(k, sa);
	if (r == 0)
		r = check_selector(k, &sa->sel, true);
	if (r == 0 && sa->esn && !k->caps.esn)
		r = rk_fail(k, EOPNOTSUPP, "%s: extended sequence numbers are not supported",
			    k->ops->name);
	if (r == 0 && sa->encap.enabled) {
		if (sa->proto != RK_PROTO_ESP)
			r = rk_fail(k, EINVAL, "%s: only ESP can be UDP-encapsulated",
				    k->ops->name);
		else if (!k->caps.udp_encap)
			r = rk_fail(k, EOPNOTSUPP, "%s: UDP encapsulation is not supported",
				    k->ops->name);
		else if (!sa->encap.sport || !sa->encap.dport)
			r = rk_fail(k, EINVAL, "%s: UDP encapsulation needs both ports",
				    k->ops->name);
	}
	return r;
}

static int check_id(struct rk *k, const struct rk_sa_id *id)
{
	int r;

	if (!id)
		return rk_fail(k, EINVAL, "%s: no SA given", k->ops->name);
	if (!proto_ok(id->proto))
		return check_proto(k, id->proto);
	r = check_family(k, id->dst.family, "SA destination");
	if (r == 0 && id->src.family != AF_UNSPEC && id->src.family != id->dst.family)
		r = rk_fail(k, EINVAL, "%s: SA source and destination are not the same family",
			    k->ops->name);
	return r;
}

static int check_dir(struct rk *k, enum rk_dir dir)
{
	if (dir != RK_DIR_IN && dir != RK_DIR_OUT && dir != RK_DIR_FWD)
		return rk_fail(k, EINVAL, "%s: unknown policy direction %d", k->ops->name,
			       (int)dir);
	return 0;
}

static int check_tmpl(struct rk *k, const struct rk_tmpl *t)
{
	int r = check_proto_number(k, t->proto);

	if (r < 0)
		return r;
	if (t->mode != RK_MODE_TRANSPORT && t->mode != RK_MODE_TUNNEL)
		return rk_fail(k, EINVAL, "%s: unknown template mode %d", k->ops->name,
			       (int)t->mode);
	if (t->level != RK_LEVEL_REQUIRE && t->level != RK_LEVEL_USE && t->level != RK_LEVEL_UNIQUE)
		return rk_fail(k, EINVAL, "%s: unknown template level %d", k->ops->name,
			       (int)t->level);
	if (t->mode == RK_MODE_TUNNEL)
		return check_pair(k, &t->src, &t->dst, "tunnel endpoint");
	if (t->src.family != t->dst.family)
		return rk_fail(k, EINVAL, "%s: template endpoints are not the same family",
			       k->ops->name);
	return 0;
}

static int check_policy(struct rk *k, const struct rk_policy *p)
{
	int r;

	if (!p)
		return rk_fail(k, EINVAL, "%s: no policy given", k->ops->name);
	r = check_selector(k, &p->sel, false);
	if (r == 0)
		r = check_dir(k, p->dir);
	if (r < 0)
		return r;
	switch (p->action) {
	case RK_ACT_IPSEC:
		if (p->ntmpl == 0)
			return rk_fail(k, EINVAL, "%s: an IPsec policy needs a template",
				       k->ops->name);
		break;
	case RK_ACT_BYPASS:
	case RK_ACT_DISCARD:
		if (p->ntmpl)
			return rk_fail(k, EINVAL, "%s: only an IPsec policy has templates",
				       k->ops->name);
		break;
	default:
		return rk_fail(k, EINVAL, "%s: unknown policy action %d", k->ops->name,
			       (int)p->action);
	}
	if (p->ntmpl > RK_MAX_TMPL)
		return rk_fail(k, EINVAL, "%s: %zu templates, at most %d", k->ops->name, p->ntmpl,
			       RK_MAX_TMPL);
	for (size_t i = 0; i < p->ntmpl; i++) {
		r = check_tmpl(k, &p->tmpl[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

/* --- dispatch --- */

/* A backend error with no text gets one; "not found" is -ENOENT whatever
 * the kernel said (PF_KEY answers ESRCH). */
static int normalise(struct rk *k, int r, const char *what)
{
	if (r >= 0)
		return r;
	if (r == -ESRCH)
		r = -ENOENT;
	if (!k->err[0])
		rk_fail(k, r, "%s: %s: %s", k->ops->name, what, strerror(-r));
	return r;
}

static void clear_err(struct rk *k)
{
	k->err[0] = '\0';
}

/* Both kernels leave a larval SA with SPI 0, which nobody can name or
 * delete, when a one-SPI request fails because the SPI is taken: ask
 * first. */
static bool spi_taken(struct rk *k, uint8_t proto, const struct rc_addr *src,
		      const struct rc_addr *dst, uint32_t spi)
{
	struct rk_sa_id id = {.proto = proto, .spi = spi, .src = *src, .dst = *dst};
	struct rk_sa_info *info = rc_xcalloc(1, sizeof(*info));
	bool taken = k->ops->sa_get(k, &id, info) == 0;

	rc_freezero(info, sizeof(*info));
	k->err[0] = '\0';
	return taken;
}

int rk_getspi(struct rk *k, uint8_t proto, const struct rc_addr *src, const struct rc_addr *dst,
	      uint32_t min, uint32_t max, uint32_t reqid, uint32_t *spi)
{
	int r;

	clear_err(k);
	if (!src || !dst || !spi)
		return rk_fail(k, EINVAL, "%s: getspi: missing argument", k->ops->name);
	r = check_proto_number(k, proto);
	if (r == 0)
		r = check_pair(k, src, dst, "SA");
	if (r < 0)
		return r;
	if (min > max)
		return rk_fail(k, EINVAL, "%s: SPI range 0x%x-0x%x is empty", k->ops->name, min,
			       max);
	if (proto == RK_PROTO_COMP && max > 0xffff)
		return rk_fail(k, EINVAL, "%s: an IPComp CPI has 16 bits", k->ops->name);
	if (min == max && min != 0 && spi_taken(k, proto, src, dst, min))
		return rk_fail(k, EEXIST, "%s: SPI 0x%x to %s is in use", k->ops->name, min,
			       rc_addr_ntop(dst, (char[RC_ADDR_STRLEN]){0}, RC_ADDR_STRLEN));
	r = normalise(k, k->ops->getspi(k, proto, src, dst, min, max, reqid, spi), "getspi");
	if (r == 0)
		own_sa_add(k, proto, *spi, src, dst, reqid);
	return r;
}

static int sa_add(struct rk *k, const struct rk_sa *sa, bool update)
{
	int r;

	clear_err(k);
	r = check_sa(k, sa);
	if (r < 0)
		return r;
	r = normalise(k, k->ops->sa_add(k, sa, update), update ? "update SA" : "add SA");
	if (r == 0)
		own_sa_add(k, sa->proto, sa->spi, &sa->src, &sa->dst, sa->reqid);
	return r;
}

int rk_sa_add(struct rk *k, const struct rk_sa *sa)
{
	return sa_add(k, sa, false);
}

int rk_sa_update(struct rk *k, const struct rk_sa *sa)
{
	return sa_add(k, sa, true);
}

int rk_sa_del(struct rk *k, const struct rk_sa_id *id)
{
	int r;

	clear_err(k);
	r = check_id(k, id);
	if (r < 0)
		return r;
	r = normalise(k, k->ops->sa_del(k, id), "delete SA");
	if (r == 0 || r == -ENOENT)
		own_sa_forget(k, id->proto, id->spi, &id->dst);
	return r;
}

int rk_sa_get(struct rk *k, const struct rk_sa_id *id, struct rk_sa_info *out)
{
	int r;

	clear_err(k);
	r = check_id(k, id);
	if (r < 0)
		return r;
	if (!out)
		return rk_fail(k, EINVAL, "%s: get SA: nowhere to put it", k->ops->name);
	memset(out, 0, sizeof(*out));
	r = normalise(k, k->ops->sa_get(k, id, out), "get SA");
	/* keys never leave the kernel through this call */
	rc_memzero(out->sa.enc_key, sizeof(out->sa.enc_key));
	rc_memzero(out->sa.auth_key, sizeof(out->sa.auth_key));
	return r;
}

int rk_sa_dump(struct rk *k, int (*cb)(const struct rk_sa_info *sa, void *arg), void *arg)
{
	clear_err(k);
	if (!cb)
		return rk_fail(k, EINVAL, "%s: dump SAs: no callback", k->ops->name);
	return normalise(k, k->ops->sa_dump(k, cb, arg), "dump SAs");
}

int rk_policy_add(struct rk *k, struct rk_policy *p, bool update)
{
	int r;

	clear_err(k);
	r = check_policy(k, p);
	if (r < 0)
		return r;
	r = normalise(k, k->ops->policy_add(k, p, update), update ? "update policy" : "add policy");
	if (r == 0)
		own_pol_add(k, p);
	return r;
}

int rk_policy_del(struct rk *k, const struct rk_selector *sel, enum rk_dir dir)
{
	struct own_pol *o;
	int r;

	clear_err(k);
	if (!sel)
		return rk_fail(k, EINVAL, "%s: delete policy: no selector", k->ops->name);
	r = check_selector(k, sel, false);
	if (r == 0)
		r = check_dir(k, dir);
	if (r < 0)
		return r;
	r = normalise(k, k->ops->policy_del(k, sel, dir), "delete policy");
	if ((r == 0 || r == -ENOENT) && (o = own_pol_find(k, sel, dir)))
		own_pol_free(k, o);
	return r;
}

int rk_policy_del_index(struct rk *k, uint32_t index, enum rk_dir dir)
{
	struct own_pol *o;
	int r;

	clear_err(k);
	r = check_dir(k, dir);
	if (r < 0)
		return r;
	r = normalise(k, k->ops->policy_del_index(k, index, dir), "delete policy");
	if ((r == 0 || r == -ENOENT) && (o = own_pol_by_index(k, index, dir)))
		own_pol_free(k, o);
	return r;
}

int rk_policy_dump(struct rk *k, int (*cb)(const struct rk_policy *p, void *arg), void *arg)
{
	clear_err(k);
	if (!cb)
		return rk_fail(k, EINVAL, "%s: dump policies: no callback", k->ops->name);
	return normalise(k, k->ops->policy_dump(k, cb, arg), "dump policies");
}

/* Owned SAs between the old endpoints now live at the new ones. */
static void own_migrate(struct rk *k, const struct rk_migrate *m)
{
	struct own_sa *moved = NULL, *o;
	struct rk_tnode *n, *cur = NULL;
	size_t pos = 0;

	while ((n = rk_table_next(&k->sas, &pos, &cur))) {
		o = (struct own_sa *)n;
		if (o->id.proto != m->proto || (m->reqid && o->reqid != m->reqid))
			continue;
		if (!rc_addr_equal(&o->id.src, &m->old_src) ||
		    !rc_addr_equal(&o->id.dst, &m->old_dst))
			continue;
		rk_table_remove(&k->sas, n);
		o->node.next = (struct rk_tnode *)moved;
		moved = o;
	}
	while ((o = moved)) {
		moved = (struct own_sa *)o->node.next;
		own_sa_add(k, o->id.proto, o->id.spi, &m->new_src, &m->new_dst, o->reqid);
		free(o);
	}
}

int rk_migrate(struct rk *k, const struct rk_migrate *m)
{
	int r;

	clear_err(k);
	if (!m)
		return rk_fail(k, EINVAL, "%s: migrate: nothing given", k->ops->name);
	if (!k->caps.migrate)
		return rk_fail(k, EOPNOTSUPP, "%s: MIGRATE is not supported", k->ops->name);
	r = check_selector(k, &m->sel, false);
	if (r == 0)
		r = check_dir(k, m->dir);
	if (r == 0)
		r = check_proto(k, m->proto);
	if (r == 0)
		r = check_pair(k, &m->old_src, &m->old_dst, "old endpoint");
	if (r == 0)
		r = check_pair(k, &m->new_src, &m->new_dst, "new endpoint");
	if (r < 0)
		return r;
	r = normalise(k, k->ops->migrate(k, m), "migrate");
	if (r == 0)
		own_migrate(k, m);
	return r;
}

/* Policies first, so no traffic triggers ACQUIREs for SAs about to go. */
int rk_flush(struct rk *k)
{
	struct rk_table pols = k->pols, sas = k->sas;
	struct rk_tnode *n, *cur = NULL;
	size_t pos = 0;
	int first = 0, r;
	char firsterr[sizeof(k->err)] = "";

	clear_err(k);
	rk_table_free(&k->pol_index);
	rk_table_init(&k->pols);
	rk_table_init(&k->sas);
	while ((n = rk_table_next(&pols, &pos, &cur))) {
		struct own_pol *o = (struct own_pol *)n;

		r = normalise(k, k->ops->policy_del(k, &o->sel, o->dir), "delete policy");
		if (r < 0 && r != -ENOENT && !first) {
			first = r;
			snprintf(firsterr, sizeof(firsterr), "%s", k->err);
		}
		clear_err(k);
		free(o);
	}
	pos = 0;
	cur = NULL;
	while ((n = rk_table_next(&sas, &pos, &cur))) {
		struct own_sa *o = (struct own_sa *)n;

		r = normalise(k, k->ops->sa_del(k, &o->id), "delete SA");
		if (r < 0 && r != -ENOENT && !first) {
			first = r;
			snprintf(firsterr, sizeof(firsterr), "%s", k->err);
		}
		clear_err(k);
		free(o);
	}
	rk_table_free(&pols);
	rk_table_free(&sas);
	if (first)
		snprintf(k->err, sizeof(k->err), "%s", firsterr);
	return first;
}
