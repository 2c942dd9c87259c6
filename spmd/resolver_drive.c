/* resolver-drive: spmd's resolver, DNS proxy and NS/FQDN/STAT commands
 * on their own, for the host integration test (tests/integration/tests/
 * spmd-fqdn) until the spmd daemon uses them.
 *
 * It loads racoon2.conf, starts the resolver and the proxy of its
 * `resolver` section, registers the FQDNs of every selector, and keeps one
 * policy per such selector in the kernel (first address of the FQDN side,
 * matching family on the other side; action from the selector's policy:
 * discard, or bypass for anything else; the driver negotiates nothing).
 * Lines read from the command FIFO are run as spmif commands and their
 * replies printed.  SIGTERM removes the policies it installed.
 *
 * usage: resolver-drive -f racoon2.conf [-K backend] [-n nsswitch.conf]
 *        [-H hosts] [-c fifo] [-r retry_min_ms] [-t min_ttl_ms] [-x]
 * -x: exit once set up (does the backend open?). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <event2/event.h>

#include "cmd_dns.h"
#include "dnsproxy.h"
#include "event.h"
#include "kernel.h"
#include "log.h"
#include "rcf.h"
#include "rcf_model.h"
#include "resolver.h"

struct fsel {
	const struct rcf_selector *sel;
	bool installed;
	struct rk_policy pol;
};

struct drive {
	struct event_base *base;
	struct rcf_config *cfg;
	struct resolver *r;
	struct dnsproxy *proxy;
	struct rk *k;
	struct fsel *v;
	size_t n;
	int fifo;
	char line[1024];
	size_t linelen;
};

static bool side_addr(struct drive *d, const struct rcf_addrlist *l, int family,
		      struct rc_addr *out)
{
	const struct rcf_addrspec *s = &l->v[0];
	const struct rc_addr *a;
	size_t n;

	if (s->kind == RCF_ADDR_NUMERIC) {
		*out = s->addr;
		return family == AF_UNSPEC || s->addr.family == family;
	}
	if (s->kind != RCF_ADDR_FQDN)
		return false;
	n = resolver_fqdn_addrs(d->r, s->text, &a);
	for (size_t i = 0; i < n; i++) {
		if (family == AF_UNSPEC || a[i].family == family) {
			*out = a[i];
			out->port = s->port;
			return true;
		}
	}
	return false;
}

static void unapply(struct drive *d, struct fsel *f)
{
	char err[256];

	if (!f->installed)
		return;
	if (rk_policy_del(d->k, &f->pol.sel, f->pol.dir) < 0) {
		snprintf(err, sizeof(err), "%s", rk_error(d->k));
		rc_log(RC_LOG_INTERNAL_ERR, "drive: selector %s: cannot remove its policy: %s",
		       f->sel->name, err);
	}
	f->installed = false;
}

static void apply(struct drive *d, struct fsel *f)
{
	const struct rcf_selector *s = f->sel;
	struct rk_policy p = {0};
	char sbuf[RC_ADDR_STRLEN], dbuf[RC_ADDR_STRLEN];
	bool src_fqdn = s->src.v[0].kind == RCF_ADDR_FQDN;

	/* the FQDN side picks the family, the other side must match it */
	if (!side_addr(d, src_fqdn ? &s->src : &s->dst, AF_UNSPEC,
		       src_fqdn ? &p.sel.src : &p.sel.dst) ||
	    !side_addr(d, src_fqdn ? &s->dst : &s->src,
		       src_fqdn ? p.sel.src.family : p.sel.dst.family,
		       src_fqdn ? &p.sel.dst : &p.sel.src)) {
		unapply(d, f);
		rc_log(RC_LOG_INFO, "drive: selector %s waits for its FQDN", s->name);
		return;
	}
	p.sel.proto = 0;
	p.dir = s->direction.v == RCF_DIR_INBOUND ? RK_DIR_IN : RK_DIR_OUT;
	p.action = s->policy && s->policy->action.v == RCF_ACT_DISCARD ? RK_ACT_DISCARD
								       : RK_ACT_BYPASS;
	if (f->installed && memcmp(&p.sel, &f->pol.sel, sizeof(p.sel)) == 0)
		return;
	unapply(d, f);
	if (rk_policy_add(d->k, &p, true) < 0) {
		rc_log(RC_LOG_INTERNAL_ERR, "drive: selector %s: cannot install its policy: %s",
		       s->name, rk_error(d->k));
		return;
	}
	f->pol = p;
	f->installed = true;
	rc_log(RC_LOG_INFO, "drive: selector %s: policy installed %s -> %s", s->name,
	       rc_addr_str(&p.sel.src, sbuf, sizeof(sbuf)),
	       rc_addr_str(&p.sel.dst, dbuf, sizeof(dbuf)));
}

static bool uses(const struct rcf_selector *s, const char *fqdn)
{
	char a[RESOLVER_NAME_MAX + 1], b[RESOLVER_NAME_MAX + 1];
	const struct rcf_addrspec *sides[2] = {&s->src.v[0], &s->dst.v[0]};

	for (int i = 0; i < 2; i++)
		if (sides[i]->kind == RCF_ADDR_FQDN &&
		    resolver_fqdn_normalize(sides[i]->text, a, sizeof(a)) == 0 &&
		    resolver_fqdn_normalize(fqdn, b, sizeof(b)) == 0 && strcmp(a, b) == 0)
			return true;
	return false;
}

static void on_change(void *arg, const char *fqdn, const struct rc_addr *addrs, size_t n)
{
	struct drive *d = arg;

	(void)addrs;
	(void)n;
	for (size_t i = 0; i < d->n; i++)
		if (uses(d->v[i].sel, fqdn))
			apply(d, &d->v[i]);
}

static void say_line(void *arg, int code, bool more, const char *text)
{
	(void)arg;
	printf("reply: %03d%c%s\n", code, more ? '-' : ' ', text);
}

static void run_command(struct drive *d, char *line)
{
	char *argv[16], *save = NULL;
	int argc = 0;
	struct cmd_dns_out out = {say_line, NULL};

	for (char *t = strtok_r(line, " \t\r", &save); t && argc < 16;
	     t = strtok_r(NULL, " \t\r", &save))
		argv[argc++] = t;
	if (argc == 0)
		return;
	printf("command:");
	for (int i = 0; i < argc; i++)
		printf(" %s", argv[i]);
	printf("\n");
	if (strncasecmp(argv[0], "NS", 2) == 0)
		cmd_dns_ns(d->r, argc - 1, argv + 1, &out);
	else if (strncasecmp(argv[0], "FQDN", 4) == 0)
		cmd_dns_fqdn(d->r, argc - 1, argv + 1, &out);
	else if (strncasecmp(argv[0], "STAT", 4) == 0)
		cmd_dns_stat(d->r, argc - 1, argv + 1, &out);
	else
		say_line(NULL, 502, false, "Command not implemented");
	fflush(stdout);
}

static void fifo_cb(int fd, void *arg)
{
	struct drive *d = arg;
	char buf[512];
	ssize_t n = read(fd, buf, sizeof(buf));

	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			d->line[d->linelen] = '\0';
			run_command(d, d->line);
			d->linelen = 0;
		} else if (d->linelen < sizeof(d->line) - 1) {
			d->line[d->linelen++] = buf[i];
		}
	}
}

static void on_signal(int signo, void *arg)
{
	struct drive *d = arg;
	(void)signo;
	rc_event_loop_exit(d->base);
}

static void register_selectors(struct drive *d)
{
	char err[256];

	d->v = calloc(d->cfg->nselectors ? d->cfg->nselectors : 1, sizeof(*d->v));
	for (size_t i = 0; i < d->cfg->nselectors; i++) {
		const struct rcf_selector *s = d->cfg->selectors[i];
		bool any = false;
		if (s->src.n == 0 || s->dst.n == 0)
			continue;
		const struct rcf_addrspec *sides[2] = {&s->src.v[0], &s->dst.v[0]};
		for (int j = 0; j < 2; j++) {
			if (sides[j]->kind != RCF_ADDR_FQDN)
				continue;
			if (!resolver_can_resolve(d->r)) {
				rc_log(RC_LOG_INTERNAL_ERR,
				       "drive: selector %s names %s, but neither the "
				       "resolver nor the hosts file can resolve it; ignored",
				       s->name, sides[j]->text);
				break;
			}
			if (resolver_fqdn_register(d->r, sides[j]->text, err, sizeof(err)) < 0) {
				rc_log(RC_LOG_INTERNAL_ERR, "drive: selector %s: %s", s->name, err);
				continue;
			}
			any = true;
			rc_log(RC_LOG_INFO, "drive: selector %s waits for %s", s->name,
			       sides[j]->text);
		}
		if (any)
			d->v[d->n++].sel = s;
	}
}

static int usage(void)
{
	fprintf(stderr, "usage: resolver-drive -f racoon2.conf [-K backend] [-n nsswitch] "
			"[-H hosts] [-c fifo] [-r retry_min_ms] [-t min_ttl_ms] [-x]\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct resolver_opts o = {0};
	struct rcf_load_opts lo = {.daemon = RCF_FOR_SPMD};
	const char *backend = "memory", *fifo = NULL;
	struct drive d = {.fifo = -1};
	bool setup_only = false;
	struct rc_diag diag;
	char err[512];
	int c;

	while ((c = getopt(argc, argv, "f:K:n:H:c:r:t:x")) != -1) {
		switch (c) {
		case 'f':
			lo.path = optarg;
			break;
		case 'K':
			backend = optarg;
			break;
		case 'n':
			o.nsswitch_path = optarg;
			break;
		case 'H':
			o.hosts_path = optarg;
			break;
		case 'c':
			fifo = optarg;
			break;
		case 'r':
			o.retry_min_ms = (unsigned)atoi(optarg);
			break;
		case 't':
			o.min_ttl_ms = (unsigned)atoi(optarg);
			break;
		case 'x':
			setup_only = true;
			break;
		default:
			return usage();
		}
	}
	if (!lo.path)
		return usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	rc_log_open("resolver-drive", RC_LOGDEST_STDERR, NULL, err, sizeof(err));
	rc_diag_init(&diag);
	d.cfg = rcf_load(&lo, &diag);
	if (!d.cfg) {
		rc_diag_print(&diag, stderr, 0);
		return 1;
	}
	rc_diag_free(&diag);
	d.base = rc_event_base_new(err, sizeof(err));
	d.k = d.base ? rk_open(backend, d.base, NULL, NULL, err, sizeof(err)) : NULL;
	if (!d.k) {
		fprintf(stderr, "resolver-drive: %s\n", err);
		return 1;
	}
	d.r = resolver_new(d.base, &d.cfg->resolver, &o, err, sizeof(err));
	if (!d.r) {
		fprintf(stderr, "resolver-drive: %s\n", err);
		return 1;
	}
	resolver_set_change_cb(d.r, on_change, &d);
	if (resolver_is_on(d.r)) {
		d.proxy = dnsproxy_new(d.r, &d.cfg->resolver, err, sizeof(err));
		if (!d.proxy)
			rc_log(RC_LOG_INTERNAL_ERR, "drive: %s", err);
	}
	register_selectors(&d);
	struct rc_event *ev_fifo = NULL;
	if (fifo) {
		d.fifo = open(fifo, O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (d.fifo < 0) {
			fprintf(stderr, "resolver-drive: %s: %s\n", fifo, strerror(errno));
			return 1;
		}
		ev_fifo = rc_event_readable(d.base, d.fifo, fifo_cb, &d);
	}
	struct rc_event *s1 = rc_event_signal(d.base, SIGTERM, on_signal, &d);
	struct rc_event *s2 = rc_event_signal(d.base, SIGINT, on_signal, &d);
	printf("ready\n");
	if (!setup_only)
		rc_event_loop(d.base);

	rk_flush(d.k);
	printf("flushed\n");
	rc_event_free(ev_fifo);
	rc_event_free(s1);
	rc_event_free(s2);
	if (d.fifo >= 0)
		close(d.fifo);
	dnsproxy_free(d.proxy);
	resolver_free(d.r);
	rk_close(d.k);
	free(d.v);
	rcf_free(d.cfg);
	event_base_free(d.base);
	rc_log_close();
	return 0;
}
