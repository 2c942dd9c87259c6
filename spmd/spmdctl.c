/* spmdctl: inspect and drive spmd over spmif (compat §4.1).
 *
 * Flow as in racoon2: parse the command line, check for root, read the
 * whole configuration, connect to the first spmif endpoint that answers,
 * log in, run one command, send QUIT.  Fixed on purpose (doc/spmdctl.8):
 * `policy delete SLID`, `migrate` and `reload` work, and the exit status is
 * 1 when the operation failed (racoon2 exited 0).  `-j` prints one JSON
 * document instead of the text output. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "kernel.h"
#include "pidfile.h"
#include "rcf.h"
#include "rcf_model.h"
#include "safefile.h"
#include "spmdctl.h"
#include "spmif_client.h"
#include "util.h"

#define CTL_PASSWORD_MAX 4096

struct ctl {
	const struct ctl_opts *o;
	struct rcf_config *cfg;
	struct spmif_sync *s;
	struct ctl_json j;
	FILE *echo; /* -d output */
	/* the main spmd reply, for -j */
	struct spmif_reply reply;
	bool have_reply;
	char err[512]; /* why the operation failed; "" = it did not */
};

static int fail(struct ctl *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct ctl *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
	return -1;
}

/* The text of a reply for a message: its last line, which is where spmd
 * puts the verdict. */
static const char *reply_text(const struct spmif_reply *r)
{
	return r->nlines ? r->lines[r->nlines - 1] : "";
}

/* Send a command; the reply replaces c->reply.  -1 (c->err set) on I/O
 * trouble; a 5xx reply is not an error here. */
static int command(struct ctl *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int command(struct ctl *c, const char *fmt, ...)
{
	char err[256];
	va_list ap;
	int rc;

	spmif_reply_clear(&c->reply);
	va_start(ap, fmt);
	rc = spmif_sync_vcommand(c->s, &c->reply, err, sizeof(err), fmt, ap);
	va_end(ap);
	if (rc < 0) {
		c->have_reply = false;
		return fail(c, "%s", err);
	}
	c->have_reply = true;
	return 0;
}

/* A failed operation, in racoon2's words plus spmd's reason. */
static int op_failed(struct ctl *c, const char *prefix)
{
	return fail(c, "%s: %d %s", prefix, c->reply.code, reply_text(&c->reply));
}

/* ---- ns ---- */

/* Compared as addresses: spmd may spell them differently ("::ffff:..."
 * forms, zero compression, scope names). */
static bool ns_listed(const struct spmif_reply *r, const char *addr)
{
	struct rc_addr want, have;

	if (r->code != SPMIF_OK || rc_addr_parse(addr, &want, NULL, 0) < 0)
		return false;
	for (size_t i = 0; i < r->nlines; i++)
		if (rc_addr_parse(r->lines[i], &have, NULL, 0) == 0 &&
		    rc_addr_equal(&have, &want) && have.scope_id == want.scope_id)
			return true;
	return false;
}

static int cmd_ns_list(struct ctl *c)
{
	if (command(c, "NS LIST") < 0)
		return -1;
	if (!spmif_reply_ok(&c->reply))
		return op_failed(c, "operation failed");
	if (c->o->json) {
		cj_arr_begin(&c->j, "nameservers");
		for (size_t i = 0; c->reply.code == SPMIF_OK && i < c->reply.nlines; i++)
			cj_str(&c->j, NULL, c->reply.lines[i]);
		cj_arr_end(&c->j);
		return 0;
	}
	for (size_t i = 0; i < c->reply.nlines; i++)
		printf("%s\n", c->reply.lines[i]);
	return 0;
}

/* racoon2: a listed server is made the live one with NS CHANGE. */
static int cmd_ns_add(struct ctl *c)
{
	const char *addr = c->o->args[0];
	bool listed;

	if (command(c, "NS LIST") < 0)
		return -1;
	if (!spmif_reply_ok(&c->reply))
		return op_failed(c, "operation failed");
	listed = ns_listed(&c->reply, addr);
	if (command(c, "NS %s %s", listed ? "CHANGE" : "ADD", addr) < 0)
		return -1;
	if (c->o->json)
		cj_str(&c->j, "action", listed ? "change" : "add");
	if (!spmif_reply_ok(&c->reply))
		return op_failed(c, "operation failed");
	return 0;
}

/* racoon2 sent nothing, silently, for an unknown or the last server; we
 * still refuse, but say so and exit 1. */
static int cmd_ns_delete(struct ctl *c)
{
	const char *addr = c->o->args[0];

	if (command(c, "NS LIST") < 0)
		return -1;
	if (!spmif_reply_ok(&c->reply))
		return op_failed(c, "operation failed");
	if (!ns_listed(&c->reply, addr))
		return fail(c, "operation failed: %s is not a name server of spmd", addr);
	if (c->reply.nlines < 2)
		return fail(c, "operation failed: %s is spmd's only name server", addr);
	if (command(c, "NS DELETE %s", addr) < 0)
		return -1;
	if (!spmif_reply_ok(&c->reply))
		return op_failed(c, "operation failed");
	return 0;
}

/* ---- policy, migrate, status ---- */

static int policy_result(struct ctl *c)
{
	if (spmif_reply_ok(&c->reply))
		return 0;
	return fail(c, "Policy operation failed: %s", reply_text(&c->reply));
}

static int cmd_policy_add(struct ctl *c)
{
	const struct ctl_opts *o = c->o;
	int rc;

	if (o->tunnel)
		rc = command(c, "POLICY ADD %s %s %s %s %s %s %s", o->args[0], o->args[1],
			     o->args[2], o->args[3], o->args[4], o->args[5], o->args[6]);
	else
		rc = command(c, "POLICY ADD %s %s %s %s %s", o->args[0], o->args[1], o->args[2],
			     o->args[3], o->args[4]);
	return rc < 0 ? -1 : policy_result(c);
}

static int cmd_policy_delete(struct ctl *c)
{
	if (command(c, "POLICY DELETE %s", c->o->args[0]) < 0)
		return -1;
	return policy_result(c);
}

static int cmd_migrate(struct ctl *c)
{
	const struct ctl_opts *o = c->o;

	if (command(c, "MIGRATE %s %s %s %s %s", o->args[0], o->args[1], o->args[2], o->args[3],
		    o->args[4]) < 0)
		return -1;
	if (!spmif_reply_ok(&c->reply))
		return op_failed(c, "operation failed");
	return 0;
}

/* "DNS QUERY = 3" -> key "dns_query", value 3.  Returns -1 when the line
 * does not have that shape. */
static int stat_parse(const char *line, char *key, size_t keylen, long long *value)
{
	const char *eq = strstr(line, " = ");
	size_t n = 0;
	char *end;

	if (!eq || eq == line)
		return -1;
	for (const char *s = line; s < eq && n + 1 < keylen; s++)
		key[n++] = *s == ' ' ? '_' : (char)(*s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s);
	key[n] = '\0';
	errno = 0;
	*value = strtoll(eq + 3, &end, 10);
	return errno || *end || end == eq + 3 ? -1 : 0;
}

static int cmd_status(struct ctl *c)
{
	char key[64];
	long long v;

	if (command(c, "STAT") < 0)
		return -1;
	if (!spmif_reply_ok(&c->reply))
		return op_failed(c, "operation failed");
	if (!c->o->json) {
		for (size_t i = 0; i < c->reply.nlines; i++)
			printf("%s\n", c->reply.lines[i]);
		return 0;
	}
	cj_obj_begin(&c->j, "stats");
	for (size_t i = 0; i < c->reply.nlines; i++)
		if (stat_parse(c->reply.lines[i], key, sizeof(key), &v) == 0)
			cj_int(&c->j, key, v);
	cj_obj_end(&c->j);
	return 0;
}

/* ---- policy show ---- */

struct dump {
	struct rk_policy *v;
	size_t n, cap;
};

static int dump_one(const struct rk_policy *p, void *arg)
{
	struct dump *d = arg;

	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 64;
		d->v = rc_xreallocarray(d->v, d->cap, sizeof(*d->v));
	}
	d->v[d->n++] = *p;
	return 0;
}

static int kernel_dump(struct ctl *c, struct dump *d)
{
	char err[256];
	struct rk *k = rk_open(c->o->backend, NULL, NULL, NULL, err, sizeof(err));
	int rc;

	if (!k)
		return fail(c, "kernel interface %s: %s",
			    c->o->backend ? c->o->backend : RC_DEFAULT_KERNEL, err);
	rc = rk_policy_dump(k, dump_one, d);
	if (rc < 0)
		fail(c, "kernel interface %s: %s", rk_backend_name(k), rk_error(k));
	rk_close(k);
	return rc < 0 ? -1 : 0;
}

static void print_policies(struct ctl *c, const struct dump *d, const struct ctl_slid *slids,
			   size_t nslids)
{
	if (c->o->json)
		cj_arr_begin(&c->j, "policies");
	for (size_t i = 0; i < d->n; i++) {
		const char *slid = ctl_slid_find(slids, nslids, d->v[i].index);

		if (c->o->json)
			ctl_policy_json(&c->j, &d->v[i], slid);
		else
			ctl_policy_text(stdout, &d->v[i], slid);
	}
	if (c->o->json)
		cj_arr_end(&c->j);
}

static int cmd_policy_show(struct ctl *c)
{
	struct ctl_slid *slids = NULL;
	struct dump d = {0};
	size_t n = 0;
	int rc = -1;

	if (command(c, "POLICY DUMP") < 0)
		return -1;
	if (!spmif_reply_ok(&c->reply))
		return op_failed(c, "operation failed");
	if (c->reply.code == SPMIF_OK) {
		slids = rc_xcalloc(c->reply.nlines ? c->reply.nlines : 1, sizeof(*slids));
		for (size_t i = 0; i < c->reply.nlines; i++) {
			if (ctl_slid_parse(c->reply.lines[i], &slids[n]) == 0)
				n++;
			else
				fprintf(stderr, "spmdctl: POLICY DUMP: ignoring '%s'\n",
					c->reply.lines[i]);
		}
	}
	if (kernel_dump(c, &d) == 0) {
		print_policies(c, &d, slids, n);
		rc = 0;
	}
	for (size_t i = 0; i < n; i++)
		free(slids[i].slid);
	free(slids);
	free(d.v);
	return rc;
}

/* ---- interactive ---- */

static bool is_quit(const char *line)
{
	char word[16];

	if (sscanf(line, " %15s", word) != 1)
		return false;
	return spmif_word_match(word, "QUIT") || spmif_word_match(word, "EXIT");
}

static void interactive_reply(struct ctl *c, const char *line)
{
	const struct spmif_reply *r = &c->reply;

	if (c->o->json) {
		cj_obj_begin(&c->j, NULL);
		cj_str(&c->j, "request", line);
		cj_int(&c->j, "code", r->code);
		cj_arr_begin(&c->j, "reply");
		for (size_t i = 0; i < r->nlines; i++)
			cj_str(&c->j, NULL, r->lines[i]);
		cj_arr_end(&c->j);
		cj_obj_end(&c->j);
		return;
	}
	for (size_t i = 0; i < r->nlines; i++)
		printf("%03d%c%s\n", r->code, i + 1 < r->nlines ? '-' : ' ', r->lines[i]);
	fflush(stdout);
}

/* Returns 1 when the session was ended by QUIT/EXIT from stdin. */
static int cmd_interactive(struct ctl *c)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int rc = 0;

	if (c->o->json)
		cj_arr_begin(&c->j, "exchanges");
	while ((len = getline(&line, &cap, stdin)) >= 0) {
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0)
			continue;
		if (command(c, "%s", line) < 0) {
			rc = -1;
			break;
		}
		interactive_reply(c, line);
		if (is_quit(line)) {
			rc = 1;
			break;
		}
	}
	if (c->o->json)
		cj_arr_end(&c->j);
	free(line);
	c->have_reply = false;
	return rc;
}

/* ---- session ---- */

static size_t endpoints_of(const struct rcf_config *cfg, struct spmif_endpoint *ep, size_t max)
{
	const struct rcf_addrlist *l = &cfg->interface.spmd;
	size_t n = 0;

	for (size_t i = 0; i < l->n && n < max; i++) {
		memset(&ep[n], 0, sizeof(ep[n]));
		if (l->v[i].kind == RCF_ADDR_UNIX) {
			ep[n++].unix_path = l->v[i].text;
		} else if (l->v[i].kind == RCF_ADDR_NUMERIC) {
			ep[n].tcp = l->v[i].addr;
			ep[n++].tcp.port = l->v[i].port;
		}
	}
	return n;
}

static int session_open(struct ctl *c)
{
	struct spmif_endpoint ep[16];
	const char *pwpath = c->cfg->interface.spmd_password.v;
	unsigned char *pw = NULL;
	size_t n = endpoints_of(c->cfg, ep, RC_ARRAY_SIZE(ep)), pwlen = 0;
	char err[256];
	int rc;

	if (n == 0)
		return fail(c,
			    "can't setup spmd interface: %s has no interface { spmd ... } "
			    "address",
			    c->o->config);
	c->s = spmif_sync_connect(ep, n, 0, c->o->debug ? spmif_debug_print : NULL, c->echo, err,
				  sizeof(err));
	if (!c->s)
		return fail(c, "can't setup spmd interface: %s", err);
	if (!pwpath)
		return fail(c, "login failure: %s sets no spmd_password", c->o->config);
	if (rc_read_secret_file(pwpath, true, CTL_PASSWORD_MAX, &pw, &pwlen, err, sizeof(err)) < 0)
		return fail(c, "login failure: spmd password file %s: %s", pwpath, err);
	rc = spmif_sync_login(c->s, pw, pwlen, err, sizeof(err));
	rc_freezero(pw, pwlen);
	if (rc < 0)
		return fail(c, "login failure: %s", err);
	return 0;
}

static void session_close(struct ctl *c, bool quit)
{
	char err[256];

	if (c->s && quit && spmif_sync_quit(c->s, err, sizeof(err)) < 0 && c->o->debug)
		fprintf(stderr, "spmdctl: QUIT: %s\n", err);
	spmif_sync_close(c->s);
	c->s = NULL;
}

/* ---- reload: SIGHUP to the pid in spmd's pid file ---- */

/* spmd holds its pid file locked while it runs (lib/pidfile.h).  A file
 * nobody holds is stale, and its pid may belong to another process by now,
 * which SIGHUP would most likely kill. */
static bool pidfile_held(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	bool held;

	if (fd < 0)
		return false;
	held = flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
	close(fd);
	return held;
}

static int cmd_reload(struct ctl *c)
{
	char err[256];
	pid_t pid;

	if (rc_pidfile_read(c->o->pidfile, &pid, err, sizeof(err)) < 0)
		return fail(c, "reload: spmd is not running? %s", err);
	if (c->o->json)
		cj_int(&c->j, "pid", pid);
	if (!pidfile_held(c->o->pidfile))
		return fail(c, "reload: spmd is not running (%s is stale: no process holds it)",
			    c->o->pidfile);
	if (kill(pid, SIGHUP) < 0) {
		if (errno == ESRCH)
			return fail(c, "reload: spmd is not running (no process %ld from %s)",
				    (long)pid, c->o->pidfile);
		return fail(c, "reload: kill(%ld): %s", (long)pid, strerror(errno));
	}
	return 0;
}

static int load_config(struct ctl *c)
{
	struct rcf_load_opts lo = {
		.path = c->o->config, .daemon = RCF_FOR_SPMDCTL, .check_safe = true};
	struct rc_diag diag;

	rc_diag_init(&diag);
	c->cfg = rcf_load(&lo, &diag);
	rc_diag_sort(&diag);
	if (!c->cfg || diag.nerrors)
		rc_diag_print(&diag, stderr, 1);
	rc_diag_free(&diag);
	if (!c->cfg)
		return fail(c, "failed to parse config file:%s", c->o->config);
	return 0;
}

static int run_command(struct ctl *c)
{
	switch (c->o->cmd) {
	case CTL_NS_LIST:
		return cmd_ns_list(c);
	case CTL_NS_ADD:
		return cmd_ns_add(c);
	case CTL_NS_DELETE:
		return cmd_ns_delete(c);
	case CTL_POLICY_ADD:
		return cmd_policy_add(c);
	case CTL_POLICY_DELETE:
		return cmd_policy_delete(c);
	case CTL_POLICY_SHOW:
		return cmd_policy_show(c);
	case CTL_MIGRATE:
		return cmd_migrate(c);
	case CTL_STATUS:
		return cmd_status(c);
	case CTL_INTERACTIVE:
		return cmd_interactive(c);
	case CTL_RELOAD:
	case CTL_HELP:
		break;
	}
	return 0;
}

/* Everything after the command line is parsed.  Returns the exit status. */
static int run(struct ctl *c)
{
	int rc;

	if (load_config(c) < 0)
		return -1;
	if (c->o->cmd == CTL_RELOAD)
		return cmd_reload(c);
	if (session_open(c) < 0) {
		session_close(c, false);
		return -1;
	}
	rc = run_command(c);
	/* a QUIT typed in interactive mode has ended the session already */
	session_close(c, rc != 1 && !(rc < 0 && !c->have_reply));
	return rc < 0 ? -1 : 0;
}

static void json_result(struct ctl *c, bool ok)
{
	if (c->have_reply) {
		cj_int(&c->j, "code", c->reply.code);
		cj_arr_begin(&c->j, "reply");
		for (size_t i = 0; i < c->reply.nlines; i++)
			cj_str(&c->j, NULL, c->reply.lines[i]);
		cj_arr_end(&c->j);
	} else {
		cj_null(&c->j, "code");
		cj_arr_begin(&c->j, "reply");
		cj_arr_end(&c->j);
	}
	cj_bool(&c->j, "ok", ok);
	cj_str(&c->j, "error", ok ? NULL : c->err);
	cj_obj_end(&c->j);
	cj_finish(&c->j);
}

/* A failure before any command ran, as the one JSON document of -j. */
static void json_early_failure(const struct ctl_opts *o, const char *command, const char *err)
{
	struct ctl_json j;

	if (!o->json)
		return;
	cj_init(&j, stdout);
	cj_obj_begin(&j, NULL);
	cj_str(&j, "command", command);
	cj_null(&j, "code");
	cj_arr_begin(&j, "reply");
	cj_arr_end(&j);
	cj_bool(&j, "ok", false);
	cj_str(&j, "error", err);
	cj_obj_end(&j);
	cj_finish(&j);
}

int main(int argc, char **argv)
{
	struct ctl_opts o;
	struct ctl c = {.o = &o};
	char err[256];
	int rc;

	if (ctl_parse(argc, argv, &o, err, sizeof(err)) < 0) {
		fprintf(stderr, "spmdctl: %s\n", err);
		ctl_usage(stderr);
		json_early_failure(&o, NULL, err);
		return 1;
	}
	if (o.cmd == CTL_HELP) {
		ctl_usage(stdout);
		return 0;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "you should run this program as root.\n");
		json_early_failure(&o, ctl_cmd_name(o.cmd), "you should run this program as root.");
		return 1;
	}
	/* with -j stdout carries only the JSON document */
	c.echo = o.json ? stderr : stdout;
	spmif_reply_init(&c.reply);
	if (o.json) {
		cj_init(&c.j, stdout);
		cj_obj_begin(&c.j, NULL);
		cj_str(&c.j, "command", ctl_cmd_name(o.cmd));
	}
	rc = run(&c);
	if (rc < 0)
		fprintf(stderr, "%s\n", c.err);
	if (o.json)
		json_result(&c, rc == 0);
	spmif_reply_clear(&c.reply);
	if (c.cfg)
		rcf_free(c.cfg);
	return rc < 0 ? 1 : 0;
}
