/* The kernel interface (kernel.c) over the memory backend: the backend's
 * kernel semantics, kernel.c's validation, ownership tracking (rk_flush
 * removes exactly what its handle added), lifetimes and events, scale. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "kernel.h"
#include "kernel_memory.h"

static struct rc_addr addr(const char *text)
{
	struct rc_addr a;
	char err[128];

	assert_int_equal(rc_addr_parse(text, &a, err, sizeof(err)), 0);
	return a;
}

static struct rk *open_mem(struct event_base *base, rk_event_fn fn, void *arg)
{
	char err[256] = "";
	struct rk *k = rk_open("memory", base, fn, arg, err, sizeof(err));

	assert_non_null(k);
	assert_string_equal(rk_backend_name(k), "memory");
	return k;
}

static struct rk_sa esp_sa(uint32_t spi, const char *src, const char *dst)
{
	struct rk_sa sa;

	memset(&sa, 0, sizeof(sa));
	sa.proto = RK_PROTO_ESP;
	sa.spi = spi;
	sa.src = addr(src);
	sa.dst = addr(dst);
	sa.mode = RK_MODE_TRANSPORT;
	sa.reqid = 7;
	sa.enc = RK_ENC_AES_CBC;
	sa.enc_keylen = 16;
	memset(sa.enc_key, 0x11, 16);
	sa.auth = RK_AUTH_HMAC_SHA2_256_128;
	sa.auth_keylen = 32;
	memset(sa.auth_key, 0x22, 32);
	return sa;
}

static struct rk_sa_id sa_id(const struct rk_sa *sa)
{
	struct rk_sa_id id = {.proto = sa->proto, .spi = sa->spi, .src = sa->src, .dst = sa->dst};

	return id;
}

static struct rk_policy ipsec_pol(const char *src, const char *dst, enum rk_dir dir)
{
	struct rk_policy p;

	memset(&p, 0, sizeof(p));
	p.sel.src = addr(src);
	p.sel.dst = addr(dst);
	p.dir = dir;
	p.action = RK_ACT_IPSEC;
	p.ntmpl = 1;
	p.tmpl[0].proto = RK_PROTO_ESP;
	p.tmpl[0].mode = RK_MODE_TRANSPORT;
	return p;
}

static void unknown_backend(void **state)
{
	char err[256] = "";

	assert_null(rk_open("netlink", NULL, NULL, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "unknown kernel interface 'netlink'"));
	assert_non_null(strstr(err, "memory"));
}

static void sa_add_get_del(void **state)
{
	struct rk *k = open_mem(NULL, NULL, NULL);
	struct rk_sa sa = esp_sa(0x1001, "192.0.2.1", "192.0.2.2");
	struct rk_sa_id id = sa_id(&sa);
	struct rk_sa_info info;

	assert_int_equal(rk_sa_add(k, &sa), 0);
	assert_int_equal(rk_sa_add(k, &sa), -EEXIST);
	assert_non_null(strstr(rk_error(k), "exists"));
	/* same SPI to another destination is another SA */
	sa.dst = addr("192.0.2.3");
	assert_int_equal(rk_sa_add(k, &sa), 0);
	assert_int_equal(rk_sa_get(k, &id, &info), 0);
	assert_int_equal(info.sa.spi, 0x1001);
	assert_int_equal(info.sa.reqid, 7);
	assert_int_equal(info.sa.enc, RK_ENC_AES_CBC);
	assert_int_equal(info.sa.enc_key[0], 0); /* keys are not returned */
	assert_int_equal(info.cur.packets, 0);
	assert_true(info.cur.add_time > 0);
	assert_int_equal(rk_sa_del(k, &id), 0);
	assert_int_equal(rk_sa_del(k, &id), -ENOENT);
	assert_int_equal(rk_sa_get(k, &id, &info), -ENOENT);
	assert_int_equal(rk_flush(k), 0);
	assert_int_equal(rk_memory_sa_count(), 0);
	rk_close(k);
}

static void getspi_larval_update(void **state)
{
	struct rk *k = open_mem(NULL, NULL, NULL);
	struct rc_addr src = addr("2001:db8::1"), dst = addr("2001:db8::2");
	struct rk_sa sa;
	uint32_t spi, spis[4];

	assert_int_equal(rk_getspi(k, RK_PROTO_ESP, &src, &dst, 0x100, 0x1ff, 3, &spi), 0);
	assert_true(spi >= 0x100 && spi <= 0x1ff);
	sa = esp_sa(spi, "2001:db8::1", "2001:db8::2");
	/* the larval SA holds the SPI: add collides, update completes it */
	assert_int_equal(rk_sa_add(k, &sa), -EEXIST);
	assert_int_equal(rk_sa_update(k, &sa), 0);
	sa.spi = 0x4242;
	assert_int_equal(rk_sa_update(k, &sa), -ENOENT);
	/* a range of four distinct SPIs, then no more */
	for (int i = 0; i < 4; i++) {
		assert_int_equal(rk_getspi(k, RK_PROTO_ESP, &src, &dst, 0x500, 0x503, 0, &spis[i]),
				 0);
		for (int j = 0; j < i; j++)
			assert_int_not_equal(spis[i], spis[j]);
	}
	assert_int_equal(rk_getspi(k, RK_PROTO_ESP, &src, &dst, 0x500, 0x503, 0, &spi), -ENOENT);
	assert_int_equal(rk_getspi(k, RK_PROTO_ESP, &src, &dst, 0x600, 0x500, 0, &spi), -EINVAL);
	/* one taken SPI: refused before the kernel leaves a nameless larval SA */
	assert_int_equal(rk_getspi(k, RK_PROTO_ESP, &src, &dst, spis[0], spis[0], 0, &spi),
			 -EEXIST);
	assert_non_null(strstr(rk_error(k), "in use"));
	/* 0, 0: the kernel's choice, never a reserved SPI */
	assert_int_equal(rk_getspi(k, RK_PROTO_AH, &src, &dst, 0, 0, 0, &spi), 0);
	assert_true(spi >= 256);
	assert_int_equal(rk_memory_sa_count(), 6);
	assert_int_equal(rk_flush(k), 0);
	assert_int_equal(rk_memory_sa_count(), 0);
	rk_close(k);
}

static void validation(void **state)
{
	struct rk *k = open_mem(NULL, NULL, NULL);
	struct rk_sa sa = esp_sa(0x2000, "192.0.2.1", "192.0.2.2");
	struct rk_policy p = ipsec_pol("192.0.2.1", "192.0.2.2", RK_DIR_OUT);

	sa.enc_keylen = 15;
	assert_int_equal(rk_sa_add(k, &sa), -EINVAL);
	assert_non_null(strstr(rk_error(k), "15-byte key"));
	sa = esp_sa(0x2000, "192.0.2.1", "192.0.2.2");
	sa.auth_keylen = 20;
	assert_int_equal(rk_sa_add(k, &sa), -EINVAL);
	assert_non_null(strstr(rk_error(k), "32-byte key"));
	sa = esp_sa(0x2000, "192.0.2.1", "2001:db8::2");
	assert_int_equal(rk_sa_add(k, &sa), -EINVAL);
	assert_non_null(strstr(rk_error(k), "same family"));
	sa = esp_sa(0x2000, "192.0.2.1", "192.0.2.2");
	sa.enc = RK_ENC_AES_GCM_16;
	sa.enc_keylen = 20;
	assert_int_equal(rk_sa_add(k, &sa), -EINVAL); /* AEAD with an auth algorithm */
	sa.auth = RK_AUTH_NONE;
	sa.auth_keylen = 0;
	assert_int_equal(rk_sa_add(k, &sa), 0);
	sa = esp_sa(0x2001, "192.0.2.1", "192.0.2.2");
	sa.proto = 17;
	assert_int_equal(rk_sa_add(k, &sa), -EPROTONOSUPPORT);
	sa = esp_sa(0x2001, "192.0.2.1", "192.0.2.2");
	sa.encap.enabled = true;
	assert_int_equal(rk_sa_add(k, &sa), -EINVAL); /* ports missing */
	sa.encap.sport = sa.encap.dport = 4500;
	assert_int_equal(rk_sa_add(k, &sa), 0);

	p.ntmpl = 4;
	assert_int_equal(rk_policy_add(k, &p, false), -EINVAL);
	assert_non_null(strstr(rk_error(k), "at most 3"));
	p.ntmpl = 0;
	assert_int_equal(rk_policy_add(k, &p, false), -EINVAL);
	p = ipsec_pol("192.0.2.1", "2001:db8::1", RK_DIR_OUT);
	assert_int_equal(rk_policy_add(k, &p, false), -EINVAL);
	p = ipsec_pol("192.0.2.1", "192.0.2.2", RK_DIR_OUT);
	p.tmpl[0].mode = RK_MODE_TUNNEL; /* tunnel needs endpoints */
	assert_int_equal(rk_policy_add(k, &p, false), -EAFNOSUPPORT);
	p = ipsec_pol("192.0.2.1", "192.0.2.2", RK_DIR_OUT);
	p.sel.src.port = 80;
	assert_int_equal(rk_policy_add(k, &p, false), -EINVAL); /* port without protocol */
	p.sel.proto = 6;
	assert_int_equal(rk_policy_add(k, &p, false), 0);
	assert_int_equal(rk_flush(k), 0);
	rk_close(k);
}

struct dumped {
	int n;
	uint32_t spis[8];
	uint32_t idx[8];
};

static int count_sa(const struct rk_sa_info *sa, void *arg)
{
	struct dumped *d = arg;

	if (d->n < 8)
		d->spis[d->n] = sa->sa.spi;
	d->n++;
	return 0;
}

static int count_pol(const struct rk_policy *p, void *arg)
{
	struct dumped *d = arg;

	if (d->n < 8)
		d->idx[d->n] = p->index;
	d->n++;
	return 0;
}

static void policies(void **state)
{
	struct rk *k = open_mem(NULL, NULL, NULL);
	struct rk_policy out = ipsec_pol("192.0.2.0/24", "198.51.100.0/24", RK_DIR_OUT);
	struct rk_policy in = ipsec_pol("198.51.100.0/24", "192.0.2.0/24", RK_DIR_IN);
	struct rk_policy fwd = in, dup;
	struct dumped d = {0};
	uint32_t oi;

	fwd.dir = RK_DIR_FWD;
	assert_int_equal(rk_policy_add(k, &out, false), 0);
	assert_int_equal(rk_policy_add(k, &in, false), 0);
	assert_int_equal(rk_policy_add(k, &fwd, false), 0);
	assert_int_not_equal(out.index, in.index);
	assert_int_not_equal(in.index, fwd.index);
	/* host bits in a selector do not make it another policy */
	dup = ipsec_pol("192.0.2.9/24", "198.51.100.0/24", RK_DIR_OUT);
	assert_int_equal(rk_policy_add(k, &dup, false), -EEXIST);
	oi = out.index;
	out.priority = 5;
	assert_int_equal(rk_policy_add(k, &out, true), 0);
	assert_int_equal(out.index, oi);
	assert_int_equal(rk_policy_dump(k, count_pol, &d), 0);
	assert_int_equal(d.n, 3);
	assert_int_equal(d.idx[0], out.index); /* insertion order, stable */
	assert_int_equal(d.idx[1], in.index);
	assert_int_equal(d.idx[2], fwd.index);
	assert_int_equal(rk_policy_del_index(k, in.index, RK_DIR_OUT), -ENOENT);
	assert_int_equal(rk_policy_del_index(k, in.index, RK_DIR_IN), 0);
	assert_int_equal(rk_policy_del(k, &fwd.sel, RK_DIR_FWD), 0);
	assert_int_equal(rk_policy_del(k, &fwd.sel, RK_DIR_FWD), -ENOENT);
	assert_int_equal(rk_memory_policy_count(), 1);
	assert_int_equal(rk_flush(k), 0);
	assert_int_equal(rk_memory_policy_count(), 0);
	rk_close(k);
}

/* Two handles share the store, as two daemons share the kernel. */
static void flush_only_own(void **state)
{
	struct rk *a = open_mem(NULL, NULL, NULL), *b = open_mem(NULL, NULL, NULL);
	struct rk_sa sa;
	struct rk_sa_id id;
	struct rk_policy p;
	struct dumped d = {0};

	for (uint32_t i = 0; i < 3; i++) {
		sa = esp_sa(0x100 + i, "192.0.2.1", "192.0.2.2");
		assert_int_equal(rk_sa_add(a, &sa), 0);
		sa = esp_sa(0x200 + i, "192.0.2.1", "192.0.2.2");
		assert_int_equal(rk_sa_add(b, &sa), 0);
	}
	p = ipsec_pol("192.0.2.1", "192.0.2.2", RK_DIR_OUT);
	assert_int_equal(rk_policy_add(a, &p, false), 0);
	p = ipsec_pol("192.0.2.2", "192.0.2.1", RK_DIR_IN);
	assert_int_equal(rk_policy_add(b, &p, false), 0);
	/* b deletes one of a's: a's flush is not troubled by it */
	sa = esp_sa(0x101, "192.0.2.1", "192.0.2.2");
	id = sa_id(&sa);
	assert_int_equal(rk_sa_del(b, &id), 0);
	/* a deletes one of its own: no longer owned */
	sa = esp_sa(0x100, "192.0.2.1", "192.0.2.2");
	id = sa_id(&sa);
	assert_int_equal(rk_sa_del(a, &id), 0);
	assert_int_equal(rk_flush(a), 0);
	assert_int_equal(rk_sa_dump(b, count_sa, &d), 0);
	assert_int_equal(d.n, 3);
	assert_int_equal(d.spis[0], 0x200);
	assert_int_equal(d.spis[1], 0x201);
	assert_int_equal(d.spis[2], 0x202);
	assert_int_equal(rk_memory_policy_count(), 1);
	/* a second flush has nothing left to do */
	assert_int_equal(rk_flush(a), 0);
	assert_int_equal(rk_memory_sa_count(), 3);
	rk_close(a);
	assert_int_equal(rk_flush(b), 0);
	assert_int_equal(rk_memory_sa_count(), 0);
	assert_int_equal(rk_memory_policy_count(), 0);
	rk_close(b);
}

struct evlog {
	struct event_base *base;
	int soft, hard, pol_hard, acquire;
	uint32_t acq_index;
	enum rk_dir acq_dir;
	uint32_t hard_spi;
};

static void on_event(const struct rk_event *ev, void *arg)
{
	struct evlog *l = arg;

	switch (ev->type) {
	case RK_EV_EXPIRE:
		if (ev->u.expire.hard) {
			l->hard++;
			l->hard_spi = ev->u.expire.id.spi;
		} else {
			l->soft++;
		}
		break;
	case RK_EV_POLICY_EXPIRE:
		if (ev->u.policy_expire.hard)
			l->pol_hard++;
		break;
	case RK_EV_ACQUIRE:
		l->acquire++;
		l->acq_index = ev->u.acquire.policy_index;
		l->acq_dir = ev->u.acquire.dir;
		break;
	default:
		break;
	}
	if (l->base && l->hard && l->pol_hard)
		event_base_loopbreak(l->base);
}

static void lifetimes_on_base(void **state)
{
	struct evlog l = {0};
	struct rk *k;
	struct rk_sa sa = esp_sa(0x3000, "192.0.2.1", "192.0.2.2");
	struct rk_sa_id id = sa_id(&sa);
	struct rk_sa_info info;
	struct rk_policy p = ipsec_pol("192.0.2.1", "192.0.2.2", RK_DIR_OUT);
	struct timeval limit = {5, 0};

	l.base = event_base_new();
	k = open_mem(l.base, on_event, &l);
	sa.lifetime.soft_add_sec = 1;
	sa.lifetime.hard_add_sec = 2;
	assert_int_equal(rk_sa_add(k, &sa), 0);
	p.lifetime.hard_add_sec = 1;
	assert_int_equal(rk_policy_add(k, &p, false), 0);
	assert_int_equal(rk_memory_inject_acquire(k, &(struct rk_acquire){.policy_index = p.index}),
			 0);
	event_base_loopexit(l.base, &limit);
	event_base_dispatch(l.base);
	assert_int_equal(l.acquire, 1);
	assert_int_equal(l.acq_index, p.index);
	assert_int_equal(l.acq_dir, RK_DIR_OUT);
	assert_int_equal(l.soft, 1);
	assert_int_equal(l.hard, 1);
	assert_int_equal(l.hard_spi, 0x3000);
	assert_int_equal(l.pol_hard, 1);
	assert_int_equal(rk_sa_get(k, &id, &info), -ENOENT);
	/* the expired objects are no longer owned: flush finds nothing */
	assert_int_equal(rk_flush(k), 0);
	rk_close(k);
	event_base_free(l.base);
}

static void lifetimes_polled(void **state)
{
	struct evlog l = {0};
	struct rk *k = open_mem(NULL, on_event, &l);
	struct rk_sa sa = esp_sa(0x3001, "192.0.2.1", "192.0.2.2");
	int n = 0;

	sa.lifetime.soft_add_sec = 1;
	sa.lifetime.hard_add_sec = 1;
	assert_int_equal(rk_sa_add(k, &sa), 0);
	assert_int_equal(rk_poll_events(k, 0), 0);
	for (int i = 0; i < 10 && l.hard == 0; i++)
		n += rk_poll_events(k, 500);
	assert_int_equal(l.soft, 1);
	assert_int_equal(l.hard, 1);
	assert_int_equal(n, 2);
	assert_int_equal(rk_memory_sa_count(), 0);
	rk_close(k);
}

/* After MIGRATE the handle owns the SA at its new address: flush finds it. */
static void migrate_keeps_ownership(void **state)
{
	struct rk *k = open_mem(NULL, NULL, NULL);
	struct rk_policy p = ipsec_pol("198.51.100.0/24", "203.0.113.0/24", RK_DIR_OUT);
	struct rk_sa sa = esp_sa(0x5001, "192.0.2.1", "192.0.2.2");
	struct rk_sa_info info;
	struct rk_sa_id id;
	struct rk_migrate m;

	p.tmpl[0].mode = RK_MODE_TUNNEL;
	p.tmpl[0].src = addr("192.0.2.1");
	p.tmpl[0].dst = addr("192.0.2.2");
	p.tmpl[0].reqid = 7;
	sa.mode = RK_MODE_TUNNEL;
	assert_int_equal(rk_policy_add(k, &p, false), 0);
	assert_int_equal(rk_sa_add(k, &sa), 0);
	memset(&m, 0, sizeof(m));
	m.sel = p.sel;
	m.dir = RK_DIR_OUT;
	m.proto = RK_PROTO_ESP;
	m.mode = RK_MODE_TUNNEL;
	m.reqid = 7;
	m.old_src = addr("192.0.2.1");
	m.old_dst = addr("192.0.2.2");
	m.new_src = addr("192.0.2.5");
	m.new_dst = addr("192.0.2.6");
	assert_int_equal(rk_migrate(k, &m), 0);
	id = sa_id(&sa);
	assert_int_equal(rk_sa_get(k, &id, &info), -ENOENT);
	id.src = m.new_src;
	id.dst = m.new_dst;
	assert_int_equal(rk_sa_get(k, &id, &info), 0);
	m.sel.dst = addr("203.0.113.0/25");
	assert_int_equal(rk_migrate(k, &m), -ENOENT);
	assert_int_equal(rk_flush(k), 0);
	assert_int_equal(rk_memory_sa_count(), 0);
	assert_int_equal(rk_memory_policy_count(), 0);
	rk_close(k);
}

static void count_line(const char *text, void *arg)
{
	(*(int *)arg)++;
}

static void caps_all_supported(void **state)
{
	struct rk *k = open_mem(NULL, NULL, NULL);
	int lines = 0;

	assert_true(rk_caps(k)->enc[RK_ENC_CHACHA20_POLY1305]);
	rk_caps_describe(k, count_line, &lines);
	assert_int_equal(lines, 0);
	rk_close(k);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* 100,000 SAs and policies in, looked up and flushed: hash tables, not
 * lists, or this takes minutes. */
static void scale(void **state)
{
	enum { N = 100000 };
	struct rk *k = open_mem(NULL, NULL, NULL);
	struct rk_sa sa = esp_sa(0, "192.0.2.1", "192.0.2.2");
	struct rk_sa_id id;
	struct rk_sa_info info;
	struct rk_policy p = ipsec_pol("10.0.0.0", "192.0.2.2", RK_DIR_OUT);
	double t0 = now_s();

	for (uint32_t i = 0; i < N; i++) {
		sa.spi = 0x10000 + i;
		assert_int_equal(rk_sa_add(k, &sa), 0);
		p.sel.src.u.v4.s_addr = htonl(0x0a000000u + i);
		assert_int_equal(rk_policy_add(k, &p, false), 0);
	}
	sa.spi = 0x10000 + N / 2;
	id = sa_id(&sa);
	assert_int_equal(rk_sa_get(k, &id, &info), 0);
	assert_int_equal(rk_memory_sa_count(), N);
	assert_int_equal(rk_memory_policy_count(), N);
	assert_int_equal(rk_flush(k), 0);
	assert_int_equal(rk_memory_sa_count(), 0);
	assert_int_equal(rk_memory_policy_count(), 0);
	print_message("100000 SAs + 100000 policies added and flushed in %.2f s\n", now_s() - t0);
	assert_true(now_s() - t0 < 30);
	rk_close(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unknown_backend),
		cmocka_unit_test(sa_add_get_del),
		cmocka_unit_test(getspi_larval_update),
		cmocka_unit_test(validation),
		cmocka_unit_test(policies),
		cmocka_unit_test(flush_only_own),
		cmocka_unit_test(lifetimes_on_base),
		cmocka_unit_test(lifetimes_polled),
		cmocka_unit_test(migrate_keeps_ownership),
		cmocka_unit_test(caps_all_supported),
		cmocka_unit_test(scale),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
