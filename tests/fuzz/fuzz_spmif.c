/* libFuzzer target for the spmif server session and the reply parser.
 *
 * Input layout: byte 0 holds flags (bit 0: log in with the right password
 * before the fuzzed bytes, so the fuzzer reaches the command handlers;
 * bit 1: the handlers answer later from the loop instead of at once);
 * bytes 1-4 seed the choice of split points; the rest is one client's
 * byte stream, fed to an attached session in random-sized pieces with the
 * loop run between pieces.  The same bytes are then read as replies by
 * the clients' reply parser.  Whatever comes in, the session must only
 * produce well-formed reply lines, and nothing may crash or leak. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "log.h"
#include "spmif.h"
#include "spmif_server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const unsigned char pw[] = "secret\n";

struct fz {
	struct event_base *base;
	bool deferred;
	bool ended;
	char greeting[64];
	size_t glen;
	char partial[8]; /* start of the current output line */
	size_t plen;
	bool line_start;
	char prev; /* last output byte */
};

static void check_output(struct fz *f, const char *data, size_t len)
{
	/* each line: 3 digits, ' ' or '-', ..., CR LF */
	for (size_t i = 0; i < len; i++) {
		char c = data[i];
		if (f->line_start) {
			f->plen = 0;
			f->line_start = false;
		}
		if (f->plen < sizeof(f->partial))
			f->partial[f->plen] = c;
		f->plen++;
		if (f->plen <= 3 && (c < '0' || c > '9'))
			abort();
		if (f->plen == 4 && c != ' ' && c != '-')
			abort();
		if (c == '\n') {
			if (f->plen < 6 || f->prev != '\r')
				abort();
			f->line_start = true;
		}
		f->prev = c;
	}
}

static void out(const char *data, size_t len, void *arg)
{
	struct fz *f = arg;

	if (!data) {
		f->ended = true;
		return;
	}
	if (f->glen < sizeof(f->greeting) - 1) {
		size_t n = len < sizeof(f->greeting) - 1 - f->glen
				   ? len
				   : sizeof(f->greeting) - 1 - f->glen;
		memcpy(f->greeting + f->glen, data, n);
		f->glen += n;
	}
	check_output(f, data, len);
}

struct later {
	struct spmif_req *req;
	int argc;
};

static void answer(struct spmif_req *req, int argc)
{
	for (int i = 1; i < argc; i++)
		spmif_reply_more(req, SPMIF_OK, "arg %d\r\n250 forged", i);
	spmif_reply(req, argc > 3 ? SPMIF_SYNTAX_ERROR : SPMIF_OK, "done %d", argc);
}

static void fire(evutil_socket_t fd, short what, void *arg)
{
	struct later *l = arg;

	(void)fd;
	(void)what;
	answer(l->req, l->argc);
	free(l);
}

static void handler(struct spmif_req *req, int argc, char **argv, void *arg)
{
	struct fz *f = arg;
	static const struct timeval zero = {0, 0};

	if (argc > 1 && spmif_word_match(argv[1], "LIST"))
		argc = 1;
	if (!f->deferred) {
		answer(req, argc);
		return;
	}
	struct later *l = malloc(sizeof(*l));
	if (!l)
		abort();
	l->req = req;
	l->argc = argc;
	if (event_base_once(f->base, -1, EV_TIMEOUT, fire, l, &zero) < 0)
		abort();
}

static const struct spmif_command cmds[] = {
	{"NS", handler},      {"FQDN", handler}, {"POLICY", handler},
	{"MIGRATE", handler}, {"SLID", handler}, {"STAT", handler},
};

static void quiet(enum rc_log_tag tag, const char *line, void *arg)
{
	(void)tag;
	(void)line;
	(void)arg;
}

static uint32_t next_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void run_loop(struct event_base *base)
{
	event_base_loop(base, EVLOOP_NONBLOCK);
}

static void fuzz_session(const uint8_t *data, size_t size, uint8_t flags, uint32_t seed)
{
	struct fz f = {.deferred = flags & 2, .line_start = true};
	f.base = event_base_new();
	if (!f.base)
		return;
	struct spmif_server_opts o = {
		.password = pw,
		.password_len = sizeof(pw) - 1,
		.commands = cmds,
		.ncommands = sizeof(cmds) / sizeof(cmds[0]),
		.arg = &f,
		.max_line = 200, /* small, so the limit is often crossed */
	};
	struct spmif_server *s = spmif_server_new(f.base, &o, NULL, 0);
	struct spmif_conn *c = spmif_server_attach(s, out, &f, "fuzz");
	bool alive = c != NULL;

	if (alive && (flags & 1) && f.glen >= 44) {
		char ch[41], resp[SPMIF_HASH_BUFLEN], line[64];
		memcpy(ch, f.greeting + 4, 40);
		ch[40] = '\0';
		if (spmif_login_response(ch, pw, sizeof(pw) - 1, resp, NULL, 0) == 0) {
			int n = snprintf(line, sizeof(line), "LOGIN %s\r\n", resp);
			alive = spmif_conn_feed(c, line, (size_t)n) == 0;
		}
	}
	uint32_t r = seed | 1;
	size_t pos = 0;
	while (alive && !f.ended && pos < size) {
		size_t n = 1 + next_rand(&r) % 64;
		if (n > size - pos)
			n = size - pos;
		alive = spmif_conn_feed(c, data + pos, n) == 0;
		pos += n;
		if (alive)
			run_loop(f.base);
	}
	run_loop(f.base);
	if (alive && !f.ended)
		spmif_conn_close(c);
	/* deferred answers still queued go to a closed session */
	run_loop(f.base);
	spmif_server_free(s);
	event_base_free(f.base);
}

static void fuzz_replies(const uint8_t *data, size_t size)
{
	struct spmif_reply r;
	size_t start = 0;

	spmif_reply_init(&r);
	for (size_t i = 0; i < size; i++) {
		if (data[i] != '\n')
			continue;
		int rc = spmif_reply_add_line(&r, (const char *)data + start, i - start, 10, 1024,
					      NULL, 0);
		if (rc != 0)
			spmif_reply_clear(&r);
		start = i + 1;
	}
	spmif_reply_clear(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool init;

	if (!init) {
		rc_log_set_sink(quiet, NULL);
		init = true;
	}
	if (size < 5)
		return 0;
	uint32_t seed = (uint32_t)data[1] | (uint32_t)data[2] << 8 | (uint32_t)data[3] << 16 |
			(uint32_t)data[4] << 24;
	fuzz_session(data + 5, size - 5, data[0], seed);
	fuzz_replies(data + 5, size - 5);
	return 0;
}
