/* A stand-in spmd for spmdctl's command-line tests: the real spmif server
 * framework (greeting, LOGIN, framing, QUIT) with a command table whose
 * handlers answer from a script of canned replies.  Not a test by itself;
 * tests/cli/test-spmdctl.sh drives it.
 *
 *   test_spmdctl_server SOCKET PASSWORD_FILE SCRIPT LOG [PIDFILE]
 *
 * SCRIPT lines: REQUEST<TAB>REPLY, where REQUEST is the command as the
 * handler sees it (words joined by one space, e.g. "POLICY DUMP") and REPLY
 * the reply lines as sent, separated by '|' ("250-a|250 b").  A request
 * without a canned reply gets "500 Syntax Error".  Every request is
 * appended to LOG; so is "SIGHUP" when the process gets one (reload test).
 * With PIDFILE the server writes its pid there once it listens.  SIGTERM
 * ends it. */
#include "config.h"

#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pidfile.h"
#include "safefile.h"
#include "spmif_server.h"
#include "util.h"

struct canned {
	char *request, *reply;
};

struct fake {
	struct canned *v;
	size_t n;
	FILE *log;
};

static void load_script(struct fake *f, const char *path)
{
	FILE *in = fopen(path, "r");
	char *line = NULL, *tab;
	size_t cap = 0;
	ssize_t len;

	if (!in) {
		perror(path);
		exit(1);
	}
	while ((len = getline(&line, &cap, in)) >= 0) {
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		tab = strchr(line, '\t');
		if (!tab)
			continue;
		f->v = rc_xreallocarray(f->v, f->n + 1, sizeof(*f->v));
		f->v[f->n].request = rc_xstrndup(line, (size_t)(tab - line));
		f->v[f->n++].reply = rc_xstrdup(tab + 1);
	}
	free(line);
	fclose(in);
}

static void answer(struct spmif_req *req, const char *reply)
{
	char *copy = rc_xstrdup(reply), *save = NULL;
	const char *text;
	size_t textlen;
	bool more;
	int code;

	for (char *l = strtok_r(copy, "|", &save); l; l = strtok_r(NULL, "|", &save)) {
		if (spmif_parse_reply_line(l, strlen(l), &code, &more, &text, &textlen) < 0)
			break;
		if (more) {
			spmif_reply_more(req, code, "%.*s", (int)textlen, text);
		} else {
			spmif_reply(req, code, "%.*s", (int)textlen, text);
			free(copy);
			return;
		}
	}
	free(copy);
	spmif_reply(req, 550, "fake spmd: bad canned reply");
}

static void handle(struct spmif_req *req, int argc, char **argv, void *arg)
{
	struct fake *f = arg;
	char line[SPMIF_LINE_MAX + 1] = "";
	size_t len = 0;

	for (int i = 0; i < argc && len < sizeof(line); i++)
		len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s", i ? " " : "",
					argv[i]);
	fprintf(f->log, "%s\n", line);
	fflush(f->log);
	for (size_t i = 0; i < f->n; i++) {
		if (strcmp(f->v[i].request, line) == 0) {
			answer(req, f->v[i].reply);
			return;
		}
	}
	spmif_reply(req, 500, "Syntax Error");
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	event_base_loopbreak(arg);
}

static void on_hup(evutil_socket_t sig, short what, void *arg)
{
	struct fake *f = arg;
	(void)sig;
	(void)what;
	fprintf(f->log, "SIGHUP\n");
	fflush(f->log);
}

int main(int argc, char **argv)
{
	static const char *const names[] = {"NS", "FQDN", "POLICY", "MIGRATE", "SLID", "STAT"};
	struct spmif_command cmds[6];
	struct fake f = {0};
	struct spmif_server_opts so = {0};
	struct spmif_server *srv;
	struct event_base *base;
	struct event *term, *hup;
	struct rc_pidfile pidfile;
	unsigned char *pw;
	size_t pwlen;
	char err[256];

	if (argc != 5 && argc != 6) {
		fprintf(stderr, "usage: %s SOCKET PASSWORD_FILE SCRIPT LOG [PIDFILE]\n", argv[0]);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if (rc_read_secret_file(argv[2], false, 4096, &pw, &pwlen, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", argv[2], err);
		return 1;
	}
	load_script(&f, argv[3]);
	f.log = fopen(argv[4], "a");
	if (!f.log) {
		perror(argv[4]);
		return 1;
	}
	for (size_t i = 0; i < RC_ARRAY_SIZE(names); i++)
		cmds[i] = (struct spmif_command){.name = names[i], .handler = handle};
	so.password = pw;
	so.password_len = pwlen;
	so.commands = cmds;
	so.ncommands = RC_ARRAY_SIZE(cmds);
	so.arg = &f;
	base = event_base_new();
	srv = base ? spmif_server_new(base, &so, err, sizeof(err)) : NULL;
	if (!srv || spmif_server_listen_unix(srv, argv[1], err, sizeof(err)) < 0) {
		fprintf(stderr, "fake spmd: %s\n", err);
		return 1;
	}
	term = evsignal_new(base, SIGTERM, on_signal, base);
	hup = evsignal_new(base, SIGHUP, on_hup, &f);
	event_add(term, NULL);
	event_add(hup, NULL);
	/* locked, as spmd's: spmdctl reload signals only a held pid file */
	if (argc == 6 && rc_pidfile_create(&pidfile, argv[5], NULL, err, sizeof(err)) < 0) {
		fprintf(stderr, "fake spmd: %s\n", err);
		return 1;
	}
	event_base_dispatch(base);
	if (argc == 6)
		rc_pidfile_remove(&pidfile);
	event_free(term);
	event_free(hup);
	spmif_server_free(srv);
	event_base_free(base);
	rc_freezero(pw, pwlen);
	for (size_t i = 0; i < f.n; i++) {
		free(f.v[i].request);
		free(f.v[i].reply);
	}
	free(f.v);
	fclose(f.log);
	return 0;
}
