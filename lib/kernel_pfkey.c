/* The PF_KEY v2 kernel backend (RFC 2367 with the KAME/Linux extensions):
 * the BSDs, and Linux's af_key.
 *
 * Two sockets.  Requests go out on one and their replies are matched by
 * our pid and the request's sequence number (the kernel broadcasts the
 * replies of every process to every socket: the others are skipped).  A
 * second socket is SADB_REGISTERed for ESP, AH and IPComp and read without
 * blocking for the events (ACQUIRE, EXPIRE, SPDEXPIRE, X_MIGRATE); the
 * REGISTER replies give the capabilities.
 *
 * Linux af_key limits, decided at compile time (__linux__):
 *  - HMAC-SHA2-256/384/512 are installed with a 96-bit ICV (RFC 4868 needs
 *    128/192/256), so they are reported unsupported and refused: an SA that
 *    cannot interoperate is worse than an error (use the xfrm backend);
 *  - AEADs (AES-GCM) fail SADB_ADD with ENOSYS and ChaCha20-Poly1305 has no
 *    PF_KEY number: unsupported;
 *  - a template keeps its reqid only at level "unique" (af_key drops it
 *    otherwise), and only up to IPSEC_MANUAL_REQID_MAX; a reqid on a "use"
 *    (optional) template cannot be expressed and is refused;
 *  - af_key announces no policy expiry at all: the backend keeps a timer
 *    per policy it added with an add-time lifetime and reports the soft
 *    expiry when it is due and the hard one once the kernel has removed the
 *    policy (the event fd is then an epoll set of the PF_KEY socket and a
 *    timerfd);
 *  - the replay window is in packets, at most 255 (the kernel caps it at 32).
 * On the BSDs the replay window is in bytes (8 packets each).
 *  - an SA decapsulates only the inner family of its selector, which af_key
 *    sets from the outer addresses: a mixed-family tunnel SA (6-in-4, 4-in-6)
 *    needs rk_sa.sel in the inner family, sent as the proxy address; of the
 *    selector only the family and the source prefix reach the kernel.
 * On the BSDs the replay window is in bytes (8 packets each) and SA
 * selectors are ignored.  Neither has extended sequence numbers through
 * PF_KEY. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/epoll.h>
#include <sys/timerfd.h>
#define PFK_POLICY_TIMERS 1
#endif

#include "kernel_backend.h"
#include "pfkey_msg.h"
#include "util.h"

#define PFK_REPLY_TIMEOUT_MS 3000
#define PFK_RCVBUF (4 * 1024 * 1024)

/* A policy whose expiry the backend reports itself (Linux). */
struct pol_timer {
	struct pol_timer *next;
	uint32_t index;
	enum rk_dir dir;
	struct rk_selector sel;
	uint64_t soft_at, hard_at; /* CLOCK_MONOTONIC ms, 0 = none or done */
	int retries;
};

struct pfk_state {
	int req_fd, ev_fd;
	int poll_fd, timer_fd; /* Linux: epoll of ev_fd and timer_fd */
	struct pol_timer *timers;
	uint32_t pid;
	uint8_t *buf; /* receive buffer: the largest PF_KEY message */
	size_t buflen;
	size_t got;	    /* bytes of the last message in buf */
	struct pfk_msg msg; /* the last message received (large: kept off the stack) */
	bool local_err;	    /* the last request failed here, not in the kernel */
};

static uint32_t pfk_seq; /* process-wide: several handles share one pid */

/* ---- algorithm numbers ---- */

static const uint8_t enc_ids[RK_ENC_COUNT] = {
	[RK_ENC_NULL] = SADB_EALG_NULL,
	[RK_ENC_DES_CBC] = SADB_EALG_DESCBC,
	[RK_ENC_3DES_CBC] = SADB_EALG_3DESCBC,
	[RK_ENC_CAST128_CBC] = SADB_X_EALG_CASTCBC,
	[RK_ENC_BLOWFISH_CBC] = SADB_X_EALG_BLOWFISHCBC,
	[RK_ENC_TWOFISH_CBC] = SADB_X_EALG_TWOFISHCBC,
	[RK_ENC_AES_CBC] = SADB_X_EALG_AESCBC,
	[RK_ENC_AES_CTR] = SADB_X_EALG_AESCTR,
	[RK_ENC_AES_GCM_8] = SADB_X_EALG_AES_GCM_ICV8,
	[RK_ENC_AES_GCM_12] = SADB_X_EALG_AES_GCM_ICV12,
	[RK_ENC_AES_GCM_16] = SADB_X_EALG_AES_GCM_ICV16,
};

static const uint8_t auth_ids[RK_AUTH_COUNT] = {
	[RK_AUTH_HMAC_MD5_96] = SADB_AALG_MD5HMAC,
	[RK_AUTH_HMAC_SHA1_96] = SADB_AALG_SHA1HMAC,
	[RK_AUTH_HMAC_SHA2_256_128] = SADB_X_AALG_SHA2_256HMAC,
	[RK_AUTH_HMAC_SHA2_384_192] = SADB_X_AALG_SHA2_384HMAC,
	[RK_AUTH_HMAC_SHA2_512_256] = SADB_X_AALG_SHA2_512HMAC,
	[RK_AUTH_AES_XCBC_96] = SADB_X_AALG_AES_XCBC_MAC,
};

static const uint8_t comp_ids[RK_COMP_COUNT] = {
	[RK_COMP_OUI] = SADB_X_CALG_OUI,
	[RK_COMP_DEFLATE] = SADB_X_CALG_DEFLATE,
	[RK_COMP_LZS] = SADB_X_CALG_LZS,
};

static int enc_from_id(uint8_t id)
{
	for (int e = RK_ENC_NULL; e < RK_ENC_COUNT; e++)
		if (enc_ids[e] == id)
			return e;
	return RK_ENC_NONE;
}

static int auth_from_id(uint8_t id)
{
	for (int a = RK_AUTH_HMAC_MD5_96; a < RK_AUTH_COUNT; a++)
		if (auth_ids[a] == id)
			return a;
	return RK_AUTH_NONE;
}

static int comp_from_id(uint8_t id)
{
	for (int c = RK_COMP_OUI; c < RK_COMP_COUNT; c++)
		if (comp_ids[c] == id)
			return c;
	return RK_COMP_NONE;
}

/* What this PF_KEY implementation installs correctly (see the top). */
static bool enc_usable(enum rk_enc e)
{
#ifdef __linux__
	if (rk_enc_is_aead(e))
		return false;
#endif
	return e != RK_ENC_NONE && enc_ids[e] != 0;
}

static bool auth_usable(enum rk_auth a)
{
#ifdef __linux__
	if (a == RK_AUTH_HMAC_SHA2_256_128 || a == RK_AUTH_HMAC_SHA2_384_192 ||
	    a == RK_AUTH_HMAC_SHA2_512_256)
		return false;
#endif
	return a != RK_AUTH_NONE && auth_ids[a] != 0;
}

static uint8_t satype_of(uint8_t proto)
{
	switch (proto) {
	case RK_PROTO_ESP:
		return SADB_SATYPE_ESP;
	case RK_PROTO_AH:
		return SADB_SATYPE_AH;
	case RK_PROTO_COMP:
		return SADB_X_SATYPE_IPCOMP;
	default:
		return SADB_SATYPE_UNSPEC;
	}
}

static uint8_t proto_of(uint8_t satype)
{
	switch (satype) {
	case SADB_SATYPE_ESP:
		return RK_PROTO_ESP;
	case SADB_SATYPE_AH:
		return RK_PROTO_AH;
	case SADB_X_SATYPE_IPCOMP:
		return RK_PROTO_COMP;
	default:
		return 0;
	}
}

static uint8_t dir_to_pfk(enum rk_dir d)
{
	switch (d) {
	case RK_DIR_IN:
		return IPSEC_DIR_INBOUND;
	case RK_DIR_OUT:
		return IPSEC_DIR_OUTBOUND;
	default:
/* Linux declares IPSEC_DIR_FWD in an enum, so #ifdef cannot see it */
#if defined(IPSEC_DIR_FWD) || defined(__linux__)
		return IPSEC_DIR_FWD;
#else
		return IPSEC_DIR_INBOUND;
#endif
	}
}

static enum rk_dir dir_from_pfk(uint8_t d)
{
#if defined(IPSEC_DIR_FWD) || defined(__linux__)
	if (d == IPSEC_DIR_FWD)
		return RK_DIR_FWD;
#endif
	return d == IPSEC_DIR_OUTBOUND ? RK_DIR_OUT : RK_DIR_IN;
}

static uint8_t mode_to_pfk(enum rk_mode m)
{
	return m == RK_MODE_TUNNEL ? IPSEC_MODE_TUNNEL : IPSEC_MODE_TRANSPORT;
}

static enum rk_mode mode_from_pfk(uint8_t m)
{
	return m == IPSEC_MODE_TUNNEL ? RK_MODE_TUNNEL : RK_MODE_TRANSPORT;
}

/* ---- sockets and the request/reply exchange ---- */

static struct pfk_state *st(struct rk *k)
{
	return rk_priv(k);
}

static int open_socket(struct rk *k, int *fd)
{
	int size = PFK_RCVBUF;

	*fd = socket(PF_KEY, SOCK_RAW | SOCK_CLOEXEC, PF_KEY_V2);
	if (*fd < 0)
		return rk_fail(k, errno,
			       "pfkey: cannot open a PF_KEY socket: %s (is af_key loaded? "
			       "on Linux use the xfrm backend)",
			       strerror(errno));
#ifdef SO_RCVBUFFORCE
	/* broadcasts of other processes' requests must not crowd out ours
	 * (FORCE passes rmem_max for root) */
	if (setsockopt(*fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) == 0)
		return 0;
#endif
	(void)setsockopt(*fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	return 0;
}

/* Discards what is queued on the request socket: between our requests it
 * collects every other socket's broadcast replies, and a full queue would
 * make the kernel drop the reply we are about to wait for. */
static void drain(struct rk *k, int fd)
{
	struct pfk_state *s = st(k);
	ssize_t n;

	/* other processes' SA replies carry their keys */
	while ((n = recv(fd, s->buf, s->buflen, MSG_DONTWAIT)) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			rc_memzero(s->buf, (size_t)n);
}

static int send_msg(struct rk *k, int fd, const struct pfk_msg *m)
{
	struct rc_writer w;
	ssize_t n;
	int rc;

	if (fd == st(k)->req_fd)
		drain(k, fd);
	rc_writer_init(&w, 256);
	rc_writer_set_secret(&w); /* keys */
	rc = pfk_encode(m, &w);
	if (rc < 0) {
		rc_writer_free(&w);
		return rk_fail(k, rc, "pfkey: cannot encode %s: %s", pfk_type_name(m->type),
			       strerror(-rc));
	}
	do
		n = send(fd, rc_writer_data(&w), rc_writer_len(&w), 0);
	while (n < 0 && errno == EINTR);
	rc = n < 0 ? -errno : 0;
	rc_writer_free(&w);
	if (rc < 0)
		return rk_fail(k, rc, "pfkey: %s: %s", pfk_type_name(m->type), strerror(-rc));
	return 0;
}

/* Receives one message into st->msg.  0, 1 when it was malformed (skipped,
 * the reason in *why), -EAGAIN when nothing came within timeout_ms, or
 * another -errno. */
static int recv_msg(struct rk *k, int fd, int timeout_ms, const char **why)
{
	struct pfk_state *s = st(k);
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	ssize_t n;
	int r;

	do
		r = poll(&pfd, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	if (r == 0)
		return -EAGAIN;
	do
		n = recv(fd, s->buf, s->buflen, MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	s->got = (size_t)n > s->buflen ? s->buflen : (size_t)n;
	return pfk_decode(s->buf, s->got, &s->msg, why) < 0 ? 1 : 0;
}

static uint32_t next_seq(void)
{
	if (++pfk_seq == 0)
		pfk_seq = 1;
	return pfk_seq;
}

static void start(struct rk *k, struct pfk_msg *m, uint8_t type, uint8_t satype)
{
	pfk_init(m, type, satype, next_seq(), st(k)->pid);
}

/* Waits for the reply to (seq) on fd; it is left in st->msg.  Returns 0 or
 * the kernel's -errno (with text), or a transport error. */
static int wait_reply(struct rk *k, int fd, uint8_t type, uint32_t seq)
{
	struct pfk_state *s = st(k);
	const char *why = NULL;

	s->local_err = true;
	for (;;) {
		int r = recv_msg(k, fd, PFK_REPLY_TIMEOUT_MS, &why);

		if (r == -EAGAIN)
			return rk_fail(k, ETIMEDOUT, "pfkey: no answer from the kernel to %s",
				       pfk_type_name(type));
		if (r < 0)
			return rk_fail(k, r, "pfkey: reading the reply to %s: %s",
				       pfk_type_name(type), strerror(-r));
		if (r > 0 || s->msg.pid != s->pid || s->msg.seq != seq)
			continue; /* malformed, or someone else's */
		s->local_err = false;
		if (s->msg.err)
			return -(int)s->msg.err;
		return 0;
	}
}

/* One request/reply exchange on the request socket. */
static int request(struct rk *k, struct pfk_msg *m)
{
	int rc;

	st(k)->local_err = true;
	rc = send_msg(k, st(k)->req_fd, m);
	if (rc < 0)
		return rc;
	return wait_reply(k, st(k)->req_fd, m->type, m->seq);
}

/* Text for a failed request: the kernel's errno in words, or the text
 * already set when the failure was ours (no reply, a socket error). */
static int kernel_error(struct rk *k, int rc, const char *what)
{
	if (st(k)->local_err)
		return rc;
	if (rc == -ESRCH || rc == -ENOENT)
		return rk_fail(k, ENOENT, "pfkey: %s: no such entry in the kernel", what);
	if (rc == -EEXIST)
		return rk_fail(k, EEXIST, "pfkey: %s: it already exists in the kernel", what);
	return rk_fail(k, rc, "pfkey: %s: %s", what, strerror(-rc));
}

/* ---- message building ---- */

static struct pfk_addr sa_addr(const struct rc_addr *a)
{
	struct pfk_addr pa = {.proto = IPSEC_ULPROTO_ANY, .a = *a};

	pa.a.port = 0;
	pa.a.prefixlen = (uint8_t)rc_addr_maxprefix(a->family);
	pa.prefixlen = pa.a.prefixlen;
	return pa;
}

static struct pfk_addr sel_addr(const struct rc_addr *a, uint8_t proto)
{
	struct pfk_addr pa = {.proto = proto ? proto : IPSEC_ULPROTO_ANY, .a = *a};

	pa.prefixlen = a->prefixlen;
	return pa;
}

static void put_sa_id(struct pfk_msg *m, const struct rk_sa_id *id)
{
	struct rc_addr src = id->src;

	if (src.family == AF_UNSPEC) {
		/* the kernel finds an SA by SPI and destination: any source does */
		memset(&src, 0, sizeof(src));
		src.family = id->dst.family;
	}
	m->sa.spi = id->spi;
	m->src = sa_addr(&src);
	m->dst = sa_addr(&id->dst);
	pfk_set(m, SADB_EXT_SA);
	pfk_set(m, SADB_EXT_ADDRESS_SRC);
	pfk_set(m, SADB_EXT_ADDRESS_DST);
}

static bool lifetime_set(uint64_t packets, uint64_t bytes, uint64_t add, uint64_t use)
{
	return packets || bytes || add || use;
}

static void put_lifetimes(struct pfk_msg *m, const struct rk_lifetime *lt)
{
	if (lifetime_set(lt->hard_packets, lt->hard_bytes, lt->hard_add_sec, lt->hard_use_sec)) {
		m->hard.allocations =
			(uint32_t)(lt->hard_packets > UINT32_MAX ? UINT32_MAX : lt->hard_packets);
		m->hard.bytes = lt->hard_bytes;
		m->hard.addtime = lt->hard_add_sec;
		m->hard.usetime = lt->hard_use_sec;
		pfk_set(m, SADB_EXT_LIFETIME_HARD);
	}
	if (lifetime_set(lt->soft_packets, lt->soft_bytes, lt->soft_add_sec, lt->soft_use_sec)) {
		m->soft.allocations =
			(uint32_t)(lt->soft_packets > UINT32_MAX ? UINT32_MAX : lt->soft_packets);
		m->soft.bytes = lt->soft_bytes;
		m->soft.addtime = lt->soft_add_sec;
		m->soft.usetime = lt->soft_use_sec;
		pfk_set(m, SADB_EXT_LIFETIME_SOFT);
	}
}

static void get_lifetimes(const struct pfk_msg *m, struct rk_lifetime *lt)
{
	if (pfk_has(m, SADB_EXT_LIFETIME_HARD)) {
		lt->hard_packets = m->hard.allocations;
		lt->hard_bytes = m->hard.bytes;
		lt->hard_add_sec = m->hard.addtime;
		lt->hard_use_sec = m->hard.usetime;
	}
	if (pfk_has(m, SADB_EXT_LIFETIME_SOFT)) {
		lt->soft_packets = m->soft.allocations;
		lt->soft_bytes = m->soft.bytes;
		lt->soft_add_sec = m->soft.addtime;
		lt->soft_use_sec = m->soft.usetime;
	}
}

static uint8_t replay_to_pfk(uint32_t packets)
{
#ifndef __linux__
	packets = (packets + 7) / 8; /* KAME counts the window in bytes */
#endif
	return (uint8_t)(packets > UINT8_MAX ? UINT8_MAX : packets);
}

static uint32_t replay_from_pfk(uint8_t v)
{
#ifdef __linux__
	return v;
#else
	return (uint32_t)v * 8;
#endif
}

static int check_algs(struct rk *k, const struct rk_sa *sa)
{
	if (sa->proto == RK_PROTO_ESP && !enc_usable(sa->enc))
		return rk_fail(k, EOPNOTSUPP, "pfkey: %s cannot be installed through PF_KEY%s",
			       rk_enc_name(sa->enc),
#ifdef __linux__
			       " on Linux (use the xfrm backend)"
#else
			       ""
#endif
		);
	if (sa->auth != RK_AUTH_NONE && !auth_usable(sa->auth))
		return rk_fail(k, EOPNOTSUPP,
			       "pfkey: %s cannot be installed correctly through PF_KEY%s",
			       rk_auth_name(sa->auth),
#ifdef __linux__
			       " on Linux: af_key truncates its ICV to 96 bits (use the xfrm "
			       "backend)"
#else
			       ""
#endif
		);
	if (sa->proto == RK_PROTO_COMP && !comp_ids[sa->comp])
		return rk_fail(k, EOPNOTSUPP, "pfkey: %s has no PF_KEY number",
			       rk_comp_name(sa->comp));
	if (sa->esn)
		return rk_fail(k, EOPNOTSUPP,
			       "pfkey: extended sequence numbers cannot be set through PF_KEY");
	return 0;
}

static void put_sa_algs(struct pfk_msg *m, const struct rk_sa *sa)
{
	if (sa->proto == RK_PROTO_COMP) {
		m->sa.encrypt = comp_ids[sa->comp];
		return;
	}
	m->sa.auth = auth_ids[sa->auth];
	if (sa->auth != RK_AUTH_NONE) {
		m->key_auth.data = sa->auth_key;
		m->key_auth.len = sa->auth_keylen;
		pfk_set(m, SADB_EXT_KEY_AUTH);
	}
	if (sa->proto == RK_PROTO_ESP) {
		m->sa.encrypt = enc_ids[sa->enc];
		if (sa->enc_keylen) {
			m->key_enc.data = sa->enc_key;
			m->key_enc.len = sa->enc_keylen;
			pfk_set(m, SADB_EXT_KEY_ENCRYPT);
		}
	}
}

static void put_encap(struct pfk_msg *m, const struct rk_encap *e)
{
	if (!e->enabled)
		return;
	m->natt_type = 2; /* UDP_ENCAP_ESPINUDP, RFC 3948 */
	m->natt_sport = e->sport;
	m->natt_dport = e->dport;
	pfk_set(m, SADB_X_EXT_NAT_T_TYPE);
	pfk_set(m, SADB_X_EXT_NAT_T_SPORT);
	pfk_set(m, SADB_X_EXT_NAT_T_DPORT);
	if (e->oa.family == AF_INET || e->oa.family == AF_INET6) {
		m->natt_oa = sa_addr(&e->oa);
		pfk_set(m, SADB_X_EXT_NAT_T_OA);
	}
}

/* af_key gives an SA the selector family of its outer addresses, and
 * decapsulates only that inner family, unless a proxy address names
 * another: its family and source prefix become the SA's selector.  That is
 * the only way to a mixed-family tunnel through af_key. */
static void put_sa_selector(struct pfk_msg *m, const struct rk_sa *sa)
{
#ifdef __linux__
	if (sa->sel.src.family != AF_INET && sa->sel.src.family != AF_INET6)
		return;
	m->proxy = sel_addr(&sa->sel.src, sa->sel.proto);
	pfk_set(m, SADB_EXT_ADDRESS_PROXY);
#else
	(void)m;
	(void)sa;
#endif
}

/* ---- SA operations ---- */

static int pfk_getspi(struct rk *k, uint8_t proto, const struct rc_addr *src,
		      const struct rc_addr *dst, uint32_t min, uint32_t max, uint32_t reqid,
		      uint32_t *spi)
{
	struct pfk_msg *m = rc_xcalloc(1, sizeof(*m));
	int rc;

	start(k, m, SADB_GETSPI, satype_of(proto));
	m->src = sa_addr(src);
	m->dst = sa_addr(dst);
	pfk_set(m, SADB_EXT_ADDRESS_SRC);
	pfk_set(m, SADB_EXT_ADDRESS_DST);
	if (min == 0 && max == 0 && proto == RK_PROTO_COMP) {
		min = 0x100; /* CPIs below 256 are the well-known ones (RFC 3173) */
		max = 0xffff;
	}
	if (min || max) {
		m->spi_min = min;
		m->spi_max = max;
		pfk_set(m, SADB_EXT_SPIRANGE);
	}
	m->sa2_mode = IPSEC_MODE_ANY;
	m->sa2_reqid = reqid;
	pfk_set(m, SADB_X_EXT_SA2);
	rc = request(k, m);
	free(m);
	if (rc < 0)
		return kernel_error(k, rc, "get SPI");
	if (!pfk_has(&st(k)->msg, SADB_EXT_SA))
		return rk_fail(k, EPROTO, "pfkey: the kernel's SPI reply has no SA");
	*spi = st(k)->msg.sa.spi;
	return 0;
}

static int pfk_sa_add(struct rk *k, const struct rk_sa *sa, bool update)
{
	struct pfk_msg *m;
	int rc = check_algs(k, sa);

	if (rc < 0)
		return rc;
	m = rc_xcalloc(1, sizeof(*m));
	start(k, m, update ? SADB_UPDATE : SADB_ADD, satype_of(sa->proto));
	m->sa.spi = sa->spi;
	m->sa.state = SADB_SASTATE_MATURE;
	m->sa.replay = replay_to_pfk(sa->replay_window);
	m->src = sa_addr(&sa->src);
	m->dst = sa_addr(&sa->dst);
	m->sa2_mode = mode_to_pfk(sa->mode);
	m->sa2_reqid = sa->reqid;
	pfk_set(m, SADB_EXT_SA);
	pfk_set(m, SADB_EXT_ADDRESS_SRC);
	pfk_set(m, SADB_EXT_ADDRESS_DST);
	pfk_set(m, SADB_X_EXT_SA2);
	put_sa_algs(m, sa);
	put_sa_selector(m, sa);
	put_lifetimes(m, &sa->lifetime);
	put_encap(m, &sa->encap);
	rc = request(k, m);
	rc_memzero(m, sizeof(*m));
	free(m);
	if (rc == -ENOSYS)
		return rk_fail(k, EOPNOTSUPP,
			       "pfkey: the kernel cannot install %s SAs through "
			       "PF_KEY",
			       rk_enc_name(sa->enc));
	if (rc < 0)
		return kernel_error(k, rc, update ? "update SA" : "add SA");
	return 0;
}

static int pfk_sa_del(struct rk *k, const struct rk_sa_id *id)
{
	struct pfk_msg *m = rc_xcalloc(1, sizeof(*m));
	int rc;

	start(k, m, SADB_DELETE, satype_of(id->proto));
	put_sa_id(m, id);
	rc = request(k, m);
	free(m);
	return rc < 0 ? kernel_error(k, rc, "delete SA") : 0;
}

/* The SA in st->msg (a GET or DUMP reply) as an rk_sa_info. */
static int sa_info_from_msg(const struct pfk_msg *m, struct rk_sa_info *out)
{
	struct rk_sa *sa = &out->sa;

	memset(out, 0, sizeof(*out));
	if (!pfk_has(m, SADB_EXT_SA) || !pfk_has(m, SADB_EXT_ADDRESS_SRC) ||
	    !pfk_has(m, SADB_EXT_ADDRESS_DST))
		return -EPROTO;
	sa->proto = proto_of(m->satype);
	sa->spi = m->sa.spi;
	sa->src = m->src.a;
	sa->dst = m->dst.a;
	sa->src.port = sa->dst.port = 0;
	sa->replay_window = replay_from_pfk(m->sa.replay);
	if (sa->proto == RK_PROTO_COMP) {
		sa->comp = comp_from_id(m->sa.encrypt);
	} else {
		sa->auth = auth_from_id(m->sa.auth);
		if (sa->proto == RK_PROTO_ESP)
			sa->enc = enc_from_id(m->sa.encrypt);
	}
	if (pfk_has(m, SADB_EXT_KEY_ENCRYPT))
		sa->enc_keylen = m->key_enc.len;
	if (pfk_has(m, SADB_EXT_KEY_AUTH))
		sa->auth_keylen = m->key_auth.len;
	if (pfk_has(m, SADB_X_EXT_SA2)) {
		sa->mode = mode_from_pfk(m->sa2_mode);
		sa->reqid = m->sa2_reqid;
	}
	if (pfk_has(m, SADB_X_EXT_NAT_T_TYPE) && m->natt_type) {
		sa->encap.enabled = true;
		sa->encap.sport = m->natt_sport;
		sa->encap.dport = m->natt_dport;
		if (pfk_has(m, SADB_X_EXT_NAT_T_OA))
			sa->encap.oa = m->natt_oa.a;
	}
	get_lifetimes(m, &sa->lifetime);
	if (pfk_has(m, SADB_EXT_LIFETIME_CURRENT)) {
		out->cur.packets = m->cur.allocations;
		out->cur.bytes = m->cur.bytes;
		out->cur.add_time = m->cur.addtime;
		out->cur.use_time = m->cur.usetime;
	}
	return 0;
}

static int pfk_sa_get(struct rk *k, const struct rk_sa_id *id, struct rk_sa_info *out)
{
	struct pfk_msg *m = rc_xcalloc(1, sizeof(*m));
	int rc;

	start(k, m, SADB_GET, satype_of(id->proto));
	put_sa_id(m, id);
	rc = request(k, m);
	free(m);
	if (rc < 0)
		return kernel_error(k, rc, "get SA");
	if (sa_info_from_msg(&st(k)->msg, out) < 0)
		return rk_fail(k, EPROTO, "pfkey: the kernel's SA reply lacks the SA or addresses");
	/* the kernel sends the keys back: they stay here */
	rc_memzero(st(k)->buf, st(k)->got);
	return 0;
}

/* Reads a dump (SADB_DUMP or SADB_X_SPDDUMP): every message with our pid
 * and the dump's type until the one with sequence 0.  A callback asking
 * to stop still lets the dump drain, or the kernel would refuse the next
 * one as busy. */
static int read_dump(struct rk *k, uint8_t type, int (*each)(struct rk *k, void *arg), void *arg)
{
	struct pfk_state *s = st(k);
	bool stopped = false;
	const char *why = NULL;

	for (;;) {
		int r = recv_msg(k, s->req_fd, PFK_REPLY_TIMEOUT_MS, &why);

		if (r == -EAGAIN)
			return rk_fail(k, ETIMEDOUT, "pfkey: the kernel's %s did not finish",
				       pfk_type_name(type));
		if (r < 0)
			return rk_fail(k, r, "pfkey: reading %s: %s", pfk_type_name(type),
				       strerror(-r));
		if (r > 0 || s->msg.pid != s->pid || s->msg.type != type)
			continue;
		if (s->msg.err == ENOENT)
			return 0; /* nothing to dump */
		s->local_err = false;
		if (s->msg.err)
			return kernel_error(k, -(int)s->msg.err, pfk_type_name(type));
		if (!stopped && each(k, arg) != 0)
			stopped = true;
		if (s->msg.seq == 0)
			return 0;
	}
}

struct sa_dump_ctx {
	int (*cb)(const struct rk_sa_info *, void *);
	void *arg;
};

static int sa_dump_one(struct rk *k, void *arg)
{
	struct sa_dump_ctx *c = arg;
	struct rk_sa_info info;
	int r;

	/* SPI 0 is the kernel's placeholder for a pending ACQUIRE, not an SA */
	if (sa_info_from_msg(&st(k)->msg, &info) < 0 || info.sa.spi == 0)
		return 0;
	rc_memzero(st(k)->buf, st(k)->got);
	r = c->cb(&info, c->arg);
	rc_memzero(&info, sizeof(info));
	return r;
}

static int pfk_sa_dump(struct rk *k, int (*cb)(const struct rk_sa_info *, void *), void *arg)
{
	struct sa_dump_ctx c = {cb, arg};
	struct pfk_msg *m = rc_xcalloc(1, sizeof(*m));
	int rc;

	start(k, m, SADB_DUMP, SADB_SATYPE_UNSPEC);
	rc = send_msg(k, st(k)->req_fd, m);
	free(m);
	return rc < 0 ? rc : read_dump(k, SADB_DUMP, sa_dump_one, &c);
}

/* ---- policy expiry timers (Linux af_key announces none) ---- */

#ifdef PFK_POLICY_TIMERS
static int policy_get(struct rk *k, uint32_t id, uint8_t dir, struct rk_policy *p);

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static bool same_selector(const struct rk_selector *a, const struct rk_selector *b)
{
	return a->proto == b->proto && rc_addr_equal(&a->src, &b->src) &&
	       rc_addr_equal(&a->dst, &b->dst) && a->src.prefixlen == b->src.prefixlen &&
	       a->dst.prefixlen == b->dst.prefixlen && a->src.port == b->src.port &&
	       a->dst.port == b->dst.port;
}

/* Arms the timerfd for the earliest deadline (or disarms it). */
static void timers_arm(struct pfk_state *s)
{
	struct itimerspec its = {{0, 0}, {0, 0}};
	uint64_t next = 0;

	for (struct pol_timer *t = s->timers; t; t = t->next) {
		if (t->soft_at && (!next || t->soft_at < next))
			next = t->soft_at;
		if (t->hard_at && (!next || t->hard_at < next))
			next = t->hard_at;
	}
	if (next) {
		its.it_value.tv_sec = (time_t)(next / 1000);
		its.it_value.tv_nsec = (long)(next % 1000) * 1000000;
	}
	(void)timerfd_settime(s->timer_fd, TFD_TIMER_ABSTIME, &its, NULL);
}

/* Forgets the timers of a policy: by index (sel NULL) or by selector. */
static void timers_forget(struct pfk_state *s, uint32_t index, const struct rk_selector *sel,
			  enum rk_dir dir)
{
	struct pol_timer **pp = &s->timers;

	while (*pp) {
		struct pol_timer *t = *pp;
		bool hit = t->dir == dir && (sel ? same_selector(&t->sel, sel) : t->index == index);
		if (hit) {
			*pp = t->next;
			free(t);
		} else {
			pp = &t->next;
		}
	}
	timers_arm(s);
}

static void timers_add(struct pfk_state *s, const struct rk_policy *p)
{
	const struct rk_lifetime *lt = &p->lifetime;
	uint64_t now = mono_ms();
	struct pol_timer *t;

	timers_forget(s, 0, &p->sel, p->dir);
	if (!lt->soft_add_sec && !lt->hard_add_sec)
		return;
	t = rc_xcalloc(1, sizeof(*t));
	t->index = p->index;
	t->dir = p->dir;
	t->sel = p->sel;
	if (lt->soft_add_sec)
		t->soft_at = now + lt->soft_add_sec * 1000;
	if (lt->hard_add_sec)
		t->hard_at = now + lt->hard_add_sec * 1000;
	t->next = s->timers;
	s->timers = t;
	timers_arm(s);
}

static void emit_timer(struct rk *k, const struct pol_timer *t, bool hard)
{
	struct rk_event ev = {.type = RK_EV_POLICY_EXPIRE};

	ev.u.policy_expire.index = t->index;
	ev.u.policy_expire.dir = t->dir;
	ev.u.policy_expire.sel = t->sel;
	ev.u.policy_expire.hard = hard;
	rk_emit(k, &ev);
}

/* One due expiry handled; false when none is due.  The hard one is
 * reported once the kernel has removed the policy (its own timer may run
 * a little later than ours). */
static bool timers_run_one(struct rk *k, uint64_t now)
{
	struct pfk_state *s = st(k);
	struct rk_policy p;

	for (struct pol_timer **pp = &s->timers; *pp; pp = &(*pp)->next) {
		struct pol_timer *t = *pp, copy = **pp;

		if (t->soft_at && now >= t->soft_at) {
			t->soft_at = 0;
			emit_timer(k, &copy, false);
			return true;
		}
		if (!t->hard_at || now < t->hard_at)
			continue;
		if (policy_get(k, t->index, dir_to_pfk(t->dir), &p) == 0 && t->retries < 40) {
			t->hard_at = now + 250;
			t->retries++;
			continue;
		}
		*pp = t->next;
		free(t);
		emit_timer(k, &copy, true);
		return true;
	}
	return false;
}

static int timers_run(struct rk *k)
{
	struct pfk_state *s = st(k);
	uint64_t expirations, now = mono_ms();
	int n = 0;

	while (read(s->timer_fd, &expirations, sizeof(expirations)) > 0)
		;
	while (timers_run_one(k, now))
		n++;
	timers_arm(s);
	return n;
}

static void timers_free(struct pfk_state *s)
{
	while (s->timers) {
		struct pol_timer *t = s->timers;
		s->timers = t->next;
		free(t);
	}
}
#else
static void timers_add(struct pfk_state *s, const struct rk_policy *p)
{
	(void)s;
	(void)p;
}

static void timers_forget(struct pfk_state *s, uint32_t index, const struct rk_selector *sel,
			  enum rk_dir dir)
{
	(void)s;
	(void)index;
	(void)sel;
	(void)dir;
}

static int timers_run(struct rk *k)
{
	(void)k;
	return 0;
}

static void timers_free(struct pfk_state *s)
{
	(void)s;
}
#endif

/* ---- policies ---- */

static int tmpl_to_ireq(struct rk *k, const struct rk_tmpl *t, struct pfk_ireq *rq)
{
	memset(rq, 0, sizeof(*rq));
	rq->proto = t->proto;
	rq->mode = mode_to_pfk(t->mode);
	rq->reqid = t->reqid;
	switch (t->level) {
	case RK_LEVEL_USE:
		rq->level = IPSEC_LEVEL_USE;
		break;
	case RK_LEVEL_UNIQUE:
		rq->level = IPSEC_LEVEL_UNIQUE;
		break;
	default:
		rq->level = IPSEC_LEVEL_REQUIRE;
		break;
	}
#ifdef __linux__
	/* af_key keeps a template's reqid only at level unique */
	if (t->reqid && t->level == RK_LEVEL_USE)
		return rk_fail(k, EOPNOTSUPP,
			       "pfkey: Linux af_key cannot keep reqid %u on an optional (use) "
			       "template",
			       t->reqid);
	if (t->reqid > IPSEC_MANUAL_REQID_MAX)
		return rk_fail(k, EINVAL,
			       "pfkey: Linux af_key keeps policy reqids up to %u, not %u",
			       IPSEC_MANUAL_REQID_MAX, t->reqid);
	if (t->reqid)
		rq->level = IPSEC_LEVEL_UNIQUE;
#else
	(void)k;
#endif
	if (t->mode == RK_MODE_TUNNEL) {
		rq->src = t->src;
		rq->dst = t->dst;
		rq->src.port = rq->dst.port = 0;
	}
	return 0;
}

static void put_selector(struct pfk_msg *m, const struct rk_selector *sel)
{
	m->src = sel_addr(&sel->src, sel->proto);
	m->dst = sel_addr(&sel->dst, sel->proto);
	pfk_set(m, SADB_EXT_ADDRESS_SRC);
	pfk_set(m, SADB_EXT_ADDRESS_DST);
}

static int build_policy(struct rk *k, struct pfk_msg *m, const struct rk_policy *p)
{
	int rc;

	put_selector(m, &p->sel);
	m->policy.dir = dir_to_pfk(p->dir);
	m->policy.priority = p->priority;
	switch (p->action) {
	case RK_ACT_IPSEC:
		m->policy.type = IPSEC_POLICY_IPSEC;
		break;
	case RK_ACT_DISCARD:
		m->policy.type = IPSEC_POLICY_DISCARD;
		break;
	default:
		/* "none": no IPsec (BYPASS would also override socket policies
		 * and Linux refuses it) */
		m->policy.type = IPSEC_POLICY_NONE;
		break;
	}
	m->policy.nreq = p->ntmpl;
	for (size_t i = 0; i < p->ntmpl; i++)
		if ((rc = tmpl_to_ireq(k, &p->tmpl[i], &m->policy.req[i])) < 0)
			return rc;
	pfk_set(m, SADB_X_EXT_POLICY);
	put_lifetimes(m, &p->lifetime);
	return 0;
}

static int pfk_policy_add(struct rk *k, struct rk_policy *p, bool update)
{
	struct pfk_msg *m = rc_xcalloc(1, sizeof(*m));
	int rc;

	start(k, m, update ? SADB_X_SPDUPDATE : SADB_X_SPDADD, SADB_SATYPE_UNSPEC);
	rc = build_policy(k, m, p);
	if (rc == 0) {
		rc = request(k, m);
		if (rc < 0)
			rc = kernel_error(k, rc, update ? "update policy" : "add policy");
	}
	free(m);
	if (rc < 0)
		return rc;
	if (!pfk_has(&st(k)->msg, SADB_X_EXT_POLICY))
		return rk_fail(k, EPROTO, "pfkey: the kernel's policy reply has no policy id");
	p->index = st(k)->msg.policy.id;
	timers_add(st(k), p);
	return 0;
}

static int pfk_policy_del(struct rk *k, const struct rk_selector *sel, enum rk_dir dir)
{
	struct pfk_msg *m = rc_xcalloc(1, sizeof(*m));
	int rc;

	start(k, m, SADB_X_SPDDELETE, SADB_SATYPE_UNSPEC);
	put_selector(m, sel);
	m->policy.type = IPSEC_POLICY_IPSEC;
	m->policy.dir = dir_to_pfk(dir);
	pfk_set(m, SADB_X_EXT_POLICY);
	rc = request(k, m);
	free(m);
	if (rc == 0 || rc == -ENOENT || rc == -ESRCH)
		timers_forget(st(k), 0, sel, dir);
	return rc < 0 ? kernel_error(k, rc, "delete policy") : 0;
}

static int pfk_policy_del_index(struct rk *k, uint32_t index, enum rk_dir dir)
{
	struct pfk_msg *m = rc_xcalloc(1, sizeof(*m));
	int rc;

	start(k, m, SADB_X_SPDDELETE2, SADB_SATYPE_UNSPEC);
	m->policy.type = IPSEC_POLICY_IPSEC;
	m->policy.dir = dir_to_pfk(dir);
	m->policy.id = index;
	pfk_set(m, SADB_X_EXT_POLICY);
	rc = request(k, m);
	free(m);
	if (rc == 0 || rc == -ENOENT || rc == -ESRCH)
		timers_forget(st(k), index, NULL, dir);
	return rc < 0 ? kernel_error(k, rc, "delete policy") : 0;
}

static void selector_from_msg(const struct pfk_msg *m, struct rk_selector *sel)
{
	sel->src = m->src.a;
	sel->dst = m->dst.a;
	sel->src.prefixlen = m->src.prefixlen;
	sel->dst.prefixlen = m->dst.prefixlen;
	sel->proto = m->src.proto == IPSEC_ULPROTO_ANY ? 0 : m->src.proto;
}

static enum rk_level level_from_pfk(uint8_t level)
{
	if (level == IPSEC_LEVEL_USE)
		return RK_LEVEL_USE;
#ifdef __linux__
	/* af_key says "unique" for every template with a reqid */
	return RK_LEVEL_REQUIRE;
#else
	return level == IPSEC_LEVEL_UNIQUE ? RK_LEVEL_UNIQUE : RK_LEVEL_REQUIRE;
#endif
}

static int policy_from_msg(const struct pfk_msg *m, struct rk_policy *p)
{
	memset(p, 0, sizeof(*p));
	if (!pfk_has(m, SADB_X_EXT_POLICY) || !pfk_has(m, SADB_EXT_ADDRESS_SRC) ||
	    !pfk_has(m, SADB_EXT_ADDRESS_DST))
		return -EPROTO;
	selector_from_msg(m, &p->sel);
	p->dir = dir_from_pfk(m->policy.dir);
	p->index = m->policy.id;
	p->priority = m->policy.priority;
	if (pfk_has(m, SADB_EXT_LIFETIME_CURRENT)) {
		p->cur.add_time = m->cur.addtime;
		p->cur.use_time = m->cur.usetime;
	}
	if (m->policy.type == IPSEC_POLICY_IPSEC)
		p->action = RK_ACT_IPSEC;
	else if (m->policy.type == IPSEC_POLICY_DISCARD)
		p->action = RK_ACT_DISCARD;
	else
		p->action = RK_ACT_BYPASS;
	for (size_t i = 0; i < m->policy.nreq && p->ntmpl < RK_MAX_TMPL; i++) {
		const struct pfk_ireq *rq = &m->policy.req[i];
		struct rk_tmpl *t = &p->tmpl[p->ntmpl++];

		t->proto = (uint8_t)rq->proto;
		t->mode = mode_from_pfk(rq->mode);
		t->reqid = rq->reqid;
		t->level = level_from_pfk(rq->level);
		t->src = rq->src;
		t->dst = rq->dst;
	}
	get_lifetimes(m, &p->lifetime);
	return 0;
}

struct pol_dump_ctx {
	int (*cb)(const struct rk_policy *, void *);
	void *arg;
};

static int pol_dump_one(struct rk *k, void *arg)
{
	struct pol_dump_ctx *c = arg;
	struct rk_policy p;

	if (policy_from_msg(&st(k)->msg, &p) < 0)
		return 0;
	return c->cb(&p, c->arg);
}

static int pfk_policy_dump(struct rk *k, int (*cb)(const struct rk_policy *, void *), void *arg)
{
	struct pol_dump_ctx c = {cb, arg};
	struct pfk_msg *m = rc_xcalloc(1, sizeof(*m));
	int rc;

	start(k, m, SADB_X_SPDDUMP, SADB_SATYPE_UNSPEC);
	rc = send_msg(k, st(k)->req_fd, m);
	free(m);
	return rc < 0 ? rc : read_dump(k, SADB_X_SPDDUMP, pol_dump_one, &c);
}

/* The policy with this id, for an ACQUIRE: the kernel's ACQUIRE names
 * the policy but not its selector or templates. */
static int policy_get(struct rk *k, uint32_t id, uint8_t dir, struct rk_policy *p)
{
	struct pfk_msg *m = rc_xcalloc(1, sizeof(*m));
	int rc;

	start(k, m, SADB_X_SPDGET, SADB_SATYPE_UNSPEC);
	m->policy.type = IPSEC_POLICY_IPSEC;
	m->policy.dir = dir;
	m->policy.id = id;
	pfk_set(m, SADB_X_EXT_POLICY);
	rc = request(k, m);
	free(m);
	return rc < 0 ? rc : policy_from_msg(&st(k)->msg, p);
}

/* ---- MIGRATE ---- */

#ifdef SADB_X_MIGRATE
static int pfk_migrate(struct rk *k, const struct rk_migrate *mg)
{
	struct pfk_state *s = st(k);
	struct pfk_msg *m = rc_xcalloc(1, sizeof(*m));
	const char *why = NULL;
	uint32_t seq;
	int rc;

	start(k, m, SADB_X_MIGRATE, SADB_SATYPE_UNSPEC);
	seq = m->seq;
	put_selector(m, &mg->sel);
	m->policy.type = IPSEC_POLICY_IPSEC;
	m->policy.dir = dir_to_pfk(mg->dir);
	m->policy.nreq = 2;
	for (int i = 0; i < 2; i++) {
		struct pfk_ireq *rq = &m->policy.req[i];

		rq->proto = mg->proto;
		rq->mode = mode_to_pfk(mg->mode);
		rq->level = IPSEC_LEVEL_REQUIRE;
		rq->reqid = mg->reqid;
		rq->src = i ? mg->new_src : mg->old_src;
		rq->dst = i ? mg->new_dst : mg->old_dst;
	}
	pfk_set(m, SADB_X_EXT_POLICY);
	rc = send_msg(k, s->req_fd, m);
	free(m);
	if (rc < 0)
		return rc;
	/* The kernel answers a MIGRATE that fails with an error and one that
	 * works with its own X_MIGRATE announcement (pid 0), both queued
	 * before send() returns. */
	for (;;) {
		int r = recv_msg(k, s->req_fd, 0, &why);

		if (r == -EAGAIN)
			return 0;
		if (r < 0)
			return rk_fail(k, r, "pfkey: migrate: %s", strerror(-r));
		if (r > 0 || s->msg.type != SADB_X_MIGRATE)
			continue;
		if (s->msg.pid == s->pid && s->msg.seq == seq && s->msg.err) {
			s->local_err = false;
			return kernel_error(k, -(int)s->msg.err, "migrate");
		}
		if (s->msg.pid == 0)
			return 0;
	}
}
#else
static int pfk_migrate(struct rk *k, const struct rk_migrate *mg)
{
	(void)mg;
	return rk_fail(k, EOPNOTSUPP, "pfkey: this system's PF_KEY has no MIGRATE");
}
#endif

/* ---- events ---- */

static void emit_acquire(struct rk *k, const struct pfk_msg *m)
{
	struct rk_event ev = {.type = RK_EV_ACQUIRE};
	struct rk_acquire *a = &ev.u.acquire;
	struct rk_policy p;

	a->seq = m->seq;
	a->tmpl.proto = proto_of(m->satype);
	a->tmpl.src = m->src.a;
	a->tmpl.dst = m->dst.a;
	a->tmpl.src.port = a->tmpl.dst.port = 0;
	if (pfk_has(m, SADB_X_EXT_POLICY)) {
		uint8_t dir = m->policy.dir;

		a->policy_index = m->policy.id;
		a->dir = dir_from_pfk(dir);
		/* m is st->msg: the lookup below overwrites it */
		if (policy_get(k, a->policy_index, dir, &p) == 0) {
			a->sel = p.sel;
			for (size_t i = 0; i < p.ntmpl; i++) {
				if (p.tmpl[i].proto != a->tmpl.proto)
					continue;
				a->tmpl.mode = p.tmpl[i].mode;
				a->tmpl.reqid = p.tmpl[i].reqid;
				a->tmpl.level = p.tmpl[i].level;
				break;
			}
		}
	}
	if (a->tmpl.mode == RK_MODE_TRANSPORT) {
		/* in transport mode the SA's endpoints are the packet's */
		a->pkt.src = a->tmpl.src;
		a->pkt.dst = a->tmpl.dst;
		a->pkt.proto = a->sel.proto;
	}
	rk_emit(k, &ev);
}

static void emit_expire(struct rk *k, const struct pfk_msg *m)
{
	struct rk_event ev = {.type = RK_EV_EXPIRE};
	struct rk_expire *e = &ev.u.expire;

	e->id.proto = proto_of(m->satype);
	e->id.spi = m->sa.spi;
	e->id.src = m->src.a;
	e->id.dst = m->dst.a;
	e->id.src.port = e->id.dst.port = 0;
	e->reqid = pfk_has(m, SADB_X_EXT_SA2) ? m->sa2_reqid : 0;
	e->hard = pfk_has(m, SADB_EXT_LIFETIME_HARD);
	e->cur.packets = m->cur.allocations;
	e->cur.bytes = m->cur.bytes;
	e->cur.add_time = m->cur.addtime;
	e->cur.use_time = m->cur.usetime;
	rk_emit(k, &ev);
}

static void emit_policy_expire(struct rk *k, const struct pfk_msg *m)
{
	struct rk_event ev = {.type = RK_EV_POLICY_EXPIRE};
	struct rk_policy_expire *e = &ev.u.policy_expire;

	e->index = m->policy.id;
	e->dir = dir_from_pfk(m->policy.dir);
	selector_from_msg(m, &e->sel);
#ifdef __linux__
	e->hard = true; /* af_key announces only the hard expiry */
#else
	e->hard = pfk_has(m, SADB_EXT_LIFETIME_HARD) || !pfk_has(m, SADB_EXT_LIFETIME_SOFT);
#endif
	rk_emit(k, &ev);
}

static void emit_migrate(struct rk *k, const struct pfk_msg *m)
{
	struct rk_event ev = {.type = RK_EV_MIGRATE};
	struct rk_migrate *g = &ev.u.migrate;

	if (m->policy.nreq < 2)
		return;
	selector_from_msg(m, &g->sel);
	g->dir = dir_from_pfk(m->policy.dir);
	g->proto = (uint8_t)m->policy.req[0].proto;
	g->mode = mode_from_pfk(m->policy.req[0].mode);
	g->reqid = m->policy.req[0].reqid;
	g->old_src = m->policy.req[0].src;
	g->old_dst = m->policy.req[0].dst;
	g->new_src = m->policy.req[1].src;
	g->new_dst = m->policy.req[1].dst;
	rk_emit(k, &ev);
}

/* One event message in st->msg; true when it was an event. */
static bool dispatch(struct rk *k)
{
	const struct pfk_msg *m = &st(k)->msg;

	if (m->err)
		return false;
	switch (m->type) {
	case SADB_ACQUIRE:
		if (m->pid != 0 || !pfk_has(m, SADB_EXT_ADDRESS_SRC) ||
		    !pfk_has(m, SADB_EXT_ADDRESS_DST))
			return false; /* a key manager's ACQUIRE, not the kernel's */
		emit_acquire(k, m);
		return true;
	case SADB_EXPIRE:
		if (!pfk_has(m, SADB_EXT_SA) || !pfk_has(m, SADB_EXT_ADDRESS_SRC) ||
		    !pfk_has(m, SADB_EXT_ADDRESS_DST))
			return false;
		emit_expire(k, m);
		return true;
	case SADB_X_SPDEXPIRE:
		if (!pfk_has(m, SADB_X_EXT_POLICY) || !pfk_has(m, SADB_EXT_ADDRESS_SRC) ||
		    !pfk_has(m, SADB_EXT_ADDRESS_DST))
			return false;
		emit_policy_expire(k, m);
		return true;
#ifdef SADB_X_MIGRATE
	case SADB_X_MIGRATE:
		if (!pfk_has(m, SADB_X_EXT_POLICY) || !pfk_has(m, SADB_EXT_ADDRESS_SRC) ||
		    !pfk_has(m, SADB_EXT_ADDRESS_DST))
			return false;
		emit_migrate(k, m);
		return true;
#endif
	default:
		return false; /* replies broadcast to every socket */
	}
}

static int pfk_read_events(struct rk *k)
{
	struct pfk_state *s = st(k);
	int n = timers_run(k);

	for (;;) {
		const char *why = NULL;
		int r = recv_msg(k, s->ev_fd, 0, &why);

		if (r == -EAGAIN || r == -EWOULDBLOCK)
			return n;
		if (r == -ENOBUFS)
			continue; /* the kernel dropped broadcasts for us: read on */
		if (r < 0)
			return rk_fail(k, r, "pfkey: reading kernel events: %s", strerror(-r));
		if (r == 0 && dispatch(k))
			n++;
		rc_memzero(s->buf, s->got);
	}
}

static int pfk_event_fd(struct rk *k)
{
#ifdef PFK_POLICY_TIMERS
	return st(k)->poll_fd;
#else
	return st(k)->ev_fd;
#endif
}

/* ---- open: sockets, registration and capabilities ---- */

static void caps_from_register(struct rk_caps *c, const struct pfk_msg *m)
{
	for (size_t i = 0; i < m->nauth; i++) {
		int a = auth_from_id(m->auth[i].id);
		if (a != RK_AUTH_NONE && auth_usable(a))
			c->auth[a] = true;
	}
	for (size_t i = 0; i < m->nenc; i++) {
		int e = enc_from_id(m->enc[i].id);
		if (e != RK_ENC_NONE && enc_usable(e))
			c->enc[e] = true;
	}
}

/* Registers the event socket for one SA type; false when the kernel has
 * no such type. */
static bool register_satype(struct rk *k, uint8_t satype, struct rk_caps *c)
{
	struct pfk_msg *m = rc_xcalloc(1, sizeof(*m));
	int rc;

	start(k, m, SADB_REGISTER, satype);
	rc = send_msg(k, st(k)->ev_fd, m);
	if (rc == 0)
		rc = wait_reply(k, st(k)->ev_fd, SADB_REGISTER, m->seq);
	free(m);
	if (rc < 0)
		return false;
	caps_from_register(c, &st(k)->msg);
	return true;
}

/* An empty X_MIGRATE is refused as invalid by a kernel that implements
 * MIGRATE and as unsupported by one that does not. */
static bool probe_migrate(struct rk *k)
{
#ifdef SADB_X_MIGRATE
	struct pfk_msg *m = rc_xcalloc(1, sizeof(*m));
	int rc;

	start(k, m, SADB_X_MIGRATE, SADB_SATYPE_UNSPEC);
	rc = request(k, m);
	free(m);
	return rc == -EINVAL;
#else
	(void)k;
	return false;
#endif
}

static bool have_ipv6(void)
{
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* Linux: the event fd is an epoll set of the PF_KEY event socket and the
 * policy expiry timer. */
static int open_timers(struct rk *k)
{
#ifdef PFK_POLICY_TIMERS
	struct pfk_state *s = st(k);
	struct epoll_event ev = {.events = EPOLLIN};

	s->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	s->poll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (s->timer_fd < 0 || s->poll_fd < 0)
		return rk_fail(k, errno, "pfkey: policy expiry timer: %s", strerror(errno));
	ev.data.fd = s->ev_fd;
	if (epoll_ctl(s->poll_fd, EPOLL_CTL_ADD, s->ev_fd, &ev) < 0)
		return rk_fail(k, errno, "pfkey: epoll: %s", strerror(errno));
	ev.data.fd = s->timer_fd;
	if (epoll_ctl(s->poll_fd, EPOLL_CTL_ADD, s->timer_fd, &ev) < 0)
		return rk_fail(k, errno, "pfkey: epoll: %s", strerror(errno));
#else
	(void)k;
#endif
	return 0;
}

static void pfk_close(struct rk *k)
{
	struct pfk_state *s = st(k);

	if (!s)
		return;
	if (s->req_fd >= 0)
		close(s->req_fd);
	if (s->ev_fd >= 0)
		close(s->ev_fd);
	if (s->poll_fd >= 0)
		close(s->poll_fd);
	if (s->timer_fd >= 0)
		close(s->timer_fd);
	timers_free(s);
	if (s->buf) {
		rc_memzero(s->buf, s->buflen);
		free(s->buf);
	}
	rc_memzero(&s->msg, sizeof(s->msg));
	free(s);
	rk_set_priv(k, NULL);
}

static int pfk_open(struct rk *k)
{
	struct pfk_state *s = rc_xcalloc(1, sizeof(*s));
	struct rk_caps *c = rk_caps_mut(k);
	int rc;

	s->req_fd = s->ev_fd = s->poll_fd = s->timer_fd = -1;
	s->pid = (uint32_t)getpid();
	s->buflen = (size_t)UINT16_MAX * 8;
	s->buf = rc_xmalloc(s->buflen);
	rk_set_priv(k, s);
	if ((rc = open_socket(k, &s->req_fd)) < 0 || (rc = open_socket(k, &s->ev_fd)) < 0)
		goto fail;
	memset(c, 0, sizeof(*c));
	c->esp = register_satype(k, SADB_SATYPE_ESP, c);
#ifdef __linux__
	/* af_key sends every event to a socket registered for any type and
	 * accepts a registration for AH and IPComp whether or not the kernel
	 * has them, while each registration probes the crypto modules (about
	 * a second): one suffices. */
	c->ah = c->ipcomp = c->esp;
#else
	c->ah = register_satype(k, SADB_SATYPE_AH, c);
	c->ipcomp = register_satype(k, SADB_X_SATYPE_IPCOMP, c);
#endif
	if (!c->esp && !c->ah) {
		rc = rk_fail(k, EPROTONOSUPPORT,
			     "pfkey: the kernel registers neither ESP nor AH (is esp4/ah4 "
			     "loaded?)");
		goto fail;
	}
	/* PF_KEY cannot say which compressors exist; every IPComp has deflate */
	c->comp[RK_COMP_DEFLATE] = c->ipcomp;
	c->udp_encap = true;
	c->esn = false;
	c->migrate = probe_migrate(k);
	c->ipv6 = have_ipv6();
	if (fcntl(s->ev_fd, F_SETFL, fcntl(s->ev_fd, F_GETFL) | O_NONBLOCK) < 0) {
		rc = rk_fail(k, errno, "pfkey: %s", strerror(errno));
		goto fail;
	}
	if ((rc = open_timers(k)) < 0)
		goto fail;
	return 0;
fail:
	pfk_close(k);
	return rc;
}

const struct rk_backend_ops rk_pfkey_ops = {
	.name = "pfkey",
	.open = pfk_open,
	.close = pfk_close,
	.event_fd = pfk_event_fd,
	.read_events = pfk_read_events,
	.getspi = pfk_getspi,
	.sa_add = pfk_sa_add,
	.sa_del = pfk_sa_del,
	.sa_get = pfk_sa_get,
	.sa_dump = pfk_sa_dump,
	.policy_add = pfk_policy_add,
	.policy_del = pfk_policy_del,
	.policy_del_index = pfk_policy_del_index,
	.policy_dump = pfk_policy_dump,
	.migrate = pfk_migrate,
};
