/* Helpers shared by the spmif tests: a server with a small command table
 * standing in for spmd's (the real handlers live in spmd), and a blocking
 * test client whose waits keep the event loop turning, so server and
 * client run in one thread. */
#ifndef SPMIF_TEST_H
#define SPMIF_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "spmif.h"
#include "spmif_server.h"
#include "util.h"

static const unsigned char test_pw[] = "secret\n";
#define TEST_PWLEN (sizeof(test_pw) - 1)

/* ---- the test command table ---- */

struct ts {
	struct event_base *base;
	struct spmif_server *srv;
	char dir[64];
	char path[96];
	struct spmif_req *deferred; /* SLID answers later */
	char deferred_arg[32];
	struct event *deferred_ev;
	int open_reqs, max_open_reqs, slid_seen;
	int big_lines; /* lines MIGRATE answers with */
	int migrate_seen;
};

static inline void req_opened(struct ts *t)
{
	if (++t->open_reqs > t->max_open_reqs)
		t->max_open_reqs = t->open_reqs;
}

static inline void h_stat(struct spmif_req *req, int argc, char **argv, void *arg)
{
	struct ts *t = arg;
	(void)argv;
	req_opened(t);
	t->open_reqs--;
	if (argc != 1) {
		spmif_reply(req, SPMIF_SYNTAX_ERROR, "Syntax Error");
		return;
	}
	spmif_reply_more(req, SPMIF_OK, "DNS QUERY = %d", 1);
	spmif_reply_more(req, SPMIF_OK, "DNS RESPONSE = %d", 2);
	spmif_reply(req, SPMIF_OK, "CACHE TOTAL FQDN = %d", 3);
}

static inline void h_ns(struct spmif_req *req, int argc, char **argv, void *arg)
{
	(void)arg;
	if (argc == 2 && spmif_word_match(argv[1], "LIST")) {
		spmif_reply_more(req, SPMIF_OK, "192.0.2.53");
		spmif_reply(req, SPMIF_OK, "198.51.100.53");
		return;
	}
	spmif_reply(req, SPMIF_SYNTAX_ERROR, "Syntax Error");
}

/* Shows how the line was split: "args=N a b c". */
static inline void h_fqdn(struct spmif_req *req, int argc, char **argv, void *arg)
{
	char buf[256] = "";
	(void)arg;
	for (int i = 1; i < argc; i++) {
		strncat(buf, " ", sizeof(buf) - strlen(buf) - 1);
		strncat(buf, argv[i], sizeof(buf) - strlen(buf) - 1);
	}
	spmif_reply(req, SPMIF_OK, "args=%d%s", argc - 1, buf);
}

static inline void h_policy(struct spmif_req *req, int argc, char **argv, void *arg)
{
	(void)arg;
	if (argc >= 2 && spmif_word_match(argv[1], "ADD"))
		spmif_reply(req, SPMIF_OK, "Policy Added");
	else if (argc >= 2 && spmif_word_match(argv[1], "DELETE"))
		spmif_reply(req, SPMIF_OK, "Policy Deleted");
	else if (argc == 2 && spmif_word_match(argv[1], "DUMP"))
		spmif_reply(req, SPMIF_OK_EMPTY, "NO Policy Exists");
	else
		spmif_reply(req, SPMIF_SYNTAX_ERROR, "Syntax Error");
}

/* A big reply, for output limits. */
static inline void h_migrate(struct spmif_req *req, int argc, char **argv, void *arg)
{
	struct ts *t = arg;
	(void)argc;
	(void)argv;
	t->migrate_seen++;
	for (int i = 0; i + 1 < t->big_lines; i++)
		spmif_reply_more(req, SPMIF_OK, "%0100d", i);
	spmif_reply(req, SPMIF_OK, "Migrate done");
}

static inline void deferred_fire(evutil_socket_t fd, short what, void *arg)
{
	struct ts *t = arg;
	(void)fd;
	(void)what;
	if (!t->deferred)
		return;
	struct spmif_req *req = t->deferred;
	t->deferred = NULL;
	t->open_reqs--;
	spmif_reply(req, SPMIF_OK, "%s", t->deferred_arg);
}

/* Answers from the loop 30 ms later, as a kernel round trip would. */
static inline void h_slid(struct spmif_req *req, int argc, char **argv, void *arg)
{
	struct ts *t = arg;
	if (argc != 2) {
		spmif_reply(req, SPMIF_SYNTAX_ERROR, "Syntax Error");
		return;
	}
	req_opened(t);
	t->slid_seen++;
	assert_null(t->deferred);
	t->deferred = req;
	snprintf(t->deferred_arg, sizeof(t->deferred_arg), "%s", argv[1]);
	struct timeval tv = {0, 30000};
	if (strcmp(argv[1], "never") != 0) /* "never": no answer until ts_stop */
		evtimer_add(t->deferred_ev, &tv);
}

static const struct spmif_command test_cmds[] = {
	{"NS", h_ns},		{"FQDN", h_fqdn}, {"POLICY", h_policy},
	{"MIGRATE", h_migrate}, {"SLID", h_slid}, {"STAT", h_stat},
};

static inline int ts_start_opts(struct ts *t, struct spmif_server_opts *o)
{
	char err[256];

	memset(t, 0, sizeof(*t));
	signal(SIGPIPE, SIG_IGN);
	t->base = event_base_new();
	assert_non_null(t->base);
	snprintf(t->dir, sizeof(t->dir), "/tmp/spmif-test-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof(t->path), "%s/spmif", t->dir);
	t->deferred_ev = evtimer_new(t->base, deferred_fire, t);
	t->big_lines = 3;
	o->password = test_pw;
	o->password_len = TEST_PWLEN;
	o->commands = test_cmds;
	o->ncommands = RC_ARRAY_SIZE(test_cmds);
	o->arg = t;
	t->srv = spmif_server_new(t->base, o, err, sizeof(err));
	assert_non_null(t->srv);
	int r = spmif_server_listen_unix(t->srv, t->path, err, sizeof(err));
	if (r < 0)
		print_error("%s\n", err);
	assert_int_equal(r, 0);
	return 0;
}

static inline int ts_start(struct ts *t)
{
	struct spmif_server_opts o = {0};
	return ts_start_opts(t, &o);
}

static inline void ts_stop(struct ts *t)
{
	spmif_server_free(t->srv);
	t->srv = NULL;
	if (t->deferred) {
		struct spmif_req *req = t->deferred;
		t->deferred = NULL;
		spmif_reply(req, SPMIF_OK, "late");
	}
	event_free(t->deferred_ev);
	event_base_free(t->base);
	unlink(t->path);
	rmdir(t->dir);
}

/* Run the loop for about ms milliseconds. */
static inline void pump(struct event_base *base, int ms)
{
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

static inline long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/* ---- the test client ---- */

struct tc {
	struct event_base *base;
	int fd;
	char buf[1 << 16];
	size_t len;
	bool eof;
	char challenge[64];
};

static inline void tc_connect(struct tc *c, struct ts *t)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};

	memset(c, 0, sizeof(*c));
	c->base = t->base;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", t->path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_true(c->fd >= 0);
	assert_int_equal(connect(c->fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
}

static inline void tc_send_n(struct tc *c, const void *data, size_t len)
{
	assert_int_equal(send(c->fd, data, len, MSG_NOSIGNAL), (ssize_t)len);
}

static inline void tc_send(struct tc *c, const char *s)
{
	tc_send_n(c, s, strlen(s));
}

static inline void tc_fill(struct tc *c)
{
	if (c->len + 1 >= sizeof(c->buf))
		fail_msg("test client buffer full");
	ssize_t n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len, 0);
	if (n == 0)
		c->eof = true;
	if (n > 0)
		c->len += (size_t)n;
	c->buf[c->len] = '\0';
}

/* Length of the first complete reply in buf, or 0. */
static inline size_t reply_end(const char *buf, size_t len)
{
	size_t pos = 0;
	while (pos < len) {
		const char *lf = memchr(buf + pos, '\n', len - pos);
		if (!lf)
			return 0;
		size_t linelen = (size_t)(lf - (buf + pos));
		bool more = linelen > 3 && buf[pos + 3] == '-';
		pos += linelen + 1;
		if (!more)
			return pos;
	}
	return 0;
}

/* The next whole reply, raw (CR LF kept); "" when none came in time.
 * The caller frees it. */
static inline char *tc_reply_wait(struct tc *c, int timeout_ms)
{
	long until = now_ms() + timeout_ms;
	size_t n;

	while (!(n = reply_end(c->buf, c->len)) && !c->eof && now_ms() < until) {
		pump(c->base, 2);
		tc_fill(c);
	}
	if (!n)
		return rc_xstrdup("");
	char *r = rc_xstrndup(c->buf, n);
	memmove(c->buf, c->buf + n, c->len - n + 1);
	c->len -= n;
	return r;
}

static inline char *tc_reply(struct tc *c)
{
	return tc_reply_wait(c, 2000);
}

#define assert_reply(c, want)                                                                      \
	do {                                                                                       \
		char *got_ = tc_reply(c);                                                          \
		assert_string_equal(got_, (want));                                                 \
		free(got_);                                                                        \
	} while (0)

/* Is the connection closed by the server (after what was read)? */
static inline bool tc_closed(struct tc *c, int timeout_ms)
{
	long until = now_ms() + timeout_ms;
	while (!c->eof && now_ms() < until) {
		pump(c->base, 2);
		tc_fill(c);
	}
	return c->eof;
}

static inline void tc_greeting(struct tc *c)
{
	char *g = tc_reply(c);
	assert_int_equal(strlen(g), 4 + 40 + 2);
	assert_memory_equal(g, "220 ", 4);
	assert_memory_equal(g + 44, "\r\n", 2);
	for (int i = 4; i < 44; i++)
		assert_non_null(strchr("0123456789ABCDEF", g[i]));
	memcpy(c->challenge, g + 4, 40);
	c->challenge[40] = '\0';
	free(g);
}

static inline void tc_login(struct tc *c)
{
	char resp[SPMIF_HASH_BUFLEN], line[64];
	tc_greeting(c);
	assert_int_equal(spmif_login_response(c->challenge, test_pw, TEST_PWLEN, resp, NULL, 0), 0);
	snprintf(line, sizeof(line), "LOGIN %s\r\n", resp);
	tc_send(c, line);
	assert_reply(c, "250 OK\r\n");
}

static inline void tc_close(struct tc *c)
{
	close(c->fd);
	c->fd = -1;
}

#endif
