/* spmif wire helpers and golden server transcripts (compat §3.1-§3.3). */
#include "spmif_test.h"

#include "addr.h"
#include "log.h"

/* ---- wire helpers ---- */

static void login_vector(void **state)
{
	char out[SPMIF_HASH_BUFLEN];
	const char *ch = "0123456789ABCDEF0123456789ABCDEF01234567";
	(void)state;

	assert_int_equal(spmif_login_response(ch, test_pw, TEST_PWLEN, out, NULL, 0), 0);
	assert_string_equal(out, "7B255FE0322219F9E91F5641F3C8401D108AF919");
	assert_true(spmif_login_check(ch, test_pw, TEST_PWLEN,
				      "7B255FE0322219F9E91F5641F3C8401D108AF919"));
	/* QUIRK: extra characters after the 40 are accepted */
	assert_true(spmif_login_check(ch, test_pw, TEST_PWLEN,
				      "7B255FE0322219F9E91F5641F3C8401D108AF919XYZ"));
	assert_false(spmif_login_check(ch, test_pw, TEST_PWLEN,
				       "7B255FE0322219F9E91F5641F3C8401D108AF918"));
	assert_false(spmif_login_check(ch, test_pw, TEST_PWLEN,
				       "7B255FE0322219F9E91F5641F3C8401D108AF91"));
	/* lowercase is a different string: racoon2 compared bytes */
	assert_false(spmif_login_check(ch, test_pw, TEST_PWLEN,
				       "7b255fe0322219f9e91f5641f3c8401d108af919"));
	/* the trailing newline is part of the password */
	assert_false(spmif_login_check(ch, test_pw, TEST_PWLEN - 1,
				       "7B255FE0322219F9E91F5641F3C8401D108AF919"));
	assert_false(spmif_login_check("", test_pw, TEST_PWLEN,
				       "7B255FE0322219F9E91F5641F3C8401D108AF919"));
	assert_false(spmif_login_check(ch, test_pw, TEST_PWLEN, NULL));
}

static void challenge_format(void **state)
{
	char a[SPMIF_HASH_BUFLEN], b[SPMIF_HASH_BUFLEN];
	(void)state;

	assert_int_equal(spmif_challenge_new(a, NULL, 0), 0);
	assert_int_equal(spmif_challenge_new(b, NULL, 0), 0);
	assert_int_equal(strlen(a), 40);
	assert_int_equal(strspn(a, "0123456789ABCDEF"), 40);
	assert_string_not_equal(a, b);
}

static void word_matching(void **state)
{
	(void)state;
	assert_true(spmif_word_match("STAT", "STAT"));
	assert_true(spmif_word_match("STATUS", "STAT"));
	assert_true(spmif_word_match("stat", "STAT"));
	assert_true(spmif_word_match("LISTING", "LIST"));
	assert_true(spmif_word_match("deleteme", "DELETE"));
	assert_false(spmif_word_match("DEL", "DELETE"));
	assert_false(spmif_word_match("STA", "STAT"));
	assert_false(spmif_word_match("", "NS"));
	assert_false(spmif_word_match("XNS", "NS"));
}

static int tok(const char *in, char *words)
{
	char line[256], *argv[SPMIF_MAX_WORDS];
	snprintf(line, sizeof(line), "%s", in);
	int n = spmif_tokenize(line, argv, SPMIF_MAX_WORDS);
	words[0] = '\0';
	for (int i = 0; i < n; i++) {
		strcat(words, i ? "|" : "");
		strcat(words, argv[i]);
	}
	return n;
}

/* Appendix A's tokenizer table, after framing removed the LF. */
static void tokenizer(void **state)
{
	char w[256];
	(void)state;

	assert_int_equal(tok("MIGRATE s a b c d\r", w), 6);
	assert_string_equal(w, "MIGRATE|s|a|b|c|d");
	assert_int_equal(tok("POLICY ADD s 0 transport 1.1.1.1/32 2.2.2.2/32\r", w), 7);
	/* bare LF: no extra "\n" word any more (§10.2.6) */
	assert_int_equal(tok("NS LIST", w), 2);
	assert_string_equal(w, "NS|LIST");
	assert_int_equal(tok("STAT \r", w), 1);
	assert_int_equal(tok("  LOGIN  ABC\r", w), 2);
	assert_string_equal(w, "LOGIN|ABC");
	assert_int_equal(tok("\tNS\t\tLIST\t", w), 2);
	/* parsing stops at the first CR */
	assert_int_equal(tok("NS LIST\rDELETE x", w), 2);
	assert_int_equal(tok("NS\rLIST", w), 1);
	assert_int_equal(tok("", w), 0);
	assert_int_equal(tok("   \r", w), 0);

	char line[256] = "", *argv[4];
	for (int i = 0; i < 5; i++)
		strcat(line, "w ");
	assert_int_equal(spmif_tokenize(line, argv, 4), -1);
}

static void reply_lines(void **state)
{
	char buf[64];
	int code;
	bool more;
	const char *text;
	size_t tl;
	(void)state;

	assert_int_equal(spmif_format_reply_line(buf, sizeof(buf), 250, true, "a b"), 9);
	assert_string_equal(buf, "250-a b\r\n");
	assert_int_equal(spmif_format_reply_line(buf, sizeof(buf), 550, false, "x\r\n551 y"), 14);
	assert_string_equal(buf, "550 x??551 y\r\n");
	assert_int_equal(spmif_format_reply_line(buf, sizeof(buf), 99, false, "x"), -1);
	assert_int_equal(spmif_format_reply_line(buf, 8, 250, false, "toolong"), -1);

	assert_int_equal(spmif_parse_reply_line("250-abc\r", 8, &code, &more, &text, &tl), 0);
	assert_int_equal(code, 250);
	assert_true(more);
	assert_int_equal(tl, 3);
	assert_memory_equal(text, "abc", 3);
	assert_int_equal(spmif_parse_reply_line("250", 3, &code, &more, &text, &tl), 0);
	assert_false(more);
	assert_int_equal(tl, 0);
	assert_int_equal(spmif_parse_reply_line("251xNo", 6, &code, &more, &text, &tl), 0);
	assert_false(more);
	assert_int_equal(spmif_parse_reply_line("25", 2, &code, &more, &text, &tl), -1);
	assert_int_equal(spmif_parse_reply_line("2x0 a", 5, &code, &more, &text, &tl), -1);

	struct spmif_reply r;
	spmif_reply_init(&r);
	assert_int_equal(spmif_reply_add_line(&r, "250-a", 5, 10, 100, NULL, 0), 0);
	assert_int_equal(spmif_reply_add_line(&r, "250-b\r", 6, 10, 100, NULL, 0), 0);
	assert_int_equal(spmif_reply_add_line(&r, "250 c", 5, 10, 100, NULL, 0), 1);
	assert_int_equal(r.nlines, 3);
	assert_string_equal(r.lines[1], "b");
	assert_string_equal(spmif_reply_first(&r), "a");
	assert_true(spmif_reply_ok(&r));
	assert_int_equal(spmif_reply_add_line(&r, "250 d", 5, 10, 100, NULL, 0), -1);
	spmif_reply_clear(&r);

	char err[128];
	assert_int_equal(spmif_reply_add_line(&r, "250-a", 5, 1, 100, NULL, 0), 0);
	assert_int_equal(spmif_reply_add_line(&r, "250 b", 5, 1, 100, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "more than 1 lines"));
	spmif_reply_clear(&r);
	assert_int_equal(spmif_reply_add_line(&r, "550 no", 6, 1, 4, err, sizeof(err)), -1);
	assert_int_equal(spmif_reply_add_line(&r, "bad", 3, 1, 100, err, sizeof(err)), -1);
	assert_int_equal(spmif_reply_add_line(&r, "550 no", 6, 1, 100, NULL, 0), 1);
	assert_false(spmif_reply_ok(&r));
	spmif_reply_clear(&r);
}

/* ---- transcripts ---- */

static void login_transcripts(void **state)
{
	struct ts t;
	struct tc c;
	char resp[SPMIF_HASH_BUFLEN], line[128];
	(void)state;

	ts_start(&t);
	/* right password, then a second LOGIN on the same connection */
	tc_connect(&c, &t);
	tc_greeting(&c);
	spmif_login_response(c.challenge, test_pw, TEST_PWLEN, resp, NULL, 0);
	snprintf(line, sizeof(line), "LOGIN %s\r\n", resp);
	tc_send(&c, line);
	assert_reply(&c, "250 OK\r\n");
	tc_send(&c, line);
	assert_reply(&c, "550 FAILED(Internal Error)\r\n");
	tc_send(&c, "STAT\r\n"); /* still logged in */
	assert_reply(&c,
		     "250-DNS QUERY = 1\r\n250-DNS RESPONSE = 2\r\n250 CACHE TOTAL FQDN = 3\r\n");
	tc_close(&c);

	/* extra characters after the hash are accepted (QUIRK) */
	tc_connect(&c, &t);
	tc_greeting(&c);
	spmif_login_response(c.challenge, test_pw, TEST_PWLEN, resp, NULL, 0);
	snprintf(line, sizeof(line), "  login %sEXTRA\r\n", resp);
	tc_send(&c, line);
	assert_reply(&c, "250 OK\r\n");
	tc_close(&c);

	/* wrong password: failed, the challenge is gone, need-login replies */
	tc_connect(&c, &t);
	tc_greeting(&c);
	tc_send(&c, "LOGIN 0000000000000000000000000000000000000000\r\n");
	assert_reply(&c, "550 FAILED(Internal Error)\r\n");
	spmif_login_response(c.challenge, test_pw, TEST_PWLEN, resp, NULL, 0);
	snprintf(line, sizeof(line), "LOGIN %s\r\n", resp);
	tc_send(&c, line);
	assert_reply(&c, "550 FAILED(Internal Error)\r\n");
	tc_send(&c, "NS LIST\r\n");
	assert_reply(&c, "550 Need Login\r\n");
	tc_send(&c, "STAT\r\n");
	assert_reply(&c, "550 need login\r\n");
	tc_send(&c, "POLICY DUMP\r\n");
	assert_reply(&c, "550 need login\r\n");
	tc_send(&c, "HELLO\r\n");
	assert_reply(&c, "502 Command not implemented\r\n");
	tc_send(&c, "QUIT\r\n");
	assert_reply(&c, "250 BYE\r\n");
	assert_true(tc_closed(&c, 2000));
	tc_close(&c);

	/* wrong argument counts */
	tc_connect(&c, &t);
	tc_greeting(&c);
	snprintf(line, sizeof(line), "LOGIN %s %s\r\n", resp, resp);
	tc_send(&c, line);
	assert_reply(&c, "550 FAILED(Internal Error)\r\n");
	tc_close(&c);
	tc_connect(&c, &t);
	tc_greeting(&c);
	tc_send(&c, "LOGIN\r\n");
	assert_reply(&c, "550 FAILED(Internal Error)\r\n");
	tc_close(&c);
	ts_stop(&t);
}

static void command_transcripts(void **state)
{
	struct ts t;
	struct tc c;
	(void)state;

	ts_start(&t);
	tc_connect(&c, &t);
	tc_login(&c);
	/* prefix matching, both for commands and subcommands */
	tc_send(&c, "STATUS\r\n");
	assert_reply(&c,
		     "250-DNS QUERY = 1\r\n250-DNS RESPONSE = 2\r\n250 CACHE TOTAL FQDN = 3\r\n");
	tc_send(&c, "ns listing\r\n");
	assert_reply(&c, "250-192.0.2.53\r\n250 198.51.100.53\r\n");
	tc_send(&c, "POLICY DEL 1\r\n");
	assert_reply(&c, "500 Syntax Error\r\n");
	tc_send(&c, "POLICY DELETE 1\r\n");
	assert_reply(&c, "250 Policy Deleted\r\n");
	tc_send(&c, "POLICY DUMP\r\n");
	assert_reply(&c, "251 NO Policy Exists\r\n");
	tc_send(&c, "STA\r\n");
	assert_reply(&c, "502 Command not implemented\r\n");
	tc_send(&c, "HELLO world\r\n");
	assert_reply(&c, "502 Command not implemented\r\n");
	tc_send(&c, "\r\n");
	assert_reply(&c, "500 Syntax Error\r\n");
	tc_send(&c, "STAT \r\n"); /* a trailing blank is no argument */
	assert_reply(&c,
		     "250-DNS QUERY = 1\r\n250-DNS RESPONSE = 2\r\n250 CACHE TOTAL FQDN = 3\r\n");
	/* bare LF ends a line and adds no "\n" argument (§10.2.6) */
	tc_send(&c, "FQDN LIST\n");
	assert_reply(&c, "250 args=1 LIST\r\n");
	tc_send(&c, "FQDN  a\tb   c \r\n");
	assert_reply(&c, "250 args=3 a b c\r\n");
	/* the text after a CR in the middle of a line is ignored */
	tc_send(&c, "FQDN a\rb c\r\n");
	assert_reply(&c, "250 args=1 a\r\n");
	/* too many words */
	tc_send(&c, "FQDN 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 "
		    "28 29 30 31 32\r\n");
	assert_reply(&c, "500 Syntax Error\r\n");
	/* EXIT ends the session like QUIT */
	tc_send(&c, "exit\r\n");
	assert_reply(&c, "250 BYE\r\n");
	assert_true(tc_closed(&c, 2000));
	tc_close(&c);
	ts_stop(&t);
}

static void framing(void **state)
{
	struct ts t;
	struct tc c;
	(void)state;

	ts_start(&t);
	tc_connect(&c, &t);
	tc_login(&c);
	/* pipelined: three commands in one write, answered in order */
	tc_send(&c, "POLICY DUMP\r\nNS LIST\nFQDN x y\r\n");
	assert_reply(&c, "251 NO Policy Exists\r\n");
	assert_reply(&c, "250-192.0.2.53\r\n250 198.51.100.53\r\n");
	assert_reply(&c, "250 args=2 x y\r\n");
	/* pipelined behind a deferred command: one request open at a time */
	tc_send(&c, "SLID 7\r\nSLID 8\r\nFQDN z\r\n");
	assert_reply(&c, "250 7\r\n");
	assert_reply(&c, "250 8\r\n");
	assert_reply(&c, "250 args=1 z\r\n");
	assert_int_equal(t.max_open_reqs, 1);
	/* one command split over many writes, CR and LF apart */
	const char *cmd = "FQDN split\r\n";
	for (size_t i = 0; i < strlen(cmd); i++) {
		tc_send_n(&c, cmd + i, 1);
		pump(t.base, 3);
		char *none = tc_reply_wait(&c, 1);
		if (i + 1 < strlen(cmd))
			assert_string_equal(none, "");
		else
			assert_string_equal(none, "250 args=1 split\r\n");
		free(none);
	}
	/* an over-long line, in one piece and in several: one 500 each,
	 * the rest of the line discarded, the connection kept */
	char big[3000];
	memset(big, 'A', sizeof(big));
	tc_send_n(&c, big, sizeof(big));
	tc_send(&c, "\r\nSTAT\r\n");
	assert_reply(&c, "500 Line too long\r\n");
	assert_reply(&c,
		     "250-DNS QUERY = 1\r\n250-DNS RESPONSE = 2\r\n250 CACHE TOTAL FQDN = 3\r\n");
	for (int i = 0; i < 5; i++) {
		tc_send_n(&c, big, sizeof(big));
		pump(t.base, 5);
	}
	tc_send(&c, "still the long line\nFQDN after\r\n");
	assert_reply(&c, "500 Line too long\r\n");
	assert_reply(&c, "250 args=1 after\r\n");
	/* exactly the limit is fine, one more is not */
	char line[SPMIF_LINE_MAX + 8];
	memset(line, 'x', sizeof(line));
	memcpy(line, "FQDN ", 5);
	memcpy(line + SPMIF_LINE_MAX, "\r\n", 2);
	tc_send_n(&c, line, SPMIF_LINE_MAX + 2);
	char *r = tc_reply(&c);
	assert_memory_equal(r, "250 args=1 xxx", 14);
	free(r);
	line[SPMIF_LINE_MAX] = 'x';
	memcpy(line + SPMIF_LINE_MAX + 1, "\n", 1);
	tc_send_n(&c, line, SPMIF_LINE_MAX + 2);
	assert_reply(&c, "500 Line too long\r\n");
	tc_send(&c, "QUIT\r\n");
	assert_reply(&c, "250 BYE\r\n");
	tc_close(&c);
	ts_stop(&t);
}

/* A client that goes away with a command open does not disturb the
 * others; the late reply is dropped. */
static void disconnect_mid_command(void **state)
{
	struct ts t;
	struct tc a, b;
	(void)state;

	ts_start(&t);
	tc_connect(&a, &t);
	tc_login(&a);
	tc_connect(&b, &t);
	tc_login(&b);
	assert_int_equal(spmif_server_nclients(t.srv), 2);
	tc_send(&a, "SLID 42\r\nSTAT\r\n");
	pump(t.base, 5);
	assert_int_equal(t.slid_seen, 1);
	assert_non_null(t.deferred);
	tc_close(&a);
	tc_send(&b, "NS LIST\r\n");
	assert_reply(&b, "250-192.0.2.53\r\n250 198.51.100.53\r\n");
	pump(t.base, 60); /* the late reply is given and dropped */
	assert_null(t.deferred);
	assert_int_equal(spmif_server_nclients(t.srv), 1);
	/* a half-written command, then gone */
	tc_connect(&a, &t);
	tc_login(&a);
	tc_send(&a, "POLICY ADD 1 0 trans");
	pump(t.base, 5);
	tc_close(&a);
	pump(t.base, 5);
	assert_int_equal(spmif_server_nclients(t.srv), 1);
	tc_send(&b, "SLID 9\r\n");
	assert_reply(&b, "250 9\r\n");
	/* a client that shuts down its sending side still gets its answers */
	tc_connect(&a, &t);
	tc_login(&a);
	tc_send(&a, "SLID 10\r\nFQDN q\r\n");
	shutdown(a.fd, SHUT_WR);
	assert_reply(&a, "250 10\r\n");
	assert_reply(&a, "250 args=1 q\r\n");
	assert_true(tc_closed(&a, 2000));
	tc_close(&a);
	tc_close(&b);
	pump(t.base, 5);
	assert_int_equal(spmif_server_nclients(t.srv), 0);
	ts_stop(&t);
}

/* A client that sends but never reads is dropped; spmd never blocks. */
static void output_cap(void **state)
{
	struct ts t;
	struct tc a, b;
	struct spmif_server_opts o = {.max_output = 64 * 1024};
	(void)state;

	ts_start_opts(&t, &o);
	t.big_lines = 2000; /* ~200 KB a reply */
	tc_connect(&a, &t);
	tc_login(&a);
	tc_connect(&b, &t);
	tc_login(&b);
	for (int i = 0; i < 20; i++) {
		send(a.fd, "MIGRATE\r\n", 9, MSG_NOSIGNAL);
		pump(t.base, 5);
	}
	pump(t.base, 20);
	assert_int_equal(spmif_server_nclients(t.srv), 1);
	tc_send(&b, "POLICY DUMP\r\n");
	assert_reply(&b, "251 NO Policy Exists\r\n");
	tc_close(&a);
	tc_close(&b);
	ts_stop(&t);
}

/* A client that pipelines faster than it reads: commands are held back
 * while its output is large, and it still gets every reply. */
static void slow_reader(void **state)
{
	struct ts t;
	struct tc a, b;
	(void)state;

	ts_start(&t);
	t.big_lines = 500; /* ~50 KB a reply, 1.5 MB in all */
	tc_connect(&a, &t);
	tc_login(&a);
	tc_connect(&b, &t);
	tc_login(&b);
	for (int i = 0; i < 30; i++)
		tc_send(&a, "MIGRATE\r\n");
	pump(t.base, 50);
	assert_true(t.migrate_seen < 30);
	tc_send(&b, "POLICY DUMP\r\n");
	assert_reply(&b, "251 NO Policy Exists\r\n");
	for (int i = 0; i < 30; i++) {
		char *r = tc_reply(&a);
		size_t n = strlen(r);
		assert_true(n > 50000);
		assert_string_equal(r + n - 18, "250 Migrate done\r\n");
		free(r);
	}
	assert_int_equal(t.migrate_seen, 30);
	assert_int_equal(spmif_server_nclients(t.srv), 2);
	tc_close(&a);
	tc_close(&b);
	ts_stop(&t);
}

/* A client that stops reading altogether is dropped after the stall
 * timeout, while the others go on. */
static void stalled_reader(void **state)
{
	struct ts t;
	struct tc a, b;
	struct spmif_server_opts o = {.stall_timeout_ms = 200};
	(void)state;

	ts_start_opts(&t, &o);
	t.big_lines = 20000; /* ~2 MB: more than the socket buffers hold */
	tc_connect(&a, &t);
	tc_login(&a);
	tc_connect(&b, &t);
	tc_login(&b);
	tc_send(&a, "MIGRATE\r\n");
	pump(t.base, 100);
	assert_int_equal(spmif_server_nclients(t.srv), 2);
	long until = now_ms() + 3000;
	while (spmif_server_nclients(t.srv) == 2 && now_ms() < until)
		pump(t.base, 10);
	assert_int_equal(spmif_server_nclients(t.srv), 1);
	tc_send(&b, "POLICY DUMP\r\n");
	assert_reply(&b, "251 NO Policy Exists\r\n");
	tc_close(&a);
	tc_close(&b);
	ts_stop(&t);
}

static int n_failed_logs;
static void log_sink(enum rc_log_tag tag, const char *line, void *arg)
{
	(void)tag;
	(void)arg;
	if (strstr(line, "failed login"))
		n_failed_logs++;
}

static long failed_login_ms(struct ts *t)
{
	struct tc c;
	tc_connect(&c, t);
	tc_greeting(&c);
	long t0 = now_ms();
	tc_send(&c, "LOGIN 0000000000000000000000000000000000000000\r\n");
	assert_reply(&c, "550 FAILED(Internal Error)\r\n");
	long dt = now_ms() - t0;
	tc_close(&c);
	return dt;
}

static void login_delay_and_log(void **state)
{
	struct ts t;
	struct spmif_server_opts o = {.login_delay_ms = 100, .login_delay_max_ms = 250};
	(void)state;

	rc_log_set_sink(log_sink, NULL);
	ts_start_opts(&t, &o);
	n_failed_logs = 0;
	long d1 = failed_login_ms(&t);
	long d2 = failed_login_ms(&t);
	long d3 = failed_login_ms(&t);
	assert_true(d1 >= 95);
	assert_true(d2 >= 195);
	assert_true(d3 >= 245 && d3 < 2000);
	assert_int_equal(n_failed_logs, 3);
	/* a right login still works, and is answered at once */
	struct tc c;
	tc_connect(&c, &t);
	long t0 = now_ms();
	tc_login(&c);
	assert_true(now_ms() - t0 < 240); /* below the 250 ms the next failure costs */
	tc_close(&c);
	ts_stop(&t);
	rc_log_set_sink(NULL, NULL);
}

static void listeners(void **state)
{
	struct ts t;
	char err[256], path[96];
	(void)state;

	ts_start(&t);
	/* a live server on the path is not replaced */
	struct spmif_server_opts o = {.password = test_pw, .password_len = TEST_PWLEN};
	struct spmif_server *s2 = spmif_server_new(t.base, &o, err, sizeof(err));
	assert_int_equal(spmif_server_listen_unix(s2, t.path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "another server"));
	/* a file that is not a socket is not removed */
	snprintf(path, sizeof(path), "%s/plain", t.dir);
	close(open(path, O_CREAT | O_WRONLY, 0600));
	assert_int_equal(spmif_server_listen_unix(s2, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a socket"));
	unlink(path);
	/* a stale socket is */
	snprintf(path, sizeof(path), "%s/stale", t.dir);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(fd);
	assert_int_equal(spmif_server_listen_unix(s2, path, err, sizeof(err)), 0);
	/* the parent directory must be private */
	chmod(t.dir, 0755);
	snprintf(path, sizeof(path), "%s/open", t.dir);
	assert_int_equal(spmif_server_listen_unix(s2, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "directory"));
	chmod(t.dir, 0700);
	/* TCP: loopback only */
	struct rc_addr a;
	unsigned port = 0;
	assert_int_equal(rc_addr_parse("192.0.2.1", &a, err, sizeof(err)), 0);
	assert_int_equal(spmif_server_listen_tcp(s2, &a, &port, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "loopback"));
	assert_int_equal(rc_addr_parse("127.0.0.1", &a, err, sizeof(err)), 0);
	assert_int_equal(spmif_server_listen_tcp(s2, &a, &port, err, sizeof(err)), 0);
	assert_true(port > 0);
	spmif_server_free(s2);
	/* free removed its own socket */
	snprintf(path, sizeof(path), "%s/stale", t.dir);
	assert_int_equal(access(path, F_OK), -1);
	ts_stop(&t);
}

/* ---- attached sessions (what the fuzzer drives) ---- */

struct sink {
	char buf[4096];
	size_t len;
	int ended;
};

static void sink_out(const char *data, size_t len, void *arg)
{
	struct sink *k = arg;
	if (!data) {
		k->ended++;
		return;
	}
	if (len > sizeof(k->buf) - 1 - k->len)
		len = sizeof(k->buf) - 1 - k->len;
	memcpy(k->buf + k->len, data, len);
	k->len += len;
	k->buf[k->len] = '\0';
}

static void attached(void **state)
{
	struct ts t;
	struct sink k = {0};
	char resp[SPMIF_HASH_BUFLEN], line[64], ch[41];
	(void)state;

	ts_start(&t);
	struct spmif_conn *c = spmif_server_attach(t.srv, sink_out, &k, "test");
	assert_non_null(c);
	assert_int_equal(k.len, 46);
	memcpy(ch, k.buf + 4, 40);
	ch[40] = '\0';
	k.len = 0;
	spmif_login_response(ch, test_pw, TEST_PWLEN, resp, NULL, 0);
	snprintf(line, sizeof(line), "LOGIN %s\r\nPOLICY DUMP\r\nQU", resp);
	assert_int_equal(spmif_conn_feed(c, line, strlen(line)), 0);
	assert_string_equal(k.buf, "250 OK\r\n251 NO Policy Exists\r\n");
	assert_int_equal(spmif_conn_feed(c, "IT\r\nSTAT\r\n", 10), -1);
	assert_string_equal(k.buf, "250 OK\r\n251 NO Policy Exists\r\n250 BYE\r\n");
	assert_int_equal(k.ended, 0);
	/* a deferred command and QUIT behind it: the end is reported */
	k.len = 0;
	c = spmif_server_attach(t.srv, sink_out, &k, "test");
	memcpy(ch, k.buf + 4, 40);
	spmif_login_response(ch, test_pw, TEST_PWLEN, resp, NULL, 0);
	snprintf(line, sizeof(line), "LOGIN %s\r\nSLID 3\r\nQUIT\r\n", resp);
	k.len = 0;
	assert_int_equal(spmif_conn_feed(c, line, strlen(line)), 0);
	pump(t.base, 60);
	assert_string_equal(k.buf, "250 OK\r\n250 3\r\n250 BYE\r\n");
	assert_int_equal(k.ended, 1);
	/* the server ending attached sessions reports it too */
	c = spmif_server_attach(t.srv, sink_out, &k, "test");
	ts_stop(&t);
	assert_int_equal(k.ended, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(login_vector),
		cmocka_unit_test(challenge_format),
		cmocka_unit_test(word_matching),
		cmocka_unit_test(tokenizer),
		cmocka_unit_test(reply_lines),
		cmocka_unit_test(login_transcripts),
		cmocka_unit_test(command_transcripts),
		cmocka_unit_test(framing),
		cmocka_unit_test(disconnect_mid_command),
		cmocka_unit_test(output_cap),
		cmocka_unit_test(slow_reader),
		cmocka_unit_test(stalled_reader),
		cmocka_unit_test(login_delay_and_log),
		cmocka_unit_test(listeners),
		cmocka_unit_test(attached),
	};
	/* every failed login of the tests is logged (the default burst is
	 * small and all test clients share one uid) */
	rc_log_ratelimit_config(1000, 60);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
