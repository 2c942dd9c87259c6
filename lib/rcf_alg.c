/* Algorithm keywords: compat §8.1, plus the modern algorithms we add as
 * unreserved extension words (AEAD ciphers, ECP and Montgomery groups). */
#include "config.h"

#include <string.h>

#include "rcf_model.h"
#include "util.h"

#define ENC RCF_ALGC_ENC
#define HASH RCF_ALGC_HASH
#define AUTHM RCF_ALGC_AUTHM
#define DH RCF_ALGC_DH
#define COMP RCF_ALGC_COMP
#define V1E RCF_USE_V1_ENC
#define V2E RCF_USE_V2_ENC
#define V2ESP RCF_USE_V2_ESP_ENC
#define V1ESP RCF_USE_V1_ESP_ENC
#define KERN RCF_USE_KERNEL
#define ALLENC (V1E | V2E | V2ESP | V1ESP | KERN)
#define AUTHALL (RCF_USE_V1_HASH | RCF_USE_V2_INTEG | RCF_USE_V2_PRF | RCF_USE_V2_AUTH | \
		 RCF_USE_V1_AUTH | KERN)
#define AEAD2 (V2E | V2ESP | KERN)

static const struct rcf_alg_info algs[] = {
	/* encryption */
	{ "des_cbc", ENC, V1E | V1ESP | KERN, 0, 64, false, false },
	{ "3des_cbc", ENC, ALLENC, 0, 192, false, false },
	{ "des_cbc_iv64", ENC, 0, 0, 64, false, false },
	{ "des_cbc_iv32", ENC, 0, 0, 64, false, false },
	{ "rc5_cbc", ENC, V1E, 0, 0, false, false },
	{ "idea_cbc", ENC, V1E, 0, 0, false, false },
	{ "3idea_cbc", ENC, 0, 0, 0, false, false },
	{ "rc4_cbc", ENC, 0, 0, 0, false, false },
	{ "cast128_cbc", ENC, V1E | V1ESP | KERN, 0, 0, false, false },
	{ "blowfish_cbc", ENC, V1E | V1ESP | KERN, 0, 0, false, false },
	{ "null_enc", ENC, V2E | V2ESP | V1ESP | KERN, 0, 0, false, false },
	{ "rijndael_cbc", ENC, ALLENC, 0, -1, false, false },
	{ "aes128_cbc", ENC, ALLENC, 0, 128, false, false },
	{ "aes192_cbc", ENC, ALLENC, 0, 192, false, false },
	{ "aes256_cbc", ENC, ALLENC, 0, 256, false, false },
	{ "aes_ctr", ENC, V2E | V2ESP | KERN, 0, -1, false, false },
	{ "twofish_cbc", ENC, V1ESP | KERN, 0, 0, false, false },
	{ "aes128_gcm16", ENC, AEAD2, 0, 128, true, true },
	{ "aes192_gcm16", ENC, AEAD2, 0, 192, true, true },
	{ "aes256_gcm16", ENC, AEAD2, 0, 256, true, true },
	{ "aes128_gcm12", ENC, AEAD2, 0, 128, true, true },
	{ "aes192_gcm12", ENC, AEAD2, 0, 192, true, true },
	{ "aes256_gcm12", ENC, AEAD2, 0, 256, true, true },
	{ "aes128_gcm8", ENC, AEAD2, 0, 128, true, true },
	{ "aes192_gcm8", ENC, AEAD2, 0, 192, true, true },
	{ "aes256_gcm8", ENC, AEAD2, 0, 256, true, true },
	{ "chacha20_poly1305", ENC, AEAD2, 0, 256, true, true },
	/* hash / integrity / prf / auth */
	{ "md5", HASH, RCF_USE_V1_HASH, 0, 0, false, false },
	{ "sha1", HASH, RCF_USE_V1_HASH, 0, 0, false, false },
	{ "sha2_256", HASH, RCF_USE_V1_HASH, 0, 0, false, false },
	{ "sha2_384", HASH, RCF_USE_V1_HASH, 0, 0, false, false },
	{ "sha2_512", HASH, RCF_USE_V1_HASH, 0, 0, false, false },
	{ "hmac_md5", HASH, AUTHALL, 0, 0, false, false },
	{ "hmac_sha1", HASH, AUTHALL, 0, 0, false, false },
	{ "hmac_sha2_256", HASH, AUTHALL, 0, 0, false, false },
	{ "hmac_sha2_384", HASH, AUTHALL, 0, 0, false, false },
	{ "hmac_sha2_512", HASH, AUTHALL, 0, 0, false, false },
	{ "aes_xcbc", HASH, AUTHALL & ~RCF_USE_V1_HASH, 0, 0, false, false },
	{ "aes_cmac", HASH, RCF_USE_V2_INTEG | RCF_USE_V2_PRF | RCF_USE_V2_AUTH, 0, 0, false, false },
	{ "kpdk_md5", HASH, RCF_USE_V1_AUTH | KERN, 0, 0, false, false },
	{ "non_auth", HASH, RCF_USE_V1_AUTH | KERN, 0, 0, false, false },
	{ "des_mac", HASH, 0, 0, 0, false, false },
	{ "tiger", HASH, 0, 0, 0, false, false },
	/* authentication methods */
	{ "psk", AUTHM, RCF_USE_V1_AUTHM | RCF_USE_V2_AUTHM, 0, 0, false, false },
	{ "dss", AUTHM, RCF_USE_V1_AUTHM | RCF_USE_V2_AUTHM, 0, 0, false, false },
	{ "rsasig", AUTHM, RCF_USE_V1_AUTHM | RCF_USE_V2_AUTHM, 0, 0, false, false },
	{ "rsaenc", AUTHM, RCF_USE_V1_AUTHM, 0, 0, false, false },
	{ "rsarev", AUTHM, RCF_USE_V1_AUTHM, 0, 0, false, false },
	{ "gssapi_krb", AUTHM, RCF_USE_V1_AUTHM, 0, 0, false, false },
	/* Diffie-Hellman groups */
	{ "modp768", DH, RCF_USE_DH, 1, 0, false, false },
	{ "modp1024", DH, RCF_USE_DH, 2, 0, false, false },
	{ "ec2n155", DH, 0, 3, 0, false, false },
	{ "ec2n185", DH, 0, 4, 0, false, false },
	{ "modp1536", DH, RCF_USE_DH, 5, 0, false, false },
	{ "modp2048", DH, RCF_USE_DH, 14, 0, false, false },
	{ "modp3072", DH, RCF_USE_DH, 15, 0, false, false },
	{ "modp4096", DH, RCF_USE_DH, 16, 0, false, false },
	{ "modp6144", DH, RCF_USE_DH, 17, 0, false, false },
	{ "modp8192", DH, RCF_USE_DH, 18, 0, false, false },
	{ "ecp256", DH, RCF_USE_DH, 19, 0, false, true },
	{ "ecp384", DH, RCF_USE_DH, 20, 0, false, true },
	{ "ecp521", DH, RCF_USE_DH, 21, 0, false, true },
	{ "curve25519", DH, RCF_USE_DH, 31, 0, false, true },
	{ "curve448", DH, RCF_USE_DH, 32, 0, false, true },
	/* IPComp */
	{ "oui", COMP, RCF_USE_COMP | KERN, 0, 0, false, false },
	{ "deflate", COMP, RCF_USE_COMP | KERN, 0, 0, false, false },
	{ "lzs", COMP, RCF_USE_COMP | KERN, 0, 0, false, false },
};

const struct rcf_alg_info *rcf_alg_lookup(const char *name)
{
	for (size_t i = 0; i < RC_ARRAY_SIZE(algs); i++)
		if (strcmp(algs[i].name, name) == 0)
			return &algs[i];
	return NULL;
}

const struct rcf_alg_info *rcf_alg_by_dh_group(int group)
{
	for (size_t i = 0; i < RC_ARRAY_SIZE(algs); i++)
		if (algs[i].cls == RCF_ALGC_DH && algs[i].dh_group == group)
			return &algs[i];
	return NULL;
}
