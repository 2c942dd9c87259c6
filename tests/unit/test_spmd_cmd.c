/* Golden transcripts of spmd's POLICY, SLID and MIGRATE handlers (compat
 * §3.3) on the memory backend: every reply text, errors included. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <strings.h>

#include <event2/event.h>

#include "kernel_memory.h"
#include "spmd_test.h"

#define EXTRA_CONF                                                                                 \
	"selector same_a { direction outbound; src 192.0.2.50; dst 192.0.2.51; policy_index "      \
	"drop; "                                                                                   \
	"};\n"                                                                                     \
	"selector same_b { direction outbound; src 192.0.2.51; dst 192.0.2.50; policy_index "      \
	"drop; "                                                                                   \
	"};\n"

struct fixture {
	struct rk *k;
	struct spd *spd;
	struct rcf_config *cfg;
	struct cmd_policy_ctx ctx;
	struct spmd_test_log log;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[256];

	f->k = rk_open("memory", NULL, NULL, NULL, err, sizeof(err));
	assert_non_null(f->k);
	f->spd = spd_new(f->k, true);
	f->cfg = spmd_test_load(SPMD_TEST_CONF EXTRA_CONF);
	assert_non_null(f->cfg);
	spd_apply_config(f->spd, f->cfg, NULL);
	f->ctx = (struct cmd_policy_ctx){.spd = f->spd, .fwd = true};
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

/* Run one command line (command word first) and return its reply. */
static const char *run(struct fixture *f, const char *line)
{
	static struct spmd_test_out o;
	struct cmd_out out = {spmd_test_line, &o};
	char buf[512], *argv[16], *save = NULL;
	int argc = 0;

	o.len = 0;
	o.buf[0] = '\0';
	snprintf(buf, sizeof(buf), "%s", line);
	for (char *w = strtok_r(buf, " ", &save); w && argc < 16; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	if (strcasecmp(argv[0], "POLICY") == 0)
		cmd_policy(&f->ctx, argc - 1, argv + 1, &out);
	else if (strcmp(argv[0], "SLID") == 0)
		cmd_slid(&f->ctx, argc - 1, argv + 1, &out);
	else if (strcmp(argv[0], "MIGRATE") == 0)
		cmd_migrate(&f->ctx, argc - 1, argv + 1, &out);
	else
		fail_msg("no handler for %s", argv[0]);
	return o.buf;
}

#define RW_ADD                                                                                     \
	"POLICY ADD rw_out 3600 tunnel 203.0.113.0/26 203.0.113.200/32 192.0.2.1 198.51.100.9"

static void test_add_delete(void **state)
{
	struct fixture *f = *state;
	size_t base = rk_memory_policy_count();

	/* reverse of a selector with IP_RW (compat §10.2.7 fixed) */
	assert_string_equal(run(f, RW_ADD), "250 Policy Added rw_out and rw_in\r\n");
	assert_int_equal(rk_memory_policy_count(), base + 3); /* out, in, fwd */
	assert_non_null(strstr(f->log.buf, "policies generated for 'rw_out' and 'rw_in'"));
	/* the same again replaces them */
	assert_string_equal(run(f, RW_ADD), "250 Policy Added rw_out and rw_in\r\n");
	assert_int_equal(rk_memory_policy_count(), base + 3);
	assert_string_equal(run(f, "POLICY DELETE rw_out TUNNEL 203.0.113.0/26 203.0.113.200 "
				   "192.0.2.1 198.51.100.9"),
			    "250 Policy Deleted\r\n");
	assert_int_equal(rk_memory_policy_count(), base);
	assert_string_equal(run(f, "POLICY DELETE rw_out tunnel 203.0.113.0/26 203.0.113.200 "
				   "192.0.2.1 198.51.100.9"),
			    "550 Operation Failed\r\n");

	/* transport, case-insensitive words, prefix rules (0 and 99 = full) */
	assert_string_equal(run(f, "policy add rw_out 0 TRANSPORT 203.0.113.0/26 203.0.113.201/0"),
			    "250 Policy Added rw_out and rw_in\r\n");
	assert_int_equal(rk_memory_policy_count(), base + 2);
	assert_string_equal(
		run(f, "POLICY DELETE rw_out transport 203.0.113.0/26 203.0.113.201/99"),
		"250 Policy Deleted\r\n");

	/* the one-argument form removes every policy of the selector */
	run(f, RW_ADD);
	assert_string_equal(run(f, "POLICY DELETE rw_out"), "250 Policy Deleted\r\n");
	assert_int_equal(rk_memory_policy_count(), base);
	assert_string_equal(run(f, "POLICY DELETE rw_out"), "550 Operation Failed\r\n");
	assert_string_equal(run(f, "POLICY DELETE nosuch"),
			    "550 Operation Failed, selector not found\r\n");
	/* a configured selector's policy too (back at the next reload) */
	assert_string_equal(run(f, "POLICY DELETE drop_out"), "250 Policy Deleted\r\n");
	assert_int_equal(rk_memory_policy_count(), base - 1);
}

static void test_add_errors(void **state)
{
	struct fixture *f = *state;
	const char *syntax = "500 Syntax Error\r\n";

	/* compat §3.3 bug fixed: TUNNEL needs the SA endpoints */
	assert_string_equal(run(f, "POLICY ADD rw_out 0 TUNNEL 203.0.113.0/26 203.0.113.200"),
			    syntax);
	assert_string_equal(run(f, "POLICY ADD rw_out 0 transport 203.0.113.0/26"), syntax);
	assert_string_equal(run(f, "POLICY ADD rw_out 0 beet 203.0.113.0/26 203.0.113.200"),
			    syntax);
	assert_string_equal(run(f, "POLICY ADD rw_out x transport 203.0.113.0/26 203.0.113.200"),
			    syntax);
	assert_string_equal(run(f, "POLICY"), syntax);
	assert_string_equal(run(f, "POLICY FROB"), syntax);
	assert_string_equal(run(f, "POLICY DEL rw_out"), syntax); /* DEL is not DELETE */
	assert_string_equal(run(f, "POLICY DELETE rw_out transport 1.2.3.4"), syntax);
	assert_string_equal(run(f, "POLICY DUMP extra"), syntax);
	assert_string_equal(run(f, "POLICY ADD nosuch 0 transport 192.0.2.1 192.0.2.2"),
			    "550 Operation Failed, selector not found\r\n");
	assert_string_equal(run(f, "POLICY ADD drop_out 0 transport 192.0.2.1 192.0.2.2"),
			    "550 Operation Failed, reverse selector not found\r\n");
	assert_string_equal(run(f, "POLICY ADD same_a 0 transport 192.0.2.50 192.0.2.51"),
			    "550 Operation Failed, found reverse selector is same direction\r\n");
	assert_string_equal(run(f, "POLICY ADD rw_out 0 transport 203.0.113.0/26 example.net"),
			    "550 Operation Failed\r\n");
	assert_string_equal(run(f, "POLICY ADD rw_out 0 tunnel 203.0.113.0/26 203.0.113.9 "
				   "192.0.2.1/24 198.51.100.9"),
			    "550 Operation Failed\r\n");
	/* mixed families cannot make a selector */
	assert_string_equal(run(f, "POLICY ADD rw_out 0 transport 203.0.113.0/26 2001:db8::1"),
			    "550 Operation Failed(sl_index=rw_out)\r\n");
}

static void test_dump_slid(void **state)
{
	struct fixture *f = *state;
	char line[128];

	const char *dump = run(f, "POLICY DUMP");
	/* 10 configured policies: 9 continuation lines and a last one */
	size_t cont = 0;
	for (const char *p = dump; (p = strstr(p, "250-")); p++)
		cont++;
	assert_int_equal(cont, 9);
	assert_non_null(strstr(dump, "250-t_out "));
	const char *last = strstr(dump, "250 same_b ");
	assert_non_null(last);
	unsigned idx = (unsigned)strtoul(last + 11, NULL, 10);
	snprintf(line, sizeof(line), "SLID %u", idx);
	assert_string_equal(run(f, line), "250 same_b\r\n");
	assert_string_equal(run(f, "SLID 4000000000"), "551 No Such SPID(4000000000)\r\n");
	assert_string_equal(run(f, "SLID x1"), "550 Operation failed\r\n");
	assert_string_equal(run(f, "SLID"), "500 Syntax Error\r\n");
	assert_string_equal(run(f, "SLID 1 2"), "500 Syntax Error\r\n");

	/* generated policies are listed too, and SLID finds them */
	run(f, RW_ADD);
	dump = run(f, "POLICY DUMP");
	assert_non_null(strstr(dump, "250-rw_out "));
	assert_non_null(strstr(dump, "250-rw_in "));

	/* nothing installed */
	struct spd *empty = spd_new(f->k, true);
	struct cmd_policy_ctx c = {.spd = empty, .fwd = true};
	struct spd *keep = f->ctx.spd;
	f->ctx = c;
	assert_string_equal(run(f, "POLICY DUMP"), "251 NO Policy Exists\r\n");
	assert_string_equal(run(f, "POLICY ADD rw_out 0 transport 192.0.2.1 192.0.2.2"),
			    "550 Operation Failed, selector not found\r\n");
	f->ctx.spd = keep;
	spd_free(empty);
}

static void test_migrate(void **state)
{
	struct fixture *f = *state;

	run(f, RW_ADD);
	assert_string_equal(run(f, "MIGRATE rw_out 192.0.2.1 198.51.100.9 192.0.2.1 198.51.100.10"),
			    "250 Migrate rw_out\r\n");
	/* racoon2's server wanted 6 arguments; clients send 5 */
	assert_string_equal(run(f, "MIGRATE rw_out 192.0.2.1 198.51.100.9 192.0.2.1"),
			    "500 Syntax Error\r\n");
	assert_string_equal(
		run(f, "MIGRATE rw_out 192.0.2.1 198.51.100.9 192.0.2.1 198.51.100.10 x"),
		"500 Syntax Error\r\n");
	assert_string_equal(run(f, "MIGRATE rw_out 192.0.2.1 nowhere 192.0.2.1 198.51.100.10"),
			    "550 Operation Failed\r\n");
	assert_string_equal(run(f, "MIGRATE nosuch 192.0.2.1 198.51.100.9 192.0.2.1 198.51.100.10"),
			    "550 Operation Failed, selector not found\r\n");
	/* a selector with no IPsec policy installed */
	assert_string_equal(
		run(f, "MIGRATE off_out 192.0.2.1 198.51.100.9 192.0.2.1 198.51.100.10"),
		"550 Operation Failed\r\n");
	/* the generated policies now lead to the new endpoint */
	assert_string_equal(run(f, "POLICY DELETE rw_out tunnel 203.0.113.0/26 203.0.113.200 "
				   "192.0.2.1 198.51.100.10"),
			    "250 Policy Deleted\r\n");
}

struct holder {
	struct spd *spd;
};

static void on_event(const struct rk_event *ev, void *arg)
{
	struct holder *h = arg;

	spd_kernel_event(h->spd, ev);
}

static void stop_loop(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	event_base_loopexit(arg, NULL);
}

/* A generated policy's lifetime ends in the kernel: its record goes too,
 * and SLID no longer knows it. */
static void test_lifetime_expiry(void **state)
{
	struct fixture *f = *state;
	struct event_base *base = event_base_new();
	struct holder h = {0};
	char err[256];
	struct rk *k = rk_open("memory", base, on_event, &h, err, sizeof(err));
	struct spd *keep = f->ctx.spd;
	struct timeval tv = {1, 500000};

	assert_non_null(k);
	h.spd = spd_new(k, true);
	spd_apply_config(h.spd, f->cfg, NULL);
	f->ctx.spd = h.spd;
	assert_string_equal(run(f, "POLICY ADD rw_out 1 transport 203.0.113.0/26 203.0.113.99"),
			    "250 Policy Added rw_out and rw_in\r\n");
	size_t with = spd_count(h.spd);
	struct event *t = evtimer_new(base, stop_loop, base);
	evtimer_add(t, &tv);
	event_base_dispatch(base);
	event_free(t);
	assert_int_equal(spd_count(h.spd), with - 2);
	assert_string_equal(run(f, "POLICY DELETE rw_out"), "550 Operation Failed\r\n");
	f->ctx.spd = keep;
	rk_flush(k);
	spd_free(h.spd);
	rk_close(k);
	event_base_free(base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_add_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dump_slid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lifetime_expiry, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
