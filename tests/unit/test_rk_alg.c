/* rk_alg.c: transform names, key lengths, and every algorithm keyword of
 * compat §8.1 plus our extensions mapped (or refused) for the kernel. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "kernel.h"

static void enc_keywords(void **state)
{
	static const struct {
		const char *kw;
		enum rk_enc enc;
	} map[] = {
		{"des_cbc", RK_ENC_DES_CBC},
		{"3des_cbc", RK_ENC_3DES_CBC},
		{"null_enc", RK_ENC_NULL},
		{"cast128_cbc", RK_ENC_CAST128_CBC},
		{"blowfish_cbc", RK_ENC_BLOWFISH_CBC},
		{"rijndael_cbc", RK_ENC_AES_CBC},
		{"aes128_cbc", RK_ENC_AES_CBC},
		{"aes192_cbc", RK_ENC_AES_CBC},
		{"aes256_cbc", RK_ENC_AES_CBC},
		{"aes_ctr", RK_ENC_AES_CTR},
		{"twofish_cbc", RK_ENC_TWOFISH_CBC},
		{"aes128_gcm16", RK_ENC_AES_GCM_16},
		{"aes192_gcm16", RK_ENC_AES_GCM_16},
		{"aes256_gcm16", RK_ENC_AES_GCM_16},
		{"aes128_gcm12", RK_ENC_AES_GCM_12},
		{"aes192_gcm12", RK_ENC_AES_GCM_12},
		{"aes256_gcm12", RK_ENC_AES_GCM_12},
		{"aes128_gcm8", RK_ENC_AES_GCM_8},
		{"aes192_gcm8", RK_ENC_AES_GCM_8},
		{"aes256_gcm8", RK_ENC_AES_GCM_8},
		{"chacha20_poly1305", RK_ENC_CHACHA20_POLY1305},
	};
	static const char *const none[] = {"des_cbc_iv64", "des_cbc_iv32", "rc5_cbc",	"idea_cbc",
					   "3idea_cbc",	   "rc4_cbc",	   "hmac_sha1", "",
					   "AES128_CBC"};
	enum rk_enc e;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		e = RK_ENC_COUNT;
		assert_int_equal(rk_enc_from_keyword(map[i].kw, &e), 0);
		assert_int_equal(e, map[i].enc);
	}
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++)
		assert_int_equal(rk_enc_from_keyword(none[i], &e), -1);
	assert_int_equal(rk_enc_from_keyword(NULL, &e), -1);
}

static void auth_and_comp_keywords(void **state)
{
	static const struct {
		const char *kw;
		enum rk_auth auth;
	} map[] = {
		{"hmac_md5", RK_AUTH_HMAC_MD5_96},
		{"hmac_sha1", RK_AUTH_HMAC_SHA1_96},
		{"hmac_sha2_256", RK_AUTH_HMAC_SHA2_256_128},
		{"hmac_sha2_384", RK_AUTH_HMAC_SHA2_384_192},
		{"hmac_sha2_512", RK_AUTH_HMAC_SHA2_512_256},
		{"aes_xcbc", RK_AUTH_AES_XCBC_96},
		{"aes_cmac", RK_AUTH_AES_CMAC_96},
		{"non_auth", RK_AUTH_NONE},
	};
	static const char *const none[] = {"kpdk_md5", "des_mac",  "tiger",	"md5",
					   "sha1",     "sha2_256", "aes128_cbc"};
	enum rk_auth a;
	enum rk_comp c;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		a = RK_AUTH_COUNT;
		assert_int_equal(rk_auth_from_keyword(map[i].kw, &a), 0);
		assert_int_equal(a, map[i].auth);
	}
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++)
		assert_int_equal(rk_auth_from_keyword(none[i], &a), -1);
	assert_int_equal(rk_comp_from_keyword("oui", &c), 0);
	assert_int_equal(c, RK_COMP_OUI);
	assert_int_equal(rk_comp_from_keyword("deflate", &c), 0);
	assert_int_equal(c, RK_COMP_DEFLATE);
	assert_int_equal(rk_comp_from_keyword("lzs", &c), 0);
	assert_int_equal(c, RK_COMP_LZS);
	assert_int_equal(rk_comp_from_keyword("zlib", &c), -1);
}

static void key_lengths(void **state)
{
	assert_int_equal(rk_enc_keylen(RK_ENC_AES_CBC, 0), 16);
	assert_int_equal(rk_enc_keylen(RK_ENC_AES_CBC, 128), 16);
	assert_int_equal(rk_enc_keylen(RK_ENC_AES_CBC, 192), 24);
	assert_int_equal(rk_enc_keylen(RK_ENC_AES_CBC, 256), 32);
	assert_int_equal(rk_enc_keylen(RK_ENC_AES_CBC, 64), 0);
	assert_int_equal(rk_enc_keylen(RK_ENC_AES_CTR, 128), 20);
	assert_int_equal(rk_enc_keylen(RK_ENC_AES_CTR, 256), 36);
	assert_int_equal(rk_enc_keylen(RK_ENC_AES_GCM_16, 128), 20);
	assert_int_equal(rk_enc_keylen(RK_ENC_AES_GCM_12, 192), 28);
	assert_int_equal(rk_enc_keylen(RK_ENC_AES_GCM_8, 256), 36);
	assert_int_equal(rk_enc_keylen(RK_ENC_CHACHA20_POLY1305, 0), 36);
	assert_int_equal(rk_enc_keylen(RK_ENC_CHACHA20_POLY1305, 128), 0);
	assert_int_equal(rk_enc_keylen(RK_ENC_3DES_CBC, 0), 24);
	assert_int_equal(rk_enc_keylen(RK_ENC_3DES_CBC, 128), 0);
	assert_int_equal(rk_enc_keylen(RK_ENC_DES_CBC, 0), 8);
	assert_int_equal(rk_enc_keylen(RK_ENC_CAST128_CBC, 0), 16);
	assert_int_equal(rk_enc_keylen(RK_ENC_BLOWFISH_CBC, 0), 16);
	assert_int_equal(rk_enc_keylen(RK_ENC_BLOWFISH_CBC, 40), 5);
	assert_int_equal(rk_enc_keylen(RK_ENC_BLOWFISH_CBC, 448), 56);
	assert_int_equal(rk_enc_keylen(RK_ENC_BLOWFISH_CBC, 456), 0);
	assert_int_equal(rk_enc_keylen(RK_ENC_BLOWFISH_CBC, 32), 0);
	assert_int_equal(rk_enc_keylen(RK_ENC_TWOFISH_CBC, 256), 32);
	assert_int_equal(rk_enc_keylen(RK_ENC_NULL, 0), 0);
	assert_int_equal(rk_enc_keylen(RK_ENC_COUNT, 0), 0);
	assert_int_equal(rk_auth_keylen(RK_AUTH_HMAC_MD5_96), 16);
	assert_int_equal(rk_auth_keylen(RK_AUTH_HMAC_SHA1_96), 20);
	assert_int_equal(rk_auth_keylen(RK_AUTH_HMAC_SHA2_256_128), 32);
	assert_int_equal(rk_auth_keylen(RK_AUTH_HMAC_SHA2_384_192), 48);
	assert_int_equal(rk_auth_keylen(RK_AUTH_HMAC_SHA2_512_256), 64);
	assert_int_equal(rk_auth_keylen(RK_AUTH_AES_XCBC_96), 16);
	assert_int_equal(rk_auth_keylen(RK_AUTH_AES_CMAC_96), 16);
	assert_int_equal(rk_auth_keylen(RK_AUTH_NONE), 0);
	for (int e = 0; e < RK_ENC_COUNT; e++)
		assert_true(rk_enc_keylen(e, 0) <= RK_MAX_KEY);
}

static void names(void **state)
{
	assert_string_equal(rk_enc_name(RK_ENC_AES_GCM_16), "aes-gcm-16");
	assert_string_equal(rk_enc_name(RK_ENC_CHACHA20_POLY1305), "chacha20-poly1305");
	assert_string_equal(rk_auth_name(RK_AUTH_HMAC_SHA2_256_128), "hmac-sha2-256-128");
	assert_string_equal(rk_comp_name(RK_COMP_DEFLATE), "deflate");
	assert_string_equal(rk_enc_name(RK_ENC_COUNT), "?");
	/* every value has a distinct name (rkctl parses them back) */
	for (int i = 0; i < RK_ENC_COUNT; i++)
		for (int j = i + 1; j < RK_ENC_COUNT; j++)
			assert_string_not_equal(rk_enc_name(i), rk_enc_name(j));
	for (int i = 0; i < RK_AUTH_COUNT; i++)
		for (int j = i + 1; j < RK_AUTH_COUNT; j++)
			assert_string_not_equal(rk_auth_name(i), rk_auth_name(j));
	assert_true(rk_enc_is_aead(RK_ENC_AES_GCM_8));
	assert_true(rk_enc_is_aead(RK_ENC_CHACHA20_POLY1305));
	assert_false(rk_enc_is_aead(RK_ENC_AES_CTR));
	assert_false(rk_enc_is_aead(RK_ENC_NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(enc_keywords),
		cmocka_unit_test(auth_and_comp_keywords),
		cmocka_unit_test(key_lengths),
		cmocka_unit_test(names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
