/* Transform names, key lengths and the racoon2.conf keyword mapping of the
 * kernel interface (kernel.h). */
#include "config.h"

#include <string.h>

#include "kernel.h"
#include "util.h"

static const char *const enc_names[RK_ENC_COUNT] = {
	[RK_ENC_NONE] = "none",
	[RK_ENC_NULL] = "null",
	[RK_ENC_DES_CBC] = "des-cbc",
	[RK_ENC_3DES_CBC] = "3des-cbc",
	[RK_ENC_CAST128_CBC] = "cast128-cbc",
	[RK_ENC_BLOWFISH_CBC] = "blowfish-cbc",
	[RK_ENC_TWOFISH_CBC] = "twofish-cbc",
	[RK_ENC_AES_CBC] = "aes-cbc",
	[RK_ENC_AES_CTR] = "aes-ctr",
	[RK_ENC_AES_GCM_8] = "aes-gcm-8",
	[RK_ENC_AES_GCM_12] = "aes-gcm-12",
	[RK_ENC_AES_GCM_16] = "aes-gcm-16",
	[RK_ENC_CHACHA20_POLY1305] = "chacha20-poly1305",
};

static const char *const auth_names[RK_AUTH_COUNT] = {
	[RK_AUTH_NONE] = "none",
	[RK_AUTH_HMAC_MD5_96] = "hmac-md5-96",
	[RK_AUTH_HMAC_SHA1_96] = "hmac-sha1-96",
	[RK_AUTH_HMAC_SHA2_256_128] = "hmac-sha2-256-128",
	[RK_AUTH_HMAC_SHA2_384_192] = "hmac-sha2-384-192",
	[RK_AUTH_HMAC_SHA2_512_256] = "hmac-sha2-512-256",
	[RK_AUTH_AES_XCBC_96] = "aes-xcbc-96",
	[RK_AUTH_AES_CMAC_96] = "aes-cmac-96",
};

static const char *const comp_names[RK_COMP_COUNT] = {
	[RK_COMP_NONE] = "none",
	[RK_COMP_OUI] = "oui",
	[RK_COMP_DEFLATE] = "deflate",
	[RK_COMP_LZS] = "lzs",
};

static const size_t auth_keylens[RK_AUTH_COUNT] = {
	[RK_AUTH_NONE] = 0,
	[RK_AUTH_HMAC_MD5_96] = 16,
	[RK_AUTH_HMAC_SHA1_96] = 20,
	[RK_AUTH_HMAC_SHA2_256_128] = 32,
	[RK_AUTH_HMAC_SHA2_384_192] = 48,
	[RK_AUTH_HMAC_SHA2_512_256] = 64,
	[RK_AUTH_AES_XCBC_96] = 16,
	[RK_AUTH_AES_CMAC_96] = 16,
};

bool rk_enc_is_aead(enum rk_enc e)
{
	return e == RK_ENC_AES_GCM_8 || e == RK_ENC_AES_GCM_12 || e == RK_ENC_AES_GCM_16 ||
	       e == RK_ENC_CHACHA20_POLY1305;
}

const char *rk_enc_name(enum rk_enc e)
{
	return (unsigned)e < RK_ENC_COUNT ? enc_names[e] : "?";
}

const char *rk_auth_name(enum rk_auth a)
{
	return (unsigned)a < RK_AUTH_COUNT ? auth_names[a] : "?";
}

const char *rk_comp_name(enum rk_comp c)
{
	return (unsigned)c < RK_COMP_COUNT ? comp_names[c] : "?";
}

/* AES and Twofish take 128, 192 or 256 bits; 0 means the default 128. */
static size_t aes_like(unsigned bits)
{
	if (bits == 0)
		return 16;
	if (bits == 128 || bits == 192 || bits == 256)
		return bits / 8;
	return 0;
}

/* Ciphers with a single key size accept 0 or exactly that size. */
static size_t fixed(unsigned bits, size_t bytes)
{
	return bits == 0 || bits == bytes * 8 ? bytes : 0;
}

size_t rk_enc_keylen(enum rk_enc e, unsigned key_bits)
{
	size_t n;

	switch (e) {
	case RK_ENC_NONE:
	case RK_ENC_NULL:
		return 0;
	case RK_ENC_DES_CBC:
		return fixed(key_bits, 8);
	case RK_ENC_3DES_CBC:
		return fixed(key_bits, 24);
	case RK_ENC_CAST128_CBC:
		return fixed(key_bits, 16);
	case RK_ENC_BLOWFISH_CBC:
		/* Blowfish keys run from 40 to 448 bits in whole bytes. */
		if (key_bits == 0)
			return 16;
		if (key_bits < 40 || key_bits > 448 || key_bits % 8)
			return 0;
		return key_bits / 8;
	case RK_ENC_TWOFISH_CBC:
	case RK_ENC_AES_CBC:
		return aes_like(key_bits);
	case RK_ENC_AES_CTR:
	case RK_ENC_AES_GCM_8:
	case RK_ENC_AES_GCM_12:
	case RK_ENC_AES_GCM_16:
		/* RFC 3686 nonce / RFC 4106 salt: 4 bytes after the key */
		n = aes_like(key_bits);
		return n ? n + 4 : 0;
	case RK_ENC_CHACHA20_POLY1305:
		n = fixed(key_bits, 32);
		return n ? n + 4 : 0;
	case RK_ENC_COUNT:
		break;
	}
	return 0;
}

size_t rk_auth_keylen(enum rk_auth a)
{
	return (unsigned)a < RK_AUTH_COUNT ? auth_keylens[a] : 0;
}

struct kw_enc {
	const char *kw;
	enum rk_enc enc;
};

/* compat §8.1 (the words with a PF_KEY mapping) and our AEAD extensions */
static const struct kw_enc enc_keywords[] = {
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

struct kw_auth {
	const char *kw;
	enum rk_auth auth;
};

/* non_auth is ESP without integrity (KINK allows it); kpdk_md5, des_mac
 * and tiger have no Linux or BSD transform. */
static const struct kw_auth auth_keywords[] = {
	{"hmac_md5", RK_AUTH_HMAC_MD5_96},
	{"hmac_sha1", RK_AUTH_HMAC_SHA1_96},
	{"hmac_sha2_256", RK_AUTH_HMAC_SHA2_256_128},
	{"hmac_sha2_384", RK_AUTH_HMAC_SHA2_384_192},
	{"hmac_sha2_512", RK_AUTH_HMAC_SHA2_512_256},
	{"aes_xcbc", RK_AUTH_AES_XCBC_96},
	{"aes_cmac", RK_AUTH_AES_CMAC_96},
	{"non_auth", RK_AUTH_NONE},
};

struct kw_comp {
	const char *kw;
	enum rk_comp comp;
};

static const struct kw_comp comp_keywords[] = {
	{"oui", RK_COMP_OUI},
	{"deflate", RK_COMP_DEFLATE},
	{"lzs", RK_COMP_LZS},
};

int rk_enc_from_keyword(const char *kw, enum rk_enc *out)
{
	for (size_t i = 0; kw && i < RC_ARRAY_SIZE(enc_keywords); i++) {
		if (strcmp(kw, enc_keywords[i].kw) == 0) {
			*out = enc_keywords[i].enc;
			return 0;
		}
	}
	return -1;
}

int rk_auth_from_keyword(const char *kw, enum rk_auth *out)
{
	for (size_t i = 0; kw && i < RC_ARRAY_SIZE(auth_keywords); i++) {
		if (strcmp(kw, auth_keywords[i].kw) == 0) {
			*out = auth_keywords[i].auth;
			return 0;
		}
	}
	return -1;
}

int rk_comp_from_keyword(const char *kw, enum rk_comp *out)
{
	for (size_t i = 0; kw && i < RC_ARRAY_SIZE(comp_keywords); i++) {
		if (strcmp(kw, comp_keywords[i].kw) == 0) {
			*out = comp_keywords[i].comp;
			return 0;
		}
	}
	return -1;
}
