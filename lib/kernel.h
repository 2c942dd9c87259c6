/* The kernel IPsec interface: one narrow API over the SAD and SPD with
 * three backends, chosen at run time:
 *   xfrm    Linux XFRM netlink (libmnl); the default on Linux
 *   pfkey   PF_KEYv2 (RFC 2367 + KAME/Linux extensions); BSD, Linux af_key
 *   memory  an in-process SAD/SPD with the same semantics, for host-only
 *           tests and dry runs (counters stay zero; lifetimes fire from timers)
 * Nothing above this layer knows which backend runs.
 *
 * Calls are synchronous request/reply exchanges with the kernel (which
 * answers at once); kernel events (ACQUIRE, EXPIRE, MIGRATE, policy expiry)
 * arrive on the event loop and are handed to the callback given to
 * rk_open().  Every call returns 0 or a negative errno; rk_error() then
 * says what failed in words (including the kernel's extended ack text).
 *
 * Ownership: the handle records every SA and policy added through it, so
 * rk_flush() removes exactly those and nothing else in the kernel. */
#ifndef RC_KERNEL_H
#define RC_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

struct event_base;
struct rk;

/* IP protocol numbers */
#define RK_PROTO_ESP 50
#define RK_PROTO_AH 51
#define RK_PROTO_COMP 108

enum rk_mode { RK_MODE_TRANSPORT, RK_MODE_TUNNEL };
enum rk_dir { RK_DIR_IN, RK_DIR_OUT, RK_DIR_FWD };
enum rk_action { RK_ACT_IPSEC, RK_ACT_BYPASS, RK_ACT_DISCARD };
enum rk_level { RK_LEVEL_REQUIRE, RK_LEVEL_USE, RK_LEVEL_UNIQUE };

/* Transforms the kernel applies.  The key lengths are in rk_alg.c. */
enum rk_enc {
	RK_ENC_NONE, /* AH, IPComp, or ESP with an AEAD in .enc */
	RK_ENC_NULL,
	RK_ENC_DES_CBC,
	RK_ENC_3DES_CBC,
	RK_ENC_CAST128_CBC,
	RK_ENC_BLOWFISH_CBC,
	RK_ENC_TWOFISH_CBC,
	RK_ENC_AES_CBC,
	RK_ENC_AES_CTR,    /* key = AES key + 4-byte nonce (RFC 3686) */
	RK_ENC_AES_GCM_8,  /* AEAD; key = AES key + 4-byte salt (RFC 4106) */
	RK_ENC_AES_GCM_12,
	RK_ENC_AES_GCM_16,
	RK_ENC_CHACHA20_POLY1305, /* AEAD; key = 32 + 4-byte salt (RFC 7634) */
	RK_ENC_COUNT
};
enum rk_auth {
	RK_AUTH_NONE,
	RK_AUTH_HMAC_MD5_96,
	RK_AUTH_HMAC_SHA1_96,
	RK_AUTH_HMAC_SHA2_256_128,
	RK_AUTH_HMAC_SHA2_384_192,
	RK_AUTH_HMAC_SHA2_512_256,
	RK_AUTH_AES_XCBC_96,
	RK_AUTH_AES_CMAC_96,
	RK_AUTH_COUNT
};
enum rk_comp { RK_COMP_NONE, RK_COMP_OUI, RK_COMP_DEFLATE, RK_COMP_LZS, RK_COMP_COUNT };

bool rk_enc_is_aead(enum rk_enc e);
const char *rk_enc_name(enum rk_enc e);   /* "aes-gcm-16", ... */
const char *rk_auth_name(enum rk_auth a); /* "hmac-sha2-256-128", ... */
const char *rk_comp_name(enum rk_comp c);
/* Key length in bytes the kernel needs for `e` given the cipher key bits
 * (0 = the algorithm's only size), salt/nonce included; 0 if invalid. */
size_t rk_enc_keylen(enum rk_enc e, unsigned key_bits);
size_t rk_auth_keylen(enum rk_auth a);
/* racoon2.conf algorithm keywords (compat §8.1 and our extensions) to
 * kernel transforms.  Returns 0, or -1 when the keyword has no kernel
 * mapping (e.g. des_cbc_iv64, kpdk_md5, aes_cmac on pfkey is decided by
 * capabilities, not here). */
int rk_enc_from_keyword(const char *kw, enum rk_enc *out);
int rk_auth_from_keyword(const char *kw, enum rk_auth *out);
int rk_comp_from_keyword(const char *kw, enum rk_comp *out);

/* Traffic selector.  Ports in src.port/dst.port (host order); for ICMP
 * (proto 1/58) the type is in src.port and the code in dst.port, as the
 * kernels keep them (compat §1.7).  proto 0 = any. */
struct rk_selector {
	struct rc_addr src, dst; /* same family; prefixlen significant */
	uint8_t proto;
};

struct rk_lifetime {
	uint64_t soft_bytes, hard_bytes;     /* 0 = none */
	uint64_t soft_packets, hard_packets;
	uint64_t soft_add_sec, hard_add_sec; /* seconds after creation */
	uint64_t soft_use_sec, hard_use_sec; /* seconds after first use */
};

struct rk_current {
	uint64_t bytes, packets;
	uint64_t add_time; /* unix time installed */
	uint64_t use_time; /* unix time first used, 0 = never */
};

/* UDP encapsulation of ESP for NAT traversal (RFC 3948). */
struct rk_encap {
	bool enabled;
	uint16_t sport, dport; /* host order */
	struct rc_addr oa;      /* NAT original address, AF_UNSPEC = none */
};

#define RK_MAX_KEY 64

/* An SA.  SPI (CPI for IPComp) in host order. */
struct rk_sa {
	uint8_t proto;
	uint32_t spi;
	struct rc_addr src, dst; /* outer addresses; ports ignored */
	enum rk_mode mode;
	uint32_t reqid;
	enum rk_enc enc;
	uint8_t enc_key[RK_MAX_KEY];
	size_t enc_keylen;
	enum rk_auth auth;
	uint8_t auth_key[RK_MAX_KEY];
	size_t auth_keylen;
	enum rk_comp comp;
	uint32_t replay_window; /* packets; 0 = none */
	bool esn;
	struct rk_encap encap;
	struct rk_lifetime lifetime;
	struct rk_selector sel; /* family AF_UNSPEC = the backend's default */
};

/* What identifies an SA in the kernel. */
struct rk_sa_id {
	uint8_t proto;
	uint32_t spi;
	struct rc_addr src, dst;
};

/* rk_sa_get: the SA as the kernel has it (keys not returned), with its
 * current counters. */
struct rk_sa_info {
	struct rk_sa sa; /* enc_key/auth_key zeroed */
	struct rk_current cur;
};

/* One step of a policy's SA bundle; the first template is applied first
 * on output (innermost: IPComp, then ESP, then AH). */
struct rk_tmpl {
	uint8_t proto;
	enum rk_mode mode;
	uint32_t reqid; /* 0 = any */
	struct rc_addr src, dst; /* tunnel endpoints; AF_UNSPEC in transport */
	enum rk_level level;
};

#define RK_MAX_TMPL 3

struct rk_policy {
	struct rk_selector sel;
	enum rk_dir dir;
	enum rk_action action;
	uint32_t priority; /* lower = preferred (XFRM's sense); 0 = default */
	uint32_t index;    /* kernel policy id: set by rk_policy_add */
	size_t ntmpl;
	struct rk_tmpl tmpl[RK_MAX_TMPL];
	struct rk_lifetime lifetime; /* hard_add_sec for generated policies */
	struct rk_current cur;       /* dumps: when added and last used (in: ignored) */
};

/* Kernel events */
enum rk_event_type {
	RK_EV_ACQUIRE,      /* traffic hit an IPsec policy with no SA */
	RK_EV_EXPIRE,       /* an SA reached a soft or hard lifetime */
	RK_EV_POLICY_EXPIRE,
	RK_EV_MIGRATE,
};

struct rk_acquire {
	uint32_t policy_index; /* which policy fired: ask spmd (SLID) */
	enum rk_dir dir;
	struct rk_selector sel; /* the policy's selector */
	struct rk_selector pkt; /* the packet's addresses when known */
	struct rk_tmpl tmpl;    /* the missing SA */
	uint32_t seq;           /* kernel sequence, for the SA's answer */
};

struct rk_expire {
	struct rk_sa_id id;
	uint32_t reqid;
	bool hard;
	struct rk_current cur;
};

struct rk_policy_expire {
	uint32_t index;
	enum rk_dir dir;
	struct rk_selector sel;
	bool hard;
};

struct rk_migrate {
	struct rk_selector sel;
	enum rk_dir dir;
	uint8_t proto;
	enum rk_mode mode;
	uint32_t reqid;
	struct rc_addr old_src, old_dst, new_src, new_dst;
};

struct rk_event {
	enum rk_event_type type;
	union {
		struct rk_acquire acquire;
		struct rk_expire expire;
		struct rk_policy_expire policy_expire;
		struct rk_migrate migrate;
	} u;
};

typedef void (*rk_event_fn)(const struct rk_event *ev, void *arg);

/* What the running kernel supports, learnt once at rk_open(). */
struct rk_caps {
	bool esp, ah, ipcomp;
	bool enc[RK_ENC_COUNT];
	bool auth[RK_AUTH_COUNT];
	bool comp[RK_COMP_COUNT];
	bool udp_encap, esn, migrate;
	bool ipv6;
};

/* Backends by name: "xfrm", "pfkey", "memory"; NULL = RC_DEFAULT_KERNEL.
 * With a base, events are read on it and handed to fn; without one
 * (command-line tools), rk_poll_events() reads what is pending. */
struct rk *rk_open(const char *backend, struct event_base *base, rk_event_fn fn, void *arg,
		   char *err, size_t errlen);
/* Closes the handle without removing anything (call rk_flush first). */
void rk_close(struct rk *k);
const char *rk_backend_name(const struct rk *k);
const struct rk_caps *rk_caps(const struct rk *k);
/* One line per unsupported family, e.g. for the daemon's start-up log:
 * "xfrm: ESP: aes-gcm-16 chacha20-poly1305 unsupported". */
void rk_caps_describe(const struct rk *k, void (*line)(const char *text, void *arg), void *arg);
const char *rk_error(const struct rk *k); /* text of the last failure */

/* SPI in [min, max] (0, 0 = the kernel's choice) for an SA to be added
 * with rk_sa_update; reqid may be 0. */
int rk_getspi(struct rk *k, uint8_t proto, const struct rc_addr *src, const struct rc_addr *dst,
	      uint32_t min, uint32_t max, uint32_t reqid, uint32_t *spi);
int rk_sa_add(struct rk *k, const struct rk_sa *sa);
int rk_sa_update(struct rk *k, const struct rk_sa *sa);
int rk_sa_del(struct rk *k, const struct rk_sa_id *id);
int rk_sa_get(struct rk *k, const struct rk_sa_id *id, struct rk_sa_info *out);
/* Every SA in the kernel (not only ours); cb returns non-zero to stop. */
int rk_sa_dump(struct rk *k, int (*cb)(const struct rk_sa_info *sa, void *arg), void *arg);

/* Adds (or with update, replaces the policy with the same selector and
 * direction) and sets p->index. */
int rk_policy_add(struct rk *k, struct rk_policy *p, bool update);
/* By selector and direction. */
int rk_policy_del(struct rk *k, const struct rk_selector *sel, enum rk_dir dir);
int rk_policy_del_index(struct rk *k, uint32_t index, enum rk_dir dir);
int rk_policy_dump(struct rk *k, int (*cb)(const struct rk_policy *p, void *arg), void *arg);

/* Move the SAs and policies of `m->sel` from old to new endpoints. */
int rk_migrate(struct rk *k, const struct rk_migrate *m);

/* Remove every SA and policy this handle added (and has not deleted). */
int rk_flush(struct rk *k);
/* Without an event base: read and dispatch pending events, waiting up to
 * timeout_ms (0 = do not wait).  Returns the number dispatched or -errno. */
int rk_poll_events(struct rk *k, int timeout_ms);

#endif
