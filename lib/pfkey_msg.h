/* PF_KEY v2 messages (RFC 2367 with the KAME/Linux extensions) as plain
 * structures, encoded and decoded through lib/bytebuf.h.  No socket here:
 * the codec is pure so the unit tests can feed it any bytes.
 *
 * One struct pfk_msg serves both directions: `exts` says which extensions
 * are present (bit n = extension type n) and the matching members hold
 * their contents.  The encoder writes the present extensions in type
 * order; the decoder validates every length (the message's and each
 * extension's, in 8-byte units), rejects unknown and duplicate extension
 * types and checks each address's sockaddr against its family, so a
 * truncated or malformed kernel message is an error, never an overrun.
 *
 * Integers are host order as on the wire, except the SPI (and the IPComp
 * CPI) which PF_KEY carries in network order: pfk_sa.spi is host order and
 * the codec converts.  NAT-T ports are host order here, network order on
 * the wire. */
#ifndef RC_PFKEY_MSG_H
#define RC_PFKEY_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "bytebuf.h"

#ifdef __linux__
#include <linux/pfkeyv2.h>
#include <linux/ipsec.h>
#else
#include <net/pfkeyv2.h>
#include <netipsec/ipsec.h>
#endif

/* The largest extension type this codec knows (Linux: SADB_X_EXT_FILTER;
 * the BSDs number theirs differently above SADB_X_EXT_NAT_T_OA). */
#define PFK_EXT_LIMIT 32
#define PFK_MAX_ALGS 64
/* A policy has at most RK_MAX_TMPL requests; MIGRATE sends them in
 * old/new pairs. */
#define PFK_MAX_IREQ 8

struct pfk_addr {
	uint8_t proto;	   /* upper-layer protocol, IPSEC_ULPROTO_ANY = any */
	uint8_t prefixlen; /* of the address extension */
	struct rc_addr a;  /* with the sockaddr's port */
};

struct pfk_lifetime {
	uint32_t allocations; /* Linux: packets */
	uint64_t bytes, addtime, usetime;
};

struct pfk_key {
	uint16_t bits;
	const uint8_t *data; /* encode: the key; decode: points into the message */
	size_t len;
};

struct pfk_alg {
	uint8_t id, ivlen;
	uint16_t minbits, maxbits;
};

struct pfk_ireq {
	uint16_t proto;
	uint8_t mode, level;
	uint32_t reqid;
	struct rc_addr src, dst; /* AF_UNSPEC when the request carries none */
};

struct pfk_policy {
	uint16_t type;
	uint8_t dir;
	uint32_t id, priority;
	size_t nreq;
	struct pfk_ireq req[PFK_MAX_IREQ];
};

struct pfk_sa {
	uint32_t spi;
	uint8_t replay, state, auth, encrypt;
	uint32_t flags;
};

struct pfk_msg {
	uint8_t type, err, satype; /* err: sadb_msg_errno */
	uint32_t seq, pid;
	uint32_t exts; /* bit n: extension type n present */

	struct pfk_sa sa;
	struct pfk_lifetime cur, hard, soft;
	struct pfk_addr src, dst, proxy;
	struct pfk_key key_auth, key_enc;
	size_t nauth, nenc;
	struct pfk_alg auth[PFK_MAX_ALGS], enc[PFK_MAX_ALGS];
	uint32_t spi_min, spi_max;
	struct pfk_policy policy;
	uint8_t sa2_mode;
	uint32_t sa2_seq, sa2_reqid;
	uint8_t natt_type;
	uint16_t natt_sport, natt_dport;
	struct pfk_addr natt_oa;
};

static inline bool pfk_has(const struct pfk_msg *m, unsigned type)
{
	return type < PFK_EXT_LIMIT && (m->exts & (1u << type));
}

static inline void pfk_set(struct pfk_msg *m, unsigned type)
{
	if (type < PFK_EXT_LIMIT)
		m->exts |= 1u << type;
}

/* A message header of the given type with no extensions. */
void pfk_init(struct pfk_msg *m, uint8_t type, uint8_t satype, uint32_t seq, uint32_t pid);

/* Appends the message to w (the writer's errors are sticky).  Returns 0, or
 * -EINVAL for content the wire cannot carry (an address family other than
 * IPv4/IPv6, too many requests, a key longer than 64 KiB) and -EMSGSIZE
 * when the message exceeds sadb_msg_len's range. */
int pfk_encode(const struct pfk_msg *m, struct rc_writer *w);

/* Parses one whole message (a PF_KEY datagram: len must equal
 * sadb_msg_len * 8).  Returns 0, or -EBADMSG with a reason in *why. */
int pfk_decode(const void *buf, size_t len, struct pfk_msg *m, const char **why);

/* Names for logs: "SADB_ADD", "SADB_X_SPDADD"; "SADB_?" when unknown. */
const char *pfk_type_name(uint8_t type);

#endif
