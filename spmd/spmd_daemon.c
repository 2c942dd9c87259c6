/* spmd at run time: start-up sequence, reload, shutdown (compat §6.1). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/event.h>

#include "dnsproxy.h"
#include "event.h"
#include "kernel.h"
#include "log.h"
#include "pidfile.h"
#include "rcf.h"
#include "rcf_model.h"
#include "resolver.h"
#include "safefile.h"
#include "spd.h"
#include "spmd.h"
#include "spmd_cmds.h"
#include "spmif_server.h"
#include "util.h"

struct spmd {
	const struct spmd_opts *opts;
	struct event_base *base;
	struct rk *k;
	struct spd *spd;
	struct resolver *res;
	struct dnsproxy *proxy;
	struct spmif_server *srv;
	struct rcf_config *cfg;
	struct spmd_cmds cmds;
	struct rc_pidfile pf;
	bool have_pidfile;
	struct rc_event *sig[5];
	int exit_status;
	int ready_fd;	 /* to the process waiting for the start-up (-1: none) */
	char fatal[512]; /* why the start failed, for the terminal */
};

/* A start-up failure: logged, and kept for the starting terminal. */
static void fatal(struct spmd *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fatal(struct spmd *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->fatal, sizeof(d->fatal), fmt, ap);
	va_end(ap);
	rc_log(RC_LOG_CRITICAL, "%s", d->fatal);
}

static void setup_resolver(struct spmd *d, const struct rcf_config *cfg);

/* ---- configuration ---- */

static void log_diag(const struct rc_diag *dg, enum rc_log_tag tag)
{
	char where[256];

	for (size_t i = 0; i < dg->n; i++) {
		const struct rc_diag_entry *e = &dg->v[i];
		rc_log(e->level == RC_DIAG_ERROR ? tag : RC_LOG_INTERNAL_WARN, "%s: %s: %s",
		       rc_loc_str(&e->loc, where, sizeof(where)),
		       e->level == RC_DIAG_ERROR ? "error" : "warning", e->msg);
	}
}

static int read_password(const struct rcf_config *cfg, unsigned char **pw, size_t *len, char *err,
			 size_t errlen)
{
	const struct rcf_str *p = &cfg->interface.spmd_password;

	if (!rcf_isset(*p))
		return rc_set_err(err, errlen, "no spmd_password in interface { }");
	return rc_read_secret_file(p->v, cfg->check_safe, SPMD_PASSWORD_MAX, pw, len, err, errlen);
}

/* rcf_load plus spmd's own checks and the spmif password (compat §3.2:
 * spmd refuses to start without it); NULL with the problems in dg. */
static struct rcf_config *load_config(const char *path, struct rc_diag *dg, unsigned char **pw,
				      size_t *pwlen)
{
	struct rcf_load_opts lo = {.path = path, .daemon = RCF_FOR_SPMD, .check_safe = true};
	struct rcf_config *cfg = rcf_load(&lo, dg);
	char err[256];

	*pw = NULL;
	*pwlen = 0;
	if (cfg && read_password(cfg, pw, pwlen, err, sizeof(err)) < 0) {
		const struct rcf_str *p = &cfg->interface.spmd_password;
		rc_diag_error(dg, rcf_isset(*p) ? &p->m.loc : &cfg->main_loc,
			      "Can't get spmd interface password: %s", err);
	}
	if (cfg && (rcf_check_spmd(cfg, dg) > 0 || dg->nerrors > 0)) {
		rcf_free(cfg);
		cfg = NULL;
	}
	if (!cfg && *pw) {
		rc_freezero(*pw, *pwlen);
		*pw = NULL;
	}
	rc_diag_sort(dg);
	return cfg;
}

static void log_stats(const char *what, const struct spd_stats *st)
{
	rc_log(RC_LOG_INFO,
	       "%s: %u policies added, %u removed, %u changed, %u unchanged; %u selectors not "
	       "installed, %u waiting for DNS, %u left to run time",
	       what, st->added, st->removed, st->changed, st->unchanged, st->failed, st->pending,
	       st->skipped);
}

static bool same_sockets(const struct rcf_addrlist *a, const struct rcf_addrlist *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].kind != b->v[i].kind || a->v[i].port != b->v[i].port ||
		    (a->v[i].kind == RCF_ADDR_NUMERIC &&
		     !rc_addr_equal(&a->v[i].addr, &b->v[i].addr)) ||
		    strcmp(a->v[i].text ? a->v[i].text : "", b->v[i].text ? b->v[i].text : ""))
			return false;
	return true;
}

/* SIGHUP and spmdctl reload: a new model, applied by difference; the old
 * one stays when the new one has errors. */
static void reload(struct spmd *d)
{
	struct rc_diag dg;
	struct rcf_config *cfg;
	struct spd_stats st;
	unsigned char *pw = NULL;
	size_t pwlen = 0;

	rc_log(RC_LOG_INFO, "reloading %s", d->opts->config);
	rc_diag_init(&dg);
	cfg = load_config(d->opts->config, &dg, &pw, &pwlen);
	log_diag(&dg, RC_LOG_INTERNAL_ERR);
	rc_diag_free(&dg);
	if (!cfg) {
		rc_log(RC_LOG_INTERNAL_ERR,
		       "reload failed: %s has errors; the running configuration is kept",
		       d->opts->config);
		return;
	}
	/* iked and kinkd are connected to the old socket: it stays */
	if (!same_sockets(&d->cfg->interface.spmd, &cfg->interface.spmd))
		rc_log(RC_LOG_INTERNAL_WARN,
		       "reload: interface { spmd } changed; spmd keeps its socket until restarted");
	spmif_server_set_password(d->srv, pw, pwlen);
	rc_freezero(pw, pwlen);
	setup_resolver(d, cfg);
	spd_apply_config(d->spd, cfg, &st);
	rcf_free(d->cfg);
	d->cfg = cfg;
	log_stats("reload", &st);
}

/* ---- kernel and resolver events ---- */

static void on_kernel_event(const struct rk_event *ev, void *arg)
{
	struct spmd *d = arg;

	if (d->spd)
		spd_kernel_event(d->spd, ev);
}

static void log_caps(const char *text, void *arg)
{
	(void)arg;
	rc_log(RC_LOG_INFO, "%s", text);
}

static int res_reg(void *arg, const char *fqdn, char *err, size_t errlen)
{
	return resolver_fqdn_register(arg, fqdn, err, errlen);
}

static void res_unreg(void *arg, const char *fqdn)
{
	resolver_fqdn_unregister(arg, fqdn);
}

static size_t res_addrs(void *arg, const char *fqdn, const struct rc_addr **out)
{
	return resolver_fqdn_addrs(arg, fqdn, out);
}

static void on_fqdn_change(void *arg, const char *fqdn, const struct rc_addr *addrs, size_t n)
{
	struct spmd *d = arg;

	(void)addrs;
	(void)n;
	spd_fqdn_changed(d->spd, fqdn);
}

/* At start and on reload (before the policies, which may need names). */
static void setup_resolver(struct spmd *d, const struct rcf_config *cfg)
{
	char err[256];

	if (!d->res) {
		d->res = resolver_new(d->base, &cfg->resolver, NULL, err, sizeof(err));
		if (!d->res) {
			rc_log(RC_LOG_INTERNAL_ERR,
			       "resolver: %s (FQDN selectors cannot be installed)", err);
			return;
		}
		resolver_set_change_cb(d->res, on_fqdn_change, d);
	} else if (resolver_reload(d->res, &cfg->resolver, err, sizeof(err)) < 0) {
		rc_log(RC_LOG_INTERNAL_ERR, "resolver: %s", err);
	}
	d->cmds.res = d->res;
	if (resolver_can_resolve(d->res)) {
		struct spd_resolver sr = {res_reg, res_unreg, res_addrs, d->res};
		spd_set_resolver(d->spd, &sr);
	} else {
		spd_set_resolver(d->spd, NULL);
	}
	/* its dns_query addresses may have changed */
	dnsproxy_free(d->proxy);
	d->proxy = NULL;
	if (resolver_is_on(d->res) && resolver_nsswitch_dns(d->res)) {
		d->proxy = dnsproxy_new(d->res, &cfg->resolver, err, sizeof(err));
		if (!d->proxy)
			rc_log(RC_LOG_INTERNAL_ERR, "DNS proxy: %s", err);
	}
}

/* ---- spmif ---- */

static int start_spmif(struct spmd *d, const unsigned char *pw, size_t pwlen)
{
	struct spmif_server_opts so = {
		.password = pw,
		.password_len = pwlen,
		.commands = spmd_command_table,
		.ncommands = spmd_command_count,
		.arg = &d->cmds,
		.login_delay_ms = SPMIF_LOGIN_DELAY_MS,
	};
	const struct rcf_addrlist *l = &d->cfg->interface.spmd;
	char err[256];

	d->srv = spmif_server_new(d->base, &so, err, sizeof(err));
	if (!d->srv) {
		fatal(d, "spmif: %s", err);
		return -1;
	}
	for (size_t i = 0; i < l->n; i++) {
		const struct rcf_addrspec *a = &l->v[i];
		int r;
		if (a->kind == RCF_ADDR_UNIX) {
			r = spmif_server_listen_unix(d->srv, a->text, err, sizeof(err));
		} else if (a->kind == RCF_ADDR_NUMERIC) {
			struct rc_addr at = a->addr;
			at.port = a->port ? a->port : SPMIF_DEFAULT_TCP_PORT;
			r = spmif_server_listen_tcp(d->srv, &at, NULL, err, sizeof(err));
		} else {
			r = rc_set_err(err, sizeof(err), "%s is neither a UNIX path nor an address",
				       a->text);
		}
		if (r < 0) {
			fatal(d, "spmif %s: %s", a->text ? a->text : "", err);
			return -1;
		}
		rc_log(RC_LOG_INFO, "spmif listening on %s", a->text ? a->text : "TCP");
	}
	return 0;
}

/* ---- signals ---- */

static void on_stop(int signo, void *arg)
{
	struct spmd *d = arg;

	rc_log(RC_LOG_INFO, "signal %d: removing the installed policies and exiting", signo);
	rc_event_loop_exit(d->base);
}

static void on_hup(int signo, void *arg)
{
	(void)signo;
	reload(arg);
}

static void start_signals(struct spmd *d)
{
	static const int stop[] = {SIGINT, SIGQUIT, SIGTERM};

	signal(SIGPIPE, SIG_IGN);
	for (size_t i = 0; i < RC_ARRAY_SIZE(stop); i++)
		d->sig[i] = rc_event_signal(d->base, stop[i], on_stop, d);
	d->sig[3] = rc_event_signal(d->base, SIGHUP, on_hup, d);
}

/* ---- start and stop ---- */

/* Like daemon(0, 0), but the starting process waits until spmd is ready
 * (policies installed, spmif listening) and exits with the start-up's
 * status: an init script's next command can use spmif at once, and a
 * failure is seen by whoever started spmd. */
static int daemonize(struct spmd *d)
{
	char err[256];
	pid_t holder = 0, pid;
	int fds[2];

	if (d->opts->foreground)
		return 0;
	if (rc_pidfile_create(&d->pf, d->opts->pidfile, &holder, err, sizeof(err)) < 0) {
		if (holder)
			fprintf(stderr, "spmd: Spmd already running? <pid=%ld>\n", (long)holder);
		else
			fprintf(stderr, "spmd: %s: %s\n", d->opts->pidfile, err);
		return -1;
	}
	d->have_pidfile = true;
	if (pipe(fds) < 0 || (pid = fork()) < 0) {
		fprintf(stderr, "spmd: cannot go to the background: %s\n", strerror(errno));
		return -1;
	}
	if (pid > 0) {
		unsigned char status = 1;
		close(fds[1]);
		while (read(fds[0], &status, 1) < 0 && errno == EINTR)
			;
		_exit(status); /* the pid file and its lock now belong to the child */
	}
	close(fds[0]);
	d->ready_fd = fds[1];
	if (setsid() < 0 || chdir("/") < 0)
		rc_log(RC_LOG_INTERNAL_WARN, "detaching: %s", strerror(errno));
	umask(022);
	if (rc_pidfile_update(&d->pf, err, sizeof(err)) < 0)
		rc_log(RC_LOG_INTERNAL_ERR, "pid file %s: %s", d->opts->pidfile, err);
	return 0;
}

/* Tell the waiting parent how the start went and drop the terminal. */
static void report_ready(struct spmd *d, unsigned char status)
{
	int null;

	if (d->ready_fd < 0)
		return;
	if (status && d->fatal[0])
		fprintf(stderr, "spmd: %s\n", d->fatal);
	if (write(d->ready_fd, &status, 1) < 0)
		rc_log(RC_LOG_INTERNAL_WARN, "start-up status: %s", strerror(errno));
	close(d->ready_fd);
	d->ready_fd = -1;
	null = open("/dev/null", O_RDWR);
	if (null < 0)
		return;
	dup2(null, STDIN_FILENO);
	dup2(null, STDOUT_FILENO);
	dup2(null, STDERR_FILENO);
	if (null > STDERR_FILENO)
		close(null);
}

static int open_kernel(struct spmd *d)
{
	char err[256];

	d->k = rk_open(d->opts->kernel, d->base, on_kernel_event, d, err, sizeof(err));
	if (!d->k) {
		fatal(d, "cannot open the kernel interface: %s", err);
		return -1;
	}
	rc_log(RC_LOG_INFO, "kernel interface: %s", rk_backend_name(d->k));
	rk_caps_describe(d->k, log_caps, NULL);
	return 0;
}

static void shutdown_all(struct spmd *d)
{
	if (d->k && rk_flush(d->k) < 0)
		rc_log(RC_LOG_INTERNAL_ERR, "removing the installed policies: %s", rk_error(d->k));
	for (size_t i = 0; i < RC_ARRAY_SIZE(d->sig); i++)
		rc_event_free(d->sig[i]);
	spmif_server_free(d->srv);
	dnsproxy_free(d->proxy);
	spd_free(d->spd);
	resolver_free(d->res);
	if (d->k)
		rk_close(d->k);
	rcf_free(d->cfg);
	if (d->have_pidfile)
		rc_pidfile_remove(&d->pf);
	if (d->base)
		event_base_free(d->base);
}

/* Everything up to the first policy: errors go to stderr (the terminal
 * that started us) as well as the log. */
static int prepare(struct spmd *d, unsigned char **pw, size_t *pwlen)
{
	struct rc_diag dg;
	char err[256];

	rc_diag_init(&dg);
	d->cfg = load_config(d->opts->config, &dg, pw, pwlen);
	rc_diag_print(&dg, stderr, 1);
	rc_diag_free(&dg);
	if (!d->cfg) {
		fprintf(stderr, "spmd: %s: the configuration has errors\n", d->opts->config);
		return -1;
	}
	if (rc_log_open("spmd", d->opts->foreground ? RC_LOGDEST_STDERR : RC_LOGDEST_SYSLOG, NULL,
			err, sizeof(err)) < 0)
		fprintf(stderr, "spmd: log: %s\n", err);
	rc_log_set_verbosity(d->opts->verbosity);
	return daemonize(d);
}

int spmd_run(const struct spmd_opts *in)
{
	struct spmd_opts opts = *in;
	const struct spmd_opts *o = &opts;
	struct spmd d = {.opts = o, .exit_status = 1, .ready_fd = -1};
	/* daemon() moves to /: a reload must still find a relative path */
	char *abs = realpath(in->config, NULL);
	struct spd_stats st;
	unsigned char *pw = NULL;
	size_t pwlen = 0;
	char err[256];

	if (abs)
		opts.config = abs;
	if (prepare(&d, &pw, &pwlen) < 0)
		goto out;
	d.base = rc_event_base_new(err, sizeof(err));
	if (!d.base) {
		fatal(&d, "event loop: %s", err);
		goto out;
	}
	if (open_kernel(&d) < 0)
		goto out;
#ifdef __linux__
	d.cmds.policy.fwd = true;
#endif
	d.spd = spd_new(d.k, d.cmds.policy.fwd);
	d.cmds.policy.spd = d.spd;
	setup_resolver(&d, d.cfg);
	spd_apply_config(d.spd, d.cfg, &st);
	log_stats("start", &st);
	if (start_spmif(&d, pw, pwlen) < 0)
		goto out;
	start_signals(&d);
	rc_log(RC_LOG_INFO, "spmd started (pid %ld)", (long)getpid());
	report_ready(&d, 0);
	if (rc_event_loop(d.base) < 0)
		rc_log(RC_LOG_CRITICAL, "event loop failed");
	d.exit_status = 0;
out:
	report_ready(&d, (unsigned char)d.exit_status);
	if (pw)
		rc_freezero(pw, pwlen);
	shutdown_all(&d);
	free(abs);
	return d.exit_status;
}
