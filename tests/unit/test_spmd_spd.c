/* spmd's policy engine over the memory backend: what a configuration
 * installs (compat §3.5), reload by difference, FQDN selectors, failures
 * reported by name, flush. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kernel_memory.h"
#include "spmd_test.h"

struct fixture {
	struct rk *k;
	struct spd *spd;
	struct rcf_config *cfg;
	struct spmd_test_log log;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[256];

	f->k = rk_open("memory", NULL, NULL, NULL, err, sizeof(err));
	assert_non_null(f->k);
	f->spd = spd_new(f->k, true);
	rc_log_set_sink(spmd_test_log_sink, &f->log);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	rc_log_set_sink(NULL, NULL);
	rk_flush(f->k);
	assert_int_equal(rk_memory_policy_count(), 0);
	spd_free(f->spd);
	rk_close(f->k);
	rcf_free(f->cfg);
	free(f);
	return 0;
}

struct found {
	const char *slid;
	enum rk_dir dir;
	struct rk_policy pol;
	int n;
};

static int find_cb(void *arg, const char *slid, const struct rk_policy *p, bool dynamic)
{
	struct found *x = arg;

	(void)dynamic;
	if (strcmp(slid, x->slid) == 0 && p->dir == x->dir) {
		x->pol = *p;
		x->n++;
	}
	return 0;
}

static struct found find(struct fixture *f, const char *slid, enum rk_dir dir)
{
	struct found x = {.slid = slid, .dir = dir};

	spd_walk(f->spd, find_cb, &x);
	return x;
}

static const char *ntop_p(const struct rc_addr *a)
{
	static char buf[4][RC_ADDR_STRLEN];
	static int i;

	i = (i + 1) % 4;
	return rc_addr_str(a, buf[i], sizeof(buf[i]));
}

#define ntop(a) ntop_p(a)

static const char *dst_of(struct fixture *f, const char *slid, enum rk_dir dir)
{
	struct found x = find(f, slid, dir);
	return ntop_p(&x.pol.sel.dst);
}

static void apply(struct fixture *f, const char *text, struct spd_stats *st)
{
	struct rcf_config *cfg = spmd_test_load(text);

	assert_non_null(cfg);
	spd_apply_config(f->spd, cfg, st);
	rcf_free(f->cfg);
	f->cfg = cfg;
}

static void test_install(void **state)
{
	struct fixture *f = *state;
	struct spd_stats st;

	apply(f, SPMD_TEST_CONF, &st);
	/* t_out t_in n_out n_in(+fwd) icmp_out drop_out any_out */
	assert_int_equal(st.added, 8);
	assert_int_equal(st.failed, 0);
	assert_int_equal(st.skipped, 3); /* off_out, rw_out, rw_in */
	assert_int_equal(spd_count(f->spd), 8);
	assert_int_equal(rk_memory_policy_count(), 8);

	struct found x = find(f, "t_out", RK_DIR_OUT);
	assert_int_equal(x.n, 1);
	assert_int_equal(x.pol.sel.proto, 17);
	assert_int_equal(x.pol.sel.src.port, 1701);
	assert_int_equal(x.pol.sel.dst.port, 0);
	assert_int_equal(x.pol.action, RK_ACT_IPSEC);
	/* innermost first: ESP then AH, both transport */
	assert_int_equal(x.pol.ntmpl, 2);
	assert_int_equal(x.pol.tmpl[0].proto, RK_PROTO_ESP);
	assert_int_equal(x.pol.tmpl[1].proto, RK_PROTO_AH);
	assert_int_equal(x.pol.tmpl[0].mode, RK_MODE_TRANSPORT);
	assert_int_equal(x.pol.tmpl[0].level, RK_LEVEL_REQUIRE);
	assert_string_equal(spd_slid_by_index(f->spd, x.pol.index), "t_out");

	x = find(f, "n_in", RK_DIR_IN);
	assert_int_equal(x.n, 1);
	assert_string_equal(ntop(&x.pol.sel.src), "203.0.113.64/26");
	/* IPComp (optional) makes the tunnel, ESP protects its outer packet */
	assert_int_equal(x.pol.ntmpl, 2);
	assert_int_equal(x.pol.tmpl[0].proto, RK_PROTO_COMP);
	assert_int_equal(x.pol.tmpl[0].mode, RK_MODE_TUNNEL);
	assert_int_equal(x.pol.tmpl[0].level, RK_LEVEL_USE);
	assert_int_equal(x.pol.tmpl[0].reqid, 7);
	assert_string_equal(ntop(&x.pol.tmpl[0].src), "198.51.100.1");
	assert_string_equal(ntop(&x.pol.tmpl[0].dst), "192.0.2.1");
	assert_int_equal(x.pol.tmpl[1].proto, RK_PROTO_ESP);
	assert_int_equal(x.pol.tmpl[1].mode, RK_MODE_TRANSPORT);
	assert_int_equal(x.pol.tmpl[1].level, RK_LEVEL_UNIQUE);
	assert_int_equal(find(f, "n_in", RK_DIR_FWD).n, 1);
	x = find(f, "n_out", RK_DIR_OUT);
	assert_string_equal(ntop(&x.pol.tmpl[0].src), "192.0.2.1");
	assert_string_equal(ntop(&x.pol.tmpl[0].dst), "198.51.100.1");
	assert_int_equal(find(f, "n_out", RK_DIR_FWD).n, 0);

	/* ICMPv6 type and code as ports, action none = bypass */
	x = find(f, "icmp_out", RK_DIR_OUT);
	assert_int_equal(x.pol.sel.proto, 58);
	assert_int_equal(x.pol.sel.src.port, 135);
	assert_int_equal(x.pol.sel.dst.port, 0);
	assert_int_equal(x.pol.action, RK_ACT_BYPASS);
	assert_int_equal(x.pol.ntmpl, 0);
	assert_int_equal(find(f, "drop_out", RK_DIR_OUT).pol.action, RK_ACT_DISCARD);

	/* one-sided IP_ANY: the other side's family, wildcard, port kept */
	x = find(f, "any_out", RK_DIR_OUT);
	assert_string_equal(ntop(&x.pol.sel.dst), "0.0.0.0/0");
	assert_int_equal(x.pol.sel.src.port, 80);

	assert_int_equal(find(f, "off_out", RK_DIR_OUT).n, 0);
	assert_int_equal(find(f, "rw_out", RK_DIR_OUT).n, 0);
}

/* A copy of text with one substitution. */
static char *subst(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	assert_non_null(at);
	size_t head = (size_t)(at - text);
	char *out = malloc(strlen(text) + strlen(to) + 1);
	memcpy(out, text, head);
	strcpy(out + head, to);
	strcat(out, at + strlen(from));
	return out;
}

static char *edit(const char *from, const char *to)
{
	return subst(SPMD_TEST_CONF, from, to);
}

static void test_reload_diff(void **state)
{
	struct fixture *f = *state;
	struct spd_stats st;

	apply(f, SPMD_TEST_CONF, &st);
	uint32_t keep = find(f, "t_out", RK_DIR_OUT).pol.index;
	uint32_t nin = find(f, "n_in", RK_DIR_IN).pol.index;

	/* the same file again: nothing touched */
	apply(f, SPMD_TEST_CONF, &st);
	assert_int_equal(st.unchanged, 8);
	assert_int_equal(st.added + st.removed + st.changed, 0);

	/* one selector's address changes: only that policy is replaced */
	char *text = edit("dst 192.0.2.99;", "dst 192.0.2.98;");
	apply(f, text, &st);
	free(text);
	assert_int_equal(st.added, 1);
	assert_int_equal(st.removed, 1);
	assert_int_equal(st.changed, 0);
	assert_int_equal(st.unchanged, 7);
	assert_int_equal(find(f, "t_out", RK_DIR_OUT).pol.index, keep);
	assert_int_equal(find(f, "n_in", RK_DIR_IN).pol.index, nin);
	assert_string_equal(dst_of(f, "drop_out", RK_DIR_OUT), "192.0.2.98");

	/* the tunnel's level changes: its three policies are updated in place */
	text = edit("ipsec_level unique;", "ipsec_level require;");
	apply(f, text, &st);
	free(text);
	assert_int_equal(st.changed, 3);
	assert_int_equal(st.added + st.removed, 2); /* drop_out back to .99 */
	assert_int_equal(find(f, "n_in", RK_DIR_IN).pol.tmpl[1].level, RK_LEVEL_REQUIRE);
	assert_int_equal(find(f, "t_out", RK_DIR_OUT).pol.index, keep);

	/* a selector switched to install off goes away */
	text = edit("policy drop { action discard; };",
		    "policy drop { action discard; install off; };");
	apply(f, text, &st);
	free(text);
	assert_int_equal(st.removed, 1);
	assert_int_equal(find(f, "drop_out", RK_DIR_OUT).n, 0);
	assert_int_equal(rk_memory_policy_count(), 7);
}

static void test_reload_keeps_dynamic(void **state)
{
	struct fixture *f = *state;
	struct spd_stats st;
	struct spd_dyn dyn;
	struct rc_addr a, b;
	char err[256];

	apply(f, SPMD_TEST_CONF, &st);
	assert_int_equal(rc_addr_parse("203.0.113.200", &a, err, sizeof(err)), 0);
	assert_int_equal(rc_addr_parse("203.0.113.0/26", &b, err, sizeof(err)), 0);
	const struct rcf_selector *s = rcf_selector_find(f->cfg, "rw_in");
	assert_int_equal(spd_build_policy(s, RK_DIR_IN, &a, &b, RK_MODE_TRANSPORT, NULL, NULL,
					  &dyn.pol, err, sizeof(err)),
			 0);
	dyn.slid = "rw_in";
	assert_int_equal(spd_add_dynamic(f->spd, &dyn, 1, err, sizeof(err)), 0);
	apply(f, SPMD_TEST_CONF, &st);
	assert_int_equal(st.unchanged, 8);
	assert_int_equal(find(f, "rw_in", RK_DIR_IN).n, 1);
	assert_int_equal(spd_count(f->spd), 9);
}

static void test_failures_by_name(void **state)
{
	struct fixture *f = *state;
	struct spd_stats st;
	struct rk_policy foreign = {.dir = RK_DIR_OUT, .action = RK_ACT_DISCARD};
	char err[128];
	struct rk *other = rk_open("memory", NULL, NULL, NULL, err, sizeof(err));

	/* someone else holds t_out's traffic: spmd reports it and goes on */
	assert_int_equal(rc_addr_parse("192.0.2.1", &foreign.sel.src, err, sizeof(err)), 0);
	assert_int_equal(rc_addr_parse("198.51.100.1", &foreign.sel.dst, err, sizeof(err)), 0);
	foreign.sel.src.port = 1701;
	foreign.sel.proto = 17;
	assert_int_equal(rk_policy_add(other, &foreign, false), 0);
	apply(f, SPMD_TEST_CONF, &st);
	assert_int_equal(st.failed, 1);
	assert_int_equal(st.added, 7);
	assert_non_null(strstr(f->log.buf, "selector 't_out' not installed"));
	/* flush leaves the foreign policy alone */
	rk_flush(f->k);
	assert_int_equal(rk_memory_policy_count(), 1);
	rk_flush(other);
	rk_close(other);
}

/* A name table standing in for the resolver. */
struct fake_dns {
	const char *name;
	struct rc_addr addr;
	size_t n;
	int refs;
};

static int fake_reg(void *arg, const char *fqdn, char *err, size_t errlen)
{
	struct fake_dns *d = arg;

	(void)err;
	(void)errlen;
	assert_string_equal(fqdn, d->name);
	d->refs++;
	return 0;
}

static void fake_unreg(void *arg, const char *fqdn)
{
	struct fake_dns *d = arg;

	(void)fqdn;
	d->refs--;
}

static size_t fake_addrs(void *arg, const char *fqdn, const struct rc_addr **out)
{
	struct fake_dns *d = arg;

	if (strcmp(fqdn, d->name) != 0)
		return 0;
	*out = &d->addr;
	return d->n;
}

static void test_fqdn(void **state)
{
	struct fixture *f = *state;
	struct fake_dns dns = {.name = "peer.example.net"};
	struct spd_resolver r = {fake_reg, fake_unreg, fake_addrs, &dns};
	struct spd_stats st;
	char err[64];

	spd_set_resolver(f->spd, &r);
	char *text = edit("dst 192.0.2.99;", "dst \"peer.example.net\";");
	apply(f, text, &st);
	free(text);
	assert_int_equal(dns.refs, 1);
	assert_int_equal(st.pending, 1);
	assert_int_equal(find(f, "drop_out", RK_DIR_OUT).n, 0);
	assert_non_null(strstr(f->log.buf, "selector 'drop_out' pending"));

	assert_int_equal(rc_addr_parse("192.0.2.77", &dns.addr, err, sizeof(err)), 0);
	dns.n = 1;
	spd_fqdn_changed(f->spd, dns.name);
	assert_string_equal(dst_of(f, "drop_out", RK_DIR_OUT), "192.0.2.77");

	assert_int_equal(rc_addr_parse("192.0.2.78", &dns.addr, err, sizeof(err)), 0);
	spd_fqdn_changed(f->spd, dns.name);
	assert_int_equal(find(f, "drop_out", RK_DIR_OUT).n, 1);
	assert_string_equal(dst_of(f, "drop_out", RK_DIR_OUT), "192.0.2.78");

	/* a reload without the FQDN releases it */
	apply(f, SPMD_TEST_CONF, &st);
	assert_int_equal(dns.refs, 0);
}

/* compat §3.5: a remote leasing addresses from a pool gets its policies
 * at run time, whether named by the policy or as the default remote */
static void test_pool_remote_skipped(void **state)
{
	struct fixture *f = *state;
	struct spd_stats st;
	char *t1 = edit("remote rw { acceptable_kmp { ikev2; }; ikev2 { peers_ipaddr IP_RW; }; };",
			"remote rw { acceptable_kmp { ikev2; }; ikev2 { peers_ipaddr IP_RW;\n"
			"  provide { addresspool pool4; }; }; };\n"
			"addresspool pool4 { 203.0.113.192 - 203.0.113.254; };");
	/* n_out/n_in now belong to the pool remote */
	char *t2 = subst(t1, "policy tun { action auto_ipsec; remote_index peer;",
			 "policy tun { action auto_ipsec; remote_index rw;");

	apply(f, t2, &st);
	free(t1);
	free(t2);
	assert_int_equal(st.skipped, 5); /* off_out, rw_out, rw_in, n_out, n_in */
	assert_int_equal(find(f, "n_out", RK_DIR_OUT).n, 0);
	assert_int_equal(find(f, "t_out", RK_DIR_OUT).n, 1);
}

static void test_scale_reload(void **state)
{
	struct fixture *f = *state;
	struct spd_stats st;
	size_t n = 2000, cap = n * 200 + 4096, len = 0;
	char *text = malloc(cap);

	len += (size_t)snprintf(text + len, cap - len, "policy d { action discard; };\n");
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, cap - len,
					"selector s%zu { direction outbound; src 192.0.2.1; "
					"dst 10.%zu.%zu.0/24; policy_index d; };\n",
					i, i / 256, i % 256);
	apply(f, text, &st);
	assert_int_equal(st.added, n);
	char *p = strstr(text, "dst 10.0.5.0/24");
	assert_non_null(p);
	memcpy(p, "dst 10.9.5.0/24", 15);
	apply(f, text, &st);
	assert_int_equal(st.added, 1);
	assert_int_equal(st.removed, 1);
	assert_int_equal(st.unchanged, n - 1);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_install, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_diff, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_keeps_dynamic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failures_by_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fqdn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pool_remote_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scale_reload, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
