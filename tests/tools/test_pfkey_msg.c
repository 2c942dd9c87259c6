/* Unit tests for the PF_KEY SADB_REGISTER reply parser of pfkey_probe. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <linux/pfkeyv2.h>

#include "pfkey_msg.h"

/* A reply as Linux af_key builds it: header, supported-auth with two
 * algorithms, supported-encrypt with one. */
static size_t build_reply(uint8_t *buf, size_t cap)
{
	struct sadb_msg m = {.sadb_msg_version = PF_KEY_V2,
			     .sadb_msg_type = SADB_REGISTER,
			     .sadb_msg_satype = SADB_SATYPE_ESP,
			     .sadb_msg_pid = 4242};
	struct sadb_supported sa = {.sadb_supported_exttype = SADB_EXT_SUPPORTED_AUTH};
	struct sadb_supported se = {.sadb_supported_exttype = SADB_EXT_SUPPORTED_ENCRYPT};
	struct sadb_alg a1 = {.sadb_alg_id = SADB_AALG_SHA1HMAC,
			      .sadb_alg_minbits = 160,
			      .sadb_alg_maxbits = 160};
	struct sadb_alg a2 = {.sadb_alg_id = SADB_X_AALG_SHA2_256HMAC,
			      .sadb_alg_minbits = 256,
			      .sadb_alg_maxbits = 256};
	struct sadb_alg e1 = {.sadb_alg_id = SADB_X_EALG_AESCBC,
			      .sadb_alg_minbits = 128,
			      .sadb_alg_maxbits = 256};
	size_t off = sizeof(m);
	assert_true(cap >= sizeof(m) + 2 * sizeof(sa) + 3 * sizeof(a1));
	sa.sadb_supported_len = (sizeof(sa) + 2 * sizeof(a1)) / 8;
	memcpy(buf + off, &sa, sizeof(sa));
	memcpy(buf + off + sizeof(sa), &a1, sizeof(a1));
	memcpy(buf + off + sizeof(sa) + sizeof(a1), &a2, sizeof(a2));
	off += sizeof(sa) + 2 * sizeof(a1);
	se.sadb_supported_len = (sizeof(se) + sizeof(e1)) / 8;
	memcpy(buf + off, &se, sizeof(se));
	memcpy(buf + off + sizeof(se), &e1, sizeof(e1));
	off += sizeof(se) + sizeof(e1);
	m.sadb_msg_len = (uint16_t)(off / 8);
	memcpy(buf, &m, sizeof(m));
	return off;
}

static void test_good_reply(void **state)
{
	uint8_t buf[256];
	struct pfkey_register_reply r;
	const char *err = NULL;
	size_t len = build_reply(buf, sizeof(buf));
	assert_int_equal(pfkey_parse_register(buf, len, &r, &err), 0);
	assert_int_equal(r.satype, SADB_SATYPE_ESP);
	assert_int_equal(r.pid, 4242);
	assert_int_equal(r.nauth, 2);
	assert_int_equal(r.nenc, 1);
	assert_string_equal(pfkey_auth_name(r.auth[1].id), "hmac-sha2-256");
	assert_int_equal(r.enc[0].maxbits, 256);
	assert_string_equal(pfkey_enc_name(r.enc[0].id), "aes-cbc");
	assert_null(pfkey_enc_name(200));
}

static void test_every_truncation_rejected(void **state)
{
	uint8_t buf[256];
	struct pfkey_register_reply r;
	const char *err;
	size_t len = build_reply(buf, sizeof(buf));
	/* the length field no longer matches: never an overread */
	for (size_t cut = 0; cut < len; cut++) {
		err = NULL;
		assert_int_equal(pfkey_parse_register(buf, cut, &r, &err), -1);
		assert_non_null(err);
	}
}

static void test_bad_extension_length(void **state)
{
	uint8_t buf[256];
	struct pfkey_register_reply r;
	const char *err = NULL;
	size_t len = build_reply(buf, sizeof(buf));
	struct sadb_ext ext;
	memcpy(&ext, buf + sizeof(struct sadb_msg), sizeof(ext));
	ext.sadb_ext_len = 0; /* would loop forever if accepted */
	memcpy(buf + sizeof(struct sadb_msg), &ext, sizeof(ext));
	assert_int_equal(pfkey_parse_register(buf, len, &r, &err), -1);
	assert_string_equal(err, "extension length out of bounds");
	ext.sadb_ext_len = 200; /* past the end */
	memcpy(buf + sizeof(struct sadb_msg), &ext, sizeof(ext));
	assert_int_equal(pfkey_parse_register(buf, len, &r, &err), -1);
}

static void test_error_and_wrong_type(void **state)
{
	uint8_t buf[256];
	struct pfkey_register_reply r;
	const char *err = NULL;
	size_t len = build_reply(buf, sizeof(buf));
	struct sadb_msg m;
	memcpy(&m, buf, sizeof(m));
	m.sadb_msg_errno = 22;
	memcpy(buf, &m, sizeof(m));
	assert_int_equal(pfkey_parse_register(buf, len, &r, &err), -1);
	assert_string_equal(err, "the kernel answered with an error");
	m.sadb_msg_errno = 0;
	m.sadb_msg_type = SADB_ADD;
	memcpy(buf, &m, sizeof(m));
	assert_int_equal(pfkey_parse_register(buf, len, &r, &err), -1);
	assert_string_equal(err, "not an SADB_REGISTER message");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_reply),
		cmocka_unit_test(test_every_truncation_rejected),
		cmocka_unit_test(test_bad_extension_length),
		cmocka_unit_test(test_error_and_wrong_type),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
