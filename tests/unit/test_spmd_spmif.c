/* Golden spmif transcripts of spmd: the daemon's command table behind a
 * real spmif server (connections attached without a socket), on the
 * memory backend.  The exact bytes a client sees, from the greeting on:
 * need-login answers, LOGIN, each command's replies, pipelining, bare LF,
 * and QUIT. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <event2/event.h>

#include "kernel_memory.h"
#include "spmd_cmds.h"
#include "spmd_test.h"
#include "spmif.h"

static const unsigned char PASSWORD[] = "secret\n";

struct fixture {
	struct event_base *base;
	struct rk *k;
	struct spd *spd;
	struct rcf_config *cfg;
	struct spmd_cmds cmds;
	struct spmif_server *srv;
	struct spmif_conn *conn;
	char out[32768];
	size_t len;
	bool closed;
};

static void conn_out(const char *data, size_t len, void *arg)
{
	struct fixture *f = arg;

	if (!data) {
		f->closed = true;
		return;
	}
	assert_true(f->len + len < sizeof(f->out));
	memcpy(f->out + f->len, data, len);
	f->len += len;
	f->out[f->len] = '\0';
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[256];

	f->base = event_base_new();
	f->k = rk_open("memory", f->base, NULL, NULL, err, sizeof(err));
	assert_non_null(f->k);
	f->spd = spd_new(f->k, true);
	f->cfg = spmd_test_load(SPMD_TEST_CONF);
	assert_non_null(f->cfg);
	spd_apply_config(f->spd, f->cfg, NULL);
	f->cmds.policy = (struct cmd_policy_ctx){.spd = f->spd, .fwd = true};
	struct spmif_server_opts so = {
		.password = PASSWORD,
		.password_len = sizeof(PASSWORD) - 1,
		.commands = spmd_command_table,
		.ncommands = spmd_command_count,
		.arg = &f->cmds,
	};
	f->srv = spmif_server_new(f->base, &so, err, sizeof(err));
	assert_non_null(f->srv);
	f->conn = spmif_server_attach(f->srv, conn_out, f, "test");
	assert_non_null(f->conn);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (!f->closed && f->conn)
		spmif_conn_close(f->conn);
	spmif_server_free(f->srv);
	rk_flush(f->k);
	spd_free(f->spd);
	rk_close(f->k);
	rcf_free(f->cfg);
	event_base_free(f->base);
	free(f);
	return 0;
}

/* Send bytes; return what the server wrote in answer. */
static const char *send_raw(struct fixture *f, const char *bytes)
{
	static char got[32768];
	size_t from = f->len;

	assert_non_null(f->conn);
	if (spmif_conn_feed(f->conn, bytes, strlen(bytes)) < 0)
		f->conn = NULL; /* the session ended and the framework freed it */
	snprintf(got, sizeof(got), "%s", f->out + from);
	return got;
}

static void login(struct fixture *f)
{
	char challenge[SPMIF_HASH_BUFLEN], resp[SPMIF_HASH_BUFLEN], line[128], err[64];

	assert_memory_equal(f->out, "220 ", 4);
	assert_int_equal(strlen(f->out), 4 + 40 + 2);
	memcpy(challenge, f->out + 4, 40);
	challenge[40] = '\0';
	assert_int_equal(spmif_login_response(challenge, PASSWORD, sizeof(PASSWORD) - 1, resp, err,
					      sizeof(err)),
			 0);
	snprintf(line, sizeof(line), "LOGIN %s\r\n", resp);
	assert_string_equal(send_raw(f, line), "250 OK\r\n");
}

static void test_need_login(void **state)
{
	struct fixture *f = *state;

	assert_string_equal(send_raw(f, "POLICY DUMP\r\n"), "550 need login\r\n");
	assert_string_equal(send_raw(f, "SLID 1\r\n"), "550 need login\r\n");
	assert_string_equal(send_raw(f, "MIGRATE a b c d e\r\n"), "550 need login\r\n");
	assert_string_equal(send_raw(f, "NS LIST\r\n"), "550 Need Login\r\n");
	assert_string_equal(send_raw(f, "QUIT\r\n"), "250 BYE\r\n");
}

static void test_transcript(void **state)
{
	struct fixture *f = *state;
	char line[128];

	login(f);
	assert_string_equal(send_raw(f,
				     "POLICY ADD rw_out 600 tunnel 203.0.113.0/26 203.0.113.9/32 "
				     "192.0.2.1 198.51.100.9\r\n"),
			    "250 Policy Added rw_out and rw_in\r\n");
	const char *dump = send_raw(f, "policy dump\r\n");
	/* 8 configured + out, in, fwd generated = 11 lines, the last with a space */
	size_t lines = 0;
	for (const char *p = dump; (p = strstr(p, "\r\n")); p += 2)
		lines++;
	assert_int_equal(lines, 11);
	const char *last = strstr(dump, "250 rw_in ");
	assert_non_null(last);
	snprintf(line, sizeof(line), "SLID %lu\r\n", strtoul(last + 10, NULL, 10));
	assert_string_equal(send_raw(f, line), "250 rw_in\r\n");
	assert_string_equal(send_raw(f, "MIGRATE rw_out 192.0.2.1 198.51.100.9 192.0.2.1 "
					"198.51.100.10\r\n"),
			    "250 Migrate rw_out\r\n");
	assert_string_equal(send_raw(f, "POLICY DELETE rw_out\r\n"), "250 Policy Deleted\r\n");
	assert_string_equal(
		send_raw(f, "POLICY ADD rw_out 0 TUNNEL 203.0.113.0/26 203.0.113.9\r\n"),
		"500 Syntax Error\r\n");
	assert_string_equal(send_raw(f, "POLICY ADD nope 0 transport 192.0.2.1 192.0.2.2\r\n"),
			    "550 Operation Failed, selector not found\r\n");
	assert_string_equal(send_raw(f, "SLIDE 99\r\n"), "551 No Such SPID(99)\r\n");
	assert_string_equal(send_raw(f, "STAT\r\n"),
			    "250-DNS QUERY = 0\r\n250-DNS RESPONSE = 0\r\n"
			    "250-DNS QUERY PROXY = 0\r\n250-DNS RESPONSE PROXY = 0\r\n"
			    "250-DNS EXPIRED QUERY = 0\r\n250-DNS DUP QUERY = 0\r\n"
			    "250-CACHE IP ADDRESS = 0\r\n250-CACHE FQDN = 0\r\n"
			    "250 CACHE TOTAL FQDN = 0\r\n");
	assert_string_equal(send_raw(f, "FROB\r\n"), "502 Command not implemented\r\n");
	assert_string_equal(send_raw(f, "EXIT\r\n"), "250 BYE\r\n");
}

static void test_pipelined_bare_lf(void **state)
{
	struct fixture *f = *state;

	login(f);
	/* three commands in one write, one of them split across two */
	assert_string_equal(send_raw(f, "SLID 4000000000\nPOLICY DELETE nosuch\r\nMIGR"),
			    "551 No Such SPID(4000000000)\r\n"
			    "550 Operation Failed, selector not found\r\n");
	assert_string_equal(send_raw(f, "ATE x 1 2 3\n"), "500 Syntax Error\r\n");
	assert_string_equal(send_raw(f, "POLICY DELETE drop_out\n"), "250 Policy Deleted\r\n");
	assert_string_equal(send_raw(f, "QUIT\n"), "250 BYE\r\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_need_login, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transcript, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pipelined_bare_lf, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
