/* spmd's resolver over a fake DNS server on 127.0.0.1: the FQDN cache
 * (hosts file, nsswitch order, DNS answers, TTL re-query, retry with
 * backoff), the DNS proxy (relay with ID mapping, learning, dup, expiry,
 * garbage) and the exact replies of the NS, FQDN and STAT commands. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include <event2/event.h>

#include "bytebuf.h"
#include "cmd_dns.h"
#include "dns_msg.h"
#include "dnsproxy.h"
#include "event.h"
#include "rcf_model.h"
#include "resolver.h"

/* ---- fixture: files, fake DNS server, change log ---- */

#define MAX_RECS 16

struct rec {
	char name[DNS_NAME_MAX + 1];
	struct rc_addr addr;
	uint32_t ttl;
};

struct fake_dns {
	int fd;
	uint16_t port;
	struct rc_event *ev;
	struct rec recs[MAX_RECS];
	size_t nrecs;
	unsigned queries;
	bool silent;  /* drop every query */
	int spoof_fd; /* >= 0: answer from this other socket instead */
};

struct fx {
	struct event_base *base;
	char dir[64], nsswitch[96], hosts[96];
	struct fake_dns dns;
	struct rcf_resolver conf;
	struct rcf_addrspec ns_spec;
	struct resolver *r;
	unsigned changes;
	char last_name[DNS_NAME_MAX + 1];
	char last_addrs[512];
};

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void fake_reply(struct fake_dns *d, const uint8_t *q, size_t qlen,
		       const struct sockaddr_storage *from, socklen_t flen)
{
	struct dns_msg m;
	struct rc_writer w;
	size_t n = 0;
	const struct rec *hit[MAX_RECS];
	bool known = false;

	if (dns_parse(q, qlen, &m) != DNS_OK || m.nq != 1)
		return;
	for (size_t i = 0; i < d->nrecs; i++) {
		if (strcmp(d->recs[i].name, m.q[0].name) != 0)
			continue;
		known = true;
		int fam = m.q[0].qtype == DNS_TYPE_A ? AF_INET : AF_INET6;
		if (d->recs[i].addr.family == fam)
			hit[n++] = &d->recs[i];
	}
	rc_writer_init(&w, 512);
	assert_true(rc_put_u16(&w, m.id) && rc_put_u16(&w, known ? 0x8180 : 0x8183) &&
		    rc_put_u16(&w, 1) && rc_put_u16(&w, (uint16_t)n) && rc_put_u16(&w, 0) &&
		    rc_put_u16(&w, 0));
	/* the question as the client wrote it */
	struct rc_reader rd;
	rc_reader_init(&rd, q + 12, qlen - 12);
	char tmp[DNS_NAME_MAX + 1];
	assert_int_equal(dns_read_name(q, qlen, &rd, tmp, sizeof(tmp)), DNS_OK);
	size_t qend = (size_t)(rc_reader_ptr(&rd) - q) + 4;
	assert_true(rc_put_bytes(&w, q + 12, qend - 12));
	for (size_t i = 0; i < n; i++) {
		bool v4 = hit[i]->addr.family == AF_INET;
		assert_true(rc_put_u16(&w, 0xc00c) &&
			    rc_put_u16(&w, v4 ? DNS_TYPE_A : DNS_TYPE_AAAA) &&
			    rc_put_u16(&w, DNS_CLASS_IN) && rc_put_u32(&w, hit[i]->ttl) &&
			    rc_put_u16(&w, v4 ? 4 : 16) &&
			    rc_put_bytes(&w, hit[i]->addr.u.bytes, v4 ? 4 : 16));
	}
	assert_true(rc_writer_ok(&w));
	sendto(d->spoof_fd >= 0 ? d->spoof_fd : d->fd, rc_writer_data(&w), rc_writer_len(&w), 0,
	       (const struct sockaddr *)from, flen);
	rc_writer_free(&w);
}

static void fake_cb(int fd, void *arg)
{
	struct fake_dns *d = arg;
	uint8_t buf[2048];
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);

	if (n <= 0)
		return;
	d->queries++;
	if (!d->silent)
		fake_reply(d, buf, (size_t)n, &from, flen);
}

static int udp_socket(uint16_t *port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);

	assert_true(fd >= 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

static void fake_add(struct fake_dns *d, const char *name, const char *addr, uint32_t ttl)
{
	char err[64];
	struct rec *r = &d->recs[d->nrecs++];
	snprintf(r->name, sizeof(r->name), "%s", name);
	assert_int_equal(rc_addr_parse(addr, &r->addr, err, sizeof(err)), 0);
	r->ttl = ttl;
}

static void on_change(void *arg, const char *fqdn, const struct rc_addr *addrs, size_t n)
{
	struct fx *f = arg;
	size_t at = 0;
	char buf[RC_ADDR_STRLEN];

	f->changes++;
	snprintf(f->last_name, sizeof(f->last_name), "%s", fqdn);
	f->last_addrs[0] = '\0';
	for (size_t i = 0; i < n; i++)
		at += (size_t)snprintf(f->last_addrs + at, sizeof(f->last_addrs) - at, "%s%s",
				       i ? " " : "", rc_addr_ntop(&addrs[i], buf, sizeof(buf)));
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Run the loop until *counter reaches want or ms pass. */
static void run_until(struct fx *f, const unsigned *counter, unsigned want, unsigned ms)
{
	uint64_t end = now_ms() + ms;
	while ((!counter || *counter < want) && now_ms() < end) {
		event_base_loop(f->base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
		usleep(1000);
	}
}

static struct resolver_opts fast_opts(struct fx *f)
{
	struct resolver_opts o = {
		.nsswitch_path = f->nsswitch,
		.hosts_path = f->hosts,
		.retry_min_ms = 50,
		.retry_max_ms = 200,
		.refresh_max_ms = 60000,
		.min_ttl_ms = 100,
		.dns_timeout_ms = 300,
	};
	return o;
}

static void fx_resolver(struct fx *f, bool on)
{
	struct resolver_opts o = fast_opts(f);
	char err[256];

	f->conf.resolver.m.origin = RCF_EXPLICIT;
	f->conf.resolver.v = on;
	f->r = resolver_new(f->base, &f->conf, &o, err, sizeof(err));
	if (!f->r)
		fail_msg("resolver_new: %s", err);
	resolver_set_change_cb(f->r, on_change, f);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char err[128];

	f->base = rc_event_base_new(err, sizeof(err));
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_resolver.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->nsswitch, sizeof(f->nsswitch), "%s/nsswitch.conf", f->dir);
	snprintf(f->hosts, sizeof(f->hosts), "%s/hosts", f->dir);
	write_file(f->nsswitch, "passwd: files\nhosts:  dns files\n");
	write_file(f->hosts, "# test\n198.51.100.1 fromhosts.example fh\n");
	f->dns.fd = udp_socket(&f->dns.port);
	f->dns.spoof_fd = -1;
	f->dns.ev = rc_event_readable(f->base, f->dns.fd, fake_cb, &f->dns);
	f->ns_spec.kind = RCF_ADDR_NUMERIC;
	assert_int_equal(rc_addr_parse("127.0.0.1", &f->ns_spec.addr, err, sizeof(err)), 0);
	f->ns_spec.addr.port = f->dns.port;
	f->ns_spec.port = f->dns.port;
	f->ns_spec.port_set = true;
	f->conf.nameserver.n = 1;
	f->conf.nameserver.v = &f->ns_spec;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	resolver_free(f->r);
	rc_event_free(f->dns.ev);
	close(f->dns.fd);
	event_base_free(f->base);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", f->dir);
	free(f);
	return 0;
}

/* A command line split like the spmif server does (after the command). */
static char *cmd(struct fx *f, cmd_dns_fn *fn, const char *line)
{
	static char *reply;
	char copy[512], *argv[8], *save = NULL;
	int argc = 0;

	free(reply);
	snprintf(copy, sizeof(copy), "%s", line);
	for (char *t = strtok_r(copy, " ", &save); t && argc < 8; t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	reply = cmd_dns_format(fn, f->r, argc, argv);
	assert_non_null(reply);
	return reply;
}

/* ---- tests ---- */

static void normalize_names(void **state)
{
	char out[RESOLVER_NAME_MAX + 1], big[300];

	(void)state;
	assert_int_equal(resolver_fqdn_normalize("WWW.Example.com", out, sizeof(out)), 0);
	assert_string_equal(out, "www.example.com.");
	assert_int_equal(resolver_fqdn_normalize("a.b.", out, sizeof(out)), 0);
	assert_string_equal(out, "a.b.");
	assert_int_equal(resolver_fqdn_normalize("", out, sizeof(out)), -1);
	assert_int_equal(resolver_fqdn_normalize(".", out, sizeof(out)), -1);
	assert_int_equal(resolver_fqdn_normalize("a..b", out, sizeof(out)), -1);
	assert_int_equal(resolver_fqdn_normalize("a b", out, sizeof(out)), -1);
	memset(big, 'a', 299);
	big[299] = '\0';
	assert_int_equal(resolver_fqdn_normalize(big, out, sizeof(out)), -1);
}

static void resolves_through_dns_with_ttl_requery(void **state)
{
	struct fx *f = *state;
	const struct rc_addr *a;

	fake_add(&f->dns, "host.example.", "192.0.2.10", 0);
	fake_add(&f->dns, "host.example.", "2001:db8::10", 0);
	fx_resolver(f, true);
	assert_int_equal(resolver_fqdn_register(f->r, "Host.Example", NULL, 0), 0);
	assert_int_equal(f->changes, 0); /* never inside the register call */
	run_until(f, &f->changes, 1, 2000);
	assert_int_equal(f->changes, 1);
	assert_string_equal(f->last_name, "host.example.");
	assert_string_equal(f->last_addrs, "192.0.2.10 2001:db8::10");
	assert_int_equal(resolver_fqdn_addrs(f->r, "host.example.", &a), 2);

	/* TTL 0 -> re-queried after min_ttl_ms; the new address is seen */
	f->dns.recs[0].addr.u.bytes[3] = 11;
	run_until(f, &f->changes, 2, 2000);
	assert_int_equal(f->changes, 2);
	assert_string_equal(f->last_addrs, "192.0.2.11 2001:db8::10");
	/* unchanged answers do not call back */
	unsigned q = f->dns.queries;
	run_until(f, NULL, 0, 400);
	assert_true(f->dns.queries > q);
	assert_int_equal(f->changes, 2);
}

static void unresolvable_then_resolves(void **state)
{
	struct fx *f = *state;

	fx_resolver(f, true);
	assert_int_equal(resolver_fqdn_register(f->r, "later.example", NULL, 0), 0);
	run_until(f, NULL, 0, 300);
	assert_int_equal(f->changes, 0);
	unsigned q = f->dns.queries;
	assert_true(q >= 4); /* A and AAAA, retried with backoff */
	fake_add(&f->dns, "later.example.", "203.0.113.5", 300);
	run_until(f, &f->changes, 1, 2000);
	assert_int_equal(f->changes, 1);
	assert_string_equal(f->last_addrs, "203.0.113.5");
	/* answered: the next query waits for the TTL (clamped to 60 s) */
	q = f->dns.queries;
	run_until(f, NULL, 0, 300);
	assert_int_equal(f->dns.queries, q);
}

static void hosts_file_order(void **state)
{
	struct fx *f = *state;
	const struct rc_addr *a;

	/* files first: the hosts file answers, DNS is not asked */
	write_file(f->nsswitch, "hosts: files [NOTFOUND=return] dns\n");
	fake_add(&f->dns, "fromhosts.example.", "192.0.2.99", 300);
	fx_resolver(f, true);
	assert_int_equal(resolver_fqdn_register(f->r, "FH", NULL, 0), 0);
	run_until(f, &f->changes, 1, 1000);
	assert_string_equal(f->last_addrs, "198.51.100.1");
	assert_int_equal(f->dns.queries, 0);
	assert_int_equal(resolver_fqdn_addrs(f->r, "fh", &a), 1);
	resolver_free(f->r);

	/* dns first: DNS wins; the hosts file is the fallback */
	write_file(f->nsswitch, "hosts: dns files\n");
	f->changes = 0;
	fx_resolver(f, true);
	assert_int_equal(resolver_fqdn_register(f->r, "fromhosts.example", NULL, 0), 0);
	assert_int_equal(resolver_fqdn_register(f->r, "fh", NULL, 0), 0);
	run_until(f, &f->changes, 2, 2000);
	assert_int_equal(resolver_fqdn_addrs(f->r, "fromhosts.example", &a), 1);
	char buf[RC_ADDR_STRLEN];
	assert_string_equal(rc_addr_ntop(&a[0], buf, sizeof(buf)), "192.0.2.99");
	assert_int_equal(resolver_fqdn_addrs(f->r, "fh", &a), 1);
	assert_string_equal(rc_addr_ntop(&a[0], buf, sizeof(buf)), "198.51.100.1");
	resolver_free(f->r);

	/* resolver off: only the hosts file */
	f->changes = 0;
	fx_resolver(f, false);
	assert_true(resolver_can_resolve(f->r));
	assert_int_equal(resolver_fqdn_register(f->r, "fh", NULL, 0), 0);
	run_until(f, &f->changes, 1, 1000);
	assert_string_equal(f->last_addrs, "198.51.100.1");
	resolver_free(f->r);

	/* resolver off, no files: FQDN selectors cannot work */
	write_file(f->nsswitch, "hosts: dns\n");
	fx_resolver(f, false);
	assert_false(resolver_can_resolve(f->r));
}

static void hosts_edit_seen_at_retry(void **state)
{
	struct fx *f = *state;

	write_file(f->nsswitch, "hosts: files\n");
	fx_resolver(f, false);
	assert_int_equal(resolver_fqdn_register(f->r, "new.example", NULL, 0), 0);
	run_until(f, NULL, 0, 100);
	assert_int_equal(f->changes, 0);
	/* a different size, so the edit shows even within one mtime tick */
	write_file(f->hosts, "198.51.100.1 fromhosts.example fh\n2001:db8::5 new.example\n");
	run_until(f, &f->changes, 1, 1000);
	assert_string_equal(f->last_addrs, "2001:db8::5");
}

static void register_refcount(void **state)
{
	struct fx *f = *state;

	fx_resolver(f, true);
	assert_int_equal(resolver_fqdn_register(f->r, "a.example", NULL, 0), 0);
	assert_int_equal(resolver_fqdn_register(f->r, "A.EXAMPLE.", NULL, 0), 0);
	assert_int_equal(resolver_fqdn_unregister(f->r, "a.example"), 0);
	assert_true(resolver_fqdn_is_registered(f->r, "a.example"));
	assert_int_equal(resolver_fqdn_unregister(f->r, "a.example"), 0);
	assert_false(resolver_fqdn_is_registered(f->r, "a.example"));
	assert_int_equal(resolver_fqdn_unregister(f->r, "a.example"), -1);
	char err[128];
	assert_int_equal(resolver_fqdn_register(f->r, "bad..name", err, sizeof(err)), -1);
	/* unregister while its queries are in flight, then let them finish */
	f->dns.silent = true;
	assert_int_equal(resolver_fqdn_register(f->r, "b.example", NULL, 0), 0);
	run_until(f, NULL, 0, 30);
	assert_int_equal(resolver_fqdn_unregister(f->r, "b.example"), 0);
	run_until(f, NULL, 0, 100);
	/* and one still in flight at resolver_free (teardown) */
	assert_int_equal(resolver_fqdn_register(f->r, "c.example", NULL, 0), 0);
	run_until(f, NULL, 0, 30);
}

static void ns_commands(void **state)
{
	struct fx *f = *state;
	char want[256];

	fx_resolver(f, true);
	assert_string_equal(cmd(f, cmd_dns_ns, "LIST"), "250 127.0.0.1\r\n");
	assert_string_equal(cmd(f, cmd_dns_ns, "ADD 192.0.2.53"), "250 192.0.2.53 Added\r\n");
	/* the added server is live, so it comes first */
	assert_string_equal(cmd(f, cmd_dns_ns, "list"), "250-192.0.2.53\r\n250 127.0.0.1\r\n");
	assert_string_equal(cmd(f, cmd_dns_ns, "ADD 192.0.2.53"),
			    "551 192.0.2.53 Already Exists\r\n");
	assert_string_equal(cmd(f, cmd_dns_ns, "ADD not-an-address"), "550 Operation Failed\r\n");
	assert_string_equal(cmd(f, cmd_dns_ns, "CHANGE 127.0.0.1"), "250 127.0.0.1 changed.\r\n");
	assert_string_equal(cmd(f, cmd_dns_ns, "LISTING"), "250-127.0.0.1\r\n250 192.0.2.53\r\n");
	assert_string_equal(cmd(f, cmd_dns_ns, "CHANGE 2001:db8::1"),
			    "550 Can not find 2001:db8::1 in the our list.\r\n");
	assert_string_equal(cmd(f, cmd_dns_ns, "DELETE 2001:db8::1"), "551 Does Not Exist\r\n");
	assert_string_equal(cmd(f, cmd_dns_ns, "DELETE 192.0.2.53"), "250 192.0.2.53 Deleted\r\n");
	assert_string_equal(cmd(f, cmd_dns_ns, "DELETE 127.0.0.1"),
			    "550 Internal Error or At least need one dns server in the system\r\n");
	assert_string_equal(cmd(f, cmd_dns_ns, "DEL 127.0.0.1"), "500 Syntax Error\r\n");
	assert_string_equal(cmd(f, cmd_dns_ns, "ADD"), "500 Syntax Error\r\n");
	assert_string_equal(cmd(f, cmd_dns_ns, ""), "500 Syntax Error\r\n");
	/* the live server really is used: a name only it knows resolves */
	fake_add(&f->dns, "live.example.", "192.0.2.77", 300);
	assert_int_equal(resolver_fqdn_register(f->r, "live.example", NULL, 0), 0);
	run_until(f, &f->changes, 1, 2000);
	assert_string_equal(f->last_addrs, "192.0.2.77");
	resolver_free(f->r);

	/* resolver off */
	fx_resolver(f, false);
	assert_string_equal(cmd(f, cmd_dns_ns, "LIST"), "251 No Name Server(resolver off?)\r\n");
	assert_string_equal(cmd(f, cmd_dns_ns, "ADD 192.0.2.1"),
			    "550 Operation Failed(resolver off?)\r\n");
	assert_string_equal(cmd(f, cmd_dns_ns, "DELETE 192.0.2.1"),
			    "550 Operation Failed(resolver off?)\r\n");
	resolver_free(f->r);

	/* no dns in nsswitch: every NS subcommand is refused */
	write_file(f->nsswitch, "hosts: files\n");
	fx_resolver(f, true);
	snprintf(want, sizeof(want), "550 Operation Failed, check /etc/nsswitch.conf\r\n");
	assert_string_equal(cmd(f, cmd_dns_ns, "LIST"), want);
	assert_string_equal(cmd(f, cmd_dns_ns, "ADD 192.0.2.1"), want);
	/* re-read at each command */
	write_file(f->nsswitch, "hosts: files dns\n");
	assert_string_equal(cmd(f, cmd_dns_ns, "LIST"), "250 127.0.0.1\r\n");
}

static void fqdn_commands(void **state)
{
	struct fx *f = *state;

	fake_add(&f->dns, "one.example.", "192.0.2.1", 300);
	fake_add(&f->dns, "two.example.", "192.0.2.1", 300);
	fake_add(&f->dns, "two.example.", "2001:db8::2", 300);
	fx_resolver(f, true);
	assert_string_equal(cmd(f, cmd_dns_fqdn, "LIST"), "251 No FQDN Registered\r\n");
	assert_string_equal(cmd(f, cmd_dns_fqdn, "ADD one.example"), "250 FQDN Registered\r\n");
	assert_string_equal(cmd(f, cmd_dns_fqdn, "add TWO.example."), "250 FQDN Registered\r\n");
	assert_string_equal(cmd(f, cmd_dns_fqdn, "ADD one.example."),
			    "550 FQDN Already Registered\r\n");
	char big[300];
	memset(big, 'a', 299);
	big[299] = '\0';
	char line[400];
	snprintf(line, sizeof(line), "ADD %s", big);
	assert_string_equal(cmd(f, cmd_dns_fqdn, line), "550 Operation Failed\r\n");
	assert_string_equal(cmd(f, cmd_dns_fqdn, "LIST"),
			    "250-one.example.\r\n250 two.example.\r\n");
	assert_string_equal(cmd(f, cmd_dns_fqdn, "QUERY 192.0.2.1"), "501 Not Cached\r\n");
	run_until(f, &f->changes, 2, 2000);
	assert_string_equal(cmd(f, cmd_dns_fqdn, "QUERY 192.0.2.1"),
			    "250-one.example.\r\n250 two.example.\r\n");
	assert_string_equal(cmd(f, cmd_dns_fqdn, "QUERY 2001:db8::2"), "250 two.example.\r\n");
	assert_string_equal(cmd(f, cmd_dns_fqdn, "QUERY 2001:db8::3"), "501 Not Cached\r\n");
	assert_string_equal(cmd(f, cmd_dns_fqdn, "QUERY nonsense"), "550 Operation Failed\r\n");
	assert_string_equal(cmd(f, cmd_dns_fqdn, "DELETE one.example"),
			    "250 FQDN Deregistered\r\n");
	assert_string_equal(cmd(f, cmd_dns_fqdn, "DELETE one.example"),
			    "550 No such a FQDN exists\r\n");
	/* a name a selector holds is not dropped under it */
	assert_int_equal(resolver_fqdn_register(f->r, "sel.example", NULL, 0), 0);
	assert_string_equal(cmd(f, cmd_dns_fqdn, "ADD sel.example"),
			    "550 FQDN Already Registered\r\n");
	assert_string_equal(cmd(f, cmd_dns_fqdn, "DELETE sel.example"),
			    "550 Operation Failed, FQDN used by a selector\r\n");
	assert_string_equal(cmd(f, cmd_dns_fqdn, "DEL two.example"), "500 Syntax Error\r\n");
	assert_string_equal(cmd(f, cmd_dns_fqdn, "LIST extra"), "500 Syntax Error\r\n");

	assert_string_equal(cmd(f, cmd_dns_stat, ""), "250-DNS QUERY = 0\r\n"
						      "250-DNS RESPONSE = 0\r\n"
						      "250-DNS QUERY PROXY = 0\r\n"
						      "250-DNS RESPONSE PROXY = 0\r\n"
						      "250-DNS EXPIRED QUERY = 0\r\n"
						      "250-DNS DUP QUERY = 0\r\n"
						      "250-CACHE IP ADDRESS = 2\r\n"
						      "250-CACHE FQDN = 1\r\n"
						      "250 CACHE TOTAL FQDN = 2\r\n");
	assert_string_equal(cmd(f, cmd_dns_stat, "x"), "500 Syntax Error\r\n");
}

static void reload_takes_the_new_section(void **state)
{
	struct fx *f = *state;
	struct rcf_resolver empty = {0};
	char err[256];

	fake_add(&f->dns, "r.example.", "192.0.2.5", 300);
	fx_resolver(f, true);
	assert_int_equal(resolver_fqdn_register(f->r, "r.example", NULL, 0), 0);
	run_until(f, &f->changes, 1, 2000);
	assert_string_equal(cmd(f, cmd_dns_ns, "ADD 192.0.2.53"), "250 192.0.2.53 Added\r\n");
	/* on without a nameserver: refused, old list kept */
	empty.resolver.m.origin = RCF_EXPLICIT;
	empty.resolver.v = 1;
	assert_int_equal(resolver_reload(f->r, &empty, err, sizeof(err)), -1);
	assert_string_equal(cmd(f, cmd_dns_ns, "LIST"), "250-192.0.2.53\r\n250 127.0.0.1\r\n");
	/* off */
	assert_int_equal(resolver_reload(f->r, NULL, err, sizeof(err)), 0);
	assert_string_equal(cmd(f, cmd_dns_ns, "LIST"), "251 No Name Server(resolver off?)\r\n");
	assert_true(resolver_fqdn_is_registered(f->r, "r.example"));
	/* on again: the NS ADD server is gone, the configured one is live and
	 * the registered name is asked again */
	unsigned q = f->dns.queries;
	assert_int_equal(resolver_reload(f->r, &f->conf, err, sizeof(err)), 0);
	assert_string_equal(cmd(f, cmd_dns_ns, "LIST"), "250 127.0.0.1\r\n");
	run_until(f, NULL, 0, 200);
	assert_true(f->dns.queries >= q + 2);
	assert_int_equal(f->changes, 1); /* same answer: no callback */
}

/* ---- proxy ---- */

static int client_socket(void)
{
	uint16_t port;
	return udp_socket(&port);
}

static void send_query(int fd, uint16_t port, uint16_t id, const char *name, uint16_t type)
{
	struct rc_writer w;
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(port)};

	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	rc_writer_init(&w, 0);
	assert_true(dns_build_query(&w, id, name, type));
	assert_int_equal(sendto(fd, rc_writer_data(&w), rc_writer_len(&w), 0,
				(struct sockaddr *)&to, sizeof(to)),
			 (ssize_t)rc_writer_len(&w));
	rc_writer_free(&w);
}

static ssize_t recv_answer(struct fx *f, int fd, struct dns_msg *m, unsigned ms)
{
	uint8_t buf[2048];
	uint64_t end = now_ms() + ms;

	while (now_ms() < end) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0) {
			assert_int_equal(dns_parse(buf, (size_t)n, m), DNS_OK);
			return n;
		}
		event_base_loop(f->base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
		usleep(1000);
	}
	return -1;
}

static struct dnsproxy *start_proxy(struct fx *f, uint16_t *port)
{
	struct rc_addr la;
	char err[256];
	int tmp = udp_socket(port); /* a free port, released for the proxy */

	close(tmp);
	assert_int_equal(rc_addr_parse("127.0.0.1", &la, err, sizeof(err)), 0);
	la.port = *port;
	struct dnsproxy *p = dnsproxy_new_addrs(f->r, &la, 1, err, sizeof(err));
	if (!p)
		fail_msg("dnsproxy: %s", err);
	return p;
}

static void proxy_relays_and_learns(void **state)
{
	struct fx *f = *state;
	struct resolver_stats st;
	struct dns_msg m;
	uint16_t port;

	fx_resolver(f, true);
	f->dns.silent = true; /* the resolver's own queries go nowhere */
	assert_int_equal(resolver_fqdn_register(f->r, "app.example", NULL, 0), 0);
	struct dnsproxy *p = start_proxy(f, &port);
	int c = client_socket();

	run_until(f, NULL, 0, 20);
	f->dns.silent = false;
	fake_add(&f->dns, "app.example.", "203.0.113.9", 120);
	send_query(c, port, 0x4242, "App.Example.", DNS_TYPE_A);
	assert_true(recv_answer(f, c, &m, 2000) > 0);
	assert_int_equal(m.id, 0x4242); /* the client's own ID back */
	assert_int_equal(m.nan, 1);
	assert_string_equal(m.q[0].name, "app.example.");
	/* learned for the registered name */
	run_until(f, &f->changes, 1, 500);
	assert_string_equal(f->last_name, "app.example.");
	assert_string_equal(f->last_addrs, "203.0.113.9");
	/* an unregistered name is relayed, not cached */
	fake_add(&f->dns, "other.example.", "203.0.113.10", 120);
	send_query(c, port, 7, "other.example", DNS_TYPE_A);
	assert_true(recv_answer(f, c, &m, 2000) > 0);
	assert_int_equal(m.id, 7);
	assert_false(resolver_fqdn_is_registered(f->r, "other.example"));

	resolver_stats(f->r, &st);
	assert_int_equal(st.dns_query, 2);
	assert_int_equal(st.dns_query_proxy, 2);
	assert_int_equal(st.dns_response_proxy, 2);
	assert_true(st.dns_response >= 2);
	assert_int_equal(dnsproxy_pending(p), 0);
	close(c);
	dnsproxy_free(p);
}

static void proxy_dup_expiry_and_garbage(void **state)
{
	struct fx *f = *state;
	struct resolver_stats st;
	struct dns_msg m;
	uint16_t port;
	struct sockaddr_in to = {.sin_family = AF_INET};

	fx_resolver(f, true);
	struct dnsproxy *p = start_proxy(f, &port);
	int c = client_socket();
	f->dns.silent = true;
	send_query(c, port, 1, "slow.example", DNS_TYPE_A);
	send_query(c, port, 1, "slow.example", DNS_TYPE_A); /* retransmission */
	run_until(f, NULL, 0, 50);
	assert_int_equal(dnsproxy_pending(p), 1);
	resolver_stats(f->r, &st);
	assert_int_equal(st.dns_dup_query, 1);
	assert_int_equal(st.dns_query_proxy, 1);
	run_until(f, NULL, 0, 700); /* dns_timeout_ms 300 */
	assert_int_equal(dnsproxy_pending(p), 0);
	resolver_stats(f->r, &st);
	assert_int_equal(st.dns_expired_query, 1);
	assert_true(recv_answer(f, c, &m, 10) < 0);

	/* garbage: short, an answer sent as a query, a pointer loop */
	to.sin_port = htons(port);
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	static const uint8_t shortmsg[] = {1, 2, 3};
	static const uint8_t answer[] = {0, 9, 0x81, 0x80, 0, 1, 0, 0, 0, 0,
					 0, 0, 1,    'a',  0, 0, 1, 0, 1};
	static const uint8_t loop[] = {0, 9, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1};
	sendto(c, shortmsg, sizeof(shortmsg), 0, (struct sockaddr *)&to, sizeof(to));
	sendto(c, answer, sizeof(answer), 0, (struct sockaddr *)&to, sizeof(to));
	sendto(c, loop, sizeof(loop), 0, (struct sockaddr *)&to, sizeof(to));
	run_until(f, NULL, 0, 50);
	resolver_stats(f->r, &st);
	assert_int_equal(st.dns_garbage, 3);
	assert_int_equal(st.dns_query_proxy, 1);
	assert_int_equal(dnsproxy_pending(p), 0);

	/* still serving */
	f->dns.silent = false;
	fake_add(&f->dns, "ok.example.", "192.0.2.1", 10);
	send_query(c, port, 2, "ok.example", DNS_TYPE_A);
	assert_true(recv_answer(f, c, &m, 2000) > 0);
	assert_int_equal(m.id, 2);
	close(c);
	dnsproxy_free(p);
}

static void proxy_over_ipv6(void **state)
{
	struct fx *f = *state;
	struct rc_addr la;
	struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6};
	socklen_t len = sizeof(sin6);
	struct dns_msg m;
	struct rc_writer w;
	char err[256];
	int c = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK, 0);

	assert_true(c >= 0);
	sin6.sin6_addr = in6addr_loopback;
	if (bind(c, (struct sockaddr *)&sin6, sizeof(sin6)) < 0) {
		close(c);
		skip(); /* no IPv6 loopback here */
	}
	/* a free port for the proxy */
	int tmp = socket(AF_INET6, SOCK_DGRAM, 0);
	sin6.sin6_port = 0;
	assert_int_equal(bind(tmp, (struct sockaddr *)&sin6, sizeof(sin6)), 0);
	assert_int_equal(getsockname(tmp, (struct sockaddr *)&sin6, &len), 0);
	close(tmp);
	fx_resolver(f, true);
	assert_int_equal(rc_addr_parse("::1", &la, err, sizeof(err)), 0);
	la.port = ntohs(sin6.sin6_port);
	struct dnsproxy *p = dnsproxy_new_addrs(f->r, &la, 1, err, sizeof(err));
	if (!p)
		fail_msg("dnsproxy: %s", err);
	fake_add(&f->dns, "six.example.", "2001:db8::66", 60);
	rc_writer_init(&w, 0);
	assert_true(dns_build_query(&w, 0x6666, "six.example", DNS_TYPE_AAAA));
	assert_int_equal(sendto(c, rc_writer_data(&w), rc_writer_len(&w), 0,
				(struct sockaddr *)&sin6, sizeof(sin6)),
			 (ssize_t)rc_writer_len(&w));
	rc_writer_free(&w);
	assert_true(recv_answer(f, c, &m, 2000) > 0);
	assert_int_equal(m.id, 0x6666);
	assert_int_equal(m.nan, 1);
	assert_int_equal(m.an[0].addr.family, AF_INET6);
	close(c);
	dnsproxy_free(p);
}

/* An answer with the right ID from the wrong address is not relayed. */
static void proxy_drops_answers_from_elsewhere(void **state)
{
	struct fx *f = *state;
	struct resolver_stats st;
	struct dns_msg m;
	uint16_t port, other;

	fx_resolver(f, true);
	struct dnsproxy *p = start_proxy(f, &port);
	int c = client_socket();
	f->dns.spoof_fd = udp_socket(&other);
	fake_add(&f->dns, "spoof.example.", "192.0.2.66", 60);
	send_query(c, port, 9, "spoof.example", DNS_TYPE_A);
	assert_true(recv_answer(f, c, &m, 500) < 0);
	resolver_stats(f->r, &st);
	assert_int_equal(st.dns_garbage, 1);
	assert_int_equal(st.dns_response_proxy, 0);
	close(f->dns.spoof_fd);
	f->dns.spoof_fd = -1;
	close(c);
	dnsproxy_free(p);
}

static void proxy_refused_without_dns(void **state)
{
	struct fx *f = *state;
	char err[256];

	write_file(f->nsswitch, "hosts: files\n");
	fx_resolver(f, true);
	assert_null(dnsproxy_new_addrs(f->r, NULL, 0, err, sizeof(err)));
	assert_non_null(strstr(err, "no \"dns\""));
	resolver_free(f->r);
	write_file(f->nsswitch, "hosts: dns\n");
	fx_resolver(f, false);
	assert_null(dnsproxy_new_addrs(f->r, NULL, 0, err, sizeof(err)));
	assert_non_null(strstr(err, "resolver on"));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(normalize_names),
		T(resolves_through_dns_with_ttl_requery),
		T(unresolvable_then_resolves),
		T(hosts_file_order),
		T(hosts_edit_seen_at_retry),
		T(register_refcount),
		T(ns_commands),
		T(fqdn_commands),
		T(reload_takes_the_new_section),
		T(proxy_relays_and_learns),
		T(proxy_dup_expiry_and_garbage),
		T(proxy_over_ipv6),
		T(proxy_drops_answers_from_elsewhere),
		T(proxy_refused_without_dns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
