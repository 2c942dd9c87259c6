/* spmd's DNS proxy (see dnsproxy.h). */
#include "dnsproxy.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include <event2/util.h>

#include "dns_msg.h"
#include "event.h"
#include "log.h"
#include "rcf_model.h"
#include "resolver.h"
#include "util.h"

#define DNS_PORT 53
#define DNS_UDP_MAX 65535
#define SWEEP_MS 250
#define LEARN_MAX 64
/* Relayed queries leave from one of this many sockets per family, each on
 * its own kernel-chosen port, picked at random per query: a forged answer
 * must guess the port as well as the 16-bit ID (RFC 5452). */
#define UPSTREAM_SOCKS 8

struct listener {
	struct dnsproxy *p;
	int fd;
	struct rc_event *ev;
	struct rc_addr addr;
};

struct upstream;

struct pending {
	bool used;
	struct upstream *via; /* the socket it left from */
	uint16_t up_id, client_id;
	struct sockaddr_storage client;
	socklen_t clen;
	size_t lst;	   /* listener the query came in on */
	struct rc_addr ns; /* where it went */
	uint64_t deadline; /* monotonic ms */
	struct dns_question q;
};

struct upstream {
	struct dnsproxy *p;
	int fd;
	struct rc_event *ev;
};

struct dnsproxy {
	struct resolver *r;
	struct listener *l;
	size_t nl;
	struct upstream up[2][UPSTREAM_SOCKS]; /* IPv4, IPv6 */
	struct pending *pend;
	size_t npending;
	struct rc_event *sweep;
	uint8_t buf[DNS_UDP_MAX];
	struct dns_msg msg;
};

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void garbage(struct dnsproxy *p, const char *from, const char *why)
{
	resolver_stats_mut(p->r)->dns_garbage++;
	rc_log_ratelimited("dnsproxy-garbage", RC_LOG_PROTO_WARN,
			   "dnsproxy: dropped a bad DNS message from %s: %s", from, why);
}

static const char *sa_text(const struct sockaddr_storage *ss, socklen_t len, char *buf,
			   size_t buflen)
{
	struct rc_addr a;
	if (rc_addr_from_sockaddr((const struct sockaddr *)ss, len, &a) < 0)
		return "?";
	return rc_addr_ntop(&a, buf, buflen);
}

/* ---- pending table ---- */

static struct pending *pend_find_up(struct dnsproxy *p, uint16_t id)
{
	for (size_t i = 0; i < DNSPROXY_MAX_PENDING; i++)
		if (p->pend[i].used && p->pend[i].up_id == id)
			return &p->pend[i];
	return NULL;
}

static bool pend_is_dup(struct dnsproxy *p, const struct sockaddr_storage *ss, socklen_t len,
			uint16_t id)
{
	for (size_t i = 0; i < DNSPROXY_MAX_PENDING; i++) {
		struct pending *q = &p->pend[i];
		if (q->used && q->client_id == id && q->clen == len &&
		    memcmp(&q->client, ss, len) == 0)
			return true;
	}
	return false;
}

static struct pending *pend_alloc(struct dnsproxy *p)
{
	if (p->npending == DNSPROXY_MAX_PENDING)
		return NULL;
	for (size_t i = 0; i < DNSPROXY_MAX_PENDING; i++) {
		if (!p->pend[i].used) {
			memset(&p->pend[i], 0, sizeof(p->pend[i]));
			p->pend[i].used = true;
			p->npending++;
			return &p->pend[i];
		}
	}
	return NULL;
}

static void pend_free(struct dnsproxy *p, struct pending *q)
{
	q->used = false;
	p->npending--;
}

/* A random ID no pending query uses: the upstream sees unpredictable IDs
 * whatever the clients send. */
static uint16_t fresh_id(struct dnsproxy *p)
{
	uint16_t id;
	do
		evutil_secure_rng_get_bytes(&id, sizeof(id));
	while (pend_find_up(p, id));
	return id;
}

static void sweep_cb(void *arg)
{
	struct dnsproxy *p = arg;
	uint64_t now = now_ms();

	for (size_t i = 0; i < DNSPROXY_MAX_PENDING; i++) {
		if (p->pend[i].used && p->pend[i].deadline <= now) {
			pend_free(p, &p->pend[i]);
			resolver_stats_mut(p->r)->dns_expired_query++;
		}
	}
}

/* ---- upstream side ---- */

static void learn(struct dnsproxy *p, const struct dns_msg *m)
{
	struct rc_addr addrs[LEARN_MAX];

	/* a truncated answer may miss addresses: the client retries over TCP,
	 * which the proxy does not carry, and our own query will see them */
	if (DNS_RCODE(m->flags) != 0 || (m->flags & DNS_FLAG_TC) || m->nq != 1 ||
	    m->q[0].qclass != DNS_CLASS_IN)
		return;
	int family = m->q[0].qtype == DNS_TYPE_A      ? AF_INET
		     : m->q[0].qtype == DNS_TYPE_AAAA ? AF_INET6
						      : AF_UNSPEC;
	if (family == AF_UNSPEC || !resolver_fqdn_is_registered(p->r, m->q[0].name))
		return;
	uint32_t ttl;
	size_t n = dns_answer_addrs(m, m->q[0].name, family, addrs, LEARN_MAX, &ttl);
	/* only positive answers: an empty one may be a stale or partial
	 * view, and the resolver's own queries decide that a name is gone */
	if (n > 0)
		resolver_learn(p->r, m->q[0].name, family, addrs, n, ttl);
}

static void upstream_cb(int fd, void *arg)
{
	struct upstream *u = arg;
	struct dnsproxy *p = u->p;
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	char fbuf[RC_ADDR_STRLEN];
	struct rc_addr src;
	ssize_t n = recvfrom(fd, p->buf, sizeof(p->buf), 0, (struct sockaddr *)&from, &flen);

	if (n < 0)
		return;
	resolver_stats_mut(p->r)->dns_response++;
	sa_text(&from, flen, fbuf, sizeof(fbuf));
	enum dns_err e = dns_parse(p->buf, (size_t)n, &p->msg);
	if (e != DNS_OK) {
		garbage(p, fbuf, dns_strerror(e));
		return;
	}
	struct pending *q = pend_find_up(p, p->msg.id);
	if (!q || q->via != u || rc_addr_from_sockaddr((struct sockaddr *)&from, flen, &src) < 0 ||
	    !rc_addr_equal(&src, &q->ns) || src.port != q->ns.port) {
		garbage(p, fbuf, "answer to no query of ours");
		return;
	}
	if (!(p->msg.flags & DNS_FLAG_QR) || p->msg.nq != 1 ||
	    strcmp(p->msg.q[0].name, q->q.name) != 0 || p->msg.q[0].qtype != q->q.qtype) {
		garbage(p, fbuf, "answer does not match the question");
		return;
	}
	learn(p, &p->msg);
	p->buf[0] = (uint8_t)(q->client_id >> 8);
	p->buf[1] = (uint8_t)q->client_id;
	if (sendto(p->l[q->lst].fd, p->buf, (size_t)n, 0, (struct sockaddr *)&q->client, q->clen) ==
	    n)
		resolver_stats_mut(p->r)->dns_response_proxy++;
	pend_free(p, q);
}

static struct upstream *upstream_pick(struct dnsproxy *p, int family)
{
	uint8_t i;
	struct upstream *u;

	evutil_secure_rng_get_bytes(&i, sizeof(i));
	u = &p->up[family == AF_INET ? 0 : 1][i % UPSTREAM_SOCKS];
	if (u->fd >= 0)
		return u;
	u->fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (u->fd < 0)
		return NULL;
	u->p = p;
	u->ev = rc_event_readable(resolver_event_base(p->r), u->fd, upstream_cb, u);
	return u;
}

/* ---- client side ---- */

static void relay(struct dnsproxy *p, struct listener *l, const struct sockaddr_storage *from,
		  socklen_t flen, size_t n)
{
	const struct rc_addr *ns = resolver_ns_live(p->r);
	struct resolver_stats *st = resolver_stats_mut(p->r);
	struct sockaddr_storage to;
	socklen_t tlen;
	struct pending *q;
	struct upstream *u;

	if (pend_is_dup(p, from, flen, p->msg.id)) {
		st->dns_dup_query++;
		return;
	}
	if (!ns || !(u = upstream_pick(p, ns->family)))
		return;
	q = pend_alloc(p);
	if (!q) {
		rc_log_ratelimited("dnsproxy-full", RC_LOG_INTERNAL_WARN,
				   "dnsproxy: %d queries pending, dropping new ones",
				   DNSPROXY_MAX_PENDING);
		return;
	}
	q->client_id = p->msg.id;
	q->up_id = fresh_id(p);
	memcpy(&q->client, from, flen);
	q->clen = flen;
	q->lst = (size_t)(l - p->l);
	q->ns = *ns;
	q->via = u;
	q->q = p->msg.q[0];
	q->deadline = now_ms() + resolver_opts(p->r)->dns_timeout_ms;
	p->buf[0] = (uint8_t)(q->up_id >> 8);
	p->buf[1] = (uint8_t)q->up_id;
	rc_addr_to_sockaddr(ns, &to, &tlen);
	if (sendto(u->fd, p->buf, n, 0, (struct sockaddr *)&to, tlen) != (ssize_t)n) {
		rc_log_ratelimited("dnsproxy-send", RC_LOG_INTERNAL_WARN,
				   "dnsproxy: cannot relay a query: %s", strerror(errno));
		pend_free(p, q);
		return;
	}
	st->dns_query_proxy++;
}

static void listener_cb(int fd, void *arg)
{
	struct listener *l = arg;
	struct dnsproxy *p = l->p;
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	char fbuf[RC_ADDR_STRLEN];
	ssize_t n = recvfrom(fd, p->buf, sizeof(p->buf), 0, (struct sockaddr *)&from, &flen);

	if (n < 0)
		return;
	resolver_stats_mut(p->r)->dns_query++;
	sa_text(&from, flen, fbuf, sizeof(fbuf));
	enum dns_err e = dns_parse(p->buf, (size_t)n, &p->msg);
	if (e != DNS_OK) {
		garbage(p, fbuf, dns_strerror(e));
		return;
	}
	if ((p->msg.flags & DNS_FLAG_QR) || p->msg.nq != 1) {
		garbage(p, fbuf, "not a query with one question");
		return;
	}
	relay(p, l, &from, flen, (size_t)n);
}

static int listen_on(struct dnsproxy *p, const struct rc_addr *a, char *err, size_t errlen)
{
	struct listener *l = &p->l[p->nl];
	struct sockaddr_storage ss;
	socklen_t len;
	char buf[RC_ADDR_STRLEN];
	int one = 1;

	l->p = p;
	l->addr = *a;
	if (l->addr.port == 0)
		l->addr.port = DNS_PORT;
	l->fd = socket(a->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (l->fd < 0)
		return rc_set_err(err, errlen, "dns_query %s: %s",
				  rc_addr_ntop(a, buf, sizeof(buf)), strerror(errno));
	setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (a->family == AF_INET6)
		setsockopt(l->fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	rc_addr_to_sockaddr(&l->addr, &ss, &len);
	if (bind(l->fd, (struct sockaddr *)&ss, len) < 0) {
		int e = errno;
		close(l->fd);
		return rc_set_err(err, errlen, "cannot listen for DNS queries on %s port %u: %s",
				  rc_addr_ntop(a, buf, sizeof(buf)), l->addr.port, strerror(e));
	}
	l->ev = rc_event_readable(resolver_event_base(p->r), l->fd, listener_cb, l);
	p->nl++;
	return 0;
}

struct dnsproxy *dnsproxy_new_addrs(struct resolver *r, const struct rc_addr *listen, size_t n,
				    char *err, size_t errlen)
{
	struct dnsproxy *p;

	if (!resolver_is_on(r)) {
		rc_set_err(err, errlen, "the DNS proxy needs `resolver on`");
		return NULL;
	}
	if (!resolver_nsswitch_dns(r)) {
		rc_set_err(err, errlen,
			   "the DNS proxy stays off: the hosts line of %s has no \"dns\"",
			   resolver_opts(r)->nsswitch_path);
		return NULL;
	}
	p = rc_xcalloc(1, sizeof(*p));
	p->r = r;
	for (int f = 0; f < 2; f++)
		for (int i = 0; i < UPSTREAM_SOCKS; i++)
			p->up[f][i].fd = -1;
	p->pend = rc_xcalloc(DNSPROXY_MAX_PENDING, sizeof(*p->pend));
	p->l = n ? rc_xcalloc(n, sizeof(*p->l)) : NULL;
	for (size_t i = 0; i < n; i++) {
		if (listen_on(p, &listen[i], err, errlen) < 0) {
			dnsproxy_free(p);
			return NULL;
		}
	}
	p->sweep = rc_event_periodic(resolver_event_base(r), SWEEP_MS, sweep_cb, p);
	return p;
}

struct dnsproxy *dnsproxy_new(struct resolver *r, const struct rcf_resolver *conf, char *err,
			      size_t errlen)
{
	size_t n = conf ? conf->dns_query.n : 0, k = 0;
	struct rc_addr *v = n ? rc_xcalloc(n, sizeof(*v)) : NULL;
	struct dnsproxy *p;

	for (size_t i = 0; i < n; i++) {
		const struct rcf_addrspec *s = &conf->dns_query.v[i];
		if (s->kind != RCF_ADDR_NUMERIC) {
			rc_log(RC_LOG_INTERNAL_ERR,
			       "dnsproxy: dns_query %s is not a numeric address; ignored",
			       s->text ? s->text : "?");
			continue;
		}
		v[k] = s->addr;
		if (s->port_set || s->port)
			v[k].port = s->port;
		k++;
	}
	p = dnsproxy_new_addrs(r, v, k, err, errlen);
	free(v);
	return p;
}

void dnsproxy_free(struct dnsproxy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nl; i++) {
		rc_event_free(p->l[i].ev);
		close(p->l[i].fd);
	}
	for (int f = 0; f < 2; f++) {
		for (int i = 0; i < UPSTREAM_SOCKS; i++) {
			rc_event_free(p->up[f][i].ev);
			if (p->up[f][i].fd >= 0)
				close(p->up[f][i].fd);
		}
	}
	rc_event_free(p->sweep);
	free(p->pend);
	free(p->l);
	free(p);
}

size_t dnsproxy_pending(const struct dnsproxy *p)
{
	return p->npending;
}
