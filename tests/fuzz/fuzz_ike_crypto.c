/* libFuzzer target for the IKEv2 crypto suite's untrusted inputs: an SK
 * payload to unprotect (first byte picks the suite and the SK body offset)
 * and a peer's DH public value (checked per RFC 6989).  Neither may read
 * outside the input or crash; a payload that unprotects must lie inside
 * the message.  The fuzz runner links libracoon only, so the suite's
 * sources are compiled into this target. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../iked/ike_cipher.c"
#include "../../iked/ike_crypto.c"
#include "../../iked/ike_dh.c"
#include "../../iked/ike_prf.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct {
	uint16_t encr;
	unsigned bits;
	uint16_t integ;
} suites[] = {
	{IKE_ENCR_AES_CBC, 128, IKE_INTEG_HMAC_SHA2_256_128},
	{IKE_ENCR_AES_CTR, 256, IKE_INTEG_AES_XCBC_96},
	{IKE_ENCR_3DES, 0, IKE_INTEG_AES_CMAC_96},
	{IKE_ENCR_AES_GCM_16, 256, IKE_INTEG_NONE},
	{IKE_ENCR_AES_GCM_8, 128, IKE_INTEG_NONE},
	{IKE_ENCR_CHACHA20_POLY1305, 0, IKE_INTEG_NONE},
};

static const uint16_t groups[] = {IKE_DH_MODP_1024, IKE_DH_ECP_256, IKE_DH_ECP_521,
				  IKE_DH_CURVE25519, IKE_DH_CURVE448};

static void fuzz_sk(uint8_t sel, const uint8_t *data, size_t size)
{
	struct ike_suite s;
	struct ike_sa_keys k;
	struct ike_sk sk;
	char err[200];
	uint8_t n[16] = {1}, spi[8] = {2};
	size_t off, plen;
	if (ike_suite_init(&s, suites[sel % 6].encr, suites[sel % 6].bits, IKE_PRF_HMAC_SHA2_256,
			   suites[sel % 6].integ, 0, err, sizeof(err)) < 0 ||
	    ike_sa_keys_new(&k, &s, n, 16, n, 16, n, 16, spi, spi, err, sizeof(err)) < 0)
		abort();
	ike_sk_init(&sk, &s, &k, sel & 0x80);
	uint8_t *msg = malloc(size ? size : 1);
	memcpy(msg, data, size);
	size_t body_off = (sel >> 3) & 0x0f; /* 0..15: small offsets, some invalid */
	if (ike_sk_decrypt(&sk, msg, size, body_off, &off, &plen, err, sizeof(err)) == 0 &&
	    (off < body_off || off + plen > size))
		abort();
	free(msg);
	ike_sa_keys_free(&k);
}

static void fuzz_dh(uint8_t sel, const uint8_t *data, size_t size)
{
	static struct ike_dh_ctx *ctx[5];
	char err[200];
	uint8_t out[1024];
	size_t i = sel % 5;
	if (ctx[i] == NULL &&
	    (ctx[i] = ike_dh_new(ike_dh_get(groups[i]), err, sizeof(err))) == NULL)
		abort();
	uint8_t *peer = malloc(size ? size : 1);
	memcpy(peer, data, size);
	ike_dh_shared(ctx[i], peer, size, out, sizeof(out), err, sizeof(err));
	free(peer);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	if (data[0] & 1)
		fuzz_dh(data[1], data + 2, size - 2);
	else
		fuzz_sk(data[1], data + 2, size - 2);
	return 0;
}
