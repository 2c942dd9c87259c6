/* pfkey_check: the pfkey backend against a real kernel, for what the
 * rk-* scenarios do not reach: AH and IPComp SAs, an SA deleted without
 * its source, policy bundles with ports and ICMP selectors read back, the
 * refusals Linux af_key needs (HMAC-SHA2, reqid on a "use" template),
 * MIGRATE with its event, soft/hard SA expiry, policy expiry (af_key sends
 * none: the backend reports it) and an ACQUIRE naming its template, then a
 * flush.  Run as root in a fresh network namespace (the scenario
 * pfkey-backend does); prints ok/FAIL per check, exits 1 on any failure. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kernel.h"

static int fails;
static struct rk *k;
static int nev[RK_EV_MIGRATE + 1];
static struct rk_event last[RK_EV_MIGRATE + 1];

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		printf((cond) ? "ok   " : "FAIL ");                                                \
		printf(__VA_ARGS__);                                                               \
		if (!(cond)) {                                                                     \
			printf(" [%s]", rk_error(k));                                              \
			fails++;                                                                   \
		}                                                                                  \
		printf("\n");                                                                      \
	} while (0)

static struct rc_addr A(const char *s) {
	struct rc_addr a;
	char e[80];

	if (rc_addr_parse(s, &a, e, sizeof(e)) != 0) {
		fprintf(stderr, "bad address %s: %s\n", s, e);
		exit(2);
	}
	return a;
}

static void
on_event(const struct rk_event *ev, void *arg)
{
	(void)arg;
	nev[ev->type]++;
	last[ev->type] = *ev;
}

static int count_sa(const struct rk_sa_info *s, void *arg)
{
	(void)s;
	++*(int *)arg;
	return 0;
}

static const struct rk_policy *want_pol;
static struct rk_policy got_pol;

static int find_pol(const struct rk_policy *p, void *arg)
{
	if (p->index == want_pol->index && p->dir == want_pol->dir) {
		got_pol = *p;
		++*(int *)arg;
	}
	return 0;
}

static bool read_back(const struct rk_policy *p)
{
	int n = 0;

	want_pol = p;
	memset(&got_pol, 0, sizeof(got_pol));
	return rk_policy_dump(k, find_pol, &n) == 0 && n == 1;
}

static void wait_events(enum rk_event_type t, int want, int ms)
{
	for (int i = 0; i < ms / 100 && nev[t] < want; i++)
		rk_poll_events(k, 100);
}

static struct rk_sa esp_sa(uint32_t spi, const char *src, const char *dst)
{
	struct rk_sa sa = {.proto = RK_PROTO_ESP,
			   .spi = spi,
			   .src = A(src),
			   .dst = A(dst),
			   .enc = RK_ENC_AES_CBC,
			   .enc_keylen = 16,
			   .auth = RK_AUTH_HMAC_SHA1_96,
			   .auth_keylen = 20,
			   .replay_window = 32};

	memset(sa.enc_key, 0x11, 16);
	memset(sa.auth_key, 0x22, 20);
	return sa;
}

static void check_caps(void)
{
	const struct rk_caps *c = rk_caps(k);

	CHECK(c->esp && c->enc[RK_ENC_AES_CBC] && c->auth[RK_AUTH_HMAC_SHA1_96],
	      "caps: ESP with aes-cbc and hmac-sha1-96");
	CHECK(!c->auth[RK_AUTH_HMAC_SHA2_256_128] && !c->enc[RK_ENC_AES_GCM_16] &&
		      !c->enc[RK_ENC_CHACHA20_POLY1305] && !c->esn,
	      "caps: no HMAC-SHA2, AEAD or ESN through Linux af_key");
	CHECK(c->ah && c->ipcomp && c->comp[RK_COMP_DEFLATE] && c->udp_encap && c->migrate,
	      "caps: AH, IPComp deflate, NAT-T, MIGRATE");
}

static void check_sas(void)
{
	struct rk_sa sa = esp_sa(0x2001, "192.0.2.2", "192.0.2.1");
	struct rk_sa_info info;
	int r;

	sa.auth = RK_AUTH_HMAC_SHA2_256_128;
	sa.auth_keylen = 32;
	r = rk_sa_add(k, &sa);
	CHECK(r == -EOPNOTSUPP, "HMAC-SHA2-256 refused (af_key truncates it to 96 bits): %d", r);

	struct rk_sa ah = {.proto = RK_PROTO_AH,
			   .spi = 0x5001,
			   .src = A("192.0.2.1"),
			   .dst = A("192.0.2.2"),
			   .auth = RK_AUTH_HMAC_MD5_96,
			   .auth_keylen = 16};
	r = rk_sa_add(k, &ah);
	CHECK(r == 0, "AH SA with hmac-md5-96 added");
	struct rk_sa_id ahid = {.proto = RK_PROTO_AH, .spi = 0x5001, .dst = A("192.0.2.2")};
	r = rk_sa_get(k, &ahid, &info);
	CHECK(r == 0 && info.sa.auth == RK_AUTH_HMAC_MD5_96, "AH SA read back without its source");
	r = rk_sa_del(k, &ahid);
	CHECK(r == 0, "AH SA deleted without its source");

	struct rk_sa ic = {.proto = RK_PROTO_COMP,
			   .spi = 0x5002,
			   .src = A("192.0.2.1"),
			   .dst = A("192.0.2.2"),
			   .comp = RK_COMP_DEFLATE};
	r = rk_sa_add(k, &ic);
	struct rk_sa_id icid = {
		.proto = RK_PROTO_COMP, .spi = 0x5002, .src = ic.src, .dst = ic.dst};
	if (r == 0)
		r = rk_sa_get(k, &icid, &info);
	CHECK(r == 0 && info.sa.spi == 0x5002 && info.sa.comp == RK_COMP_DEFLATE,
	      "IPComp SA: CPI 0x%x, deflate", info.sa.spi);
}

static void check_policies(void)
{
	struct rk_policy b = {
		.dir = RK_DIR_OUT, .action = RK_ACT_IPSEC, .ntmpl = 3, .priority = 1234};
	int r;

	b.sel.src = A("192.0.2.10");
	b.sel.dst = A("192.0.2.20");
	b.sel.proto = 6;
	b.sel.src.port = 1000;
	b.sel.dst.port = 80;
	b.tmpl[0] = (struct rk_tmpl){
		.proto = RK_PROTO_COMP, .mode = RK_MODE_TRANSPORT, .level = RK_LEVEL_USE};
	b.tmpl[1] = (struct rk_tmpl){.proto = RK_PROTO_ESP, .mode = RK_MODE_TRANSPORT, .reqid = 21};
	b.tmpl[2] = (struct rk_tmpl){.proto = RK_PROTO_AH,
				     .mode = RK_MODE_TUNNEL,
				     .reqid = 22,
				     .src = A("192.0.2.1"),
				     .dst = A("192.0.2.2")};
	r = rk_policy_add(k, &b, false);
	CHECK(r == 0 && b.index, "bundle IPComp+ESP+AH policy added, index %u", b.index);
	CHECK(read_back(&b) && got_pol.ntmpl == 3 && got_pol.priority == 1234 &&
		      got_pol.sel.proto == 6 && got_pol.sel.src.port == 1000 &&
		      got_pol.sel.dst.port == 80 && got_pol.tmpl[0].level == RK_LEVEL_USE &&
		      got_pol.tmpl[1].reqid == 21 && got_pol.tmpl[2].mode == RK_MODE_TUNNEL &&
		      rc_addr_equal(&got_pol.tmpl[2].dst, &b.tmpl[2].dst),
	      "bundle read back: 3 templates, levels, reqids, tunnel endpoints, ports, priority");

	struct rk_policy icmp = {.dir = RK_DIR_IN, .action = RK_ACT_IPSEC, .ntmpl = 1};
	icmp.sel.src = A("2001:db8::1");
	icmp.sel.dst = A("2001:db8::2");
	icmp.sel.proto = 58;
	icmp.sel.src.port = 128; /* echo request, code 0 */
	icmp.tmpl[0] = (struct rk_tmpl){.proto = RK_PROTO_ESP, .mode = RK_MODE_TRANSPORT};
	r = rk_policy_add(k, &icmp, false);
	CHECK(r == 0 && read_back(&icmp) && got_pol.sel.proto == 58 &&
		      got_pol.sel.src.port == 128 && got_pol.dir == RK_DIR_IN,
	      "ICMPv6 echo-request policy read back");

	struct rk_policy bad = b;
	bad.sel.dst = A("192.0.2.21");
	bad.tmpl[0].reqid = 5;
	r = rk_policy_add(k, &bad, false);
	CHECK(r == -EOPNOTSUPP, "a reqid on a \"use\" template refused (af_key would drop it): %d",
	      r);
	r = rk_policy_del_index(k, b.index, RK_DIR_OUT);
	CHECK(r == 0, "bundle policy deleted by index");

	struct rk_policy e = {.dir = RK_DIR_OUT, .action = RK_ACT_DISCARD};
	e.sel.src = A("203.0.113.0/24");
	e.sel.dst = A("198.51.100.0/24");
	e.lifetime.soft_add_sec = 1;
	e.lifetime.hard_add_sec = 2;
	r = rk_policy_add(k, &e, false);
	wait_events(RK_EV_POLICY_EXPIRE, 2, 6000);
	CHECK(r == 0 && nev[RK_EV_POLICY_EXPIRE] == 2 &&
		      last[RK_EV_POLICY_EXPIRE].u.policy_expire.hard &&
		      last[RK_EV_POLICY_EXPIRE].u.policy_expire.index == e.index,
	      "policy lifetime 1/2 s: soft then hard POLICY_EXPIRE (%d events)",
	      nev[RK_EV_POLICY_EXPIRE]);
	r = rk_policy_del(k, &e.sel, RK_DIR_OUT);
	CHECK(r == -ENOENT, "the expired policy is gone from the kernel");
}

static void check_migrate(void)
{
	struct rk_sa t = esp_sa(0x3001, "192.0.2.1", "192.0.2.2");
	struct rk_policy p = {.dir = RK_DIR_OUT, .action = RK_ACT_IPSEC, .ntmpl = 1};
	struct rk_sa_info info;
	int r;

	t.mode = RK_MODE_TUNNEL;
	t.reqid = 9;
	p.sel.src = A("198.51.100.1");
	p.sel.dst = A("203.0.113.1");
	p.tmpl[0] = (struct rk_tmpl){.proto = RK_PROTO_ESP,
				     .mode = RK_MODE_TUNNEL,
				     .reqid = 9,
				     .src = t.src,
				     .dst = t.dst};
	r = rk_sa_add(k, &t);
	if (r == 0)
		r = rk_policy_add(k, &p, false);
	struct rk_migrate m = {.sel = p.sel,
			       .dir = RK_DIR_OUT,
			       .proto = RK_PROTO_ESP,
			       .mode = RK_MODE_TUNNEL,
			       .reqid = 9,
			       .old_src = t.src,
			       .old_dst = t.dst,
			       .new_src = t.src,
			       .new_dst = A("192.0.2.3")};
	if (r == 0)
		r = rk_migrate(k, &m);
	CHECK(r == 0, "MIGRATE of a tunnel SA and its policy to 192.0.2.3");
	struct rk_sa_id id = {
		.proto = RK_PROTO_ESP, .spi = 0x3001, .src = t.src, .dst = A("192.0.2.3")};
	r = rk_sa_get(k, &id, &info);
	CHECK(r == 0 && info.sa.reqid == 9, "the SA lives at the new endpoint");
	wait_events(RK_EV_MIGRATE, 1, 1000);
	CHECK(nev[RK_EV_MIGRATE] >= 1 &&
		      rc_addr_equal(&last[RK_EV_MIGRATE].u.migrate.new_dst, &m.new_dst),
	      "MIGRATE event names the new endpoint");
}

static void check_expire(void)
{
	struct rk_sa l = esp_sa(0x6001, "192.0.2.1", "192.0.2.2");
	int r;

	l.reqid = 31;
	l.lifetime.soft_add_sec = 1;
	l.lifetime.hard_add_sec = 2;
	r = rk_sa_add(k, &l);
	wait_events(RK_EV_EXPIRE, 2, 6000);
	CHECK(r == 0 && nev[RK_EV_EXPIRE] == 2 && last[RK_EV_EXPIRE].u.expire.hard &&
		      last[RK_EV_EXPIRE].u.expire.id.spi == 0x6001 &&
		      last[RK_EV_EXPIRE].u.expire.reqid == 31,
	      "SA lifetime 1/2 s: soft then hard EXPIRE with SPI and reqid (%d events)",
	      nev[RK_EV_EXPIRE]);
}

/* ACQUIRE needs a packet leaving through a real interface: a dummy one. */
static void check_acquire(void)
{
	struct rk_policy a = {.dir = RK_DIR_OUT, .action = RK_ACT_IPSEC, .ntmpl = 1};
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(9)};
	int r, fd;

	if (system("ip link add pfkc0 type dummy && ip addr add 192.0.2.1/24 dev pfkc0 && "
		   "ip link set pfkc0 up") != 0) {
		CHECK(false, "dummy interface for the ACQUIRE test");
		return;
	}
	a.sel.src = A("192.0.2.1");
	a.sel.dst = A("192.0.2.77");
	a.tmpl[0] = (struct rk_tmpl){.proto = RK_PROTO_ESP, .mode = RK_MODE_TRANSPORT, .reqid = 11};
	r = rk_policy_add(k, &a, false);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	inet_pton(AF_INET, "192.0.2.77", &to.sin_addr);
	if (fd >= 0) {
		(void)sendto(fd, "x", 1, 0, (struct sockaddr *)&to, sizeof(to));
		close(fd);
	}
	wait_events(RK_EV_ACQUIRE, 1, 3000);
	const struct rk_acquire *q = &last[RK_EV_ACQUIRE].u.acquire;
	CHECK(r == 0 && nev[RK_EV_ACQUIRE] >= 1 && q->policy_index == a.index &&
		      q->dir == RK_DIR_OUT && q->tmpl.proto == RK_PROTO_ESP &&
		      q->tmpl.reqid == 11 && rc_addr_equal(&q->tmpl.dst, &a.sel.dst) &&
		      rc_addr_equal(&q->sel.dst, &a.sel.dst),
	      "ACQUIRE names policy %u, its selector and the missing ESP SA (reqid %u)", a.index,
	      q->tmpl.reqid);
	(void)system("ip link del pfkc0");
}

static int count_ours(void)
{
	int n = 0;

	rk_sa_dump(k, count_sa, &n);
	return n;
}

int main(void)
{
	char err[256];

	k = rk_open("pfkey", NULL, on_event, NULL, err, sizeof(err));
	if (!k) {
		printf("FAIL open the pfkey backend: %s\n", err);
		return 1;
	}
	check_caps();
	check_sas();
	check_policies();
	check_migrate();
	check_expire();
	check_acquire();
	CHECK(rk_flush(k) == 0, "flush");
	CHECK(count_ours() == 0, "no SA left after the flush");
	rk_close(k);
	printf("%d failed\n", fails);
	return fails != 0;
}
