/* IKEv2 crypto suite: published vectors (RFC 4231, 4434, 3566, 4615, 3686,
 * 8439, 5903, 7748, McGrew-Viega GCM), prf+ and key derivation against
 * their RFC 7296 definitions, SK payload round trips and tampering for
 * every ENCR/INTEG pair, DH agreement and RFC 6989 rejections. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike_crypto.h"
#include "util.h"

static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	while (s[0] && s[1]) {
		unsigned v;
		assert_true(n < cap);
		assert_int_equal(sscanf(s, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

#define HEX(name, str)                                                                             \
	uint8_t name[512];                                                                         \
	size_t name##_len = unhex(str, name, sizeof(name));                                        \
	(void)name##_len

static void tables(void **state)
{
	struct ike_suite s;
	char err[200];
	assert_int_equal(ike_encr_get(IKE_ENCR_AES_GCM_16)->icv, 16);
	assert_int_equal(ike_encr_get(IKE_ENCR_CHACHA20_POLY1305)->salt, 4);
	assert_int_equal(ike_prf_get(IKE_PRF_HMAC_SHA2_384)->out, 48);
	assert_int_equal(ike_integ_get(IKE_INTEG_HMAC_SHA2_512_256)->icv, 32);
	assert_int_equal(ike_dh_get(IKE_DH_ECP_521)->pub_len, 132);
	assert_true(ike_dh_get(IKE_DH_MODP_1024)->weak);
	assert_false(ike_dh_get(IKE_DH_MODP_2048)->weak);
	assert_null(ike_encr_get(99));
	assert_int_equal(ike_suite_init(&s, IKE_ENCR_AES_CBC, 256, IKE_PRF_HMAC_SHA2_256,
					IKE_INTEG_HMAC_SHA2_256_128, IKE_DH_CURVE25519, err,
					sizeof(err)),
			 0);
	assert_int_equal(s.encr_key, 32);
	assert_int_equal(ike_suite_init(&s, IKE_ENCR_AES_CBC, 0, IKE_PRF_HMAC_SHA2_256,
					IKE_INTEG_HMAC_SHA2_256_128, 0, err, sizeof(err)),
			 -1);
	assert_int_equal(ike_suite_init(&s, IKE_ENCR_AES_CBC, 100, IKE_PRF_HMAC_SHA2_256,
					IKE_INTEG_HMAC_SHA2_256_128, 0, err, sizeof(err)),
			 -1);
	assert_int_equal(ike_suite_init(&s, IKE_ENCR_AES_GCM_16, 128, IKE_PRF_HMAC_SHA2_256,
					IKE_INTEG_HMAC_SHA2_256_128, 0, err, sizeof(err)),
			 -1);
	assert_int_equal(ike_suite_init(&s, IKE_ENCR_AES_CTR, 128, IKE_PRF_HMAC_SHA2_256,
					IKE_INTEG_NONE, 0, err, sizeof(err)),
			 -1);
	assert_int_equal(ike_suite_init(&s, IKE_ENCR_NULL, 0, IKE_PRF_HMAC_SHA2_256,
					IKE_INTEG_HMAC_SHA2_256_128, 0, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "cannot protect IKE"));
	assert_int_equal(ike_suite_init(&s, IKE_ENCR_CHACHA20_POLY1305, 0, IKE_PRF_HMAC_SHA2_256,
					IKE_INTEG_NONE, 77, err, sizeof(err)),
			 -1);
}

static void check_prf(uint16_t id, const char *key, const char *data, const char *want)
{
	HEX(k, key);
	HEX(d, data);
	HEX(w, want);
	uint8_t out[64];
	const struct ike_prf *p = ike_prf_get(id);
	assert_int_equal(w_len, p->out);
	assert_int_equal(ike_prf_run(p, k, k_len, d, d_len, out), 0);
	assert_memory_equal(out, w, w_len);
}

/* RFC 4231 §4.2, §4.3, §4.7 */
static void hmac_sha2_rfc4231(void **state)
{
	const char *k1 = "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", *d1 = "4869205468657265";
	check_prf(IKE_PRF_HMAC_SHA2_256, k1, d1,
		  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
	check_prf(IKE_PRF_HMAC_SHA2_384, k1, d1,
		  "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
		  "faea9ea9076ede7f4af152e8b2fa9cb6");
	check_prf(IKE_PRF_HMAC_SHA2_512, k1, d1,
		  "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
		  "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854");
	/* "Jefe", "what do ya want for nothing?" */
	check_prf(IKE_PRF_HMAC_SHA2_256, "4a656665",
		  "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
		  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	/* 131-byte key: hashed first */
	char key[263];
	for (int i = 0; i < 131; i++)
		memcpy(key + 2 * i, "aa", 2);
	key[262] = 0;
	check_prf(IKE_PRF_HMAC_SHA2_256, key,
		  "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a"
		  "65204b6579202d2048617368204b6579204669727374",
		  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

static const char *msg20 = "000102030405060708090a0b0c0d0e0f10111213";

/* RFC 4434 §2.1: keys of 16, 10 (zero-padded) and 18 (XCBC'd) bytes */
static void xcbc_prf_rfc4434(void **state)
{
	check_prf(IKE_PRF_AES128_XCBC, "000102030405060708090a0b0c0d0e0f", msg20,
		  "47f51b4564966215b8985c63055ed308");
	check_prf(IKE_PRF_AES128_XCBC, "00010203040506070809", msg20,
		  "0fa087af7d866e7653434e602fdde835");
	check_prf(IKE_PRF_AES128_XCBC, "000102030405060708090a0b0c0d0e0fedcb", msg20,
		  "8cd3c93ae598a9803006ffb67c40e9e4");
}

/* RFC 3566 §4 test cases 1 and 6 (empty, 34 bytes), truncated to 96 bits */
static void xcbc_mac96_rfc3566(void **state)
{
	HEX(k, "000102030405060708090a0b0c0d0e0f");
	HEX(m, "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2021");
	HEX(w6, "becbb3bccdb518a30677d548");
	HEX(w1, "75f0251d528ac01c4573dfd5");
	const struct ike_integ *ig = ike_integ_get(IKE_INTEG_AES_XCBC_96);
	uint8_t out[16];
	assert_int_equal(ike_integ_run(ig, k, k_len, m, m_len, out), 0);
	assert_memory_equal(out, w6, w6_len);
	assert_int_equal(ike_integ_run(ig, k, k_len, m, 0, out), 0);
	assert_memory_equal(out, w1, w1_len);
	/* integrity keys have exactly the transform's length */
	assert_int_equal(ike_integ_run(ig, k, 15, m, 0, out), -1);
}

/* RFC 4615 §4 */
static void cmac_prf_rfc4615(void **state)
{
	check_prf(IKE_PRF_AES128_CMAC, "000102030405060708090a0b0c0d0e0fedcb", msg20,
		  "84a348a4a45d235babfffc0d2b4da09a");
	check_prf(IKE_PRF_AES128_CMAC, "000102030405060708090a0b0c0d0e0f", msg20,
		  "980ae87b5f4c9c5214f5b6a8455e4c2d");
	check_prf(IKE_PRF_AES128_CMAC, "00010203040506070809", msg20,
		  "290d9e112edb09ee141fcf64c0b72f3d");
}

/* prf+ against its definition, at every length around block boundaries */
static void prf_plus(void **state)
{
	static const uint16_t prfs[] = {IKE_PRF_HMAC_SHA1, IKE_PRF_HMAC_SHA2_256,
					IKE_PRF_HMAC_SHA2_512, IKE_PRF_AES128_XCBC,
					IKE_PRF_AES128_CMAC};
	const uint8_t key[] = "prf plus key", seed[] = "the seed S";
	for (size_t i = 0; i < RC_ARRAY_SIZE(prfs); i++) {
		const struct ike_prf *p = ike_prf_get(prfs[i]);
		size_t max = 255 * p->out;
		uint8_t *want = malloc(max), *got = malloc(max + 1);
		uint8_t in[64 + sizeof(seed) + 1], t[64];
		size_t off = 0;
		for (unsigned n = 1; n <= 255; n++) {
			size_t inlen = 0;
			if (n > 1) {
				memcpy(in, t, p->out);
				inlen = p->out;
			}
			memcpy(in + inlen, seed, sizeof(seed));
			inlen += sizeof(seed);
			in[inlen++] = (uint8_t)n;
			assert_int_equal(ike_prf_run(p, key, sizeof(key), in, inlen, t), 0);
			memcpy(want + off, t, p->out);
			off += p->out;
		}
		size_t lens[] = {0,	     1,		 p->out - 1,	 p->out,
				 p->out + 1, 2 * p->out, 3 * p->out + 7, max - 1,
				 max};
		for (size_t j = 0; j < RC_ARRAY_SIZE(lens); j++) {
			memset(got, 0xee, max + 1);
			assert_int_equal(
				ike_prf_plus(p, key, sizeof(key), seed, sizeof(seed), got, lens[j]),
				0);
			assert_memory_equal(got, want, lens[j]);
			assert_int_equal(got[lens[j]], 0xee); /* nothing written past the end */
		}
		assert_int_equal(
			ike_prf_plus(p, key, sizeof(key), seed, sizeof(seed), got, max + 1), -1);
		free(want);
		free(got);
	}
}

static void fill(uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(v + i);
}

static void check_layout(const struct ike_sa_keys *k, const uint8_t *stream,
			 const struct ike_suite *s)
{
	const struct ike_key *order[7] = {&k->d, &k->ai, &k->ar, &k->ei, &k->er, &k->pi, &k->pr};
	size_t alen = s->integ ? s->integ->key : 0, elen = s->encr_key + s->encr->salt;
	size_t lens[7] = {s->prf->key, alen, alen, elen, elen, s->prf->key, s->prf->key};
	size_t off = 0;
	for (int i = 0; i < 7; i++) {
		assert_int_equal(order[i]->len, lens[i]);
		assert_memory_equal(order[i]->p, stream + off, lens[i]);
		off += lens[i];
	}
	assert_int_equal(off, k->memlen);
}

/* §2.14 and §2.18, computed step by step from the text */
static void sa_keys(void **state)
{
	struct ike_suite s, s2;
	struct ike_sa_keys k, k2;
	char err[200];
	uint8_t ni[32], nr[24], gir[256], spii[8], spir[8], buf[512], seed[256], stream[512];
	uint8_t skeyseed[64];
	fill(ni, sizeof(ni), 1);
	fill(nr, sizeof(nr), 0x40);
	fill(gir, sizeof(gir), 0x80);
	fill(spii, 8, 0xa0);
	fill(spir, 8, 0xb0);
	assert_int_equal(ike_suite_init(&s, IKE_ENCR_AES_GCM_16, 256, IKE_PRF_HMAC_SHA2_384, 0,
					IKE_DH_MODP_2048, err, sizeof(err)),
			 0);
	assert_int_equal(ike_sa_keys_new(&k, &s, ni, sizeof(ni), nr, sizeof(nr), gir, sizeof(gir),
					 spii, spir, err, sizeof(err)),
			 0);
	memcpy(buf, ni, sizeof(ni));
	memcpy(buf + sizeof(ni), nr, sizeof(nr));
	assert_int_equal(
		ike_prf_run(s.prf, buf, sizeof(ni) + sizeof(nr), gir, sizeof(gir), skeyseed), 0);
	size_t sl = 0;
	memcpy(seed, ni, sizeof(ni));
	sl += sizeof(ni);
	memcpy(seed + sl, nr, sizeof(nr));
	sl += sizeof(nr);
	memcpy(seed + sl, spii, 8);
	memcpy(seed + sl + 8, spir, 8);
	sl += 16;
	assert_int_equal(ike_prf_plus(s.prf, skeyseed, 48, seed, sl, stream, k.memlen), 0);
	check_layout(&k, stream, &s);
	assert_int_equal(k.ei.len, 36); /* AES-256 key + 4-byte salt */
	assert_int_equal(k.ai.len, 0);

	/* rekey to a suite with another PRF: SKEYSEED from the old PRF and SK_d */
	assert_int_equal(ike_suite_init(&s2, IKE_ENCR_AES_CBC, 128, IKE_PRF_HMAC_SHA2_256,
					IKE_INTEG_HMAC_SHA2_256_128, IKE_DH_MODP_2048, err,
					sizeof(err)),
			 0);
	assert_int_equal(ike_sa_keys_rekey(&k2, &s2, s.prf, &k.d, gir, sizeof(gir), ni, sizeof(ni),
					   nr, sizeof(nr), spii, spir, err, sizeof(err)),
			 0);
	memcpy(buf, gir, sizeof(gir));
	memcpy(buf + sizeof(gir), ni, sizeof(ni));
	memcpy(buf + sizeof(gir) + sizeof(ni), nr, sizeof(nr));
	assert_int_equal(ike_prf_run(s.prf, k.d.p, k.d.len, buf,
				     sizeof(gir) + sizeof(ni) + sizeof(nr), skeyseed),
			 0);
	assert_int_equal(ike_prf_plus(s2.prf, skeyseed, 48, seed, sl, stream, k2.memlen), 0);
	check_layout(&k2, stream, &s2);
	assert_int_equal(k2.ai.len, 32);
	assert_int_equal(k2.ei.len, 16);

	/* KEYMAT without and with PFS (§2.17) */
	uint8_t *km = ike_child_keymat(s.prf, &k.d, NULL, 0, ni, sizeof(ni), nr, sizeof(nr), 100,
				       err, sizeof(err));
	assert_non_null(km);
	assert_int_equal(
		ike_prf_plus(s.prf, k.d.p, k.d.len, seed, sizeof(ni) + sizeof(nr), stream, 100), 0);
	assert_memory_equal(km, stream, 100);
	rc_freezero(km, 100);
	km = ike_child_keymat(s.prf, &k.d, gir, sizeof(gir), ni, sizeof(ni), nr, sizeof(nr), 100,
			      err, sizeof(err));
	assert_non_null(km);
	assert_int_equal(ike_prf_plus(s.prf, k.d.p, k.d.len, buf,
				      sizeof(gir) + sizeof(ni) + sizeof(nr), stream, 100),
			 0);
	assert_memory_equal(km, stream, 100);
	rc_freezero(km, 100);
	assert_null(ike_child_keymat(s.prf, &k.d, NULL, 0, ni, 8, nr, 8, 255 * 48 + 1, err,
				     sizeof(err)));
	ike_sa_keys_free(&k);
	ike_sa_keys_free(&k2);
	assert_null(k.mem);
}

/* §2.17: ESP keys in the order ei | ai | er | ar out of KEYMAT */
static void child_keys(void **state)
{
	static const struct {
		uint16_t encr;
		unsigned bits;
		uint16_t integ;
		size_t elen, alen;
	} cases[] = {
		{IKE_ENCR_AES_GCM_16, 256, IKE_INTEG_NONE, 36, 0},
		{IKE_ENCR_AES_CBC, 128, IKE_INTEG_HMAC_SHA2_256_128, 16, 32},
		{IKE_ENCR_NULL, 0, IKE_INTEG_HMAC_SHA1_96, 0, 20},
		{IKE_ENCR_CHACHA20_POLY1305, 0, IKE_INTEG_NONE, 36, 0},
		{IKE_ENCR_AES_CTR, 192, IKE_INTEG_AES_XCBC_96, 28, 16},
	};
	const struct ike_prf *p = ike_prf_get(IKE_PRF_HMAC_SHA2_256);
	uint8_t d[32], ni[32], nr[32], gir[64];
	struct ike_key sk_d = {d, sizeof(d)};
	char err[200];
	fill(d, sizeof(d), 3);
	fill(ni, sizeof(ni), 5);
	fill(nr, sizeof(nr), 7);
	fill(gir, sizeof(gir), 9);
	for (size_t i = 0; i < RC_ARRAY_SIZE(cases); i++) {
		struct ike_child_keys ck;
		const uint8_t *g = i % 2 ? gir : NULL;
		assert_int_equal(ike_child_keys_new(&ck, p, &sk_d, cases[i].encr, cases[i].bits,
						    cases[i].integ, g, sizeof(gir), ni, sizeof(ni),
						    nr, sizeof(nr), err, sizeof(err)),
				 0);
		size_t e = cases[i].elen, a = cases[i].alen;
		uint8_t *km = ike_child_keymat(p, &sk_d, g, sizeof(gir), ni, sizeof(ni), nr,
					       sizeof(nr), 2 * (e + a), err, sizeof(err));
		assert_non_null(km);
		assert_int_equal(ck.memlen, 2 * (e + a));
		assert_int_equal(ck.ei.len, e);
		assert_int_equal(ck.ai.len, a);
		assert_int_equal(ck.er.len, e);
		assert_int_equal(ck.ar.len, a);
		assert_memory_equal(ck.ei.p, km, e);
		assert_memory_equal(ck.ai.p, km + e, a);
		assert_memory_equal(ck.er.p, km + e + a, e);
		assert_memory_equal(ck.ar.p, km + 2 * e + a, a);
		rc_freezero(km, 2 * (e + a));
		ike_child_keys_free(&ck);
		assert_null(ck.mem);
	}
	struct ike_child_keys ck;
	assert_int_equal(ike_child_keys_new(&ck, p, &sk_d, IKE_ENCR_AES_GCM_16, 128,
					    IKE_INTEG_HMAC_SHA1_96, NULL, 0, ni, 8, nr, 8, err,
					    sizeof(err)),
			 -1);
	assert_int_equal(ike_child_keys_new(&ck, p, &sk_d, IKE_ENCR_AES_CBC, 128, IKE_INTEG_NONE,
					    NULL, 0, ni, 8, nr, 8, err, sizeof(err)),
			 -1);
	assert_int_equal(ike_child_keys_new(&ck, p, &sk_d, 200, 128, IKE_INTEG_NONE, NULL, 0, ni, 8,
					    nr, 8, err, sizeof(err)),
			 -1);
	assert_null(ck.mem);
}

/* §2.14: AES-XCBC/CMAC PRFs key SKEYSEED with 8 bytes of each nonce */
static void sa_keys_fixed_key_prf(void **state)
{
	struct ike_suite s;
	struct ike_sa_keys k;
	char err[200];
	uint8_t ni[32], nr[32], gir[32], spi[8] = {1}, key[16], skeyseed[16], seed[80], stream[256];
	fill(ni, sizeof(ni), 1);
	fill(nr, sizeof(nr), 0x40);
	fill(gir, sizeof(gir), 0x80);
	assert_int_equal(ike_suite_init(&s, IKE_ENCR_AES_CTR, 128, IKE_PRF_AES128_XCBC,
					IKE_INTEG_AES_XCBC_96, 0, err, sizeof(err)),
			 0);
	assert_int_equal(ike_sa_keys_new(&k, &s, ni, sizeof(ni), nr, sizeof(nr), gir, sizeof(gir),
					 spi, spi, err, sizeof(err)),
			 0);
	memcpy(key, ni, 8);
	memcpy(key + 8, nr, 8);
	assert_int_equal(ike_prf_run(s.prf, key, 16, gir, sizeof(gir), skeyseed), 0);
	memcpy(seed, ni, 32);
	memcpy(seed + 32, nr, 32);
	memcpy(seed + 64, spi, 8);
	memcpy(seed + 72, spi, 8);
	assert_int_equal(ike_prf_plus(s.prf, skeyseed, 16, seed, 80, stream, k.memlen), 0);
	check_layout(&k, stream, &s);
	assert_int_equal(k.ei.len, 20); /* AES-128 key + 4-byte nonce */
	ike_sa_keys_free(&k);
	assert_int_equal(
		ike_sa_keys_new(&k, &s, ni, 4, nr, 4, gir, sizeof(gir), spi, spi, err, sizeof(err)),
		-1);
}

/* RFC 3686 §6 test vector #1 */
static void aes_ctr_rfc3686(void **state)
{
	HEX(key, "ae6852f8121067cc4bf7a5765577f39e00000030");
	HEX(iv, "0000000000000000");
	HEX(pt, "53696e676c6520626c6f636b206d7367");
	HEX(ct, "e4095d4fb7a7b3792d6175a3261311b8");
	const struct ike_encr *e = ike_encr_get(IKE_ENCR_AES_CTR);
	uint8_t buf[16];
	memcpy(buf, pt, 16);
	assert_int_equal(ike_cipher_encrypt(e, key, key_len, iv, NULL, 0, buf, 16, NULL), 0);
	assert_memory_equal(buf, ct, ct_len);
	assert_int_equal(ike_cipher_decrypt(e, key, key_len, iv, NULL, 0, buf, 16, NULL), 0);
	assert_memory_equal(buf, pt, pt_len);
}

static void aead_vector(uint16_t id, const char *key, const char *iv, const char *aad,
			const char *pt, const char *ct, const char *tag)
{
	HEX(k, key);
	HEX(v, iv);
	HEX(a, aad);
	HEX(p, pt);
	HEX(c, ct);
	HEX(t, tag);
	const struct ike_encr *e = ike_encr_get(id);
	uint8_t buf[512], got[16];
	assert_int_equal(t_len, e->icv);
	memcpy(buf, p, p_len);
	assert_int_equal(ike_cipher_encrypt(e, k, k_len, v, a, a_len, buf, p_len, got), 0);
	assert_memory_equal(buf, c, c_len);
	assert_memory_equal(got, t, t_len);
	assert_int_equal(ike_cipher_decrypt(e, k, k_len, v, a, a_len, buf, c_len, t), 0);
	assert_memory_equal(buf, p, p_len);
	memcpy(buf, c, c_len);
	a[0] ^= 1;
	assert_int_equal(ike_cipher_decrypt(e, k, k_len, v, a, a_len, buf, c_len, t), -1);
}

/* McGrew & Viega, "The GCM Mode of Operation", test case 4: the 12-byte
 * IV is split into the 4-byte salt (after the key) and the 8-byte IV */
static void aes_gcm_vector(void **state)
{
	aead_vector(IKE_ENCR_AES_GCM_16, "feffe9928665731c6d6a8f9467308308cafebabe",
		    "facedbaddecaf888", "feedfacedeadbeeffeedfacedeadbeefabaddad2",
		    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
		    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
		    "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
		    "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
		    "5bc94fbc3221a5db94fae95ae7121a47");
}

/* RFC 8439 §2.8.2: nonce 07000000 | 4041424344454647 = salt | IV */
static void chacha20_poly1305_rfc8439(void **state)
{
	aead_vector(IKE_ENCR_CHACHA20_POLY1305,
		    "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f07000000",
		    "4041424344454647", "50515253c0c1c2c3c4c5c6c7",
		    "4c616469657320616e642047656e746c656d656e206f662074686520636c6173"
		    "73206f66202739393a204966204920636f756c64206f6666657220796f75206f"
		    "6e6c79206f6e652074697020666f7220746865206675747572652c2073756e73"
		    "637265656e20776f756c642062652069742e",
		    "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
		    "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
		    "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
		    "3ff4def08e4b7a9de576d26586cec64b6116",
		    "1ae10b594f09e26a7e902ecbd0600691");
}

enum { HDR = 28 + 8 }; /* IKE header + an unprotected payload before SK */

/* Build header | SK generic header | body and protect it. */
static uint8_t *sk_build(const struct ike_sk *sk, const uint8_t *plain, size_t plen, size_t *len)
{
	char err[200];
	size_t body_off = HDR + 4;
	*len = body_off + ike_sk_body_len(sk, plen);
	uint8_t *m = malloc(*len);
	fill(m, body_off, 0x11);
	memcpy(m + body_off + ike_sk_plain_off(sk), plain, plen);
	assert_int_equal(ike_sk_encrypt(sk, m, *len, body_off, plen, err, sizeof(err)), 0);
	return m;
}

static void sk_one(uint16_t encr, unsigned bits, uint16_t integ)
{
	struct ike_suite s;
	struct ike_sa_keys k;
	struct ike_sk tx, rx, wrong;
	char err[200];
	uint8_t ni[16] = {1}, nr[16] = {2}, gir[32] = {3}, spi[8] = {4}, plain[300];
	assert_int_equal(
		ike_suite_init(&s, encr, bits, IKE_PRF_HMAC_SHA2_256, integ, 0, err, sizeof(err)),
		0);
	assert_int_equal(
		ike_sa_keys_new(&k, &s, ni, 16, nr, 16, gir, 32, spi, spi, err, sizeof(err)), 0);
	ike_sk_init(&tx, &s, &k, true);
	ike_sk_init(&rx, &s, &k, true);
	ike_sk_init(&wrong, &s, &k, false);
	fill(plain, sizeof(plain), 0x30);
	static const size_t lens[] = {0, 1, 7, 15, 16, 17, 31, 100, 300};
	for (size_t i = 0; i < RC_ARRAY_SIZE(lens); i++) {
		size_t len, off, plen;
		uint8_t *m = sk_build(&tx, plain, lens[i], &len);
		size_t ctlen = len - HDR - 4 - s.encr->iv - (s.integ ? s.integ->icv : s.encr->icv);
		assert_int_equal(ctlen % s.encr->block, 0);
		assert_int_equal(
			ike_sk_decrypt(&wrong, m, len, HDR + 4, &off, &plen, err, sizeof(err)), -1);
		assert_int_equal(
			ike_sk_decrypt(&rx, m, len, HDR + 4, &off, &plen, err, sizeof(err)), 0);
		assert_int_equal(off, HDR + 4 + s.encr->iv);
		assert_int_equal(plen, lens[i]);
		assert_memory_equal(m + off, plain, plen);
		free(m);
	}
	/* one flipped bit anywhere in the message: rejected, buffer left alone */
	size_t len, off, plen;
	uint8_t *m = sk_build(&tx, plain, 21, &len);
	uint8_t *copy = malloc(len);
	for (size_t i = 0; i < len; i++) {
		m[i] ^= (uint8_t)(1u << (i % 8));
		memcpy(copy, m, len);
		assert_int_equal(
			ike_sk_decrypt(&rx, m, len, HDR + 4, &off, &plen, err, sizeof(err)), -1);
		assert_memory_equal(m, copy, len);
		m[i] ^= (uint8_t)(1u << (i % 8));
	}
	/* truncated messages */
	for (size_t cut = 1; cut <= len - HDR - 4; cut += 5)
		assert_int_equal(
			ike_sk_decrypt(&rx, m, len - cut, HDR + 4, &off, &plen, err, sizeof(err)),
			-1);
	assert_int_equal(ike_sk_decrypt(&rx, m, len, len + 1, &off, &plen, err, sizeof(err)), -1);
	assert_int_equal(ike_sk_encrypt(&tx, m, len - 1, HDR + 4, 21, err, sizeof(err)), -1);
	free(copy);
	free(m);
	ike_sa_keys_free(&k);
}

static void sk_every_combination(void **state)
{
	static const struct {
		uint16_t id;
		unsigned bits;
	} encrs[] = {{IKE_ENCR_AES_CBC, 128}, {IKE_ENCR_AES_CBC, 192}, {IKE_ENCR_AES_CBC, 256},
		     {IKE_ENCR_AES_CTR, 128}, {IKE_ENCR_AES_CTR, 192}, {IKE_ENCR_AES_CTR, 256},
		     {IKE_ENCR_3DES, 0}};
	static const uint16_t integs[] = {
		IKE_INTEG_HMAC_MD5_96,	     IKE_INTEG_HMAC_SHA1_96,
		IKE_INTEG_AES_XCBC_96,	     IKE_INTEG_AES_CMAC_96,
		IKE_INTEG_HMAC_SHA2_256_128, IKE_INTEG_HMAC_SHA2_384_192,
		IKE_INTEG_HMAC_SHA2_512_256,
	};
	for (size_t i = 0; i < RC_ARRAY_SIZE(encrs); i++)
		for (size_t j = 0; j < RC_ARRAY_SIZE(integs); j++)
			sk_one(encrs[i].id, encrs[i].bits, integs[j]);
	static const uint16_t gcm[] = {IKE_ENCR_AES_GCM_8, IKE_ENCR_AES_GCM_12,
				       IKE_ENCR_AES_GCM_16};
	static const unsigned bits[] = {128, 192, 256};
	for (size_t i = 0; i < RC_ARRAY_SIZE(gcm); i++)
		for (size_t j = 0; j < RC_ARRAY_SIZE(bits); j++)
			sk_one(gcm[i], bits[j], IKE_INTEG_NONE);
	sk_one(IKE_ENCR_CHACHA20_POLY1305, 0, IKE_INTEG_NONE);
}

/* A correctly protected SK payload whose pad length byte exceeds its
 * contents is rejected. */
static void sk_bad_pad_length(void **state)
{
	struct ike_suite s;
	struct ike_sa_keys k;
	struct ike_sk sk;
	char err[200];
	uint8_t ni[16] = {1}, spi[8] = {4}, m[HDR + 4 + 16 + 32 + 16];
	size_t off, plen;
	assert_int_equal(ike_suite_init(&s, IKE_ENCR_AES_CBC, 128, IKE_PRF_HMAC_SHA2_256,
					IKE_INTEG_HMAC_SHA2_256_128, 0, err, sizeof(err)),
			 0);
	assert_int_equal(
		ike_sa_keys_new(&k, &s, ni, 16, ni, 16, ni, 16, spi, spi, err, sizeof(err)), 0);
	ike_sk_init(&sk, &s, &k, false);
	memset(m, 0, sizeof(m));
	uint8_t *iv = m + HDR + 4, *ct = iv + 16;
	for (int pad = 31; pad <= 255; pad += 224) {
		ct[31] = (uint8_t)pad; /* 32 bytes of ciphertext: 31 is the largest valid */
		assert_int_equal(
			ike_cipher_encrypt(s.encr, k.er.p, k.er.len, iv, NULL, 0, ct, 32, NULL), 0);
		assert_int_equal(ike_integ_run(s.integ, k.ar.p, k.ar.len, m, sizeof(m) - 16,
					       m + sizeof(m) - 16),
				 0);
		int rc = ike_sk_decrypt(&sk, m, sizeof(m), HDR + 4, &off, &plen, err, sizeof(err));
		if (pad == 31) {
			assert_int_equal(rc, 0);
			assert_int_equal(plen, 0);
			memset(ct, 0, 32);
		} else {
			assert_int_equal(rc, -1);
			assert_non_null(strstr(err, "pad length"));
		}
	}
	ike_sa_keys_free(&k);
}

static void dh_agree(uint16_t id)
{
	const struct ike_dh *g = ike_dh_get(id);
	char err[200];
	uint8_t pa[1024], pb[1024], sa[1024], sb[1024];
	struct ike_dh_ctx *a = ike_dh_new(g, err, sizeof(err));
	struct ike_dh_ctx *b = ike_dh_new(g, err, sizeof(err));
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(ike_dh_public(a, pa, sizeof(pa), err, sizeof(err)), 0);
	assert_int_equal(ike_dh_public(b, pb, sizeof(pb), err, sizeof(err)), 0);
	assert_int_equal(ike_dh_public(b, pb, g->pub_len - 1, err, sizeof(err)), -1);
	assert_int_equal(ike_dh_shared(a, pb, g->pub_len, sa, sizeof(sa), err, sizeof(err)), 0);
	assert_int_equal(ike_dh_shared(b, pa, g->pub_len, sb, sizeof(sb), err, sizeof(err)), 0);
	assert_memory_equal(sa, sb, g->secret_len);
	assert_int_equal(ike_dh_shared(a, pb, g->pub_len - 1, sa, sizeof(sa), err, sizeof(err)),
			 -1);
	assert_int_equal(ike_dh_shared(a, pb, g->pub_len, sa, g->secret_len - 1, err, sizeof(err)),
			 -1);
	ike_dh_free(a);
	ike_dh_free(b);
}

static void dh_every_group(void **state)
{
	static const uint16_t ids[] = {IKE_DH_MODP_1024, IKE_DH_MODP_1536,  IKE_DH_MODP_2048,
				       IKE_DH_MODP_3072, IKE_DH_MODP_4096,  IKE_DH_MODP_6144,
				       IKE_DH_MODP_8192, IKE_DH_ECP_256,    IKE_DH_ECP_384,
				       IKE_DH_ECP_521,	 IKE_DH_CURVE25519, IKE_DH_CURVE448};
	for (size_t i = 0; i < RC_ARRAY_SIZE(ids); i++)
		dh_agree(ids[i]);
}

static void dh_vector(uint16_t id, const char *priv, const char *pub, const char *peer,
		      const char *shared)
{
	const struct ike_dh *g = ike_dh_get(id);
	HEX(x, priv);
	HEX(p, pub);
	HEX(q, peer);
	HEX(z, shared);
	char err[200];
	uint8_t out[256];
	struct ike_dh_ctx *c = ike_dh_new_private(g, x, x_len, g->kind == IKE_DHK_ECP ? p : NULL,
						  p_len, err, sizeof(err));
	assert_non_null(c);
	assert_int_equal(ike_dh_public(c, out, sizeof(out), err, sizeof(err)), 0);
	assert_memory_equal(out, p, p_len);
	assert_int_equal(ike_dh_shared(c, q, q_len, out, sizeof(out), err, sizeof(err)), 0);
	assert_int_equal(z_len, g->secret_len);
	assert_memory_equal(out, z, z_len);
	ike_dh_free(c);
}

/* RFC 5903 §8.1-8.3: KE data is gx | gy, the shared secret girx */
static void dh_ecp_rfc5903(void **state)
{
	dh_vector(IKE_DH_ECP_256,
		  "c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433",
		  "dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c3772581180"
		  "5271a0461cdb8252d61f1c456fa3e59ab1f45b33accf5f58389e0577b8990bb3",
		  "d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf63"
		  "56fbf3ca366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab",
		  "d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de");
	dh_vector(IKE_DH_ECP_384,
		  "099f3c7034d4a2c699884d73a375a67f7624ef7c6b3c0f160647b67414dce655e35b538041e649ee"
		  "3faef896783ab194",
		  "667842d7d180ac2cde6f74f37551f55755c7645c20ef73e31634fe72b4c55ee6de3ac808acb4bdb4"
		  "c88732aee95f41aa"
		  "9482ed1fc0eeb9cafc4984625ccfc23f65032149e0e144ada024181535a0f38eeb9fcff3c2c947da"
		  "e69b4c634573a81c",
		  "e558dbef53eecde3d3fccfc1aea08a89a987475d12fd950d83cfa41732bc509d0d1ac43a0336def9"
		  "6fda41d0774a3571"
		  "dcfbec7aacf3196472169e838430367f66eebe3c6e70c416dd5f0c68759dd1fff83fa40142209dff"
		  "5eaad96db9e6386c",
		  "11187331c279962d93d604243fd592cb9d0a926f422e47187521287e7156c5c4d603135569b9e9d0"
		  "9cf5d4a270f59746");
	dh_vector(IKE_DH_ECP_521,
		  "0037ade9319a89f4dabdb3ef411aaccca5123c61acab57b5393dce47608172a095aa85a30fe1c295"
		  "2c6771d937ba9777f5957b2639bab072462f68c27a57382d4a52",
		  "0015417e84dbf28c0ad3c278713349dc7df153c897a1891bd98bab4357c9ecbee1e3bf42e00b8e38"
		  "0aeae57c2d107564941885942af5a7f4601723c4195d176ced3e"
		  "017cae20b6641d2eeb695786d8c946146239d099e18e1d5a514c739d7cb4a10ad8a788015ac405d7"
		  "799dc75e7b7d5b6cf2261a6a7f1507438bf01beb6ca3926f9582",
		  "00d0b3975ac4b799f5bea16d5e13e9af971d5e9b984c9f39728b5e5739735a219b97c356436adc6e"
		  "95bb0352f6be64a6c2912d4ef2d0433ced2b6171640012d9460f"
		  "015c68226383956e3bd066e797b623c27ce0eac2f551a10c2c724d9852077b87220b6536c5c408a1"
		  "d2aebb8e86d678ae49cb57091f4732296579ab44fcd17f0fc56a",
		  "01144c7d79ae6956bc8edb8e7c787c4521cb086fa64407f97894e5e6b2d79b04d1427e73ca4baa24"
		  "0a34786859810c06b3c715a3a8cc3151f2bee417996d19f3ddea");
}

/* RFC 7748 §6.1, §6.2 */
static void dh_ecx_rfc7748(void **state)
{
	dh_vector(IKE_DH_CURVE25519,
		  "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
		  "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
		  "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
		  "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
	dh_vector(IKE_DH_CURVE448,
		  "9a8f4925d1519f5775cf46b04b5800d4ee9ee8bae8bc5565d498c28dd9c9baf574a9419744897391"
		  "006382a6f127ab1d9ac2d8c0a598726b",
		  "9b08f7cc31b7e3e67d22d5aea121074a273bd2b83de09c63faa73d2c22c5d9bbc836647241d953d4"
		  "0c5b12da88120d53177f80e532c41fa0",
		  "3eb7a829b0cd20f5bcfc0b599b6feccf6da4627107bdb0d4f345b43027d8b972fc3e34fb4232a13c"
		  "a706dcb57aec3dae07bdc1c67bf33609",
		  "07fff4181ac6cc95ec1c16a94a0f74d12da232ce40a77552281d282bb60c0b56fd2464c335543936"
		  "521c24403085d59a449a5037514a879d");
}

static void expect_reject(struct ike_dh_ctx *c, const uint8_t *peer, size_t len)
{
	char err[200];
	uint8_t out[1024];
	memset(out, 0x5a, sizeof(out));
	assert_int_equal(ike_dh_shared(c, peer, len, out, sizeof(out), err, sizeof(err)), -1);
	for (size_t i = 0; i < 64; i++)
		assert_true(out[i] == 0 || out[i] == 0x5a); /* no secret left behind */
}

/* Imported MODP private keys: g = 2, so x = 1 gives 2 and x = 3 gives 8;
 * both sides then derive 2^3 = 8, padded to the prime's length (§2.14). */
static void dh_modp_import(void **state)
{
	const struct ike_dh *g = ike_dh_get(IKE_DH_MODP_2048);
	char err[200];
	uint8_t one = 1, three = 3, pa[256], pb[256], sa[256], sb[256], want[256] = {0};
	struct ike_dh_ctx *a = ike_dh_new_private(g, &one, 1, NULL, 0, err, sizeof(err));
	struct ike_dh_ctx *b = ike_dh_new_private(g, &three, 1, NULL, 0, err, sizeof(err));
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(ike_dh_public(a, pa, sizeof(pa), err, sizeof(err)), 0);
	assert_int_equal(ike_dh_public(b, pb, sizeof(pb), err, sizeof(err)), 0);
	want[255] = 2;
	assert_memory_equal(pa, want, 256);
	want[255] = 8;
	assert_memory_equal(pb, want, 256);
	assert_int_equal(ike_dh_shared(a, pb, 256, sa, sizeof(sa), err, sizeof(err)), 0);
	assert_int_equal(ike_dh_shared(b, pa, 256, sb, sizeof(sb), err, sizeof(err)), 0);
	assert_memory_equal(sa, want, 256);
	assert_memory_equal(sb, want, 256);
	ike_dh_free(a);
	ike_dh_free(b);
	/* ECP needs the public value with the private one */
	assert_null(
		ike_dh_new_private(ike_dh_get(IKE_DH_ECP_256), &one, 1, NULL, 0, err, sizeof(err)));
}

/* RFC 6989 §2.1: 0, 1, p-1, p and above are refused */
static void dh_modp_rejects(void **state)
{
	static const uint16_t ids[] = {IKE_DH_MODP_1024, IKE_DH_MODP_2048};
	char err[200];
	for (size_t i = 0; i < RC_ARRAY_SIZE(ids); i++) {
		const struct ike_dh *g = ike_dh_get(ids[i]);
		size_t n = g->pub_len;
		struct ike_dh_ctx *c = ike_dh_new(g, err, sizeof(err));
		assert_non_null(c);
		uint8_t own[256], p[256], v[256];
		/* every MODP prime is 2^k - 2^(k-64) - 1 + 2^64*(...): its top and
		 * bottom 64 bits are all ones; take p from the peer test's view */
		assert_int_equal(ike_dh_public(c, own, sizeof(own), err, sizeof(err)), 0);
		EVP_PKEY *k = NULL;
		BIGNUM *bp = NULL;
		(void)k;
		if (ids[i] == IKE_DH_MODP_2048) {
			EVP_PKEY_CTX *kc = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
			OSSL_PARAM prm[] = {OSSL_PARAM_construct_utf8_string(
						    OSSL_PKEY_PARAM_GROUP_NAME, "modp_2048", 0),
					    OSSL_PARAM_construct_end()};
			assert_true(EVP_PKEY_paramgen_init(kc) > 0);
			assert_true(EVP_PKEY_CTX_set_params(kc, prm) > 0);
			assert_true(EVP_PKEY_paramgen(kc, &k) > 0);
			assert_true(EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_FFC_P, &bp));
			EVP_PKEY_free(k);
			EVP_PKEY_CTX_free(kc);
		} else {
			assert_true(BN_hex2bn(&bp,
					      "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1"
					      "29024E088A67CC74020BBEA63B139B22514A08798E3404DD"
					      "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245"
					      "E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
					      "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381"
					      "FFFFFFFFFFFFFFFF"));
		}
		assert_int_equal(BN_bn2binpad(bp, p, (int)n), (int)n);
		BN_free(bp);
		memset(v, 0, n);
		expect_reject(c, v, n); /* 0 */
		v[n - 1] = 1;
		expect_reject(c, v, n); /* 1 */
		memcpy(v, p, n);
		expect_reject(c, v, n); /* p */
		v[n - 1] -= 1;
		expect_reject(c, v, n); /* p - 1 */
		memset(v, 0xff, n);
		expect_reject(c, v, n); /* above p */
		v[n - 1] = 0;
		v[0] = 0;
		v[n - 1] = 2; /* small but in range: accepted */
		uint8_t out[256];
		assert_int_equal(ike_dh_shared(c, v, n, out, sizeof(out), err, sizeof(err)), 0);
		ike_dh_free(c);
	}
}

static void dh_ecp_rejects(void **state)
{
	char err[200];
	const struct ike_dh *g = ike_dh_get(IKE_DH_ECP_256);
	struct ike_dh_ctx *a = ike_dh_new(g, err, sizeof(err)),
			  *b = ike_dh_new(g, err, sizeof(err));
	uint8_t pb[64];
	assert_int_equal(ike_dh_public(b, pb, sizeof(pb), err, sizeof(err)), 0);
	pb[63] ^= 1; /* y no longer matches x */
	expect_reject(a, pb, 64);
	memset(pb, 0, sizeof(pb)); /* (0, 0): not on the curve (infinity has no x|y form) */
	expect_reject(a, pb, 64);
	memset(pb, 0xff, sizeof(pb)); /* coordinates above the field prime */
	expect_reject(a, pb, 64);
	ike_dh_free(a);
	ike_dh_free(b);
}

/* RFC 8031 §2.3 / RFC 7748 §6: low-order points give an all-zero secret */
static void dh_ecx_rejects(void **state)
{
	char err[200];
	uint8_t zero[56] = {0}, one[56] = {1};
	static const uint16_t ids[] = {IKE_DH_CURVE25519, IKE_DH_CURVE448};
	for (size_t i = 0; i < RC_ARRAY_SIZE(ids); i++) {
		const struct ike_dh *g = ike_dh_get(ids[i]);
		struct ike_dh_ctx *c = ike_dh_new(g, err, sizeof(err));
		expect_reject(c, zero, g->pub_len);
		expect_reject(c, one, g->pub_len);
		ike_dh_free(c);
	}
}

/* No shared state: key pairs made and used on several threads at once.
 * cmocka's asserts belong to the main thread, so workers count failures. */
static void *dh_thread(void *arg)
{
	const struct ike_dh *g = ike_dh_get(*(const uint16_t *)arg);
	uintptr_t bad = 0;
	char err[200];
	for (int i = 0; i < 20; i++) {
		uint8_t pa[256], pb[256], sa[256], sb[256];
		struct ike_dh_ctx *a = ike_dh_new(g, err, sizeof(err));
		struct ike_dh_ctx *b = ike_dh_new(g, err, sizeof(err));
		if (a == NULL || b == NULL ||
		    ike_dh_public(a, pa, sizeof(pa), err, sizeof(err)) < 0 ||
		    ike_dh_public(b, pb, sizeof(pb), err, sizeof(err)) < 0 ||
		    ike_dh_shared(a, pb, g->pub_len, sa, sizeof(sa), err, sizeof(err)) < 0 ||
		    ike_dh_shared(b, pa, g->pub_len, sb, sizeof(sb), err, sizeof(err)) < 0 ||
		    memcmp(sa, sb, g->secret_len) != 0)
			bad++;
		ike_dh_free(a);
		ike_dh_free(b);
	}
	return (void *)bad;
}

static void dh_threads(void **state)
{
	static const uint16_t ids[] = {IKE_DH_CURVE25519, IKE_DH_ECP_256, IKE_DH_MODP_2048,
				       IKE_DH_CURVE448};
	pthread_t t[RC_ARRAY_SIZE(ids)];
	for (size_t i = 0; i < RC_ARRAY_SIZE(ids); i++)
		assert_int_equal(pthread_create(&t[i], NULL, dh_thread, (void *)&ids[i]), 0);
	for (size_t i = 0; i < RC_ARRAY_SIZE(ids); i++) {
		void *bad = NULL;
		assert_int_equal(pthread_join(t[i], &bad), 0);
		assert_null(bad);
	}
}

/* §2.15: AUTH = prf(prf(Shared Secret, "Key Pad for IKEv2"), <SignedOctets>) */
static void psk_auth(void **state)
{
	const struct ike_prf *p = ike_prf_get(IKE_PRF_HMAC_SHA2_256);
	uint8_t skp[32], msg[100], nonce[32], id[12] = {1, 0, 0, 0, 192, 0, 2, 1};
	const uint8_t psk[] = "a shared secret";
	struct ike_key k = {skp, sizeof(skp)};
	fill(skp, sizeof(skp), 9);
	fill(msg, sizeof(msg), 0x20);
	fill(nonce, sizeof(nonce), 0x70);
	size_t olen;
	uint8_t *oct =
		ike_signed_octets(p, &k, msg, sizeof(msg), nonce, sizeof(nonce), id, 8, &olen);
	assert_non_null(oct);
	assert_int_equal(olen, sizeof(msg) + sizeof(nonce) + 32);
	assert_memory_equal(oct, msg, sizeof(msg));
	assert_memory_equal(oct + sizeof(msg), nonce, sizeof(nonce));
	uint8_t maced[32], kp[32], want[32], got[32];
	assert_int_equal(ike_prf_run(p, skp, sizeof(skp), id, 8, maced), 0);
	assert_memory_equal(oct + sizeof(msg) + sizeof(nonce), maced, 32);
	assert_int_equal(
		ike_prf_run(p, psk, sizeof(psk) - 1, (const uint8_t *)"Key Pad for IKEv2", 17, kp),
		0);
	assert_int_equal(ike_prf_run(p, kp, 32, oct, olen, want), 0);
	assert_int_equal(ike_auth_psk(p, psk, sizeof(psk) - 1, oct, olen, got), 0);
	assert_memory_equal(got, want, 32);
	assert_int_equal(ike_auth_psk_verify(p, psk, sizeof(psk) - 1, oct, olen, got, 32), 0);
	assert_int_equal(ike_auth_psk_verify(p, psk, sizeof(psk) - 1, oct, olen, got, 31), -1);
	for (size_t i = 0; i < 32 * 8; i += 7) {
		got[i / 8] ^= (uint8_t)(1u << (i % 8));
		assert_int_equal(ike_auth_psk_verify(p, psk, sizeof(psk) - 1, oct, olen, got, 32),
				 -1);
		got[i / 8] ^= (uint8_t)(1u << (i % 8));
	}
	assert_int_equal(ike_auth_psk_verify(p, psk, sizeof(psk) - 2, oct, olen, got, 32), -1);
	free(oct);
	/* the AES PRFs take a PSK of any length too */
	const struct ike_prf *x = ike_prf_get(IKE_PRF_AES128_XCBC);
	assert_int_equal(ike_auth_psk(x, psk, sizeof(psk) - 1, msg, sizeof(msg), got), 0);
	assert_int_equal(ike_auth_psk_verify(x, psk, sizeof(psk) - 1, msg, sizeof(msg), got, 16),
			 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tables),
		cmocka_unit_test(hmac_sha2_rfc4231),
		cmocka_unit_test(xcbc_prf_rfc4434),
		cmocka_unit_test(xcbc_mac96_rfc3566),
		cmocka_unit_test(cmac_prf_rfc4615),
		cmocka_unit_test(prf_plus),
		cmocka_unit_test(sa_keys),
		cmocka_unit_test(sa_keys_fixed_key_prf),
		cmocka_unit_test(child_keys),
		cmocka_unit_test(aes_ctr_rfc3686),
		cmocka_unit_test(aes_gcm_vector),
		cmocka_unit_test(chacha20_poly1305_rfc8439),
		cmocka_unit_test(sk_every_combination),
		cmocka_unit_test(sk_bad_pad_length),
		cmocka_unit_test(dh_every_group),
		cmocka_unit_test(dh_ecp_rfc5903),
		cmocka_unit_test(dh_ecx_rfc7748),
		cmocka_unit_test(dh_modp_import),
		cmocka_unit_test(dh_modp_rejects),
		cmocka_unit_test(dh_ecp_rejects),
		cmocka_unit_test(dh_ecx_rejects),
		cmocka_unit_test(dh_threads),
		cmocka_unit_test(psk_auth),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
