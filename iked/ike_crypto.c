/* IKEv2 transform tables (IANA IKEv2 registry, RFC 7296 §3.3.2, RFC 8247)
 * and suite selection. */
#include "ike_crypto.h"

#include "util.h"

static const struct ike_encr encr_tab[] = {
	{IKE_ENCR_3DES, "3des-cbc", IKE_MODE_CBC, {192}, false, 8, 8, 0, 0, false},
	{IKE_ENCR_NULL, "null", IKE_MODE_NULL, {0}, false, 1, 0, 0, 0, true},
	{IKE_ENCR_AES_CBC, "aes-cbc", IKE_MODE_CBC, {128, 192, 256}, true, 16, 16, 0, 0, false},
	/* RFC 5930: 8-byte IV, 4-byte nonce from the key material, no block
	 * alignment needed for a counter mode */
	{IKE_ENCR_AES_CTR, "aes-ctr", IKE_MODE_CTR, {128, 192, 256}, true, 1, 8, 4, 0, false},
	/* RFC 5282: 8-byte explicit IV, 4-byte salt */
	{IKE_ENCR_AES_GCM_8, "aes-gcm-8", IKE_MODE_GCM, {128, 192, 256}, true, 1, 8, 4, 8, false},
	{IKE_ENCR_AES_GCM_12,
	 "aes-gcm-12",
	 IKE_MODE_GCM,
	 {128, 192, 256},
	 true,
	 1,
	 8,
	 4,
	 12,
	 false},
	{IKE_ENCR_AES_GCM_16,
	 "aes-gcm-16",
	 IKE_MODE_GCM,
	 {128, 192, 256},
	 true,
	 1,
	 8,
	 4,
	 16,
	 false},
	/* RFC 7634: 256-bit key, 4-byte salt, 8-byte IV, 16-byte tag */
	{IKE_ENCR_CHACHA20_POLY1305,
	 "chacha20-poly1305",
	 IKE_MODE_CHACHA,
	 {256},
	 false,
	 1,
	 8,
	 4,
	 16,
	 false},
};

static const struct ike_prf prf_tab[] = {
	{IKE_PRF_HMAC_MD5, "hmac-md5", IKE_MAC_HMAC, "MD5", 16, 16, false},
	{IKE_PRF_HMAC_SHA1, "hmac-sha1", IKE_MAC_HMAC, "SHA1", 20, 20, false},
	{IKE_PRF_AES128_XCBC, "aes128-xcbc", IKE_MAC_XCBC, NULL, 16, 16, true},
	{IKE_PRF_HMAC_SHA2_256, "hmac-sha2-256", IKE_MAC_HMAC, "SHA2-256", 32, 32, false},
	{IKE_PRF_HMAC_SHA2_384, "hmac-sha2-384", IKE_MAC_HMAC, "SHA2-384", 48, 48, false},
	{IKE_PRF_HMAC_SHA2_512, "hmac-sha2-512", IKE_MAC_HMAC, "SHA2-512", 64, 64, false},
	{IKE_PRF_AES128_CMAC, "aes128-cmac", IKE_MAC_CMAC, NULL, 16, 16, true},
};

static const struct ike_integ integ_tab[] = {
	{IKE_INTEG_HMAC_MD5_96, "hmac-md5-96", IKE_MAC_HMAC, "MD5", 16, 12},
	{IKE_INTEG_HMAC_SHA1_96, "hmac-sha1-96", IKE_MAC_HMAC, "SHA1", 20, 12},
	{IKE_INTEG_AES_XCBC_96, "aes-xcbc-96", IKE_MAC_XCBC, NULL, 16, 12},
	{IKE_INTEG_AES_CMAC_96, "aes-cmac-96", IKE_MAC_CMAC, NULL, 16, 12},
	{IKE_INTEG_HMAC_SHA2_256_128, "hmac-sha2-256-128", IKE_MAC_HMAC, "SHA2-256", 32, 16},
	{IKE_INTEG_HMAC_SHA2_384_192, "hmac-sha2-384-192", IKE_MAC_HMAC, "SHA2-384", 48, 24},
	{IKE_INTEG_HMAC_SHA2_512_256, "hmac-sha2-512-256", IKE_MAC_HMAC, "SHA2-512", 64, 32},
};

static const struct ike_dh dh_tab[] = {
	{IKE_DH_MODP_1024, "modp1024", IKE_DHK_MODP, "modp_1024", 128, 128, true},
	{IKE_DH_MODP_1536, "modp1536", IKE_DHK_MODP, "modp_1536", 192, 192, true},
	{IKE_DH_MODP_2048, "modp2048", IKE_DHK_MODP, "modp_2048", 256, 256, false},
	{IKE_DH_MODP_3072, "modp3072", IKE_DHK_MODP, "modp_3072", 384, 384, false},
	{IKE_DH_MODP_4096, "modp4096", IKE_DHK_MODP, "modp_4096", 512, 512, false},
	{IKE_DH_MODP_6144, "modp6144", IKE_DHK_MODP, "modp_6144", 768, 768, false},
	{IKE_DH_MODP_8192, "modp8192", IKE_DHK_MODP, "modp_8192", 1024, 1024, false},
	/* RFC 5903: KE data is x | y, the shared secret is x */
	{IKE_DH_ECP_256, "ecp256", IKE_DHK_ECP, "P-256", 64, 32, false},
	{IKE_DH_ECP_384, "ecp384", IKE_DHK_ECP, "P-384", 96, 48, false},
	{IKE_DH_ECP_521, "ecp521", IKE_DHK_ECP, "P-521", 132, 66, false},
	{IKE_DH_CURVE25519, "curve25519", IKE_DHK_ECX, "X25519", 32, 32, false},
	{IKE_DH_CURVE448, "curve448", IKE_DHK_ECX, "X448", 56, 56, false},
};

#define TAB_FIND(tab, want)                                                                        \
	do {                                                                                       \
		for (size_t i_ = 0; i_ < RC_ARRAY_SIZE(tab); i_++)                                 \
			if ((tab)[i_].id == (want))                                                \
				return &(tab)[i_];                                                 \
		return NULL;                                                                       \
	} while (0)

const struct ike_encr *ike_encr_get(uint16_t id)
{
	TAB_FIND(encr_tab, id);
}

const struct ike_prf *ike_prf_get(uint16_t id)
{
	TAB_FIND(prf_tab, id);
}

const struct ike_integ *ike_integ_get(uint16_t id)
{
	TAB_FIND(integ_tab, id);
}

const struct ike_dh *ike_dh_get(uint16_t id)
{
	TAB_FIND(dh_tab, id);
}

static int encr_key_bytes(const struct ike_encr *e, unsigned key_bits, size_t *out)
{
	if (key_bits == 0) {
		if (e->needs_key_attr)
			return -1;
		key_bits = e->key_bits[0];
	}
	for (size_t i = 0; i < RC_ARRAY_SIZE(e->key_bits); i++) {
		if (e->key_bits[i] == key_bits) {
			*out = key_bits / 8;
			return 0;
		}
	}
	return -1;
}

int ike_esp_key_lens(uint16_t encr_id, unsigned key_bits, uint16_t integ_id, size_t *elen,
		     size_t *alen, char *err, size_t errlen)
{
	const struct ike_encr *e = ike_encr_get(encr_id);
	size_t key = 0;
	if (e == NULL)
		return rc_set_err(err, errlen, "unknown encryption transform %u", encr_id);
	if (e->mode != IKE_MODE_NULL && encr_key_bytes(e, key_bits, &key) < 0)
		return rc_set_err(err, errlen, "%s does not take a %u-bit key", e->name, key_bits);
	*elen = key + e->salt;
	*alen = 0;
	if (e->icv > 0) {
		if (integ_id != IKE_INTEG_NONE)
			return rc_set_err(err, errlen,
					  "%s is combined mode: no integrity transform allowed",
					  e->name);
		return 0;
	}
	const struct ike_integ *ig = ike_integ_get(integ_id);
	if (ig == NULL)
		return rc_set_err(err, errlen, "%s needs an integrity transform (got %u)", e->name,
				  integ_id);
	*alen = ig->key;
	return 0;
}

int ike_suite_init(struct ike_suite *s, uint16_t encr_id, unsigned key_bits, uint16_t prf_id,
		   uint16_t integ_id, uint16_t dh_id, char *err, size_t errlen)
{
	*s = (struct ike_suite){0};
	s->encr = ike_encr_get(encr_id);
	if (s->encr == NULL || s->encr->esp_only)
		return rc_set_err(err, errlen,
				  "encryption transform %u cannot protect IKE messages", encr_id);
	if (encr_key_bytes(s->encr, key_bits, &s->encr_key) < 0)
		return rc_set_err(err, errlen, "%s does not take a %u-bit key", s->encr->name,
				  key_bits);
	s->prf = ike_prf_get(prf_id);
	if (s->prf == NULL)
		return rc_set_err(err, errlen, "unknown PRF transform %u", prf_id);
	bool aead = s->encr->icv > 0;
	if (aead && integ_id != IKE_INTEG_NONE)
		return rc_set_err(err, errlen,
				  "%s is combined mode: no integrity transform allowed",
				  s->encr->name);
	if (!aead) {
		s->integ = ike_integ_get(integ_id);
		if (s->integ == NULL)
			return rc_set_err(err, errlen, "%s needs an integrity transform (got %u)",
					  s->encr->name, integ_id);
	}
	if (dh_id != 0) {
		s->dh = ike_dh_get(dh_id);
		if (s->dh == NULL)
			return rc_set_err(err, errlen, "unknown Diffie-Hellman group %u", dh_id);
	}
	return 0;
}
