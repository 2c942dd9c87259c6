/* The Linux XFRM netlink backend (see kernel_backend.h), on libmnl.
 *
 * Two sockets: requests go out on one and are answered there (each request
 * asks for an ACK so every exchange ends in a known message; dumps end in
 * NLMSG_DONE); the other is subscribed to the kernel's multicast groups and
 * only read by read_events.  Message layouts live in xfrm_msg.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/xfrm.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "kernel_backend.h"
#include "util.h"
#include "xfrm_msg.h"

/* A 10,000-entry dump arrives in parts of up to a page-sized skb each;
 * 64 KiB holds any part.  The event socket sees every SA and policy
 * change of the system (its groups cannot be narrowed to ACQUIRE alone
 * without losing EXPIRE and MIGRATE), so it gets a deep queue. */
#define RBUF_SIZE (64 * 1024)
#define REQ_SOCKBUF (1 << 20)
#define EV_SOCKBUF (8 << 20)
#define REPLY_TIMEOUT_SEC 10

struct xfrm {
	struct mnl_socket *req, *ev;
	uint32_t seq;
	size_t rmax; /* most bytes rbuf has held since it was last wiped */
	uint8_t rbuf[RBUF_SIZE] __attribute__((aligned(8)));
	uint8_t ebuf[RBUF_SIZE] __attribute__((aligned(8)));
	uint8_t msg[XM_MSG_MAX] __attribute__((aligned(8)));
};

static struct xfrm *X(struct rk *k)
{
	return rk_priv(k);
}

/* ---- one request, its replies ---- */

typedef int (*reply_fn)(struct rk *k, const struct nlmsghdr *m, size_t len, void *arg);

/* The kernel's errno in words a user reads: XFRM answers "not found" with
 * ESRCH ("No such process"), which would only confuse. */
static const char *errno_words(int error)
{
	switch (-error) {
	case ESRCH:
	case ENOENT:
		return "no such entry in the kernel";
	case EEXIST:
		return "already in the kernel";
	case EPROTONOSUPPORT:
		return "this kernel lacks the IPsec protocol (module not available)";
	case ENOSYS:
		return "this kernel lacks the algorithm";
	default:
		return strerror(-error);
	}
}

static int kernel_said(struct rk *k, const char *what, int error, const char *text)
{
	if (error == -ESRCH)
		error = -ENOENT;
	if (text[0])
		return rk_fail(k, -error, "xfrm: %s: %s (%s)", what, text, errno_words(error));
	return rk_fail(k, -error, "xfrm: %s: %s", what, errno_words(error));
}

/* Handles one message of the answer: 1 = the exchange is over (*result
 * set), 0 = read on. */
static int one_reply(struct rk *k, const struct nlmsghdr *m, size_t len, const char *what,
		     reply_fn fn, void *arg, int *result)
{
	const char *why = "";
	char text[256];
	int error, r;

	switch (m->nlmsg_type) {
	case NLMSG_ERROR:
		r = xm_parse_error(m, len, &error, text, sizeof(text), &why);
		if (r < 0)
			*result = rk_fail(k, EBADMSG, "xfrm: %s: malformed kernel answer: %s", what,
					  why);
		else if (error < 0)
			*result = kernel_said(k, what, error, text);
		return 1;
	case NLMSG_DONE:
		r = xm_parse_done(m, len, &error, &why);
		if (r < 0)
			*result = rk_fail(k, EBADMSG, "xfrm: %s: malformed kernel answer: %s", what,
					  why);
		else if (error < 0)
			*result = kernel_said(k, what, error, "");
		return 1;
	case NLMSG_NOOP:
		return 0;
	default:
		/* After a callback stopped or failed, the rest of a dump is
		 * still read so the socket is clean for the next request. */
		if (fn && *result == 0) {
			r = fn(k, m, len, arg);
			if (r != 0)
				*result = r;
		}
		return 0;
	}
}

static int talk(struct rk *k, const char *what, reply_fn fn, void *arg)
{
	struct xfrm *x = X(k);
	struct nlmsghdr *req = (struct nlmsghdr *)x->msg;
	uint32_t seq = ++x->seq;
	int result = 0;

	req->nlmsg_seq = seq;
	req->nlmsg_pid = 0;
	if (mnl_socket_sendto(x->req, req, req->nlmsg_len) < 0)
		return rk_fail(k, errno, "xfrm: %s: cannot send to the kernel: %s", what,
			       strerror(errno));
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(x->req, x->rbuf, sizeof(x->rbuf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return rk_fail(k, ETIMEDOUT, "xfrm: %s: no answer from the kernel in %d s",
				       what, REPLY_TIMEOUT_SEC);
		if (n < 0)
			return rk_fail(k, errno, "xfrm: %s: reading the kernel's answer: %s", what,
				       strerror(errno));
		if ((size_t)n > x->rmax)
			x->rmax = (size_t)n;
		struct xm_iter it;
		const struct nlmsghdr *m;
		size_t len;
		int r;
		xm_iter_init(&it, x->rbuf, (size_t)n);
		while ((r = xm_next(&it, &m, &len)) > 0) {
			/* answers to an earlier request that gave up */
			if (m->nlmsg_seq != seq)
				continue;
			if (one_reply(k, m, len, what, fn, arg, &result))
				return result > 0 ? 0 : result;
		}
		if (r < 0)
			return rk_fail(k, EBADMSG, "xfrm: %s: truncated kernel answer", what);
	}
}

static int build_failed(struct rk *k, const char *what, int r, const char *why)
{
	return rk_fail(k, -r, "xfrm: %s: %s", what, why ? why : strerror(-r));
}

/* SA replies carry keys: wiped once read. */
static void wipe_replies(struct xfrm *x)
{
	rc_memzero(x->rbuf, x->rmax);
	x->rmax = 0;
}

/* ---- SAs ---- */

struct sa_reply {
	struct rk_sa_info *out;
	bool got;
};

static int on_sa(struct rk *k, const struct nlmsghdr *m, size_t len, void *arg)
{
	struct sa_reply *s = arg;
	const char *why = "";
	if (xm_parse_sa(m, len, s->out, &why) < 0)
		return rk_fail(k, EBADMSG, "xfrm: malformed SA from the kernel: %s", why);
	s->got = true;
	return 0;
}

static int do_getspi(struct rk *k, uint8_t proto, const struct rc_addr *src,
		     const struct rc_addr *dst, uint32_t min, uint32_t max, uint32_t reqid,
		     uint32_t *spi)
{
	const char *why = NULL;
	int r = xm_build_allocspi(X(k)->msg, sizeof(X(k)->msg), proto, src, dst, min, max, reqid,
				  &why);
	if (r < 0)
		return build_failed(k, "allocate SPI", r, why);
	struct rk_sa_info info;
	struct sa_reply s = {&info, false};
	r = talk(k, "allocate SPI", on_sa, &s);
	if (r < 0)
		return r;
	if (!s.got)
		return rk_fail(k, EBADMSG, "xfrm: allocate SPI: the kernel sent no SA");
	*spi = info.sa.spi;
	return 0;
}

static int xfrm_sa_get(struct rk *k, const struct rk_sa_id *id, struct rk_sa_info *out);

/* A failed ALLOCSPI leaves a larval SA with SPI 0 behind that no DELSA can
 * name (it expires after 30 s), so an asked-for SPI that is taken is
 * refused before the kernel is asked. */
static int xfrm_getspi(struct rk *k, uint8_t proto, const struct rc_addr *src,
		       const struct rc_addr *dst, uint32_t min, uint32_t max, uint32_t reqid,
		       uint32_t *spi)
{
	if (min == max && min != 0) {
		struct rk_sa_id id = {proto, min, *src, *dst};
		struct rk_sa_info info;
		int r = xfrm_sa_get(k, &id, &info);
		if (r == 0)
			return rk_fail(k, EEXIST, "xfrm: allocate SPI: SPI 0x%x is in use", min);
		if (r != -ENOENT && r != -ESRCH)
			return r;
	}
	return do_getspi(k, proto, src, dst, min, max, reqid, spi);
}

static int xfrm_sa_add(struct rk *k, const struct rk_sa *sa, bool update)
{
	const char *what = update ? "update SA" : "add SA";
	const char *why = NULL;
	int r = xm_build_sa(X(k)->msg, sizeof(X(k)->msg), sa, update, &why);
	/* the request holds keys */
	if (r == 0)
		r = talk(k, what, NULL, NULL);
	else
		r = build_failed(k, what, r, why);
	rc_memzero(X(k)->msg, sizeof(X(k)->msg));
	return r;
}

static int xfrm_sa_del(struct rk *k, const struct rk_sa_id *id)
{
	const char *why = NULL;
	int r = xm_build_sa_id(X(k)->msg, sizeof(X(k)->msg), XFRM_MSG_DELSA, id, &why);
	if (r < 0)
		return build_failed(k, "delete SA", r, why);
	return talk(k, "delete SA", NULL, NULL);
}

static int xfrm_sa_get(struct rk *k, const struct rk_sa_id *id, struct rk_sa_info *out)
{
	const char *why = NULL;
	int r = xm_build_sa_id(X(k)->msg, sizeof(X(k)->msg), XFRM_MSG_GETSA, id, &why);
	if (r < 0)
		return build_failed(k, "get SA", r, why);
	struct sa_reply s = {out, false};
	r = talk(k, "get SA", on_sa, &s);
	if (r == 0 && !s.got)
		r = rk_fail(k, EBADMSG, "xfrm: get SA: the kernel sent no SA");
	wipe_replies(X(k));
	return r;
}

struct sa_dump {
	int (*cb)(const struct rk_sa_info *, void *);
	void *arg;
};

static int on_sa_dumped(struct rk *k, const struct nlmsghdr *m, size_t len, void *arg)
{
	struct sa_dump *d = arg;
	struct rk_sa_info info;
	const char *why = "";
	if (xm_parse_sa(m, len, &info, &why) < 0)
		return rk_fail(k, EBADMSG, "xfrm: malformed SA in the kernel's dump: %s", why);
	return d->cb(&info, d->arg) ? 1 : 0;
}

static int xfrm_sa_dump(struct rk *k, int (*cb)(const struct rk_sa_info *, void *), void *arg)
{
	struct sa_dump d = {cb, arg};
	xm_build_dump(X(k)->msg, sizeof(X(k)->msg), XFRM_MSG_GETSA);
	int r = talk(k, "dump SAs", on_sa_dumped, &d);
	wipe_replies(X(k));
	return r;
}

/* ---- policies ---- */

struct pol_reply {
	struct rk_policy *out;
	bool got;
};

static int on_policy(struct rk *k, const struct nlmsghdr *m, size_t len, void *arg)
{
	struct pol_reply *p = arg;
	const char *why = "";
	if (xm_parse_policy(m, len, p->out, NULL, &why) < 0)
		return rk_fail(k, EBADMSG, "xfrm: malformed policy from the kernel: %s", why);
	p->got = true;
	return 0;
}

/* The kernel chooses the index and does not echo the new policy to its
 * sender, so it is read back. */
static int xfrm_policy_add(struct rk *k, struct rk_policy *p, bool update)
{
	const char *what = update ? "update policy" : "add policy";
	const char *why = NULL;
	int r = xm_build_policy(X(k)->msg, sizeof(X(k)->msg), p, update, &why);
	if (r < 0)
		return build_failed(k, what, r, why);
	r = talk(k, what, NULL, NULL);
	if (r < 0)
		return r;
	r = xm_build_policy_id(X(k)->msg, sizeof(X(k)->msg), XFRM_MSG_GETPOLICY, &p->sel, 0, p->dir,
			       &why);
	if (r < 0)
		return build_failed(k, "read back the policy", r, why);
	struct rk_policy got;
	struct pol_reply pr = {&got, false};
	r = talk(k, "read back the policy", on_policy, &pr);
	if (r == 0 && !pr.got)
		r = rk_fail(k, EBADMSG, "xfrm: read back the policy: the kernel sent none");
	if (r == 0)
		p->index = got.index;
	return r;
}

static int xfrm_policy_del(struct rk *k, const struct rk_selector *sel, enum rk_dir dir)
{
	const char *why = NULL;
	int r = xm_build_policy_id(X(k)->msg, sizeof(X(k)->msg), XFRM_MSG_DELPOLICY, sel, 0, dir,
				   &why);
	if (r < 0)
		return build_failed(k, "delete policy", r, why);
	return talk(k, "delete policy", NULL, NULL);
}

static int xfrm_policy_del_index(struct rk *k, uint32_t index, enum rk_dir dir)
{
	const char *why = NULL;
	int r = xm_build_policy_id(X(k)->msg, sizeof(X(k)->msg), XFRM_MSG_DELPOLICY, NULL, index,
				   dir, &why);
	if (r < 0)
		return build_failed(k, "delete policy", r, why);
	return talk(k, "delete policy", NULL, NULL);
}

struct pol_dump {
	int (*cb)(const struct rk_policy *, void *);
	void *arg;
};

static int on_policy_dumped(struct rk *k, const struct nlmsghdr *m, size_t len, void *arg)
{
	struct pol_dump *d = arg;
	struct rk_policy p;
	bool is_socket;
	const char *why = "";
	int r = xm_parse_policy(m, len, &p, &is_socket, &why);
	/* someone else's bundle deeper than ours: not a reason to fail */
	if (r == -E2BIG)
		return 0;
	if (r < 0)
		return rk_fail(k, EBADMSG, "xfrm: malformed policy in the kernel's dump: %s", why);
	/* per-socket policies belong to their sockets, not to the SPD */
	if (is_socket)
		return 0;
	return d->cb(&p, d->arg) ? 1 : 0;
}

static int xfrm_policy_dump(struct rk *k, int (*cb)(const struct rk_policy *, void *), void *arg)
{
	struct pol_dump d = {cb, arg};
	xm_build_dump(X(k)->msg, sizeof(X(k)->msg), XFRM_MSG_GETPOLICY);
	return talk(k, "dump policies", on_policy_dumped, &d);
}

static int xfrm_migrate(struct rk *k, const struct rk_migrate *m)
{
	const char *why = NULL;
	int r = xm_build_migrate(X(k)->msg, sizeof(X(k)->msg), m, &why);
	if (r < 0)
		return build_failed(k, "migrate", r, why);
	return talk(k, "migrate", NULL, NULL);
}

/* ---- events ---- */

static int xfrm_event_fd(struct rk *k)
{
	return mnl_socket_get_fd(X(k)->ev);
}

static int emit_all(struct rk *k, const uint8_t *buf, size_t n)
{
	struct xm_iter it;
	const struct nlmsghdr *m;
	size_t len;
	int r, count = 0;
	xm_iter_init(&it, buf, n);
	while ((r = xm_next(&it, &m, &len)) > 0) {
		struct rk_event ev;
		const char *why = "";
		r = xm_parse_event(m, len, &ev, &why);
		if (r == 0) {
			rk_emit(k, &ev);
			count++;
		} else if (r < 0) {
			rk_fail(k, EBADMSG, "xfrm: malformed kernel event skipped: %s", why);
		}
	}
	if (r < 0)
		rk_fail(k, EBADMSG, "xfrm: truncated kernel event skipped");
	return count;
}

static int xfrm_read_events(struct rk *k)
{
	struct xfrm *x = X(k);
	int fd = mnl_socket_get_fd(x->ev), count = 0;
	for (;;) {
		ssize_t n = recv(fd, x->ebuf, sizeof(x->ebuf), MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return count;
		if (n < 0 && errno == ENOBUFS) {
			/* The queue overflowed: events are lost, later ones
			 * still come.  The caller learns it through rk_error. */
			rk_fail(k, ENOBUFS, "xfrm: kernel events were lost (receive queue full)");
			continue;
		}
		if (n < 0)
			return rk_fail(k, errno, "xfrm: reading kernel events: %s",
				       strerror(errno));
		if (n == 0)
			return count;
		count += emit_all(k, x->ebuf, (size_t)n);
	}
}

/* ---- open, capability probe, close ---- */

static void set_rcvbuf(int fd, int size)
{
	/* FORCE goes past rmem_max for root; others get what the limit allows. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

static int open_socket(struct rk *k, struct mnl_socket **out, int flags, const char *what)
{
	struct mnl_socket *s = mnl_socket_open2(NETLINK_XFRM, flags | SOCK_CLOEXEC);
	if (!s && errno == EPROTONOSUPPORT)
		return rk_fail(k, errno,
			       "xfrm: this kernel has no XFRM netlink interface "
			       "(CONFIG_XFRM_USER)");
	if (!s)
		return rk_fail(k, errno, "xfrm: cannot open the %s socket: %s", what,
			       strerror(errno));
	if (mnl_socket_bind(s, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = errno;
		mnl_socket_close(s);
		return rk_fail(k, e, "xfrm: cannot bind the %s socket: %s", what, strerror(e));
	}
	*out = s;
	return 0;
}

static int open_request_socket(struct rk *k)
{
	struct xfrm *x = X(k);
	int r = open_socket(k, &x->req, 0, "request");
	if (r < 0)
		return r;
	int fd = mnl_socket_get_fd(x->req), on = 1;
	/* the kernel's own words on an error, without our request echoed */
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &on, sizeof(on));
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &on, sizeof(on));
	set_rcvbuf(fd, REQ_SOCKBUF);
	struct timeval tv = {REPLY_TIMEOUT_SEC, 0};
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return 0;
}

static int open_event_socket(struct rk *k)
{
	static const int groups[] = {XFRMNLGRP_ACQUIRE, XFRMNLGRP_EXPIRE, XFRMNLGRP_SA,
				     XFRMNLGRP_POLICY, XFRMNLGRP_MIGRATE};
	struct xfrm *x = X(k);
	int r = open_socket(k, &x->ev, SOCK_NONBLOCK, "event");
	if (r < 0)
		return r;
	int fd = mnl_socket_get_fd(x->ev);
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		int g = groups[i];
		if (mnl_socket_setsockopt(x->ev, NETLINK_ADD_MEMBERSHIP, &g, sizeof(g)) < 0) {
			if (errno == EPERM)
				return rk_fail(k, errno,
					       "xfrm: listening to kernel IPsec events "
					       "needs CAP_NET_ADMIN (run as root)");
			return rk_fail(k, errno, "xfrm: cannot listen to kernel events: %s",
				       strerror(errno));
		}
	}
	set_rcvbuf(fd, EV_SOCKBUF);
	return 0;
}

/* The probe installs a throwaway SA between loopback addresses with a
 * reqid of its own: the SPI comes from ALLOCSPI, so no existing SA is
 * ever replaced, and the SA is deleted whatever happened. */
#define PROBE_REQID_BASE 0x7ac00000u

struct probe {
	struct rc_addr src, dst;
	uint32_t reqid;
};

static void probe_key(uint8_t *key, size_t len)
{
	/* not all zeros: DES and 3DES refuse weak keys */
	for (size_t i = 0; i < len; i++)
		key[i] = (uint8_t)(0x5b + 37 * i);
}

static int probe_sa(struct rk *k, const struct probe *pr, struct rk_sa *sa)
{
	uint32_t spi;
	int r = do_getspi(k, sa->proto, &pr->src, &pr->dst, 0, 0, pr->reqid, &spi);
	if (r < 0)
		return r;
	sa->spi = spi;
	sa->src = pr->src;
	sa->dst = pr->dst;
	sa->reqid = pr->reqid;
	sa->mode = RK_MODE_TRANSPORT;
	probe_key(sa->enc_key, sa->enc_keylen);
	probe_key(sa->auth_key, sa->auth_keylen);
	r = xfrm_sa_add(k, sa, true);
	struct rk_sa_id id = {sa->proto, spi, pr->src, pr->dst};
	(void)xfrm_sa_del(k, &id);
	return r;
}

static int probe_esp(struct rk *k, const struct probe *pr, enum rk_enc e, enum rk_auth a)
{
	struct rk_sa sa = {.proto = RK_PROTO_ESP, .enc = e, .auth = a};
	sa.enc_keylen = xm_enc_probe_keylen(e);
	sa.auth_keylen = xm_auth_probe_keylen(a);
	return probe_sa(k, pr, &sa);
}

static void probe_esp_all(struct rk *k, const struct probe *pr, struct rk_caps *c)
{
	/* ESP itself first: without it no cipher needs trying. */
	int r = probe_esp(k, pr, RK_ENC_AES_CBC, RK_AUTH_NONE);
	if (r == -EPROTONOSUPPORT)
		return;
	c->enc[RK_ENC_AES_CBC] = r == 0;
	for (int e = RK_ENC_NULL; e < RK_ENC_COUNT; e++)
		if (e != RK_ENC_AES_CBC)
			c->enc[e] = probe_esp(k, pr, e, RK_AUTH_NONE) == 0;
	enum rk_enc base = RK_ENC_NONE;
	for (int e = RK_ENC_AES_CBC; e >= RK_ENC_NULL && base == RK_ENC_NONE; e--)
		if (c->enc[e])
			base = e;
	for (int e = RK_ENC_NULL; e < RK_ENC_COUNT; e++)
		c->esp |= c->enc[e];
	if (base == RK_ENC_NONE)
		return;
	for (int a = RK_AUTH_NONE + 1; a < RK_AUTH_COUNT; a++)
		c->auth[a] = probe_esp(k, pr, base, a) == 0;
	struct rk_sa sa = {.proto = RK_PROTO_ESP, .enc = base};
	sa.enc_keylen = xm_enc_probe_keylen(base);
	sa.encap = (struct rk_encap){.enabled = true, .sport = 4500, .dport = 4500};
	c->udp_encap = probe_sa(k, pr, &sa) == 0;
	sa.encap.enabled = false;
	sa.esn = true;
	sa.replay_window = 64;
	c->esn = probe_sa(k, pr, &sa) == 0;
}

static void probe_ah(struct rk *k, const struct probe *pr, struct rk_caps *c)
{
	bool esp_auth = c->esp;
	for (int a = RK_AUTH_NONE + 1; a < RK_AUTH_COUNT; a++) {
		/* With ESP the integrity list is known; one AH SA tells. */
		if (esp_auth && !c->auth[a])
			continue;
		struct rk_sa sa = {.proto = RK_PROTO_AH, .auth = a};
		sa.auth_keylen = xm_auth_probe_keylen(a);
		int r = probe_sa(k, pr, &sa);
		if (r == -EPROTONOSUPPORT)
			return;
		if (r == 0) {
			c->ah = true;
			if (esp_auth)
				return;
			c->auth[a] = true;
		}
	}
}

static void probe_ipcomp(struct rk *k, const struct probe *pr, struct rk_caps *c)
{
	for (int m = RK_COMP_NONE + 1; m < RK_COMP_COUNT; m++) {
		if (!xm_comp_kname(m))
			continue;
		struct rk_sa sa = {.proto = RK_PROTO_COMP, .comp = m};
		int r = probe_sa(k, pr, &sa);
		if (r == -EPROTONOSUPPORT)
			return;
		c->comp[m] = r == 0;
		c->ipcomp |= c->comp[m];
	}
}

/* XFRM_MSG_MIGRATE for a selector no policy has (protocol 255 between two
 * loopback hosts): "not found" means the kernel has MIGRATE. */
static bool probe_migrate(struct rk *k, const struct probe *pr)
{
	struct rk_migrate m = {0};
	m.sel.src = pr->src;
	m.sel.dst = pr->dst;
	m.sel.dst.u.bytes[3] = 2;
	m.sel.proto = 255;
	m.dir = RK_DIR_OUT;
	m.proto = RK_PROTO_ESP;
	m.mode = RK_MODE_TUNNEL;
	m.reqid = pr->reqid;
	m.old_src = m.old_dst = pr->src;
	m.new_src = m.new_dst = m.sel.dst;
	const char *why = NULL;
	if (xm_build_migrate(X(k)->msg, sizeof(X(k)->msg), &m, &why) < 0)
		return false;
	return talk(k, "probe MIGRATE", NULL, NULL) == -ENOENT;
}

static bool probe_ipv6(struct rk *k, const struct probe *pr4, const struct rk_caps *c)
{
	struct probe pr = *pr4;
	pr.src = (struct rc_addr){.family = AF_INET6, .prefixlen = 128};
	pr.src.u.bytes[15] = 1;
	pr.dst = pr.src;
	if (c->esp) {
		enum rk_enc e = c->enc[RK_ENC_AES_CBC] ? RK_ENC_AES_CBC : RK_ENC_NULL;
		return probe_esp(k, &pr, e, e == RK_ENC_NULL ? RK_AUTH_HMAC_SHA1_96 : 0) == 0;
	}
	/* without ESP, IPv6 SAs can still be allocated (larval) */
	uint32_t spi;
	if (do_getspi(k, RK_PROTO_ESP, &pr.src, &pr.dst, 0, 0, pr.reqid, &spi) < 0)
		return false;
	struct rk_sa_id id = {RK_PROTO_ESP, spi, pr.src, pr.dst};
	return xfrm_sa_del(k, &id) == 0;
}

static void probe_caps(struct rk *k)
{
	struct rk_caps *c = rk_caps_mut(k);
	struct probe pr = {0};
	memset(c, 0, sizeof(*c));
	pr.src = (struct rc_addr){.family = AF_INET, .prefixlen = 32};
	pr.src.u.bytes[0] = 127;
	pr.src.u.bytes[3] = 1;
	pr.dst = pr.src;
	pr.reqid = PROBE_REQID_BASE | ((uint32_t)getpid() & 0xfffff);
	probe_esp_all(k, &pr, c);
	probe_ah(k, &pr, c);
	probe_ipcomp(k, &pr, c);
	c->migrate = probe_migrate(k, &pr);
	c->ipv6 = probe_ipv6(k, &pr, c);
}

static void xfrm_close(struct rk *k)
{
	struct xfrm *x = X(k);
	if (!x)
		return;
	if (x->req)
		mnl_socket_close(x->req);
	if (x->ev)
		mnl_socket_close(x->ev);
	rc_memzero(x, sizeof(*x));
	free(x);
	rk_set_priv(k, NULL);
}

static int xfrm_open(struct rk *k)
{
	struct xfrm *x = calloc(1, sizeof(*x));
	if (!x)
		return rk_fail(k, ENOMEM, "xfrm: out of memory");
	rk_set_priv(k, x);
	int r = open_request_socket(k);
	if (r == 0)
		r = open_event_socket(k);
	if (r < 0) {
		xfrm_close(k);
		return r;
	}
	/* The probe's own SA notifications reach the event socket too;
	 * read_events passes over them like any other SA notification. */
	probe_caps(k);
	return 0;
}

const struct rk_backend_ops rk_xfrm_ops = {
	.name = "xfrm",
	.open = xfrm_open,
	.close = xfrm_close,
	.event_fd = xfrm_event_fd,
	.read_events = xfrm_read_events,
	.getspi = xfrm_getspi,
	.sa_add = xfrm_sa_add,
	.sa_del = xfrm_sa_del,
	.sa_get = xfrm_sa_get,
	.sa_dump = xfrm_sa_dump,
	.policy_add = xfrm_policy_add,
	.policy_del = xfrm_policy_del,
	.policy_del_index = xfrm_policy_del_index,
	.policy_dump = xfrm_policy_dump,
	.migrate = xfrm_migrate,
};
