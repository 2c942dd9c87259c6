/* Diffie-Hellman for IKEv2: MODP (RFC 3526, RFC 2409 group 2), ECP
 * (RFC 5903), Curve25519/Curve448 (RFC 8031), with the public value checks
 * of RFC 6989.  Each context owns its key alone, so generation and
 * derivation can run on any thread. */
#include "ike_crypto.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/dh.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct ike_dh_ctx {
	const struct ike_dh *g;
	EVP_PKEY *key;
};

/* RFC 2409 §6.2 (OpenSSL 3 has no name for it): 2^1024 - 2^960 - 1 +
 * 2^64 * ([2^894 pi] + 129093), generator 2 */
static const char modp1024_p[] =
	"FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22"
	"514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6"
	"F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381"
	"FFFFFFFFFFFFFFFF";

static const char *key_type(const struct ike_dh *g)
{
	return g->kind == IKE_DHK_MODP ? "DH" : g->kind == IKE_DHK_ECP ? "EC" : g->ossl_name;
}

/* The parameters naming the group; for MODP 1024 its p and g. */
static int push_group(OSSL_PARAM_BLD *b, const struct ike_dh *g, BIGNUM **p, BIGNUM **gen)
{
	if (g->id != IKE_DH_MODP_1024)
		return OSSL_PARAM_BLD_push_utf8_string(b, OSSL_PKEY_PARAM_GROUP_NAME, g->ossl_name,
						       0);
	*gen = BN_new();
	return BN_hex2bn(p, modp1024_p) && *gen && BN_set_word(*gen, 2) &&
	       OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_FFC_P, *p) &&
	       OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_FFC_G, *gen);
}

/* An EVP_PKEY of the group from fromdata: selection and extra pushed by fill. */
static EVP_PKEY *from_params(const struct ike_dh *g, int selection, const BIGNUM *pub_bn,
			     const BIGNUM *priv_bn, const uint8_t *pub_oct, size_t pub_octlen)
{
	OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
	BIGNUM *p = NULL, *gen = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY *key = NULL;
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_name(NULL, key_type(g), NULL);
	int ok = b && c && push_group(b, g, &p, &gen);
	if (ok && pub_bn)
		ok = OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_PUB_KEY, pub_bn);
	if (ok && priv_bn)
		ok = OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_PRIV_KEY, priv_bn);
	if (ok && pub_oct)
		ok = OSSL_PARAM_BLD_push_octet_string(b, OSSL_PKEY_PARAM_PUB_KEY, pub_oct,
						      pub_octlen);
	ok = ok && (params = OSSL_PARAM_BLD_to_param(b)) != NULL && EVP_PKEY_fromdata_init(c) > 0 &&
	     EVP_PKEY_fromdata(c, &key, selection, params) > 0;
	if (!ok) {
		EVP_PKEY_free(key);
		key = NULL;
	}
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(b);
	EVP_PKEY_CTX_free(c);
	BN_free(p);
	BN_free(gen);
	return key;
}

static EVP_PKEY *keygen(const struct ike_dh *g)
{
	EVP_PKEY *key = NULL, *dom = NULL;
	EVP_PKEY_CTX *c;
	if (g->id == IKE_DH_MODP_1024) {
		dom = from_params(g, EVP_PKEY_KEY_PARAMETERS, NULL, NULL, NULL, 0);
		c = dom ? EVP_PKEY_CTX_new_from_pkey(NULL, dom, NULL) : NULL;
	} else {
		c = EVP_PKEY_CTX_new_from_name(NULL, key_type(g), NULL);
	}
	int ok = c && EVP_PKEY_keygen_init(c) > 0;
	if (ok && g->kind != IKE_DHK_ECX && g->id != IKE_DH_MODP_1024) {
		OSSL_PARAM params[] = {
			OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
							 (char *)g->ossl_name, 0),
			OSSL_PARAM_construct_end(),
		};
		ok = EVP_PKEY_CTX_set_params(c, params) > 0;
	}
	if (!ok || EVP_PKEY_keygen(c, &key) <= 0)
		key = NULL;
	EVP_PKEY_CTX_free(c);
	EVP_PKEY_free(dom);
	return key;
}

struct ike_dh_ctx *ike_dh_new(const struct ike_dh *g, char *err, size_t errlen)
{
	EVP_PKEY *key = keygen(g);
	if (key == NULL) {
		rc_set_err(err, errlen, "cannot generate a %s key pair", g->name);
		return NULL;
	}
	struct ike_dh_ctx *c = rc_xcalloc(1, sizeof(*c));
	c->g = g;
	c->key = key;
	return c;
}

/* MODP public value g^x mod p for an imported private key. */
static BIGNUM *modp_pub(const struct ike_dh *g, const BIGNUM *x)
{
	EVP_PKEY *dom = from_params(g, EVP_PKEY_KEY_PARAMETERS, NULL, NULL, NULL, 0);
	BIGNUM *p = NULL, *gen = NULL, *y = BN_new();
	BN_CTX *bc = BN_CTX_new();
	int ok = dom && y && bc && EVP_PKEY_get_bn_param(dom, OSSL_PKEY_PARAM_FFC_P, &p) &&
		 EVP_PKEY_get_bn_param(dom, OSSL_PKEY_PARAM_FFC_G, &gen) &&
		 BN_mod_exp(y, gen, x, p, bc);
	BN_free(p);
	BN_free(gen);
	BN_CTX_free(bc);
	EVP_PKEY_free(dom);
	if (!ok) {
		BN_free(y);
		return NULL;
	}
	return y;
}

static EVP_PKEY *import_private(const struct ike_dh *g, const uint8_t *priv, size_t privlen,
				const uint8_t *pub, size_t publen)
{
	if (g->kind == IKE_DHK_ECX)
		return EVP_PKEY_new_raw_private_key_ex(NULL, g->ossl_name, NULL, priv, privlen);
	BIGNUM *x = BN_bin2bn(priv, (int)privlen, NULL);
	EVP_PKEY *key = NULL;
	if (x != NULL && g->kind == IKE_DHK_MODP) {
		BIGNUM *y = modp_pub(g, x);
		if (y)
			key = from_params(g, EVP_PKEY_KEYPAIR, y, x, NULL, 0);
		BN_free(y);
	} else if (x != NULL && pub != NULL && publen == g->pub_len) {
		uint8_t *pt = rc_xmalloc(publen + 1);
		pt[0] = 0x04; /* uncompressed point */
		memcpy(pt + 1, pub, publen);
		key = from_params(g, EVP_PKEY_KEYPAIR, NULL, x, pt, publen + 1);
		free(pt);
	}
	BN_clear_free(x);
	return key;
}

struct ike_dh_ctx *ike_dh_new_private(const struct ike_dh *g, const uint8_t *priv, size_t privlen,
				      const uint8_t *pub, size_t publen, char *err, size_t errlen)
{
	EVP_PKEY *key = import_private(g, priv, privlen, pub, publen);
	if (key == NULL) {
		rc_set_err(err, errlen, "cannot use the given %s private key", g->name);
		return NULL;
	}
	struct ike_dh_ctx *c = rc_xcalloc(1, sizeof(*c));
	c->g = g;
	c->key = key;
	return c;
}

void ike_dh_free(struct ike_dh_ctx *c)
{
	if (c == NULL)
		return;
	EVP_PKEY_free(c->key); /* the providers clear the private key */
	rc_freezero(c, sizeof(*c));
}

int ike_dh_public(const struct ike_dh_ctx *c, uint8_t *out, size_t outlen, char *err, size_t errlen)
{
	const struct ike_dh *g = c->g;
	int ok = 0;
	if (outlen < g->pub_len)
		return rc_set_err(err, errlen, "%s public value needs %zu bytes", g->name,
				  g->pub_len);
	if (g->kind == IKE_DHK_MODP) {
		BIGNUM *y = NULL;
		ok = EVP_PKEY_get_bn_param(c->key, OSSL_PKEY_PARAM_PUB_KEY, &y) &&
		     BN_bn2binpad(y, out, (int)g->pub_len) == (int)g->pub_len;
		BN_free(y);
	} else if (g->kind == IKE_DHK_ECP) {
		uint8_t pt[1 + 2 * 66];
		size_t len = 0;
		ok = EVP_PKEY_get_octet_string_param(c->key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, pt,
						     sizeof(pt), &len) &&
		     len == g->pub_len + 1 && pt[0] == 0x04;
		if (ok) /* RFC 5903 §7: x | y without the point format octet */
			memcpy(out, pt + 1, g->pub_len);
	} else {
		size_t len = g->pub_len;
		ok = EVP_PKEY_get_raw_public_key(c->key, out, &len) && len == g->pub_len;
	}
	return ok ? 0 : rc_set_err(err, errlen, "cannot encode the %s public value", g->name);
}

/* RFC 6989 §2.1: 1 < y < p - 1.  All our MODP primes are safe primes
 * and our exponents ephemeral, so §2.2 needs no y^q check (the only
 * small subgroup, {1, p - 1}, is excluded here). */
static int modp_range_ok(const struct ike_dh_ctx *c, const BIGNUM *y)
{
	BIGNUM *p = NULL;
	int ok = EVP_PKEY_get_bn_param(c->key, OSSL_PKEY_PARAM_FFC_P, &p) && BN_sub_word(p, 1) &&
		 BN_cmp(y, BN_value_one()) > 0 && BN_cmp(y, p) < 0;
	BN_free(p);
	return ok;
}

/* RFC 6989 §2.3: on the curve and not the point at infinity.  The NIST
 * curves have cofactor 1, so no order check is needed (the quick check
 * leaves out that scalar multiplication). */
static bool ecp_point_ok(EVP_PKEY *key)
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
	bool ok = c && EVP_PKEY_public_check_quick(c) > 0;
	EVP_PKEY_CTX_free(c);
	return ok;
}

static EVP_PKEY *peer_key(const struct ike_dh_ctx *c, const uint8_t *peer, size_t len, char *err,
			  size_t errlen)
{
	const struct ike_dh *g = c->g;
	EVP_PKEY *key = NULL;
	if (len != g->pub_len) {
		rc_set_err(err, errlen, "%s public value has %zu bytes, not %zu", g->name, len,
			   g->pub_len);
		return NULL;
	}
	if (g->kind == IKE_DHK_MODP) {
		BIGNUM *y = BN_bin2bn(peer, (int)len, NULL);
		if (y && !modp_range_ok(c, y)) {
			BN_free(y);
			rc_set_err(err, errlen, "%s public value out of range (RFC 6989)", g->name);
			return NULL;
		}
		key = y ? from_params(g, EVP_PKEY_PUBLIC_KEY, y, NULL, NULL, 0) : NULL;
		BN_free(y);
	} else if (g->kind == IKE_DHK_ECP) {
		uint8_t *pt = rc_xmalloc(len + 1);
		pt[0] = 0x04;
		memcpy(pt + 1, peer, len);
		key = from_params(g, EVP_PKEY_PUBLIC_KEY, NULL, NULL, pt, len + 1);
		free(pt);
		if (key && !ecp_point_ok(key)) {
			EVP_PKEY_free(key);
			key = NULL;
		}
	} else {
		key = EVP_PKEY_new_raw_public_key_ex(NULL, g->ossl_name, NULL, peer, len);
	}
	if (key == NULL)
		rc_set_err(err, errlen, "%s public value is not a valid group element", g->name);
	return key;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;
	for (size_t i = 0; i < n; i++)
		acc |= p[i];
	return acc == 0;
}

int ike_dh_shared(const struct ike_dh_ctx *c, const uint8_t *peer, size_t peerlen, uint8_t *out,
		  size_t outlen, char *err, size_t errlen)
{
	const struct ike_dh *g = c->g;
	if (outlen < g->secret_len)
		return rc_set_err(err, errlen, "%s shared secret needs %zu bytes", g->name,
				  g->secret_len);
	EVP_PKEY *pk = peer_key(c, peer, peerlen, err, errlen);
	if (pk == NULL)
		return -1;
	EVP_PKEY_CTX *dc = EVP_PKEY_CTX_new_from_pkey(NULL, c->key, NULL);
	size_t len = g->secret_len;
	int ok = dc && EVP_PKEY_derive_init(dc) > 0;
	/* §2.14: g^ir is as long as the prime, leading zeros kept */
	if (ok && g->kind == IKE_DHK_MODP)
		ok = EVP_PKEY_CTX_set_dh_pad(dc, 1) > 0;
	ok = ok && EVP_PKEY_derive_set_peer_ex(dc, pk, 0) > 0 &&
	     EVP_PKEY_derive(dc, out, &len) > 0 && len == g->secret_len;
	EVP_PKEY_CTX_free(dc);
	EVP_PKEY_free(pk);
	if (ok && g->kind == IKE_DHK_ECX && all_zero(out, len))
		ok = 0; /* RFC 8031 §2.3: a low-order point gives all zeros */
	if (!ok) {
		rc_memzero(out, g->secret_len);
		return rc_set_err(err, errlen, "%s public value rejected: no shared secret",
				  g->name);
	}
	return 0;
}
