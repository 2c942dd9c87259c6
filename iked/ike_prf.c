/* PRFs, integrity MACs, prf+, the SK_* keys and the PSK AUTH value
 * (RFC 7296 §2.13-2.18, §2.15; RFC 3566, 4434, 4494, 4615). */
#include "ike_crypto.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

enum { AES_BLK = 16 };

static int hmac(const char *digest, const uint8_t *key, size_t keylen, const uint8_t *data,
		size_t len, uint8_t *out, size_t outcap)
{
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)digest, 0),
		OSSL_PARAM_construct_end(),
	};
	size_t olen = 0;
	static const uint8_t none[1];
	if (keylen == 0)
		key = none; /* OpenSSL rejects a NULL key even when empty */
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *c = mac ? EVP_MAC_CTX_new(mac) : NULL;
	int ok = c && EVP_MAC_init(c, key, keylen, params) && EVP_MAC_update(c, data, len) &&
		 EVP_MAC_final(c, out, &olen, outcap);
	EVP_MAC_CTX_free(c);
	EVP_MAC_free(mac);
	return ok ? 0 : -1;
}

static int cmac(const uint8_t key[AES_BLK], const uint8_t *data, size_t len, uint8_t out[AES_BLK])
{
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, "AES-128-CBC", 0),
		OSSL_PARAM_construct_end(),
	};
	size_t olen = 0;
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "CMAC", NULL);
	EVP_MAC_CTX *c = mac ? EVP_MAC_CTX_new(mac) : NULL;
	int ok = c && EVP_MAC_init(c, key, AES_BLK, params) && EVP_MAC_update(c, data, len) &&
		 EVP_MAC_final(c, out, &olen, AES_BLK);
	EVP_MAC_CTX_free(c);
	EVP_MAC_free(mac);
	return ok ? 0 : -1;
}

/* One AES-128 block encryption through EVP (ECB of a single block). */
static int aes_block(EVP_CIPHER_CTX *c, const uint8_t in[AES_BLK], uint8_t out[AES_BLK])
{
	int n = 0;
	return EVP_EncryptUpdate(c, out, &n, in, AES_BLK) && n == AES_BLK ? 0 : -1;
}

static EVP_CIPHER_CTX *aes_ecb(const uint8_t key[AES_BLK])
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	if (c == NULL || !EVP_EncryptInit_ex2(c, EVP_aes_128_ecb(), key, NULL, NULL) ||
	    !EVP_CIPHER_CTX_set_padding(c, 0)) {
		EVP_CIPHER_CTX_free(c);
		return NULL;
	}
	return c;
}

/* RFC 3566 §4: derive K1, K2, K3 from K, CBC-MAC under K1, and mask the
 * last block with K2 (complete) or K3 (padded with 10*). */
int ike_aes_xcbc_mac(const uint8_t key[16], const uint8_t *data, size_t len, uint8_t out[16])
{
	uint8_t k[3][AES_BLK], e[AES_BLK] = {0}, blk[AES_BLK];
	int rc = -1;
	EVP_CIPHER_CTX *c0 = aes_ecb(key), *c1 = NULL;
	if (c0 == NULL)
		return -1;
	for (int i = 0; i < 3; i++) {
		memset(blk, i + 1, sizeof(blk));
		if (aes_block(c0, blk, k[i]) < 0)
			goto out;
	}
	c1 = aes_ecb(k[0]);
	if (c1 == NULL)
		goto out;
	while (len > AES_BLK) {
		for (int i = 0; i < AES_BLK; i++)
			blk[i] = e[i] ^ data[i];
		if (aes_block(c1, blk, e) < 0)
			goto out;
		data += AES_BLK;
		len -= AES_BLK;
	}
	const uint8_t *mask = k[1];
	memset(blk, 0, sizeof(blk));
	memcpy(blk, data, len);
	if (len < AES_BLK) {
		blk[len] = 0x80;
		mask = k[2];
	}
	for (int i = 0; i < AES_BLK; i++)
		blk[i] ^= e[i] ^ mask[i];
	rc = aes_block(c1, blk, out);
out:
	rc_memzero(k, sizeof(k));
	rc_memzero(e, sizeof(e));
	rc_memzero(blk, sizeof(blk));
	EVP_CIPHER_CTX_free(c0);
	EVP_CIPHER_CTX_free(c1);
	return rc;
}

static int aes_mac(enum ike_mac_kind kind, const uint8_t key[AES_BLK], const uint8_t *data,
		   size_t len, uint8_t out[AES_BLK])
{
	return kind == IKE_MAC_XCBC ? ike_aes_xcbc_mac(key, data, len, out)
				    : cmac(key, data, len, out);
}

/* RFC 4434 §2 / RFC 4615 §3: a key of other than 128 bits becomes
 * MAC(0^128, key); XCBC zero-pads shorter keys instead. */
static int aes_prf_key(enum ike_mac_kind kind, const uint8_t *key, size_t keylen,
		       uint8_t out[AES_BLK])
{
	static const uint8_t zero[AES_BLK];
	if (keylen == AES_BLK) {
		memcpy(out, key, AES_BLK);
		return 0;
	}
	if (kind == IKE_MAC_XCBC && keylen < AES_BLK) {
		memset(out, 0, AES_BLK);
		memcpy(out, key, keylen);
		return 0;
	}
	return aes_mac(kind, zero, key, keylen, out);
}

int ike_prf_run(const struct ike_prf *prf, const uint8_t *key, size_t keylen, const uint8_t *data,
		size_t len, uint8_t *out)
{
	if (prf->kind == IKE_MAC_HMAC)
		return hmac(prf->digest, key, keylen, data, len, out, prf->out);
	uint8_t k[AES_BLK];
	int rc = aes_prf_key(prf->kind, key, keylen, k);
	if (rc == 0)
		rc = aes_mac(prf->kind, k, data, len, out);
	rc_memzero(k, sizeof(k));
	return rc;
}

int ike_integ_run(const struct ike_integ *ig, const uint8_t *key, size_t keylen,
		  const uint8_t *data, size_t len, uint8_t *out)
{
	uint8_t full[EVP_MAX_MD_SIZE];
	int rc;
	if (keylen != ig->key)
		return -1;
	if (ig->kind == IKE_MAC_HMAC)
		rc = hmac(ig->digest, key, keylen, data, len, full, sizeof(full));
	else
		rc = aes_mac(ig->kind, key, data, len, full);
	if (rc == 0)
		memcpy(out, full, ig->icv);
	rc_memzero(full, sizeof(full));
	return rc;
}

int ike_prf_plus(const struct ike_prf *prf, const uint8_t *key, size_t keylen, const uint8_t *seed,
		 size_t seedlen, uint8_t *out, size_t outlen)
{
	if (outlen > 255 * prf->out)
		return -1;
	/* T(n) = prf(K, T(n-1) | S | n): one buffer holds T(n-1) | S | n */
	size_t inlen = prf->out + seedlen + 1;
	uint8_t *in = rc_xmalloc(inlen);
	uint8_t t[EVP_MAX_MD_SIZE];
	memcpy(in + prf->out, seed, seedlen);
	int rc = 0;
	for (unsigned n = 1; outlen > 0; n++) {
		size_t off = n == 1 ? prf->out : 0;
		in[inlen - 1] = (uint8_t)n;
		if (ike_prf_run(prf, key, keylen, in + off, inlen - off, t) < 0) {
			rc = -1;
			break;
		}
		size_t take = outlen < prf->out ? outlen : prf->out;
		memcpy(out, t, take);
		out += take;
		outlen -= take;
		memcpy(in, t, prf->out);
	}
	rc_memzero(t, sizeof(t));
	rc_freezero(in, inlen);
	return rc;
}

/* A new buffer holding a | b | c | d; a NULL c keeps its room for the
 * caller to fill.  Callers zeroise it when it holds secrets. */
static uint8_t *concat(size_t *len, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
		       const uint8_t *c, size_t clen, const uint8_t *d, size_t dlen)
{
	*len = alen + blen + clen + dlen;
	uint8_t *p = rc_xmalloc(*len ? *len : 1);
	if (alen)
		memcpy(p, a, alen);
	if (blen)
		memcpy(p + alen, b, blen);
	if (clen && c)
		memcpy(p + alen + blen, c, clen);
	if (dlen)
		memcpy(p + alen + blen + clen, d, dlen);
	return p;
}

/* Lay out the seven keys over one block and fill it from prf+. */
static int derive_sa_keys(struct ike_sa_keys *k, const struct ike_suite *s, const uint8_t *skeyseed,
			  size_t sslen, const uint8_t *ni, size_t nilen, const uint8_t *nr,
			  size_t nrlen, const uint8_t spii[8], const uint8_t spir[8], char *err,
			  size_t errlen)
{
	size_t plen = s->prf->key, alen = s->integ ? s->integ->key : 0;
	size_t elen = s->encr_key + s->encr->salt;
	size_t lens[7] = {plen, alen, alen, elen, elen, plen, plen};
	struct ike_key *keys[7] = {&k->d, &k->ai, &k->ar, &k->ei, &k->er, &k->pi, &k->pr};
	*k = (struct ike_sa_keys){0};
	for (int i = 0; i < 7; i++)
		k->memlen += lens[i];
	k->mem = rc_xmalloc(k->memlen);
	size_t off = 0;
	for (int i = 0; i < 7; i++) {
		keys[i]->p = k->mem + off;
		keys[i]->len = lens[i];
		off += lens[i];
	}
	size_t seedlen;
	uint8_t *seed = concat(&seedlen, ni, nilen, nr, nrlen, spii, 8, spir, 8);
	int rc = ike_prf_plus(s->prf, skeyseed, sslen, seed, seedlen, k->mem, k->memlen);
	rc_freezero(seed, seedlen);
	if (rc < 0) {
		ike_sa_keys_free(k);
		return rc_set_err(err, errlen, "cannot derive the IKE SA keys with %s",
				  s->prf->name);
	}
	return 0;
}

int ike_sa_keys_new(struct ike_sa_keys *k, const struct ike_suite *s, const uint8_t *ni,
		    size_t nilen, const uint8_t *nr, size_t nrlen, const uint8_t *gir,
		    size_t girlen, const uint8_t spii[8], const uint8_t spir[8], char *err,
		    size_t errlen)
{
	/* §2.14: a PRF with a fixed key length takes half its key from the
	 * start of each nonce */
	size_t ni_use = nilen, nr_use = nrlen;
	if (s->prf->fixed_key) {
		ni_use = s->prf->key / 2;
		nr_use = s->prf->key - ni_use;
		if (nilen < ni_use || nrlen < nr_use)
			return rc_set_err(err, errlen, "nonces too short for %s", s->prf->name);
	}
	size_t keylen;
	uint8_t *key = concat(&keylen, ni, ni_use, nr, nr_use, NULL, 0, NULL, 0);
	uint8_t skeyseed[EVP_MAX_MD_SIZE];
	int rc = ike_prf_run(s->prf, key, keylen, gir, girlen, skeyseed);
	rc_freezero(key, keylen);
	if (rc < 0)
		rc = rc_set_err(err, errlen, "cannot compute SKEYSEED with %s", s->prf->name);
	else
		rc = derive_sa_keys(k, s, skeyseed, s->prf->out, ni, nilen, nr, nrlen, spii, spir,
				    err, errlen);
	rc_memzero(skeyseed, sizeof(skeyseed));
	return rc;
}

int ike_sa_keys_rekey(struct ike_sa_keys *k, const struct ike_suite *s,
		      const struct ike_prf *old_prf, const struct ike_key *old_sk_d,
		      const uint8_t *gir, size_t girlen, const uint8_t *ni, size_t nilen,
		      const uint8_t *nr, size_t nrlen, const uint8_t spii[8], const uint8_t spir[8],
		      char *err, size_t errlen)
{
	size_t dlen;
	uint8_t *data = concat(&dlen, gir, girlen, ni, nilen, nr, nrlen, NULL, 0);
	uint8_t skeyseed[EVP_MAX_MD_SIZE];
	int rc = ike_prf_run(old_prf, old_sk_d->p, old_sk_d->len, data, dlen, skeyseed);
	rc_freezero(data, dlen);
	if (rc < 0) {
		rc = rc_set_err(err, errlen, "cannot compute the rekey SKEYSEED with %s",
				old_prf->name);
	} else {
		/* SKEYSEED comes from the old PRF, so has its output length */
		rc = derive_sa_keys(k, s, skeyseed, old_prf->out, ni, nilen, nr, nrlen, spii, spir,
				    err, errlen);
	}
	rc_memzero(skeyseed, sizeof(skeyseed));
	return rc;
}

void ike_sa_keys_free(struct ike_sa_keys *k)
{
	if (k->mem)
		rc_freezero(k->mem, k->memlen);
	*k = (struct ike_sa_keys){0};
}

uint8_t *ike_child_keymat(const struct ike_prf *prf, const struct ike_key *sk_d, const uint8_t *gir,
			  size_t girlen, const uint8_t *ni, size_t nilen, const uint8_t *nr,
			  size_t nrlen, size_t len, char *err, size_t errlen)
{
	size_t seedlen;
	uint8_t *seed = concat(&seedlen, gir, gir ? girlen : 0, ni, nilen, nr, nrlen, NULL, 0);
	uint8_t *out = rc_xmalloc(len ? len : 1);
	int rc = ike_prf_plus(prf, sk_d->p, sk_d->len, seed, seedlen, out, len);
	rc_freezero(seed, seedlen);
	if (rc < 0) {
		rc_freezero(out, len ? len : 1);
		rc_set_err(err, errlen, "cannot derive %zu bytes of child SA keys with %s", len,
			   prf->name);
		return NULL;
	}
	return out;
}

int ike_child_keys_new(struct ike_child_keys *ck, const struct ike_prf *prf,
		       const struct ike_key *sk_d, uint16_t encr_id, unsigned key_bits,
		       uint16_t integ_id, const uint8_t *gir, size_t girlen, const uint8_t *ni,
		       size_t nilen, const uint8_t *nr, size_t nrlen, char *err, size_t errlen)
{
	size_t elen, alen;
	*ck = (struct ike_child_keys){0};
	if (ike_esp_key_lens(encr_id, key_bits, integ_id, &elen, &alen, err, errlen) < 0)
		return -1;
	size_t len = 2 * (elen + alen);
	uint8_t *km =
		ike_child_keymat(prf, sk_d, gir, girlen, ni, nilen, nr, nrlen, len, err, errlen);
	if (km == NULL)
		return -1;
	ck->mem = km;
	ck->memlen = len;
	ck->ei = (struct ike_key){km, elen};
	ck->ai = (struct ike_key){km + elen, alen};
	ck->er = (struct ike_key){km + elen + alen, elen};
	ck->ar = (struct ike_key){km + 2 * elen + alen, alen};
	return 0;
}

void ike_child_keys_free(struct ike_child_keys *ck)
{
	if (ck->mem)
		rc_freezero(ck->mem, ck->memlen ? ck->memlen : 1);
	*ck = (struct ike_child_keys){0};
}

uint8_t *ike_signed_octets(const struct ike_prf *prf, const struct ike_key *sk_p,
			   const uint8_t *msg, size_t msglen, const uint8_t *nonce, size_t noncelen,
			   const uint8_t *rest_of_id, size_t idlen, size_t *len)
{
	uint8_t *p = concat(len, msg, msglen, nonce, noncelen, NULL, prf->out, NULL, 0);
	if (ike_prf_run(prf, sk_p->p, sk_p->len, rest_of_id, idlen, p + msglen + noncelen) < 0) {
		free(p);
		return NULL;
	}
	return p;
}

int ike_auth_psk(const struct ike_prf *prf, const uint8_t *psk, size_t psklen,
		 const uint8_t *octets, size_t octlen, uint8_t *out)
{
	static const char pad[] = "Key Pad for IKEv2"; /* 17 octets, no NUL */
	uint8_t k[EVP_MAX_MD_SIZE];
	int rc = ike_prf_run(prf, psk, psklen, (const uint8_t *)pad, sizeof(pad) - 1, k);
	if (rc == 0)
		rc = ike_prf_run(prf, k, prf->out, octets, octlen, out);
	rc_memzero(k, sizeof(k));
	return rc;
}

int ike_auth_psk_verify(const struct ike_prf *prf, const uint8_t *psk, size_t psklen,
			const uint8_t *octets, size_t octlen, const uint8_t *auth, size_t authlen)
{
	uint8_t want[EVP_MAX_MD_SIZE];
	int rc = -1;
	if (authlen == prf->out && ike_auth_psk(prf, psk, psklen, octets, octlen, want) == 0 &&
	    CRYPTO_memcmp(want, auth, authlen) == 0)
		rc = 0;
	rc_memzero(want, sizeof(want));
	return rc;
}
