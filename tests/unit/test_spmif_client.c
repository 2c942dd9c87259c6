/* The spmif clients against the spmif server with the test command table:
 * the asynchronous client on the same loop (login, queueing, one command
 * in flight, reply limits, spmd restart -> reconnect and "up" again), and
 * the blocking client against a server in a child process. */
#include "spmif_test.h"

#include <sys/wait.h>

#include "addr.h"
#include "log.h"
#include "spmif_client.h"

struct rec {
	int ups, downs;
	int n;
	enum spmif_status st[16];
	int code[16];
	char first[16][64];
	size_t nlines[16];
	struct spmif_client *free_me; /* freed from the first reply callback */
};

static void on_updown(bool up, void *arg)
{
	struct rec *r = arg;
	if (up)
		r->ups++;
	else
		r->downs++;
}

static void on_reply(enum spmif_status st, const struct spmif_reply *reply, void *arg)
{
	struct rec *r = arg;
	assert_true(r->n < 16);
	r->st[r->n] = st;
	if (st == SPMIF_REPLIED) {
		assert_non_null(reply);
		r->code[r->n] = reply->code;
		r->nlines[r->n] = reply->nlines;
		snprintf(r->first[r->n], sizeof(r->first[0]), "%s", spmif_reply_first(reply));
	} else {
		assert_null(reply);
	}
	r->n++;
	if (r->free_me) {
		struct spmif_client *c = r->free_me;
		r->free_me = NULL;
		spmif_client_free(c);
	}
}

static struct spmif_client *client_new(struct ts *t, struct rec *r, const unsigned char *pw,
				       size_t pwlen, size_t max_lines)
{
	char err[128];
	struct spmif_endpoint ep = {.unix_path = t->path};
	struct spmif_client_opts o = {
		.endpoints = &ep,
		.nendpoints = 1,
		.password = pw,
		.password_len = pwlen,
		.updown = on_updown,
		.updown_arg = r,
		.backoff_min_ms = 20,
		.backoff_max_ms = 80,
		.io_timeout_ms = 2000,
		.max_reply_lines = max_lines,
	};
	struct spmif_client *c = spmif_client_new(t->base, &o, err, sizeof(err));
	assert_non_null(c);
	return c;
}

/* Run the loop until *counter reaches want (or 3 s pass). */
static void wait_for(struct ts *t, const int *counter, int want)
{
	long until = now_ms() + 3000;
	while (*counter < want && now_ms() < until)
		pump(t->base, 5);
	assert_int_equal(*counter, want);
}

static void cmd(struct spmif_client *c, struct rec *r, const char *text)
{
	char err[128];
	int rc = spmif_client_command(c, on_reply, r, err, sizeof(err), "%s", text);
	if (rc < 0)
		print_error("%s\n", err);
	assert_int_equal(rc, 0);
}

static void async_login_and_queue(void **state)
{
	struct ts t;
	struct rec r = {0};
	(void)state;

	ts_start(&t);
	struct spmif_client *c = client_new(&t, &r, test_pw, TEST_PWLEN, 0);
	/* queued before the connection exists: sent after the login */
	cmd(c, &r, "SLID 11");
	cmd(c, &r, "STAT");
	cmd(c, &r, "SLID 12");
	cmd(c, &r, "POLICY DEL 1");
	assert_int_equal(r.n, 0); /* never called from inside the call */
	wait_for(&t, &r.n, 4);
	assert_int_equal(r.ups, 1);
	assert_true(spmif_client_is_up(c));
	assert_int_equal(t.max_open_reqs, 1); /* one command in flight */
	assert_int_equal(r.st[0], SPMIF_REPLIED);
	assert_string_equal(r.first[0], "11");
	assert_int_equal(r.nlines[1], 3);
	assert_string_equal(r.first[1], "DNS QUERY = 1");
	assert_string_equal(r.first[2], "12");
	assert_int_equal(r.code[3], 500);
	/* bad commands are refused at once */
	char err[128];
	assert_int_equal(spmif_client_command(c, on_reply, &r, err, sizeof(err), "A\r\nB"), -1);
	assert_non_null(strstr(err, "line break"));
	char big[SPMIF_CMD_MAX + 2];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(spmif_client_command(c, on_reply, &r, err, sizeof(err), "%s", big), -1);
	/* freeing cancels what is pending */
	cmd(c, &r, "SLID 13");
	cmd(c, &r, "STAT");
	spmif_client_free(c);
	assert_int_equal(r.n, 6);
	assert_int_equal(r.st[4], SPMIF_ERR_CANCELLED);
	assert_int_equal(r.st[5], SPMIF_ERR_CANCELLED);
	assert_int_equal(r.downs, 0);
	pump(t.base, 50);
	ts_stop(&t);
}

static void async_restart(void **state)
{
	struct ts t;
	struct rec r = {0};
	char err[256];
	(void)state;

	ts_start(&t);
	struct spmif_client *c = client_new(&t, &r, test_pw, TEST_PWLEN, 0);
	wait_for(&t, &r.ups, 1);
	assert_int_equal(spmif_client_logins(c), 1);
	cmd(c, &r, "SLID 21"); /* in flight when spmd goes */
	cmd(c, &r, "STAT");    /* queued */
	pump(t.base, 5);
	assert_non_null(t.deferred);

	/* spmd stops */
	spmif_server_free(t.srv);
	t.srv = NULL;
	wait_for(&t, &r.downs, 1);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.st[0], SPMIF_ERR_DOWN);
	assert_int_equal(r.st[1], SPMIF_ERR_DOWN);
	assert_false(spmif_client_is_up(c));
	assert_int_equal(spmif_client_command(c, on_reply, &r, err, sizeof(err), "STAT"), -1);
	assert_non_null(strstr(err, "not connected"));
	pump(t.base, 200); /* a few failed reconnects */
	assert_int_equal(r.ups, 1);

	/* spmd is back: the client logs in again and says "up" */
	struct spmif_server_opts o = {.password = test_pw,
				      .password_len = TEST_PWLEN,
				      .commands = test_cmds,
				      .ncommands = RC_ARRAY_SIZE(test_cmds),
				      .arg = &t};
	t.srv = spmif_server_new(t.base, &o, err, sizeof(err));
	assert_int_equal(spmif_server_listen_unix(t.srv, t.path, err, sizeof(err)), 0);
	wait_for(&t, &r.ups, 2);
	assert_int_equal(spmif_client_logins(c), 2);
	cmd(c, &r, "FQDN QUERY 192.0.2.1");
	wait_for(&t, &r.n, 3);
	assert_int_equal(r.st[2], SPMIF_REPLIED);
	assert_string_equal(r.first[2], "args=2 QUERY 192.0.2.1");
	spmif_client_free(c);
	ts_stop(&t);
}

static void async_wrong_password(void **state)
{
	struct ts t;
	struct rec r = {0};
	(void)state;

	rc_log_set_sink(NULL, NULL);
	ts_start(&t);
	struct spmif_client *c = client_new(&t, &r, (const unsigned char *)"nope\n", 5, 0);
	cmd(c, &r, "STAT");
	wait_for(&t, &r.n, 1);
	assert_int_equal(r.st[0], SPMIF_ERR_DOWN);
	pump(t.base, 100);
	assert_int_equal(r.ups, 0);
	assert_int_equal(spmif_client_logins(c), 0);
	/* the right password from the next attempt on */
	spmif_client_set_password(c, test_pw, TEST_PWLEN);
	wait_for(&t, &r.ups, 1);
	spmif_client_free(c);
	ts_stop(&t);
}

static void async_reply_limit(void **state)
{
	struct ts t;
	struct rec r = {0};
	(void)state;

	ts_start(&t);
	t.big_lines = 11;
	struct spmif_client *c = client_new(&t, &r, test_pw, TEST_PWLEN, 10);
	cmd(c, &r, "MIGRATE");
	wait_for(&t, &r.n, 1);
	assert_int_equal(r.st[0], SPMIF_ERR_PROTO);
	wait_for(&t, &r.ups, 2); /* dropped and re-established */
	t.big_lines = 10;
	cmd(c, &r, "MIGRATE");
	wait_for(&t, &r.n, 2);
	assert_int_equal(r.st[1], SPMIF_REPLIED);
	assert_int_equal(r.nlines[1], 10);
	spmif_client_free(c);
	ts_stop(&t);
}

static void async_free_in_callback(void **state)
{
	struct ts t;
	struct rec r = {0};
	(void)state;

	ts_start(&t);
	struct spmif_client *c = client_new(&t, &r, test_pw, TEST_PWLEN, 0);
	cmd(c, &r, "STAT");
	cmd(c, &r, "STAT");
	cmd(c, &r, "STAT");
	r.free_me = c;
	wait_for(&t, &r.n, 3);
	assert_int_equal(r.st[0], SPMIF_REPLIED);
	assert_int_equal(r.st[1], SPMIF_ERR_CANCELLED);
	assert_int_equal(r.st[2], SPMIF_ERR_CANCELLED);
	pump(t.base, 20);
	ts_stop(&t);
}

/* spmd not there yet: commands fail, the client keeps trying, and
 * connects once spmd listens; a dead first endpoint is skipped. */
static void async_spmd_later(void **state)
{
	struct ts t;
	struct rec r = {0};
	char err[256], dead[128];
	(void)state;

	ts_start(&t);
	spmif_server_free(t.srv);
	snprintf(dead, sizeof(dead), "%s/none", t.dir);
	struct spmif_endpoint eps[2] = {{.unix_path = dead}, {.unix_path = t.path}};
	struct spmif_client_opts co = {.endpoints = eps,
				       .nendpoints = 2,
				       .password = test_pw,
				       .password_len = TEST_PWLEN,
				       .updown = on_updown,
				       .updown_arg = &r,
				       .backoff_min_ms = 20,
				       .backoff_max_ms = 40};
	struct spmif_client *c = spmif_client_new(t.base, &co, err, sizeof(err));
	cmd(c, &r, "STAT");
	wait_for(&t, &r.n, 1);
	assert_int_equal(r.st[0], SPMIF_ERR_DOWN);
	pump(t.base, 100);
	struct spmif_server_opts o = {.password = test_pw,
				      .password_len = TEST_PWLEN,
				      .commands = test_cmds,
				      .ncommands = RC_ARRAY_SIZE(test_cmds),
				      .arg = &t};
	t.srv = spmif_server_new(t.base, &o, err, sizeof(err));
	assert_int_equal(spmif_server_listen_unix(t.srv, t.path, err, sizeof(err)), 0);
	wait_for(&t, &r.ups, 1);
	assert_int_equal(r.downs, 0);
	spmif_client_free(c);
	ts_stop(&t);
}

/* spmd that stops answering a command: the client gives up on it after
 * the I/O timeout and reconnects. */
static void async_io_timeout(void **state)
{
	struct ts t;
	struct rec r = {0};
	char err[128];
	(void)state;

	ts_start(&t);
	struct spmif_endpoint ep = {.unix_path = t.path};
	struct spmif_client_opts o = {.endpoints = &ep,
				      .nendpoints = 1,
				      .password = test_pw,
				      .password_len = TEST_PWLEN,
				      .updown = on_updown,
				      .updown_arg = &r,
				      .backoff_min_ms = 20,
				      .io_timeout_ms = 100};
	struct spmif_client *c = spmif_client_new(t.base, &o, err, sizeof(err));
	cmd(c, &r, "SLID never");
	cmd(c, &r, "STAT");
	wait_for(&t, &r.n, 2);
	assert_int_equal(r.st[0], SPMIF_ERR_DOWN);
	assert_int_equal(r.st[1], SPMIF_ERR_DOWN);
	assert_int_equal(r.downs, 1);
	/* the server answers the dead session late; nobody minds */
	spmif_reply(t.deferred, SPMIF_OK, "late");
	t.deferred = NULL;
	wait_for(&t, &r.ups, 2);
	spmif_client_free(c);
	ts_stop(&t);
}

/* The debug transport: TCP on loopback, for both clients. */
static void over_tcp(void **state)
{
	struct ts t;
	struct rec r = {0};
	char err[256];
	unsigned port = 0;
	(void)state;

	ts_start(&t);
	struct spmif_endpoint ep = {0};
	assert_int_equal(rc_addr_parse("127.0.0.1", &ep.tcp, err, sizeof(err)), 0);
	assert_int_equal(spmif_server_listen_tcp(t.srv, &ep.tcp, &port, err, sizeof(err)), 0);
	ep.tcp.port = (uint16_t)port;
	struct spmif_client_opts o = {.endpoints = &ep,
				      .nendpoints = 1,
				      .password = test_pw,
				      .password_len = TEST_PWLEN,
				      .updown = on_updown,
				      .updown_arg = &r};
	struct spmif_client *c = spmif_client_new(t.base, &o, err, sizeof(err));
	cmd(c, &r, "NS LIST");
	wait_for(&t, &r.n, 1);
	assert_int_equal(r.st[0], SPMIF_REPLIED);
	assert_string_equal(r.first[0], "192.0.2.53");
	assert_int_equal(r.ups, 1);
	spmif_client_free(c);
	ts_stop(&t);
}

/* Past max_clients, a new connection is closed at once. */
static void max_clients(void **state)
{
	struct ts t;
	struct tc a, b;
	struct spmif_server_opts o = {.max_clients = 1};
	(void)state;

	ts_start_opts(&t, &o);
	tc_connect(&a, &t);
	tc_login(&a);
	tc_connect(&b, &t);
	assert_true(tc_closed(&b, 2000));
	assert_int_equal(b.len, 0);
	tc_close(&b);
	tc_send(&a, "STAT\r\n");
	char *rep = tc_reply(&a);
	assert_memory_equal(rep, "250-DNS QUERY = 1\r\n", 19);
	free(rep);
	tc_close(&a);
	ts_stop(&t);
}

/* ---- the blocking client ---- */

static pid_t server_child(struct ts *t)
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	ts_start(t);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		assert_int_equal(write(p[1], "x", 1), 1);
		close(p[1]);
		event_base_dispatch(t->base);
		_exit(0);
	}
	close(p[1]);
	char x;
	assert_int_equal(read(p[0], &x, 1), 1);
	close(p[0]);
	return pid;
}

static void server_child_stop(struct ts *t, pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	ts_stop(t);
}

static char dbg[4096];
static void dbg_capture(enum spmif_debug_kind kind, const char *text, void *arg)
{
	FILE *f = fmemopen(dbg + strlen(dbg), sizeof(dbg) - strlen(dbg), "w");
	(void)arg;
	spmif_debug_print(kind, text, f);
	fclose(f);
}

static void sync_client(void **state)
{
	struct ts t;
	char err[256];
	struct spmif_reply r;
	(void)state;

	pid_t pid = server_child(&t);
	struct spmif_endpoint ep = {.unix_path = t.path};
	dbg[0] = '\0';
	struct spmif_sync *s =
		spmif_sync_connect(&ep, 1, 2000, dbg_capture, NULL, err, sizeof(err));
	assert_non_null(s);
	assert_int_equal(strlen(spmif_sync_challenge(s)), 40);
	assert_int_equal(spmif_sync_login(s, test_pw, TEST_PWLEN, err, sizeof(err)), 0);
	assert_int_equal(spmif_sync_command(s, &r, err, sizeof(err), "STAT"), 0);
	assert_true(spmif_reply_ok(&r));
	assert_int_equal(r.nlines, 3);
	assert_string_equal(r.lines[2], "CACHE TOTAL FQDN = 3");
	spmif_reply_clear(&r);
	assert_int_equal(spmif_sync_command(s, &r, err, sizeof(err), "POLICY %s", "DEL"), 0);
	assert_false(spmif_reply_ok(&r));
	assert_int_equal(r.code, 500);
	spmif_reply_clear(&r);
	assert_int_equal(spmif_sync_command(s, &r, err, sizeof(err), "SLID 5"), 0);
	assert_string_equal(spmif_reply_first(&r), "5");
	spmif_reply_clear(&r);
	assert_int_equal(spmif_sync_command(s, &r, err, sizeof(err), "X\rY"), -1);
	assert_int_equal(spmif_sync_quit(s, err, sizeof(err)), 0);
	spmif_sync_close(s);
	assert_non_null(strstr(dbg, "password=>7365637265740A\n"));
	assert_non_null(strstr(dbg, "challenge=>"));
	assert_non_null(strstr(dbg, "hash="));
	assert_non_null(strstr(dbg, "[MSG FROM SPMD] 220 "));
	assert_non_null(strstr(dbg, "[MSG   TO SPMD] LOGIN "));
	assert_non_null(strstr(dbg, "[MSG FROM SPMD] 250 OK\n"));
	assert_non_null(strstr(dbg, "[MSG   TO SPMD] STAT\n[MSG FROM SPMD] 250-DNS QUERY = 1\n"));
	assert_non_null(strstr(dbg, "[MSG   TO SPMD] QUIT\n[MSG FROM SPMD] 250 BYE\n"));

	/* wrong password */
	s = spmif_sync_connect(&ep, 1, 2000, NULL, NULL, err, sizeof(err));
	assert_non_null(s);
	assert_int_equal(spmif_sync_login(s, (const unsigned char *)"x", 1, err, sizeof(err)), -1);
	assert_string_equal(err, "login refused by spmd: 550 FAILED(Internal Error)");
	spmif_sync_close(s);
	server_child_stop(&t, pid);

	/* nobody listening */
	s = spmif_sync_connect(&ep, 1, 500, NULL, NULL, err, sizeof(err));
	assert_null(s);
	assert_non_null(strstr(err, "cannot connect to spmd at /tmp/spmif-test-"));
}

/* A server that stops answering: the blocking client times out. */
static void sync_timeout(void **state)
{
	struct ts t;
	char err[256];
	(void)state;

	ts_start(&t); /* listening, but its loop never runs: no greeting */
	struct spmif_endpoint ep = {.unix_path = t.path};
	long t0 = now_ms();
	struct spmif_sync *s = spmif_sync_connect(&ep, 1, 100, NULL, NULL, err, sizeof(err));
	assert_null(s);
	assert_true(now_ms() - t0 < 1000);
	assert_non_null(strstr(err, "did not answer"));
	ts_stop(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(async_login_and_queue),
		cmocka_unit_test(async_restart),
		cmocka_unit_test(async_wrong_password),
		cmocka_unit_test(async_reply_limit),
		cmocka_unit_test(async_free_in_callback),
		cmocka_unit_test(async_spmd_later),
		cmocka_unit_test(async_io_timeout),
		cmocka_unit_test(over_tcp),
		cmocka_unit_test(max_clients),
		cmocka_unit_test(sync_client),
		cmocka_unit_test(sync_timeout),
	};
	rc_log_ratelimit_config(1000, 60);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
