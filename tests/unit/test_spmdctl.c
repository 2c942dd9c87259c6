/* spmdctl's parts that need no server: the command line of compat §4.1
 * (prefix matching, argument checks and normalisation), the policy show
 * format and the JSON writer, golden-compared. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "spmdctl.h"
#include "version.h"

#define ARGV(...) ((char *[]){"spmdctl", __VA_ARGS__, NULL})
#define ARGC(...) ((int)(sizeof((char *[]){"spmdctl", __VA_ARGS__}) / sizeof(char *)))
#define PARSE(o, ...) parse_ok(o, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__))
#define PARSE_FAIL(want, ...) parse_fail(want, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__))

static void parse_ok(struct ctl_opts *o, int argc, char **argv)
{
	char err[256] = "";
	int rc = ctl_parse(argc, argv, o, err, sizeof(err));
	if (rc != 0)
		fail_msg("%s: unexpected error: %s", argv[1], err);
}

static void parse_fail(const char *want, int argc, char **argv)
{
	struct ctl_opts o;
	char err[256] = "";
	assert_int_equal(ctl_parse(argc, argv, &o, err, sizeof(err)), -1);
	if (!strstr(err, want))
		fail_msg("error '%s' does not contain '%s'", err, want);
}

static void prefix_matching(void **state)
{
	static const char *const opts[] = {"-f", "-d", "-j", "-K", "-P", "-h"};
	static const char *const cmds[] = {"ns",	  "policy", "migrate",
					   "interactive", "status", "reload"};
	(void)state;
	assert_int_equal(ctl_match("-", opts, 6), 0); /* compat: "-" is -f */
	assert_int_equal(ctl_match("", cmds, 6), 0);  /* "" is the first */
	assert_int_equal(ctl_match("-D", opts, 6), 1);
	assert_int_equal(ctl_match("-k", opts, 6), 3);
	assert_int_equal(ctl_match("p", cmds, 6), 1);
	assert_int_equal(ctl_match("st", cmds, 6), 4);
	assert_int_equal(ctl_match("STATUS", cmds, 6), 4);
	assert_int_equal(ctl_match("statusx", cmds, 6), -1);
	assert_int_equal(ctl_match("x", cmds, 6), -1);
}

static void options(void **state)
{
	struct ctl_opts o;
	(void)state;

	/* "" is the first command, ns, which then lacks its subcommand */
	parse_fail("ns: add, delete or list expected", 2, ARGV(""));

	parse_ok(&o, 1, ARGV(NULL));
	assert_int_equal(o.cmd, CTL_HELP);
	assert_string_equal(o.config, RC_DEFAULT_CONFIG);
	assert_string_equal(o.pidfile, CTL_DEFAULT_PIDFILE);
	assert_null(o.backend);

	PARSE(&o, "-", "/tmp/r.conf", "-D", "-j", "-k", "memory", "-p", "/tmp/p", "st");
	assert_string_equal(o.config, "/tmp/r.conf");
	assert_true(o.debug);
	assert_true(o.json);
	assert_string_equal(o.backend, "memory");
	assert_string_equal(o.pidfile, "/tmp/p");
	assert_int_equal(o.cmd, CTL_STATUS);

	PARSE(&o, "-h", "status");
	assert_int_equal(o.cmd, CTL_HELP);
	PARSE(&o, "-d");
	assert_int_equal(o.cmd, CTL_HELP);

	PARSE_FAIL("unknown option '-x'", "-x", "status");
	PARSE_FAIL("unknown option '--help'", "--help");
	PARSE_FAIL("option -f needs a value", "-f");
	PARSE_FAIL("unknown command 'frobnicate'", "frobnicate");
	PARSE_FAIL("status: no arguments expected, 1 given", "status", "now");
	PARSE_FAIL("reload: no arguments expected", "reload", "x");
}

static void commands(void **state)
{
	struct ctl_opts o;
	(void)state;

	PARSE(&o, "n", "l");
	assert_int_equal(o.cmd, CTL_NS_LIST);
	PARSE(&o, "NS", "A", "2001:DB8:0::53");
	assert_int_equal(o.cmd, CTL_NS_ADD);
	assert_int_equal(o.nargs, 1);
	assert_string_equal(o.args[0], "2001:db8::53");
	PARSE(&o, "ns", "d", "192.0.2.53");
	assert_int_equal(o.cmd, CTL_NS_DELETE);
	assert_string_equal(o.args[0], "192.0.2.53");
	PARSE_FAIL("not a numeric IP address", "ns", "add", "ns.example");
	PARSE_FAIL("a prefix length is not allowed", "ns", "add", "192.0.2.0/24");
	PARSE_FAIL("ns add: one argument expected, 0 given", "ns", "add");
	PARSE_FAIL("ns: unknown subcommand 'change'", "ns", "change", "192.0.2.1");
	PARSE_FAIL("ns: add, delete or list expected", "ns");

	PARSE(&o, "p", "s");
	assert_int_equal(o.cmd, CTL_POLICY_SHOW);
	PARSE(&o, "policy", "delete", "sel_out");
	assert_int_equal(o.cmd, CTL_POLICY_DELETE);
	assert_string_equal(o.args[0], "sel_out");
	PARSE_FAIL("policy delete: one argument expected, 2 given", "policy", "delete", "a", "b");
	PARSE_FAIL("blanks and control characters", "policy", "delete", "a b");
	PARSE_FAIL("policy: unknown subcommand 'list'", "policy", "list");

	PARSE(&o, "i");
	assert_int_equal(o.cmd, CTL_INTERACTIVE);
	PARSE(&o, "r");
	assert_int_equal(o.cmd, CTL_RELOAD);
}

static void policy_add(void **state)
{
	struct ctl_opts o;
	(void)state;

	PARSE(&o, "policy", "add", "sel_out", "3600", "transport", "192.0.2.1", "2001:db8:0:0::2");
	assert_int_equal(o.cmd, CTL_POLICY_ADD);
	assert_false(o.tunnel);
	assert_int_equal(o.nargs, 5);
	assert_string_equal(o.args[1], "3600");
	assert_string_equal(o.args[2], "TRANSPORT");
	assert_string_equal(o.args[4], "2001:db8::2");

	/* transport with SA addresses: checked, then not sent (spmd ignores them) */
	PARSE(&o, "p", "a", "s", "0", "Transport", "192.0.2.1", "192.0.2.2", "192.0.2.3",
	      "192.0.2.4");
	assert_int_equal(o.nargs, 5);

	PARSE(&o, "p", "a", "s", "0", "TUNNEL", "198.51.100.0/24", "203.0.113.0/24", "192.0.2.1",
	      "192.0.2.2");
	assert_true(o.tunnel);
	assert_int_equal(o.nargs, 7);
	assert_string_equal(o.args[2], "TUNNEL");
	assert_string_equal(o.args[3], "198.51.100.0/24");
	assert_string_equal(o.args[6], "192.0.2.2");

	PARSE_FAIL("tunnel mode needs sa_src_ipaddr", "p", "a", "s", "0", "tunnel", "192.0.2.1",
		   "192.0.2.2");
	PARSE_FAIL("transport or tunnel expected", "p", "a", "s", "0", "beet", "192.0.2.1",
		   "192.0.2.2");
	PARSE_FAIL("lifetime 'soon'", "p", "a", "s", "soon", "transport", "192.0.2.1", "192.0.2.2");
	PARSE_FAIL("lifetime '-1'", "p", "a", "s", "-1", "transport", "192.0.2.1", "192.0.2.2");
	PARSE_FAIL("a prefix length is not allowed", "p", "a", "s", "0", "tunnel", "192.0.2.1",
		   "192.0.2.2", "192.0.2.0/24", "192.0.2.9");
	PARSE_FAIL("policy add: selector_index lifetime", "p", "a", "s", "0", "transport",
		   "192.0.2.1");

	PARSE(&o, "migrate", "sel", "192.0.2.1", "192.0.2.2", "2001:db8::1", "2001:db8::2");
	assert_int_equal(o.cmd, CTL_MIGRATE);
	assert_int_equal(o.nargs, 5);
	assert_string_equal(o.args[3], "2001:db8::1");
	PARSE_FAIL("migrate: 5 arguments expected, 4 given", "m", "sel", "192.0.2.1", "192.0.2.2",
		   "192.0.2.3");
	PARSE_FAIL("not a numeric IP address", "m", "sel", "192.0.2.1", "192.0.2.2", "x", "y");
}

/* ---- output ---- */

struct capture {
	char *buf;
	size_t len;
	FILE *f;
};

static FILE *cap_open(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	assert_non_null(c->f);
	return c->f;
}

static void cap_check(struct capture *c, const char *want)
{
	fclose(c->f);
	if (strcmp(c->buf, want) != 0)
		fail_msg("output differs.\n--- got:\n%s--- want:\n%s", c->buf, want);
	free(c->buf);
}

static struct rc_addr addr(const char *text, uint16_t port)
{
	struct rc_addr a;
	assert_int_equal(rc_addr_parse(text, &a, NULL, 0), 0);
	a.port = port;
	return a;
}

static struct rk_policy tunnel_policy(void)
{
	struct rk_policy p = {
		.sel = {.src = addr("198.51.100.0/24", 0), .dst = addr("203.0.113.0/24", 0)},
		.dir = RK_DIR_OUT,
		.action = RK_ACT_IPSEC,
		.index = 1001,
		.ntmpl = 1,
		.tmpl = {{.proto = RK_PROTO_ESP,
			  .mode = RK_MODE_TUNNEL,
			  .src = addr("192.0.2.1", 0),
			  .dst = addr("192.0.2.2", 0),
			  .level = RK_LEVEL_REQUIRE}},
		.lifetime = {.hard_add_sec = 3600, .soft_add_sec = 3000},
	};
	return p;
}

static void show_text(void **state)
{
	struct capture c;
	struct rk_policy p = tunnel_policy();
	struct rk_current cur = {.add_time = 1767225600 /* 2026-01-01 00:00:00 UTC */,
				 .use_time = 1767229261};
	(void)state;

	setenv("TZ", "UTC", 1);
	tzset();
	ctl_policy_text(cap_open(&c), &p, "sel_out");
	cap_check(&c, "198.51.100.0/24[any] 203.0.113.0/24[any] any\n"
		      "\tout ipsec\n"
		      "\tesp tunnel 192.0.2.1-192.0.2.2 require\n"
		      "\tcreated: 0 lastused: \n"
		      "\tlifetime: 3600(s) validtime: 3000(s)\n"
		      "\tselector=sel_out spid=1001\n");

	/* transport bundle AH+ESP, named in racoon2's order; ports; udp; times */
	struct rk_policy t = {
		.sel = {.src = addr("2001:db8:1::1", 4500),
			.dst = addr("2001:db8:2::/48", 0),
			.proto = 17},
		.dir = RK_DIR_IN,
		.action = RK_ACT_IPSEC,
		.index = 8,
		.ntmpl = 2,
		.tmpl = {{.proto = RK_PROTO_ESP, .level = RK_LEVEL_USE},
			 {.proto = RK_PROTO_AH, .level = RK_LEVEL_USE}},
	};
	t.cur = cur;
	ctl_policy_text(cap_open(&c), &t, NULL);
	cap_check(&c, "2001:db8:1::1/128[4500] 2001:db8:2::/48[any] udp\n"
		      "\tin ipsec\n"
		      "\tah|esp transport use\n"
		      "\tcreated: Jan 01 00:00:00 2026 lastused: Jan 01 01:01:01 2026\n"
		      "\tlifetime: 0(s) validtime: 0(s)\n"
		      "\tselector= spid=8\n");

	/* bypass and discard: no SA line; an unnamed protocol as a number */
	struct rk_policy b = {
		.sel = {.src = addr("0.0.0.0/0", 0), .dst = addr("192.0.2.0/24", 0), .proto = 99},
		.dir = RK_DIR_FWD,
		.action = RK_ACT_BYPASS,
		.index = 3};
	ctl_policy_text(cap_open(&c), &b, "bypass");
	cap_check(&c, "0.0.0.0/0[any] 192.0.2.0/24[any] 99\n"
		      "\tfwd none\n"
		      "\tcreated: 0 lastused: \n"
		      "\tlifetime: 0(s) validtime: 0(s)\n"
		      "\tselector=bypass spid=3\n");
	b.action = RK_ACT_DISCARD;
	b.sel.proto = 58;
	ctl_policy_text(cap_open(&c), &b, NULL);
	cap_check(&c, "0.0.0.0/0[any] 192.0.2.0/24[any] icmp6\n"
		      "\tfwd discard\n"
		      "\tcreated: 0 lastused: \n"
		      "\tlifetime: 0(s) validtime: 0(s)\n"
		      "\tselector= spid=3\n");

	/* IPComp + ESP in tunnel: the outer (tunnel) template gives the endpoints */
	p.ntmpl = 2;
	p.tmpl[1] = p.tmpl[0];
	p.tmpl[0].proto = RK_PROTO_COMP;
	p.tmpl[1].level = RK_LEVEL_UNIQUE;
	ctl_policy_text(cap_open(&c), &p, "x");
	cap_check(&c, "198.51.100.0/24[any] 203.0.113.0/24[any] any\n"
		      "\tout ipsec\n"
		      "\tesp|ipcomp tunnel 192.0.2.1-192.0.2.2 unique\n"
		      "\tcreated: 0 lastused: \n"
		      "\tlifetime: 3600(s) validtime: 3000(s)\n"
		      "\tselector=x spid=1001\n");
}

static void show_json(void **state)
{
	struct capture c;
	struct ctl_json j;
	struct rk_policy p = tunnel_policy();
	struct rk_policy b = {.sel = {.src = addr("2001:db8::/32", 0), .dst = addr("::/0", 0)},
			      .dir = RK_DIR_IN,
			      .action = RK_ACT_DISCARD,
			      .index = 9};
	(void)state;

	cj_init(&j, cap_open(&c));
	cj_obj_begin(&j, NULL);
	cj_arr_begin(&j, "policies");
	ctl_policy_json(&j, &p, "sel_out");
	ctl_policy_json(&j, &b, NULL);
	cj_arr_end(&j);
	cj_obj_end(&j);
	cj_finish(&j);
	cap_check(&c, "{\"policies\":[{\"src\":\"198.51.100.0\",\"src_prefixlen\":24,"
		      "\"src_port\":0,\"dst\":\"203.0.113.0\",\"dst_prefixlen\":24,\"dst_port\":0,"
		      "\"proto\":0,\"dir\":\"out\",\"action\":\"ipsec\",\"satype\":\"esp\","
		      "\"mode\":\"tunnel\",\"sa_src\":\"192.0.2.1\",\"sa_dst\":\"192.0.2.2\","
		      "\"level\":\"require\",\"created\":0,\"lastused\":0,\"lifetime\":3600,"
		      "\"validtime\":3000,\"selector\":\"sel_out\",\"spid\":1001},"
		      "{\"src\":\"2001:db8::\",\"src_prefixlen\":32,\"src_port\":0,"
		      "\"dst\":\"::\",\"dst_prefixlen\":0,\"dst_port\":0,\"proto\":0,"
		      "\"dir\":\"in\",\"action\":\"discard\",\"satype\":null,\"mode\":null,"
		      "\"sa_src\":null,\"sa_dst\":null,\"level\":null,\"created\":0,"
		      "\"lastused\":0,\"lifetime\":0,\"validtime\":0,\"selector\":null,"
		      "\"spid\":9}]}\n");
}

static void json_escapes(void **state)
{
	struct capture c;
	struct ctl_json j;
	(void)state;

	cj_init(&j, cap_open(&c));
	cj_obj_begin(&j, NULL);
	cj_str(&j, "s", "a\"b\\c\nd\te\x01\xc3\xa9");
	cj_int(&j, "n", -5);
	cj_bool(&j, "t", true);
	cj_null(&j, "z");
	cj_arr_begin(&j, "empty");
	cj_arr_end(&j);
	cj_obj_begin(&j, "o");
	cj_obj_end(&j);
	cj_obj_end(&j);
	cj_finish(&j);
	cap_check(&c, "{\"s\":\"a\\\"b\\\\c\\nd\\te\\u0001\\u00c3\\u00a9\",\"n\":-5,\"t\":true,"
		      "\"z\":null,\"empty\":[],\"o\":{}}\n");
}

static void slid_pairs(void **state)
{
	struct ctl_slid v[2];
	(void)state;

	assert_int_equal(ctl_slid_parse("sel_out 1001", &v[0]), 0);
	assert_string_equal(v[0].slid, "sel_out");
	assert_int_equal(v[0].spid, 1001);
	assert_int_equal(ctl_slid_parse("sel_in 4294967295", &v[1]), 0);
	assert_int_equal(v[1].spid, 4294967295u);
	assert_string_equal(ctl_slid_find(v, 2, 1001), "sel_out");
	assert_null(ctl_slid_find(v, 2, 7));
	free(v[1].slid);
	assert_int_equal(ctl_slid_parse("sel 4294967296", &v[1]), -1);
	assert_int_equal(ctl_slid_parse("sel", &v[1]), -1);
	assert_int_equal(ctl_slid_parse(" 5", &v[1]), -1);
	assert_int_equal(ctl_slid_parse("sel 5x", &v[1]), -1);
	assert_int_equal(ctl_slid_parse("sel -5", &v[1]), -1);
	free(v[0].slid);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(prefix_matching), cmocka_unit_test(options),
		cmocka_unit_test(commands),	   cmocka_unit_test(policy_add),
		cmocka_unit_test(show_text),	   cmocka_unit_test(show_json),
		cmocka_unit_test(json_escapes),	   cmocka_unit_test(slid_pairs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
