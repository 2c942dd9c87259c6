/* XFRM netlink messages (<linux/xfrm.h>) built from and parsed into the
 * kernel interface's types (kernel.h).  Pure: no sockets, so every message
 * can be checked byte by byte in unit tests.
 *
 * Builders write one netlink message at buf (capacity cap) with sequence
 * number and port id left zero for the caller, and return 0 or -errno
 * (-EINVAL for a request the kernel cannot express, -EOPNOTSUPP for a
 * transform XFRM has no name for, -EMSGSIZE when cap is too small); *why
 * then names the problem in words.
 *
 * Parsers take one message of exactly len bytes (as xm_next() hands them
 * out), check every length before use and return 0, or -EBADMSG for a
 * truncated or malformed message (*why says what was wrong).  Attribute
 * types they do not know are skipped, as newer kernels add some. */
#ifndef RC_XFRM_MSG_H
#define RC_XFRM_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/netlink.h>

#include "kernel.h"

#define XM_MSG_MAX 4096

/* Kernel names, key sizes and ICV/truncation lengths of the transforms. */
const char *xm_enc_kname(enum rk_enc e);
const char *xm_auth_kname(enum rk_auth a);
const char *xm_comp_kname(enum rk_comp c);
unsigned xm_enc_icv_bits(enum rk_enc e);     /* AEAD ICV, 0 for ciphers */
unsigned xm_auth_trunc_bits(enum rk_auth a); /* RFC 4868 / 2404 / 3566 / 4494 */
/* A key length the kernel accepts, for the capability probe. */
size_t xm_enc_probe_keylen(enum rk_enc e);
size_t xm_auth_probe_keylen(enum rk_auth a);

/* Requests */
int xm_build_allocspi(void *buf, size_t cap, uint8_t proto, const struct rc_addr *src,
		      const struct rc_addr *dst, uint32_t min, uint32_t max, uint32_t reqid,
		      const char **why);
/* NEWSA, or UPDSA with update (completes a larval SA from ALLOCSPI). */
int xm_build_sa(void *buf, size_t cap, const struct rk_sa *sa, bool update, const char **why);
/* DELSA or GETSA (type) by SPI, protocol and addresses. */
int xm_build_sa_id(void *buf, size_t cap, uint16_t type, const struct rk_sa_id *id,
		   const char **why);
/* NEWPOLICY, or UPDPOLICY with update. */
int xm_build_policy(void *buf, size_t cap, const struct rk_policy *p, bool update,
		    const char **why);
/* DELPOLICY or GETPOLICY (type) by selector (sel != NULL) or by index. */
int xm_build_policy_id(void *buf, size_t cap, uint16_t type, const struct rk_selector *sel,
		       uint32_t index, enum rk_dir dir, const char **why);
int xm_build_migrate(void *buf, size_t cap, const struct rk_migrate *m, const char **why);
/* A dump request (GETSA or GETPOLICY with NLM_F_DUMP). */
int xm_build_dump(void *buf, size_t cap, uint16_t type);

/* Walking a received datagram: each call hands out the next message whose
 * header and nlmsg_len fit in what is left.  Returns 1 with the message and its length set, 0
 * at the end, -EBADMSG when the rest is not a whole message. */
struct xm_iter {
	const uint8_t *p;
	size_t left;
};
void xm_iter_init(struct xm_iter *it, const void *buf, size_t len);
int xm_next(struct xm_iter *it, const struct nlmsghdr **msg, size_t *len);

/* NLMSG_ERROR: *error is the (negative) errno or 0 for an ACK; text gets
 * the kernel's extended ack message when there is one (else ""). */
int xm_parse_error(const void *msg, size_t len, int *error, char *text, size_t textlen,
		   const char **why);
/* NLMSG_DONE of a dump: *error is 0 or the dump's negative errno. */
int xm_parse_done(const void *msg, size_t len, int *error, const char **why);
/* NEWSA/UPDSA (GETSA, dump and ALLOCSPI replies). */
int xm_parse_sa(const void *msg, size_t len, struct rk_sa_info *out, const char **why);
/* NEWPOLICY/UPDPOLICY (GETPOLICY and dump replies).  Per-socket policies
 * have a direction beyond FWD: *is_socket tells (may be NULL).  -E2BIG for
 * a well-formed policy with more templates than struct rk_policy holds. */
int xm_parse_policy(const void *msg, size_t len, struct rk_policy *out, bool *is_socket,
		    const char **why);
/* ACQUIRE, EXPIRE, POLEXPIRE and MIGRATE.  Returns 1 for a well-formed
 * message that is no event (the SA and policy notifications the event
 * socket also sees). */
int xm_parse_event(const void *msg, size_t len, struct rk_event *out, const char **why);

#endif
