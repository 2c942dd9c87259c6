/* Parsing of the PF_KEY v2 (RFC 2367) SADB_REGISTER reply for the test
 * probe: which authentication and encryption algorithms a kernel announces.
 * Kept apart from the socket code so the unit test can feed it crafted
 * messages, truncated and malformed ones included. */
#ifndef RC_TESTS_PFKEY_MSG_H
#define RC_TESTS_PFKEY_MSG_H

#include <stddef.h>
#include <stdint.h>

enum { PFKEY_MAX_ALGS = 64 };

struct pfkey_alg_info {
	uint8_t id;
	uint16_t minbits, maxbits;
};

struct pfkey_register_reply {
	uint8_t satype;
	uint32_t pid;
	size_t nauth, nenc;
	struct pfkey_alg_info auth[PFKEY_MAX_ALGS];
	struct pfkey_alg_info enc[PFKEY_MAX_ALGS];
};

/* 0 on success; -1 with a reason in *err for anything that is not a
 * well-formed SADB_REGISTER reply (every length is checked). */
int pfkey_parse_register(const uint8_t *msg, size_t len, struct pfkey_register_reply *out,
			 const char **err);

/* "hmac-sha2-256", "aes-cbc", ...; NULL when unknown */
const char *pfkey_auth_name(uint8_t id);
const char *pfkey_enc_name(uint8_t id);

#endif
