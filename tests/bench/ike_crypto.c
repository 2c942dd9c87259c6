/* Operations per second of the IKEv2 crypto suite: DH key generation and
 * shared secret per group, PRF and prf+ per PRF, SK payload protection per
 * suite.  Figures only; exits non-zero when an operation fails. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ike_crypto.h"
#include "util.h"

static double budget = 0.5; /* seconds per measurement */

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#define RATE(label, name, body)                                                                    \
	do {                                                                                       \
		unsigned long n_ = 0;                                                              \
		double t0_ = now(), t_;                                                            \
		do {                                                                               \
			body;                                                                      \
			n_++;                                                                      \
		} while ((t_ = now() - t0_) < budget);                                             \
		printf("%-8s %-22s %12.0f ops/s\n", label, name, (double)n_ / t_);                 \
	} while (0)

static void fail(const char *what, const char *err)
{
	fprintf(stderr, "ike-crypto: %s: %s\n", what, err);
	exit(1);
}

static void bench_dh(void)
{
	static const uint16_t ids[] = {IKE_DH_MODP_2048, IKE_DH_MODP_3072,  IKE_DH_MODP_4096,
				       IKE_DH_MODP_8192, IKE_DH_ECP_256,    IKE_DH_ECP_384,
				       IKE_DH_ECP_521,	 IKE_DH_CURVE25519, IKE_DH_CURVE448};
	char err[200];
	uint8_t pub[1024], sec[1024];
	for (size_t i = 0; i < RC_ARRAY_SIZE(ids); i++) {
		const struct ike_dh *g = ike_dh_get(ids[i]);
		struct ike_dh_ctx *peer = ike_dh_new(g, err, sizeof(err));
		if (peer == NULL || ike_dh_public(peer, pub, sizeof(pub), err, sizeof(err)) < 0)
			fail(g->name, err);
		RATE("dh-gen", g->name, {
			struct ike_dh_ctx *c = ike_dh_new(g, err, sizeof(err));
			if (c == NULL || ike_dh_public(c, sec, sizeof(sec), err, sizeof(err)) < 0)
				fail(g->name, err);
			ike_dh_free(c);
		});
		struct ike_dh_ctx *c = ike_dh_new(g, err, sizeof(err));
		if (c == NULL)
			fail(g->name, err);
		RATE("dh-agree", g->name, {
			if (ike_dh_shared(c, pub, g->pub_len, sec, sizeof(sec), err, sizeof(err)) <
			    0)
				fail(g->name, err);
		});
		ike_dh_free(c);
		ike_dh_free(peer);
	}
}

static void bench_prf(void)
{
	static const uint16_t ids[] = {IKE_PRF_HMAC_SHA1, IKE_PRF_HMAC_SHA2_256,
				       IKE_PRF_HMAC_SHA2_512, IKE_PRF_AES128_XCBC,
				       IKE_PRF_AES128_CMAC};
	uint8_t key[32] = {1}, data[64] = {2}, out[64], km[200];
	for (size_t i = 0; i < RC_ARRAY_SIZE(ids); i++) {
		const struct ike_prf *p = ike_prf_get(ids[i]);
		RATE("prf", p->name, {
			if (ike_prf_run(p, key, sizeof(key), data, sizeof(data), out) < 0)
				fail(p->name, "prf");
		});
		RATE("prf+200", p->name, {
			if (ike_prf_plus(p, key, sizeof(key), data, sizeof(data), km, sizeof(km)) <
			    0)
				fail(p->name, "prf+");
		});
	}
}

static void bench_sk(void)
{
	static const struct {
		uint16_t encr;
		unsigned bits;
		uint16_t integ;
	} suites[] = {
		{IKE_ENCR_AES_CBC, 128, IKE_INTEG_HMAC_SHA2_256_128},
		{IKE_ENCR_AES_CTR, 256, IKE_INTEG_HMAC_SHA2_512_256},
		{IKE_ENCR_AES_GCM_16, 128, IKE_INTEG_NONE},
		{IKE_ENCR_CHACHA20_POLY1305, 0, IKE_INTEG_NONE},
	};
	char err[200];
	uint8_t n[16] = {1}, spi[8] = {2}, msg[2048];
	for (size_t i = 0; i < RC_ARRAY_SIZE(suites); i++) {
		struct ike_suite s;
		struct ike_sa_keys k;
		struct ike_sk sk;
		if (ike_suite_init(&s, suites[i].encr, suites[i].bits, IKE_PRF_HMAC_SHA2_256,
				   suites[i].integ, 0, err, sizeof(err)) < 0 ||
		    ike_sa_keys_new(&k, &s, n, 16, n, 16, n, 16, spi, spi, err, sizeof(err)) < 0)
			fail("suite", err);
		ike_sk_init(&sk, &s, &k, true);
		size_t plen = 1000, len = 32 + ike_sk_body_len(&sk, plen), off, pl;
		char name[64];
		snprintf(name, sizeof(name), "%s%s%s", s.encr->name, s.integ ? "+" : "",
			 s.integ ? s.integ->name : "");
		RATE("sk-1000", name, {
			if (ike_sk_encrypt(&sk, msg, len, 32, plen, err, sizeof(err)) < 0 ||
			    ike_sk_decrypt(&sk, msg, len, 32, &off, &pl, err, sizeof(err)) < 0)
				fail(name, err);
		});
		ike_sa_keys_free(&k);
	}
}

int main(int argc, char **argv)
{
	if (argc > 1)
		budget = atof(argv[1]);
	bench_dh();
	bench_prf();
	bench_sk();
	return 0;
}
