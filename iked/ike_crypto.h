/* The IKEv2 crypto suite: transform tables, PRF and prf+, key derivation
 * (RFC 7296 §2.13-2.18), SK payload protection (§3.14, RFC 5282, RFC 7634,
 * RFC 5930), Diffie-Hellman with the RFC 6989 public value checks, and the
 * PSK AUTH value (§2.15).  Everything runs on OpenSSL 3 EVP.
 *
 * No function keeps global state: every operation takes its own context,
 * so DH generation and derivation may run on a worker thread.  Functions
 * that can fail return 0 or -1 and describe the failure in err. */
#ifndef IKE_CRYPTO_H
#define IKE_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* IANA "Transform Type 1 - Encryption Algorithm Transform IDs" */
enum {
	IKE_ENCR_3DES = 3,
	IKE_ENCR_NULL = 11,
	IKE_ENCR_AES_CBC = 12,
	IKE_ENCR_AES_CTR = 13,
	IKE_ENCR_AES_GCM_8 = 18,
	IKE_ENCR_AES_GCM_12 = 19,
	IKE_ENCR_AES_GCM_16 = 20,
	IKE_ENCR_CHACHA20_POLY1305 = 28,
};

/* Transform Type 2 - Pseudorandom Function Transform IDs */
enum {
	IKE_PRF_HMAC_MD5 = 1,
	IKE_PRF_HMAC_SHA1 = 2,
	IKE_PRF_AES128_XCBC = 4,
	IKE_PRF_HMAC_SHA2_256 = 5,
	IKE_PRF_HMAC_SHA2_384 = 6,
	IKE_PRF_HMAC_SHA2_512 = 7,
	IKE_PRF_AES128_CMAC = 8,
};

/* Transform Type 3 - Integrity Algorithm Transform IDs */
enum {
	IKE_INTEG_NONE = 0,
	IKE_INTEG_HMAC_MD5_96 = 1,
	IKE_INTEG_HMAC_SHA1_96 = 2,
	IKE_INTEG_AES_XCBC_96 = 5,
	IKE_INTEG_AES_CMAC_96 = 8,
	IKE_INTEG_HMAC_SHA2_256_128 = 12,
	IKE_INTEG_HMAC_SHA2_384_192 = 13,
	IKE_INTEG_HMAC_SHA2_512_256 = 14,
};

/* Transform Type 4 - Diffie-Hellman (Key Exchange Method) Transform IDs */
enum {
	IKE_DH_MODP_1024 = 2,
	IKE_DH_MODP_1536 = 5,
	IKE_DH_MODP_2048 = 14,
	IKE_DH_MODP_3072 = 15,
	IKE_DH_MODP_4096 = 16,
	IKE_DH_MODP_6144 = 17,
	IKE_DH_MODP_8192 = 18,
	IKE_DH_ECP_256 = 19,
	IKE_DH_ECP_384 = 20,
	IKE_DH_ECP_521 = 21,
	IKE_DH_CURVE25519 = 31,
	IKE_DH_CURVE448 = 32,
};

enum ike_mac_kind { IKE_MAC_HMAC, IKE_MAC_XCBC, IKE_MAC_CMAC };
enum ike_cipher_mode { IKE_MODE_CBC, IKE_MODE_CTR, IKE_MODE_GCM, IKE_MODE_CHACHA, IKE_MODE_NULL };
enum ike_dh_kind { IKE_DHK_MODP, IKE_DHK_ECP, IKE_DHK_ECX };

struct ike_encr {
	uint16_t id;
	const char *name;
	enum ike_cipher_mode mode;
	uint16_t key_bits[3]; /* permitted Key Length attributes; [0] only = fixed */
	bool needs_key_attr;  /* the proposal must carry a Key Length attribute */
	size_t block;	      /* padding alignment of the SK plaintext */
	size_t iv;	      /* IV bytes carried in the payload */
	size_t salt;	      /* bytes of key material after the key (nonce/salt) */
	size_t icv;	      /* AEAD tag bytes; 0 for the others */
	bool esp_only;	      /* not allowed to protect IKE messages */
};

struct ike_prf {
	uint16_t id;
	const char *name;
	enum ike_mac_kind kind;
	const char *digest; /* for HMAC */
	size_t out;	    /* output bytes */
	size_t key;	    /* preferred key bytes (SK_d, SK_pi, SK_pr) */
	bool fixed_key;	    /* takes a fixed-length key (RFC 7296 §2.14) */
};

struct ike_integ {
	uint16_t id;
	const char *name;
	enum ike_mac_kind kind;
	const char *digest;
	size_t key; /* SK_a* bytes */
	size_t icv; /* truncated output bytes */
};

struct ike_dh {
	uint16_t id;
	const char *name;
	enum ike_dh_kind kind;
	const char *ossl_name; /* OpenSSL group or key type name */
	size_t pub_len;	       /* KE payload data bytes */
	size_t secret_len;     /* g^ir bytes */
	bool weak;	       /* accepted only on explicit request */
};

const struct ike_encr *ike_encr_get(uint16_t id);
const struct ike_prf *ike_prf_get(uint16_t id);
const struct ike_integ *ike_integ_get(uint16_t id);
const struct ike_dh *ike_dh_get(uint16_t id);

/* Key material bytes of an ESP encryption (key + salt) and integrity
 * transform; integ_id IKE_INTEG_NONE with AEAD. */
int ike_esp_key_lens(uint16_t encr_id, unsigned key_bits, uint16_t integ_id, size_t *elen,
		     size_t *alen, char *err, size_t errlen);

/* The algorithms that protect one IKE SA.  integ is NULL for AEAD. */
struct ike_suite {
	const struct ike_encr *encr;
	size_t encr_key; /* cipher key bytes, without the salt */
	const struct ike_prf *prf;
	const struct ike_integ *integ;
	const struct ike_dh *dh; /* NULL when no DH was negotiated (child SA without PFS) */
};

/* key_bits: the Key Length attribute, 0 when absent.  integ_id is
 * IKE_INTEG_NONE with AEAD and required otherwise; dh_id 0 = none. */
int ike_suite_init(struct ike_suite *s, uint16_t encr_id, unsigned key_bits, uint16_t prf_id,
		   uint16_t integ_id, uint16_t dh_id, char *err, size_t errlen);

/* ---- PRF ---- */
/* out receives prf->out bytes.  Keys of any length (RFC 4434/4615 for the
 * AES-based PRFs). */
int ike_prf_run(const struct ike_prf *prf, const uint8_t *key, size_t keylen, const uint8_t *data,
		size_t len, uint8_t *out);
/* prf+ (RFC 7296 §2.13): outlen at most 255 * prf->out. */
int ike_prf_plus(const struct ike_prf *prf, const uint8_t *key, size_t keylen, const uint8_t *seed,
		 size_t seedlen, uint8_t *out, size_t outlen);
/* A truncated integrity MAC; out receives integ->icv bytes. */
int ike_integ_run(const struct ike_integ *ig, const uint8_t *key, size_t keylen,
		  const uint8_t *data, size_t len, uint8_t *out);
/* Raw AES-XCBC-MAC (RFC 3566) with a 16-byte key: 16 bytes to out. */
int ike_aes_xcbc_mac(const uint8_t key[16], const uint8_t *data, size_t len, uint8_t out[16]);

/* ---- keys ---- */
struct ike_key {
	uint8_t *p;
	size_t len;
};

/* The seven SK_* keys of an IKE SA, views into one zeroised-on-free block. */
struct ike_sa_keys {
	uint8_t *mem;
	size_t memlen;
	struct ike_key d, ai, ar, ei, er, pi, pr;
};

/* New IKE SA: SKEYSEED = prf(Ni | Nr, g^ir), then prf+(SKEYSEED, Ni | Nr | SPIi | SPIr). */
int ike_sa_keys_new(struct ike_sa_keys *k, const struct ike_suite *s, const uint8_t *ni,
		    size_t nilen, const uint8_t *nr, size_t nrlen, const uint8_t *gir,
		    size_t girlen, const uint8_t spii[8], const uint8_t spir[8], char *err,
		    size_t errlen);
/* IKE SA rekey (§2.18): SKEYSEED = prf_old(SK_d(old), g^ir(new) | Ni | Nr); s is
 * the new SA's suite. */
int ike_sa_keys_rekey(struct ike_sa_keys *k, const struct ike_suite *s,
		      const struct ike_prf *old_prf, const struct ike_key *old_sk_d,
		      const uint8_t *gir, size_t girlen, const uint8_t *ni, size_t nilen,
		      const uint8_t *nr, size_t nrlen, const uint8_t spii[8], const uint8_t spir[8],
		      char *err, size_t errlen);
void ike_sa_keys_free(struct ike_sa_keys *k);

/* Child SA KEYMAT (§2.17) = prf+(SK_d, [g^ir |] Ni | Nr), gir NULL without
 * PFS.  Returns a buffer of len bytes to free with rc_freezero(), or NULL. */
uint8_t *ike_child_keymat(const struct ike_prf *prf, const struct ike_key *sk_d, const uint8_t *gir,
			  size_t girlen, const uint8_t *ni, size_t nilen, const uint8_t *nr,
			  size_t nrlen, size_t len, char *err, size_t errlen);

/* The four keys of a child SA (ESP/AH), views into one zeroised-on-free
 * block, in the §2.17 order: initiator-to-responder encryption then
 * integrity, then responder-to-initiator. */
struct ike_child_keys {
	uint8_t *mem;
	size_t memlen;
	struct ike_key ei, ai, er, ar;
};

/* Child SA keys for ESP transforms (ENCR_NULL allowed; integ_id
 * IKE_INTEG_NONE with AEAD), from KEYMAT as ike_child_keymat() makes it. */
int ike_child_keys_new(struct ike_child_keys *ck, const struct ike_prf *prf,
		       const struct ike_key *sk_d, uint16_t encr_id, unsigned key_bits,
		       uint16_t integ_id, const uint8_t *gir, size_t girlen, const uint8_t *ni,
		       size_t nilen, const uint8_t *nr, size_t nrlen, char *err, size_t errlen);
void ike_child_keys_free(struct ike_child_keys *ck);

/* ---- ciphers (one call = one message; key includes the salt) ---- */
/* Encrypt/decrypt len bytes in place.  iv: encr->iv bytes.  For AEAD, aad
 * is authenticated and tag holds encr->icv bytes (written on encrypt,
 * checked on decrypt: -1 when it does not match). */
int ike_cipher_encrypt(const struct ike_encr *e, const uint8_t *key, size_t keylen,
		       const uint8_t *iv, const uint8_t *aad, size_t aadlen, uint8_t *buf,
		       size_t len, uint8_t *tag);
int ike_cipher_decrypt(const struct ike_encr *e, const uint8_t *key, size_t keylen,
		       const uint8_t *iv, const uint8_t *aad, size_t aadlen, uint8_t *buf,
		       size_t len, const uint8_t *tag);

/* ---- SK payload (§3.14) ----
 * The message buffer holds the IKE header, any unprotected payloads, the
 * SK payload's 4-byte generic header, and then the SK body at body_off:
 *     IV | encrypted( inner payloads | padding | pad length ) | ICV
 * The encoder asks ike_sk_body_len() for the body size of a given inner
 * plaintext length, writes all headers with the final lengths, puts the
 * inner payloads at body_off + ike_sk_plain_off(), and calls
 * ike_sk_encrypt(), which fills IV, padding and ICV and encrypts in place. */
struct ike_sk {
	const struct ike_suite *suite;
	const struct ike_key *ek; /* SK_e? with salt */
	const struct ike_key *ak; /* SK_a?; unused with AEAD */
};

/* The keys protecting messages sent by the initiator (or by the responder). */
void ike_sk_init(struct ike_sk *sk, const struct ike_suite *s, const struct ike_sa_keys *k,
		 bool from_initiator);
size_t ike_sk_plain_off(const struct ike_sk *sk);
size_t ike_sk_body_len(const struct ike_sk *sk, size_t plain_len);
/* msg_len must be body_off + ike_sk_body_len(plain_len); body_off >= 4. */
int ike_sk_encrypt(const struct ike_sk *sk, uint8_t *msg, size_t msg_len, size_t body_off,
		   size_t plain_len, char *err, size_t errlen);
/* Checks the ICV (constant time), decrypts in place and strips the
 * padding: the inner payloads are then msg[*plain_off, *plain_off + *plain_len).
 * Any pad length that fits is accepted (§3.14); on failure msg is unchanged.
 * For AEAD the AAD is msg[0, body_off): IKE header through SK header. */
int ike_sk_decrypt(const struct ike_sk *sk, uint8_t *msg, size_t msg_len, size_t body_off,
		   size_t *plain_off, size_t *plain_len, char *err, size_t errlen);

/* ---- Diffie-Hellman ---- */
struct ike_dh_ctx;

/* A fresh context with a new key pair. */
struct ike_dh_ctx *ike_dh_new(const struct ike_dh *g, char *err, size_t errlen);
/* A context with a given private key (tests, known-answer vectors).  pub may be
 * NULL for MODP and Curve25519/448 (computed); it is required for ECP. */
struct ike_dh_ctx *ike_dh_new_private(const struct ike_dh *g, const uint8_t *priv, size_t privlen,
				      const uint8_t *pub, size_t publen, char *err, size_t errlen);
void ike_dh_free(struct ike_dh_ctx *c);
/* Our public value in KE payload encoding: g->pub_len bytes into out. */
int ike_dh_public(const struct ike_dh_ctx *c, uint8_t *out, size_t outlen, char *err,
		  size_t errlen);
/* Check the peer's public value (RFC 6989) and compute g^ir: g->secret_len
 * bytes into out. */
int ike_dh_shared(const struct ike_dh_ctx *c, const uint8_t *peer, size_t peerlen, uint8_t *out,
		  size_t outlen, char *err, size_t errlen);

/* ---- AUTH (§2.15) ---- */
/* <SignedOctets> = RealMessage | Nonce | prf(SK_p, RestOfID); rest_of_id is
 * the ID payload body (ID type, reserved, data).  Returns a malloc'd buffer
 * and its length in *len. */
uint8_t *ike_signed_octets(const struct ike_prf *prf, const struct ike_key *sk_p,
			   const uint8_t *msg, size_t msglen, const uint8_t *nonce, size_t noncelen,
			   const uint8_t *rest_of_id, size_t idlen, size_t *len);
/* AUTH = prf(prf(Shared Secret, "Key Pad for IKEv2"), <SignedOctets>): prf->out bytes. */
int ike_auth_psk(const struct ike_prf *prf, const uint8_t *psk, size_t psklen,
		 const uint8_t *octets, size_t octlen, uint8_t *out);
/* 0 when auth (authlen bytes) is the PSK AUTH value; constant-time compare. */
int ike_auth_psk_verify(const struct ike_prf *prf, const uint8_t *psk, size_t psklen,
			const uint8_t *octets, size_t octlen, const uint8_t *auth, size_t authlen);

#endif
