/* spmif NS, FQDN and STAT (see cmd_dns.h). */
#include "cmd_dns.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "bytebuf.h"
#include "resolver.h"

#define NS_LIST_MAX 32

static void say(const struct cmd_dns_out *out, int code, bool more, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void say(const struct cmd_dns_out *out, int code, bool more, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	out->line(out->arg, code, more, text);
}

/* compat §3.1: the received word must begin with the name. */
static bool word_is(const char *word, const char *name)
{
	return strncasecmp(word, name, strlen(name)) == 0;
}

/* A numeric address as the commands take it (no prefix, no port). */
static bool parse_addr(const char *text, struct rc_addr *a)
{
	char err[64];

	if (strchr(text, '/') || rc_addr_parse(text, a, err, sizeof(err)) < 0)
		return false;
	return a->family == AF_INET || a->family == AF_INET6;
}

/* ---- NS ---- */

static int ns_list(struct resolver *r, const struct cmd_dns_out *out)
{
	struct rc_addr v[NS_LIST_MAX];
	size_t n;

	if (!resolver_is_on(r)) {
		say(out, 251, false, "No Name Server(resolver off?)");
		return 251;
	}
	n = resolver_ns_list(r, v, NS_LIST_MAX);
	if (n > NS_LIST_MAX)
		n = NS_LIST_MAX;
	if (n == 0) {
		say(out, 251, false, "No Name Server(resolver off?)");
		return 251;
	}
	for (size_t i = 0; i < n; i++) {
		char buf[RC_ADDR_STRLEN];
		say(out, 250, i + 1 < n, "%s", rc_addr_ntop(&v[i], buf, sizeof(buf)));
	}
	return 250;
}

/* NS ADD and DELETE: the resolver must be on and the argument numeric;
 * returns 0, or the reply code already sent. */
static int ns_arg(struct resolver *r, const char *arg, struct rc_addr *a,
		  const struct cmd_dns_out *out)
{
	if (!resolver_is_on(r)) {
		say(out, 550, false, "Operation Failed(resolver off?)");
		return 550;
	}
	if (!parse_addr(arg, a)) {
		say(out, 550, false, "Operation Failed");
		return 550;
	}
	return 0;
}

static int ns_add(struct resolver *r, const char *arg, const struct cmd_dns_out *out)
{
	struct rc_addr a;
	char err[128];
	int rc;

	if ((rc = ns_arg(r, arg, &a, out)) != 0)
		return rc;
	rc = resolver_ns_add(r, &a, err, sizeof(err));
	if (rc == 1) {
		say(out, 551, false, "%s Already Exists", arg);
		return 551;
	}
	if (rc < 0) {
		say(out, 550, false, "Operation Failed");
		return 550;
	}
	say(out, 250, false, "%s Added", arg);
	return 250;
}

static int ns_delete(struct resolver *r, const char *arg, const struct cmd_dns_out *out)
{
	struct rc_addr a;
	char err[128];
	int rc;

	if ((rc = ns_arg(r, arg, &a, out)) != 0)
		return rc;
	rc = resolver_ns_delete(r, &a, err, sizeof(err));
	if (rc == 1) {
		say(out, 551, false, "Does Not Exist");
		return 551;
	}
	if (rc < 0) {
		say(out, 550, false,
		    "Internal Error or At least need one dns server in the system");
		return 550;
	}
	say(out, 250, false, "%s Deleted", arg);
	return 250;
}

static int ns_change(struct resolver *r, const char *arg, const struct cmd_dns_out *out)
{
	struct rc_addr a;
	char err[128];

	if (!resolver_is_on(r)) {
		say(out, 550, false, "Operation Failed(resolver off?)");
		return 550;
	}
	if (!parse_addr(arg, &a) || resolver_ns_change(r, &a, err, sizeof(err)) != 0) {
		say(out, 550, false, "Can not find %s in the our list.", arg);
		return 550;
	}
	say(out, 250, false, "%s changed.", arg);
	return 250;
}

int cmd_dns_ns(struct resolver *r, int argc, char *const argv[], const struct cmd_dns_out *out)
{
	if (r)
		resolver_reread_nsswitch(r);
	if (!resolver_nsswitch_dns(r)) {
		say(out, 550, false, "Operation Failed, check /etc/nsswitch.conf");
		return 550;
	}
	if (argc == 1 && word_is(argv[0], "LIST"))
		return ns_list(r, out);
	if (argc == 2 && word_is(argv[0], "ADD"))
		return ns_add(r, argv[1], out);
	if (argc == 2 && word_is(argv[0], "DELETE"))
		return ns_delete(r, argv[1], out);
	if (argc == 2 && word_is(argv[0], "CHANGE"))
		return ns_change(r, argv[1], out);
	say(out, 500, false, "Syntax Error");
	return 500;
}

/* ---- FQDN ---- */

/* Names are collected first so the last one can be sent with ' '. */
struct names {
	char **v;
	size_t n, cap;
};

static void names_add(void *arg, const char *fqdn)
{
	struct names *ns = arg;

	if (ns->n == ns->cap) {
		ns->cap = ns->cap ? ns->cap * 2 : 8;
		ns->v = realloc(ns->v, ns->cap * sizeof(*ns->v));
		if (!ns->v)
			abort();
	}
	ns->v[ns->n] = strdup(fqdn);
	if (!ns->v[ns->n])
		abort();
	ns->n++;
}

static int names_say(struct names *ns, const struct cmd_dns_out *out)
{
	for (size_t i = 0; i < ns->n; i++) {
		say(out, 250, i + 1 < ns->n, "%s", ns->v[i]);
		free(ns->v[i]);
	}
	free(ns->v);
	return 250;
}

static int fqdn_list(struct resolver *r, const struct cmd_dns_out *out)
{
	struct names ns = {0};

	if (r)
		resolver_fqdn_foreach(r, names_add, &ns);
	if (ns.n == 0) {
		say(out, 251, false, "No FQDN Registered");
		return 251;
	}
	return names_say(&ns, out);
}

static int fqdn_query(struct resolver *r, const char *arg, const struct cmd_dns_out *out)
{
	struct names ns = {0};
	struct rc_addr a;

	if (!parse_addr(arg, &a)) {
		say(out, 550, false, "Operation Failed");
		return 550;
	}
	if (r)
		resolver_fqdn_by_addr(r, &a, names_add, &ns);
	if (ns.n == 0) {
		say(out, 501, false, "Not Cached");
		return 501;
	}
	return names_say(&ns, out);
}

static int fqdn_add(struct resolver *r, const char *arg, const struct cmd_dns_out *out)
{
	int rc = r ? resolver_fqdn_add(r, arg) : -1;

	if (rc == 1) {
		say(out, 550, false, "FQDN Already Registered");
		return 550;
	}
	if (rc < 0) {
		say(out, 550, false, "Operation Failed");
		return 550;
	}
	/* compat §10.2 item 5: the original sent "250-" here */
	say(out, 250, false, "FQDN Registered");
	return 250;
}

static int fqdn_delete(struct resolver *r, const char *arg, const struct cmd_dns_out *out)
{
	int rc = r ? resolver_fqdn_delete(r, arg) : 1;

	if (rc == 2) {
		/* extension: the original dropped it and broke the selector */
		say(out, 550, false, "Operation Failed, FQDN used by a selector");
		return 550;
	}
	if (rc != 0) {
		say(out, 550, false, "No such a FQDN exists");
		return 550;
	}
	say(out, 250, false, "FQDN Deregistered");
	return 250;
}

int cmd_dns_fqdn(struct resolver *r, int argc, char *const argv[], const struct cmd_dns_out *out)
{
	if (argc == 1 && word_is(argv[0], "LIST"))
		return fqdn_list(r, out);
	if (argc == 2 && word_is(argv[0], "QUERY"))
		return fqdn_query(r, argv[1], out);
	if (argc == 2 && word_is(argv[0], "ADD"))
		return fqdn_add(r, argv[1], out);
	if (argc == 2 && word_is(argv[0], "DELETE"))
		return fqdn_delete(r, argv[1], out);
	say(out, 500, false, "Syntax Error");
	return 500;
}

/* ---- STAT ---- */

int cmd_dns_stat(struct resolver *r, int argc, char *const argv[], const struct cmd_dns_out *out)
{
	struct resolver_stats st = {0};

	(void)argv;
	if (argc != 0) {
		say(out, 500, false, "Syntax Error");
		return 500;
	}
	if (r)
		resolver_stats(r, &st);
	say(out, 250, true, "DNS QUERY = %llu", (unsigned long long)st.dns_query);
	say(out, 250, true, "DNS RESPONSE = %llu", (unsigned long long)st.dns_response);
	say(out, 250, true, "DNS QUERY PROXY = %llu", (unsigned long long)st.dns_query_proxy);
	say(out, 250, true, "DNS RESPONSE PROXY = %llu", (unsigned long long)st.dns_response_proxy);
	say(out, 250, true, "DNS EXPIRED QUERY = %llu", (unsigned long long)st.dns_expired_query);
	say(out, 250, true, "DNS DUP QUERY = %llu", (unsigned long long)st.dns_dup_query);
	say(out, 250, true, "CACHE IP ADDRESS = %llu", (unsigned long long)st.cache_ip);
	say(out, 250, true, "CACHE FQDN = %llu", (unsigned long long)st.cache_fqdn);
	say(out, 250, false, "CACHE TOTAL FQDN = %llu", (unsigned long long)st.cache_total_fqdn);
	return 250;
}

/* ---- formatting ---- */

static void collect_line(void *arg, int code, bool more, const char *text)
{
	struct rc_writer *w = arg;
	char head[8];

	snprintf(head, sizeof(head), "%03d%c", code, more ? '-' : ' ');
	if (!rc_put_bytes(w, head, 4) || !rc_put_bytes(w, text, strlen(text)) ||
	    !rc_put_bytes(w, "\r\n", 2))
		return; /* sticky: cmd_dns_format sees it */
}

char *cmd_dns_format(cmd_dns_fn *fn, struct resolver *r, int argc, char *const argv[])
{
	struct rc_writer w;
	struct cmd_dns_out out = {collect_line, &w};
	size_t len;
	uint8_t *p;

	rc_writer_init(&w, 256);
	fn(r, argc, argv, &out);
	if (!rc_put_u8(&w, 0)) {
		rc_writer_free(&w);
		return NULL;
	}
	p = rc_writer_steal(&w, &len);
	return (char *)p;
}
