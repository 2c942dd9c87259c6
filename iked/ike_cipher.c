/* Ciphers and the SK payload (RFC 7296 §3.14; AES-CTR RFC 5930/3686,
 * AES-GCM RFC 5282, ChaCha20-Poly1305 RFC 7634). */
#include "ike_crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <string.h>

#include "util.h"

enum { NONCE_MAX = 16, SALT_LEN = 4 };

static const EVP_CIPHER *pick_cipher(const struct ike_encr *e, size_t keylen)
{
	if (keylen < e->salt)
		return NULL;
	keylen -= e->salt;
	int k = keylen == 16 ? 0 : keylen == 24 ? 1 : keylen == 32 ? 2 : -1;
	switch (k < 0 ? IKE_MODE_NULL : e->mode) {
	case IKE_MODE_CBC:
		if (e->id == IKE_ENCR_3DES)
			return k == 1 ? EVP_des_ede3_cbc() : NULL;
		return k == 0 ? EVP_aes_128_cbc() : k == 1 ? EVP_aes_192_cbc() : EVP_aes_256_cbc();
	case IKE_MODE_CTR:
		return k == 0 ? EVP_aes_128_ctr() : k == 1 ? EVP_aes_192_ctr() : EVP_aes_256_ctr();
	case IKE_MODE_GCM:
		return k == 0 ? EVP_aes_128_gcm() : k == 1 ? EVP_aes_192_gcm() : EVP_aes_256_gcm();
	case IKE_MODE_CHACHA:
		return k == 2 ? EVP_chacha20_poly1305() : NULL;
	default:
		return NULL;
	}
}

/* The cipher's IV from the payload IV and the salt after the key:
 * CBC uses the IV as is; CTR's counter block is nonce | IV | 1 (RFC 3686
 * §4); GCM and ChaCha20-Poly1305 take salt | IV as their 12-byte nonce. */
static size_t make_nonce(const struct ike_encr *e, const uint8_t *key, size_t keylen,
			 const uint8_t *iv, uint8_t out[NONCE_MAX])
{
	if (e->salt == 0) {
		memcpy(out, iv, e->iv);
		return e->iv;
	}
	memcpy(out, key + keylen - SALT_LEN, SALT_LEN);
	memcpy(out + SALT_LEN, iv, e->iv);
	if (e->mode != IKE_MODE_CTR)
		return SALT_LEN + e->iv;
	static const uint8_t one[4] = {0, 0, 0, 1};
	memcpy(out + SALT_LEN + e->iv, one, sizeof(one));
	return NONCE_MAX;
}

static int cipher_run(const struct ike_encr *e, const uint8_t *key, size_t keylen,
		      const uint8_t *iv, const uint8_t *aad, size_t aadlen, uint8_t *buf,
		      size_t len, uint8_t *tag, int enc)
{
	const EVP_CIPHER *ci = pick_cipher(e, keylen);
	if (ci == NULL || len > INT32_MAX || aadlen > INT32_MAX)
		return -1;
	if (e->block > 1 && len % e->block != 0)
		return -1;
	uint8_t nonce[NONCE_MAX];
	size_t nlen = make_nonce(e, key, keylen, iv, nonce);
	bool aead = e->icv > 0;
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n = 0, ok = c && EVP_CipherInit_ex2(c, ci, NULL, NULL, enc, NULL);
	if (ok && aead)
		ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_IVLEN, (int)nlen, NULL) > 0;
	ok = ok && EVP_CipherInit_ex2(c, NULL, key, nonce, enc, NULL) &&
	     EVP_CIPHER_CTX_set_padding(c, 0);
	if (ok && aead && !enc)
		ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, (int)e->icv, tag) > 0;
	if (ok && aead && aadlen > 0)
		ok = EVP_CipherUpdate(c, NULL, &n, aad, (int)aadlen);
	if (ok && len > 0)
		ok = EVP_CipherUpdate(c, buf, &n, buf, (int)len);
	/* Final verifies the AEAD tag on decryption; no output for these modes */
	uint8_t fin[32];
	ok = ok && EVP_CipherFinal_ex(c, fin, &n) && n == 0;
	if (ok && aead && enc)
		ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, (int)e->icv, tag) > 0;
	EVP_CIPHER_CTX_free(c);
	rc_memzero(nonce, sizeof(nonce));
	return ok ? 0 : -1;
}

int ike_cipher_encrypt(const struct ike_encr *e, const uint8_t *key, size_t keylen,
		       const uint8_t *iv, const uint8_t *aad, size_t aadlen, uint8_t *buf,
		       size_t len, uint8_t *tag)
{
	return cipher_run(e, key, keylen, iv, aad, aadlen, buf, len, tag, 1);
}

int ike_cipher_decrypt(const struct ike_encr *e, const uint8_t *key, size_t keylen,
		       const uint8_t *iv, const uint8_t *aad, size_t aadlen, uint8_t *buf,
		       size_t len, const uint8_t *tag)
{
	return cipher_run(e, key, keylen, iv, aad, aadlen, buf, len, (uint8_t *)tag, 0);
}

void ike_sk_init(struct ike_sk *sk, const struct ike_suite *s, const struct ike_sa_keys *k,
		 bool from_initiator)
{
	sk->suite = s;
	sk->ek = from_initiator ? &k->ei : &k->er;
	sk->ak = from_initiator ? &k->ai : &k->ar;
}

static size_t sk_icv(const struct ike_sk *sk)
{
	return sk->suite->integ ? sk->suite->integ->icv : sk->suite->encr->icv;
}

size_t ike_sk_plain_off(const struct ike_sk *sk)
{
	return sk->suite->encr->iv;
}

/* Inner payloads plus padding plus the pad length byte, block-aligned. */
static size_t padded_len(const struct ike_sk *sk, size_t plain_len)
{
	size_t b = sk->suite->encr->block;
	return (plain_len + 1 + b - 1) / b * b;
}

size_t ike_sk_body_len(const struct ike_sk *sk, size_t plain_len)
{
	return sk->suite->encr->iv + padded_len(sk, plain_len) + sk_icv(sk);
}

int ike_sk_encrypt(const struct ike_sk *sk, uint8_t *msg, size_t msg_len, size_t body_off,
		   size_t plain_len, char *err, size_t errlen)
{
	const struct ike_encr *e = sk->suite->encr;
	if (body_off < 4 || body_off > msg_len || plain_len > msg_len ||
	    msg_len - body_off != ike_sk_body_len(sk, plain_len))
		return rc_set_err(err, errlen, "SK payload space does not match its contents");
	uint8_t *iv = msg + body_off, *ct = iv + e->iv;
	size_t ctlen = padded_len(sk, plain_len), icv = sk_icv(sk);
	if (RAND_bytes(iv, (int)e->iv) != 1)
		return rc_set_err(err, errlen, "no random bytes for the SK payload IV");
	size_t pad = ctlen - plain_len - 1;
	memset(ct + plain_len, 0, pad);
	ct[ctlen - 1] = (uint8_t)pad;
	int rc;
	if (sk->suite->integ == NULL) {
		rc = ike_cipher_encrypt(e, sk->ek->p, sk->ek->len, iv, msg, body_off, ct, ctlen,
					ct + ctlen);
	} else {
		rc = ike_cipher_encrypt(e, sk->ek->p, sk->ek->len, iv, NULL, 0, ct, ctlen, NULL);
		if (rc == 0)
			rc = ike_integ_run(sk->suite->integ, sk->ak->p, sk->ak->len, msg,
					   msg_len - icv, msg + msg_len - icv);
	}
	if (rc < 0)
		return rc_set_err(err, errlen, "cannot protect the SK payload with %s", e->name);
	return 0;
}

static int check_icv(const struct ike_sk *sk, const uint8_t *msg, size_t msg_len)
{
	uint8_t want[64];
	size_t icv = sk_icv(sk);
	int rc = ike_integ_run(sk->suite->integ, sk->ak->p, sk->ak->len, msg, msg_len - icv, want);
	if (rc == 0 && CRYPTO_memcmp(want, msg + msg_len - icv, icv) != 0)
		rc = -1;
	rc_memzero(want, sizeof(want));
	return rc;
}

int ike_sk_decrypt(const struct ike_sk *sk, uint8_t *msg, size_t msg_len, size_t body_off,
		   size_t *plain_off, size_t *plain_len, char *err, size_t errlen)
{
	const struct ike_encr *e = sk->suite->encr;
	size_t icv = sk_icv(sk), b = e->block;
	if (body_off < 4 || body_off > msg_len || msg_len - body_off < e->iv + icv + 1)
		return rc_set_err(err, errlen, "SK payload too short");
	const uint8_t *iv = msg + body_off;
	uint8_t *ct = msg + body_off + e->iv;
	size_t ctlen = msg_len - body_off - e->iv - icv;
	if (ctlen % b != 0)
		return rc_set_err(err, errlen, "SK payload not a multiple of the %s block size",
				  e->name);
	if (sk->suite->integ != NULL && check_icv(sk, msg, msg_len) < 0)
		return rc_set_err(err, errlen, "SK payload integrity check failed");
	/* decrypt a copy so a forged message leaves the buffer as it came */
	uint8_t *tmp = rc_xmalloc(ctlen);
	memcpy(tmp, ct, ctlen);
	int rc = sk->suite->integ == NULL ? ike_cipher_decrypt(e, sk->ek->p, sk->ek->len, iv, msg,
							       body_off, tmp, ctlen, ct + ctlen)
					  : ike_cipher_decrypt(e, sk->ek->p, sk->ek->len, iv, NULL,
							       0, tmp, ctlen, NULL);
	if (rc < 0) {
		rc_freezero(tmp, ctlen);
		return rc_set_err(err, errlen, "SK payload %s",
				  sk->suite->integ ? "decryption failed"
						   : "integrity check failed");
	}
	size_t pad = tmp[ctlen - 1];
	if (pad + 1 > ctlen) {
		rc_freezero(tmp, ctlen);
		return rc_set_err(err, errlen, "SK payload pad length %zu exceeds its contents",
				  pad);
	}
	memcpy(ct, tmp, ctlen);
	rc_freezero(tmp, ctlen);
	*plain_off = body_off + e->iv;
	*plain_len = ctlen - pad - 1;
	return 0;
}
