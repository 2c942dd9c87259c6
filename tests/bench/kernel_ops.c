/* kernel_ops: drive a kernel backend through the kernel interface
 * (kernel.h) for the benchmark and the host tests.
 *
 *   kernel_ops [-b backend] caps
 *       what the backend found the kernel supports
 *   kernel_ops [-b backend] bench-policies N
 *   kernel_ops [-b backend] bench-sas N
 *       install N policies (N SA pairs), dump, remove; one rate per step
 *
 * Addresses are documentation ranges only (192.0.2.0/24, 198.51.100.0/24);
 * everything added is removed again, by rk_flush on any failure. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kernel.h"

static const char *backend = "xfrm";

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void rate(const char *what, unsigned n, double t0)
{
	double dt = now() - t0;
	printf("%-22s %6u in %7.3f s  %9.0f/s\n", what, n, dt, dt > 0 ? n / dt : 0.0);
	fflush(stdout);
}

static struct rc_addr addr(const char *text)
{
	struct rc_addr a;
	char err[128];
	if (rc_addr_parse(text, &a, err, sizeof(err)) < 0) {
		fprintf(stderr, "kernel_ops: %s: %s\n", text, err);
		exit(2);
	}
	return a;
}

static struct rk *open_backend(void)
{
	char err[512];
	struct rk *k = rk_open(backend, NULL, NULL, NULL, err, sizeof(err));
	if (!k) {
		fprintf(stderr, "kernel_ops: %s\n", err);
		exit(1);
	}
	return k;
}

static int die(struct rk *k, const char *what)
{
	fprintf(stderr, "kernel_ops: %s: %s\n", what, rk_error(k));
	rk_flush(k);
	rk_close(k);
	return 1;
}

static void print_line(const char *text, void *arg)
{
	(void)arg;
	printf("%s\n", text);
}

static int cmd_caps(void)
{
	struct rk *k = open_backend();
	const struct rk_caps *c = rk_caps(k);
	printf("backend %s: esp=%d ah=%d ipcomp=%d udp_encap=%d esn=%d migrate=%d ipv6=%d\n",
	       rk_backend_name(k), c->esp, c->ah, c->ipcomp, c->udp_encap, c->esn, c->migrate,
	       c->ipv6);
	printf("enc:");
	for (int e = RK_ENC_NULL; e < RK_ENC_COUNT; e++)
		if (c->enc[e])
			printf(" %s", rk_enc_name(e));
	printf("\nauth:");
	for (int a = RK_AUTH_NONE + 1; a < RK_AUTH_COUNT; a++)
		if (c->auth[a])
			printf(" %s", rk_auth_name(a));
	printf("\ncomp:");
	for (int m = RK_COMP_NONE + 1; m < RK_COMP_COUNT; m++)
		if (c->comp[m])
			printf(" %s", rk_comp_name(m));
	printf("\n");
	rk_caps_describe(k, print_line, NULL);
	rk_close(k);
	return 0;
}

static int count_cb(const void *item, void *arg)
{
	(void)item;
	(*(unsigned *)arg)++;
	return 0;
}

static int count_pol(const struct rk_policy *p, void *arg)
{
	return count_cb(p, arg);
}

static int count_sa(const struct rk_sa_info *s, void *arg)
{
	return count_cb(s, arg);
}

/* Policy i: UDP between host pair i (192.0.2.1-250 x 198.51.100.1-250,
 * as many peers would have; a kernel hashes policies by address) to port
 * 1024 + i / 62500, ESP transport. */
static void bench_policy(struct rk_policy *p, unsigned i)
{
	memset(p, 0, sizeof(*p));
	p->sel.src = addr("192.0.2.0");
	p->sel.dst = addr("198.51.100.0");
	p->sel.src.u.bytes[3] = (uint8_t)(1 + i % 250);
	p->sel.dst.u.bytes[3] = (uint8_t)(1 + (i / 250) % 250);
	p->sel.proto = 17;
	p->sel.dst.port = (uint16_t)(1024 + i / 62500);
	p->dir = RK_DIR_OUT;
	p->action = RK_ACT_IPSEC;
	p->ntmpl = 1;
	p->tmpl[0].proto = RK_PROTO_ESP;
	p->tmpl[0].mode = RK_MODE_TRANSPORT;
	p->tmpl[0].reqid = 1000 + i;
}

static int cmd_bench_policies(unsigned n)
{
	struct rk *k = open_backend();
	struct rk_policy p;
	unsigned before = 0, after = 0;
	if (n > 60000)
		n = 60000;
	if (rk_policy_dump(k, count_pol, &before) < 0)
		return die(k, "dump policies");
	double t0 = now();
	for (unsigned i = 0; i < n; i++) {
		bench_policy(&p, i);
		if (rk_policy_add(k, &p, false) < 0)
			return die(k, "add policy");
	}
	rate("policy add", n, t0);
	t0 = now();
	if (rk_policy_dump(k, count_pol, &after) < 0)
		return die(k, "dump policies");
	rate("policy dump", after, t0);
	if (after != before + n) {
		fprintf(stderr, "kernel_ops: dump saw %u policies, expected %u\n", after,
			before + n);
		return die(k, "dump policies");
	}
	t0 = now();
	for (unsigned i = 0; i < n; i++) {
		bench_policy(&p, i);
		if (rk_policy_del(k, &p.sel, p.dir) < 0)
			return die(k, "delete policy");
	}
	rate("policy delete", n, t0);
	rk_close(k);
	return 0;
}

/* SA pair i: ESP AES-GCM-16 tunnel both ways between 192.0.2.1 and
 * 192.0.2.2, SPIs 0x10000+2i and 0x10000+2i+1. */
static void bench_sa(struct rk_sa *sa, unsigned i, int half)
{
	memset(sa, 0, sizeof(*sa));
	sa->proto = RK_PROTO_ESP;
	sa->spi = 0x10000 + 2 * i + (unsigned)half;
	sa->src = addr(half ? "192.0.2.2" : "192.0.2.1");
	sa->dst = addr(half ? "192.0.2.1" : "192.0.2.2");
	sa->mode = RK_MODE_TUNNEL;
	sa->reqid = 1000 + i;
	sa->enc = RK_ENC_AES_GCM_16;
	sa->enc_keylen = rk_enc_keylen(sa->enc, 128);
	for (size_t b = 0; b < sa->enc_keylen; b++)
		sa->enc_key[b] = (uint8_t)(i + b * 7);
	sa->replay_window = 32;
}

static int cmd_bench_sas(unsigned n)
{
	struct rk *k = open_backend();
	struct rk_sa sa;
	unsigned before = 0, after = 0;
	if (!rk_caps(k)->esp || !rk_caps(k)->enc[RK_ENC_AES_GCM_16]) {
		fprintf(stderr, "kernel_ops: this kernel has no ESP with AES-GCM\n");
		rk_close(k);
		return 77;
	}
	if (rk_sa_dump(k, count_sa, &before) < 0)
		return die(k, "dump SAs");
	double t0 = now();
	for (unsigned i = 0; i < n; i++) {
		for (int h = 0; h < 2; h++) {
			bench_sa(&sa, i, h);
			if (rk_sa_add(k, &sa) < 0)
				return die(k, "add SA");
		}
	}
	rate("SA add (pairs)", n, t0);
	t0 = now();
	for (unsigned i = 0; i < n; i++) {
		struct rk_sa_info info;
		bench_sa(&sa, i, 0);
		struct rk_sa_id id = {sa.proto, sa.spi, sa.src, sa.dst};
		if (rk_sa_get(k, &id, &info) < 0)
			return die(k, "get SA");
	}
	rate("SA get", n, t0);
	t0 = now();
	if (rk_sa_dump(k, count_sa, &after) < 0)
		return die(k, "dump SAs");
	rate("SA dump", after, t0);
	if (after != before + 2 * n) {
		fprintf(stderr, "kernel_ops: dump saw %u SAs, expected %u\n", after,
			before + 2 * n);
		return die(k, "dump SAs");
	}
	t0 = now();
	for (unsigned i = 0; i < n; i++) {
		for (int h = 0; h < 2; h++) {
			bench_sa(&sa, i, h);
			struct rk_sa_id id = {sa.proto, sa.spi, sa.src, sa.dst};
			if (rk_sa_del(k, &id) < 0)
				return die(k, "delete SA");
		}
	}
	rate("SA delete (pairs)", n, t0);
	rk_close(k);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: kernel_ops [-b backend] caps | bench-policies N | bench-sas N\n");
	return 2;
}

int main(int argc, char **argv)
{
	int i = 1;
	if (i + 1 < argc && strcmp(argv[i], "-b") == 0) {
		backend = argv[i + 1];
		i += 2;
	}
	if (i >= argc)
		return usage();
	const char *cmd = argv[i];
	unsigned n = i + 1 < argc ? (unsigned)strtoul(argv[i + 1], NULL, 10) : 10000;
	if (strcmp(cmd, "caps") == 0)
		return cmd_caps();
	if (strcmp(cmd, "bench-policies") == 0)
		return cmd_bench_policies(n);
	if (strcmp(cmd, "bench-sas") == 0)
		return cmd_bench_sas(n);
	return usage();
}
