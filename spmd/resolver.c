/* spmd's resolver: FQDN cache, name servers, hosts file (see resolver.h). */
#include "resolver.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <event2/dns.h>
#include <event2/event.h>

#include "event.h"
#include "log.h"
#include "rcf_model.h"
#include "util.h"

#define FQDN_BUCKETS 1024
#define NS_MAX 32
#define DNS_PORT 53

enum { FAM_V4, FAM_V6, NFAM };

struct fam_set {
	struct rc_addr *v;
	size_t n;
};

struct fqdn;

/* One evdns request.  evdns may call back after we stopped caring (a
 * cancelled request still gets its callback, deferred), so the request
 * outlives its entry on the resolver's orphan list until then. */
struct dnsreq {
	struct resolver *r;
	struct fqdn *e; /* NULL once orphaned */
	int fam;
	struct evdns_request *h;
	struct dnsreq *next_orphan;
};

struct fqdn {
	struct resolver *r;
	char name[RESOLVER_NAME_MAX + 1];
	unsigned refs; /* spmd's registrations */
	bool by_cmd;   /* FQDN ADD */
	struct fam_set fam[NFAM];
	struct rc_addr *all;
	size_t nall;
	struct fqdn *hnext, *prev, *next;
	struct rc_event *timer;
	struct dnsreq *req[NFAM];
	bool transient;	    /* a query of this round failed without an answer */
	uint32_t round_ttl; /* smallest TTL seen in this round */
	unsigned backoff_ms;
	bool fail_logged;
};

struct hosts_entry {
	char *name;
	struct rc_addr addr;
};

struct resolver {
	struct event_base *base;
	struct evdns_base *dns;
	struct resolver_opts opts;
	char *nsswitch_path, *hosts_path;
	bool on, ns_dns, ns_files, files_first;
	struct rc_addr ns[NS_MAX];
	size_t nns, live;
	struct fqdn *buckets[FQDN_BUCKETS];
	struct fqdn *first, *last;
	size_t nfqdn;
	struct hosts_entry *hosts;
	size_t nhosts;
	struct stat hosts_st; /* of the copy read, to notice edits */
	bool hosts_read;
	struct dnsreq *orphans;
	resolver_change_fn *change_fn;
	void *change_arg;
	struct resolver_stats st;
};

static void entry_resolve(struct fqdn *e, struct resolver *r);

/* ---- nsswitch and hosts ---- */

/* hosts: line of nsswitch.conf; "[NOTFOUND=return]" actions are skipped. */
static void parse_nsswitch(struct resolver *r)
{
	FILE *f = fopen(r->nsswitch_path, "r");
	char line[1024];
	int files_at = -1, dns_at = -1;

	r->ns_dns = r->ns_files = r->files_first = false;
	if (!f) {
		rc_log(RC_LOG_INTERNAL_WARN, "resolver: cannot read %s: %s", r->nsswitch_path,
		       strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *save = NULL;
		while (isspace((unsigned char)*p))
			p++;
		if (strncmp(p, "hosts:", 6) != 0)
			continue;
		int pos = 0;
		for (char *t = strtok_r(p + 6, " \t\r\n", &save); t;
		     t = strtok_r(NULL, " \t\r\n", &save)) {
			if (*t == '#')
				break;
			if (*t == '[')
				continue;
			if (strcmp(t, "files") == 0 && files_at < 0)
				files_at = pos;
			if (strcmp(t, "dns") == 0 && dns_at < 0)
				dns_at = pos;
			pos++;
		}
	}
	fclose(f);
	r->ns_dns = dns_at >= 0;
	r->ns_files = files_at >= 0;
	r->files_first = r->ns_files && (!r->ns_dns || files_at < dns_at);
}

static void hosts_clear(struct resolver *r)
{
	for (size_t i = 0; i < r->nhosts; i++)
		free(r->hosts[i].name);
	free(r->hosts);
	r->hosts = NULL;
	r->nhosts = 0;
}

static void hosts_add(struct resolver *r, const char *name, const struct rc_addr *a, size_t *cap)
{
	char norm[RESOLVER_NAME_MAX + 1];

	if (resolver_fqdn_normalize(name, norm, sizeof(norm)) < 0)
		return;
	if (r->nhosts == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		r->hosts = rc_xreallocarray(r->hosts, *cap, sizeof(*r->hosts));
	}
	r->hosts[r->nhosts].name = rc_xstrdup(norm);
	r->hosts[r->nhosts].addr = *a;
	r->nhosts++;
}

void resolver_reread_hosts(struct resolver *r)
{
	FILE *f;
	char line[1024];
	size_t cap = 0;

	hosts_clear(r);
	r->hosts_read = false;
	if (!r->ns_files)
		return;
	f = fopen(r->hosts_path, "r");
	if (f && fstat(fileno(f), &r->hosts_st) == 0)
		r->hosts_read = true;
	if (!f) {
		rc_log(RC_LOG_INTERNAL_WARN, "resolver: cannot read %s: %s", r->hosts_path,
		       strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		char *save = NULL, *hash = strchr(line, '#');
		struct rc_addr a;
		char err[64];

		if (hash)
			*hash = '\0';
		char *t = strtok_r(line, " \t\r\n", &save);
		if (!t || strchr(t, '/') || rc_addr_parse(t, &a, err, sizeof(err)) < 0)
			continue;
		a.port = 0;
		a.scope_id = 0;
		while ((t = strtok_r(NULL, " \t\r\n", &save)))
			hosts_add(r, t, &a, &cap);
	}
	fclose(f);
}

/* A name that waits for the hosts file sees an edit at its next retry
 * without re-reading the file for every lookup. */
static void hosts_refresh_if_changed(struct resolver *r)
{
	struct stat st;

	if (!r->ns_files)
		return;
	if (stat(r->hosts_path, &st) < 0) {
		if (r->hosts_read)
			resolver_reread_hosts(r);
		return;
	}
	if (!r->hosts_read || st.st_ino != r->hosts_st.st_ino || st.st_dev != r->hosts_st.st_dev ||
	    st.st_size != r->hosts_st.st_size || st.st_mtim.tv_sec != r->hosts_st.st_mtim.tv_sec ||
	    st.st_mtim.tv_nsec != r->hosts_st.st_mtim.tv_nsec)
		resolver_reread_hosts(r);
}

void resolver_reread_nsswitch(struct resolver *r)
{
	parse_nsswitch(r);
}

/* Addresses the hosts file has for name; true when it has any. */
static bool hosts_lookup(const struct resolver *r, const char *name, struct fam_set out[NFAM])
{
	size_t cap[NFAM] = {0, 0};

	for (int f = 0; f < NFAM; f++)
		out[f] = (struct fam_set){0};
	for (size_t i = 0; i < r->nhosts; i++) {
		if (strcmp(r->hosts[i].name, name) != 0)
			continue;
		int f = r->hosts[i].addr.family == AF_INET ? FAM_V4 : FAM_V6;
		if (out[f].n == cap[f]) {
			cap[f] = cap[f] ? cap[f] * 2 : 4;
			out[f].v = rc_xreallocarray(out[f].v, cap[f], sizeof(*out[f].v));
		}
		out[f].v[out[f].n++] = r->hosts[i].addr;
	}
	return out[FAM_V4].n + out[FAM_V6].n > 0;
}

/* ---- names ---- */

int resolver_fqdn_normalize(const char *name, char *out, size_t outlen)
{
	size_t n = strlen(name), label = 0;

	if (n == 0 || outlen < RESOLVER_NAME_MAX + 1)
		return -1;
	if (name[n - 1] == '.')
		n--;
	if (n == 0 || n + 1 > RESOLVER_NAME_MAX)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c == '.') {
			if (label == 0)
				return -1;
			label = 0;
		} else if (c <= ' ' || c >= 0x7f || ++label > 63) {
			return -1;
		}
		out[i] = (char)tolower(c);
	}
	out[n] = '.';
	out[n + 1] = '\0';
	return 0;
}

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;
	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

static struct fqdn *find(const struct resolver *r, const char *norm)
{
	struct fqdn *e = r->buckets[name_hash(norm) % FQDN_BUCKETS];
	while (e && strcmp(e->name, norm) != 0)
		e = e->hnext;
	return e;
}

static struct fqdn *lookup(const struct resolver *r, const char *name)
{
	char norm[RESOLVER_NAME_MAX + 1];
	if (resolver_fqdn_normalize(name, norm, sizeof(norm)) < 0)
		return NULL;
	return find(r, norm);
}

static void entry_timer_cb(void *arg);

static struct fqdn *entry_new(struct resolver *r, const char *norm)
{
	struct fqdn *e = rc_xcalloc(1, sizeof(*e));
	uint32_t b = name_hash(norm) % FQDN_BUCKETS;

	e->r = r;
	snprintf(e->name, sizeof(e->name), "%s", norm);
	e->hnext = r->buckets[b];
	r->buckets[b] = e;
	e->prev = r->last;
	if (r->last)
		r->last->next = e;
	else
		r->first = e;
	r->last = e;
	r->nfqdn++;
	e->timer = rc_event_timer(r->base, entry_timer_cb, e);
	/* first lookup from the loop, so the change callback never runs
	 * inside the caller's register call */
	rc_event_timer_start(e->timer, 0);
	return e;
}

static void req_orphan(struct resolver *r, struct dnsreq *q, bool cancel)
{
	q->e = NULL;
	q->next_orphan = r->orphans;
	r->orphans = q;
	if (cancel)
		evdns_cancel_request(r->dns, q->h);
}

/* cancel: false when the evdns base is about to be freed (a cancelled
 * request's callback is deferred and would outlive the resolver). */
static void entry_free(struct resolver *r, struct fqdn *e, bool cancel)
{
	struct fqdn **pp = &r->buckets[name_hash(e->name) % FQDN_BUCKETS];

	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	if (e->prev)
		e->prev->next = e->next;
	else
		r->first = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		r->last = e->prev;
	r->nfqdn--;
	for (int f = 0; f < NFAM; f++) {
		if (e->req[f])
			req_orphan(r, e->req[f], cancel);
		free(e->fam[f].v);
	}
	rc_event_free(e->timer);
	free(e->all);
	free(e);
}

static void entry_release(struct resolver *r, struct fqdn *e)
{
	if (e->refs == 0 && !e->by_cmd)
		entry_free(r, e, true);
}

/* ---- the address sets ---- */

static int addr_sort_cmp(const void *a, const void *b)
{
	return rc_addr_cmp(a, b);
}

/* Take ownership of set (sorted, duplicates dropped) for family f. */
static void fam_replace(struct fqdn *e, int f, struct fam_set *set)
{
	if (set->n > 1) {
		qsort(set->v, set->n, sizeof(*set->v), addr_sort_cmp);
		size_t k = 1;
		for (size_t i = 1; i < set->n; i++)
			if (!rc_addr_equal(&set->v[i], &set->v[k - 1]))
				set->v[k++] = set->v[i];
		set->n = k;
	}
	free(e->fam[f].v);
	e->fam[f] = *set;
	*set = (struct fam_set){0};
}

/* Rebuild e->all; true when it differs from before. */
static bool rebuild_all(struct fqdn *e)
{
	size_t n = e->fam[FAM_V4].n + e->fam[FAM_V6].n;
	struct rc_addr *all = n ? rc_xreallocarray(NULL, n, sizeof(*all)) : NULL;
	bool changed;

	if (e->fam[FAM_V4].n)
		memcpy(all, e->fam[FAM_V4].v, e->fam[FAM_V4].n * sizeof(*all));
	if (e->fam[FAM_V6].n)
		memcpy(all + e->fam[FAM_V4].n, e->fam[FAM_V6].v, e->fam[FAM_V6].n * sizeof(*all));
	changed = n != e->nall;
	for (size_t i = 0; !changed && i < n; i++)
		changed = !rc_addr_equal(&all[i], &e->all[i]);
	free(e->all);
	e->all = all;
	e->nall = n;
	return changed;
}

static void log_addrs(const struct fqdn *e, const char *how)
{
	char buf[RC_ADDR_STRLEN], list[512];
	size_t at = 0;

	list[0] = '\0';
	for (size_t i = 0; i < e->nall && at < sizeof(list) - RC_ADDR_STRLEN - 8; i++)
		at += (size_t)snprintf(list + at, sizeof(list) - at, "%s%s", i ? " " : "",
				       rc_addr_ntop(&e->all[i], buf, sizeof(buf)));
	if (e->nall)
		rc_log(RC_LOG_INFO, "resolver: %s resolves to %s (%s)", e->name, list, how);
	else
		rc_log(RC_LOG_INFO, "resolver: %s has no address any more (%s)", e->name, how);
}

/* Last thing a handler does: the callback may unregister (free) e. */
static void notify_if_changed(struct resolver *r, struct fqdn *e, const char *how)
{
	if (!rebuild_all(e))
		return;
	log_addrs(e, how);
	if (r->change_fn)
		r->change_fn(r->change_arg, e->name, e->all, e->nall);
}

static unsigned clamp_ttl_ms(const struct resolver *r, uint32_t ttl)
{
	uint64_t ms = (uint64_t)ttl * 1000;
	if (ms < r->opts.min_ttl_ms)
		ms = r->opts.min_ttl_ms;
	if (ms > r->opts.refresh_max_ms)
		ms = r->opts.refresh_max_ms;
	return (unsigned)ms;
}

static bool set_from_hosts(struct resolver *r, struct fqdn *e)
{
	struct fam_set hs[NFAM];

	if (!r->ns_files || !hosts_lookup(r, e->name, hs))
		return false;
	for (int f = 0; f < NFAM; f++)
		fam_replace(e, f, &hs[f]);
	e->backoff_ms = 0;
	e->fail_logged = false;
	rc_event_timer_start(e->timer, r->opts.refresh_max_ms);
	return true;
}

static void entry_failed(struct resolver *r, struct fqdn *e, const char *why)
{
	if (!e->fail_logged) {
		rc_log(RC_LOG_PROTO_WARN,
		       "resolver: %s does not resolve (%s); policies using it wait, retrying",
		       e->name, why);
		e->fail_logged = true;
	}
	e->backoff_ms = e->backoff_ms ? e->backoff_ms * 2 : r->opts.retry_min_ms;
	if (e->backoff_ms > r->opts.retry_max_ms)
		e->backoff_ms = r->opts.retry_max_ms;
	rc_event_timer_start(e->timer, e->backoff_ms);
}

static bool use_dns(const struct resolver *r)
{
	return r->on && r->ns_dns && r->dns && r->nns > 0;
}

/* Both families answered (or failed): decide this round. */
static void entry_round_done(struct resolver *r, struct fqdn *e)
{
	if (e->fam[FAM_V4].n + e->fam[FAM_V6].n > 0 && !e->transient) {
		e->backoff_ms = 0;
		e->fail_logged = false;
		rc_event_timer_start(e->timer, clamp_ttl_ms(r, e->round_ttl));
		notify_if_changed(r, e, "DNS");
		return;
	}
	if (!r->files_first && set_from_hosts(r, e)) {
		notify_if_changed(r, e, "hosts file");
		return;
	}
	if (e->fam[FAM_V4].n + e->fam[FAM_V6].n > 0) {
		/* a server did not answer: keep what we had, ask again soon */
		rc_event_timer_start(e->timer, r->opts.retry_min_ms);
		notify_if_changed(r, e, "DNS");
		return;
	}
	entry_failed(r, e, e->transient ? "no answer from the name server" : "no such name");
	notify_if_changed(r, e, "DNS");
}

static void dns_cb(int result, char type, int count, int ttl, void *addresses, void *arg)
{
	struct dnsreq *q = arg;
	struct resolver *r = q->r;
	struct fqdn *e = q->e;
	struct fam_set set = {0};

	if (!e) {
		struct dnsreq **pp = &r->orphans;
		while (*pp && *pp != q)
			pp = &(*pp)->next_orphan;
		if (*pp)
			*pp = q->next_orphan;
		free(q);
		return;
	}
	e->req[q->fam] = NULL;
	if (result == DNS_ERR_NONE && count > 0 && (type == DNS_IPv4_A || type == DNS_IPv6_AAAA)) {
		set.v = rc_xreallocarray(NULL, (size_t)count, sizeof(*set.v));
		for (int i = 0; i < count; i++) {
			struct rc_addr *a = &set.v[i];
			memset(a, 0, sizeof(*a));
			if (type == DNS_IPv4_A) {
				a->family = AF_INET;
				a->prefixlen = 32;
				memcpy(&a->u.v4, (uint8_t *)addresses + 4 * i, 4);
			} else {
				a->family = AF_INET6;
				a->prefixlen = 128;
				memcpy(&a->u.v6, (uint8_t *)addresses + 16 * i, 16);
			}
		}
		set.n = (size_t)count;
		if ((uint32_t)ttl < e->round_ttl)
			e->round_ttl = ttl < 0 ? 0 : (uint32_t)ttl;
		fam_replace(e, q->fam, &set);
	} else if (result == DNS_ERR_NONE || result == DNS_ERR_NOTEXIST ||
		   result == DNS_ERR_NODATA) {
		fam_replace(e, q->fam, &set); /* authoritative: no address */
	} else {
		e->transient = true;
	}
	free(q);
	if (!e->req[FAM_V4] && !e->req[FAM_V6])
		entry_round_done(r, e);
}

static bool dns_query(struct resolver *r, struct fqdn *e, int f)
{
	struct dnsreq *q = rc_xcalloc(1, sizeof(*q));
	char name[RESOLVER_NAME_MAX + 1];

	snprintf(name, sizeof(name), "%s", e->name);
	name[strlen(name) - 1] = '\0'; /* evdns wants it without the root dot */
	q->r = r;
	q->e = e;
	q->fam = f;
	if (f == FAM_V4)
		q->h = evdns_base_resolve_ipv4(r->dns, name, DNS_QUERY_NO_SEARCH, dns_cb, q);
	else
		q->h = evdns_base_resolve_ipv6(r->dns, name, DNS_QUERY_NO_SEARCH, dns_cb, q);
	if (!q->h) {
		free(q); /* evdns calls back only for requests it accepted */
		return false;
	}
	e->req[f] = q;
	return true;
}

static void entry_resolve(struct fqdn *e, struct resolver *r)
{
	if (e->req[FAM_V4] || e->req[FAM_V6])
		return; /* a round is running */
	hosts_refresh_if_changed(r);
	if (r->files_first && set_from_hosts(r, e)) {
		notify_if_changed(r, e, "hosts file");
		return;
	}
	if (!use_dns(r)) {
		if (!r->files_first && set_from_hosts(r, e)) {
			notify_if_changed(r, e, "hosts file");
			return;
		}
		entry_failed(r, e, r->ns_files ? "not in the hosts file" : "no resolver");
		return;
	}
	e->transient = false;
	e->round_ttl = UINT32_MAX;
	bool ok4 = dns_query(r, e, FAM_V4);
	bool ok6 = dns_query(r, e, FAM_V6);
	if (!ok4 && !ok6)
		entry_failed(r, e, "cannot send a query");
	else if (!ok4 || !ok6)
		e->transient = true;
}

static void entry_timer_cb(void *arg)
{
	struct fqdn *e = arg;
	entry_resolve(e, e->r);
}

/* ---- public: registry ---- */

int resolver_fqdn_register(struct resolver *r, const char *name, char *err, size_t errlen)
{
	char norm[RESOLVER_NAME_MAX + 1];
	struct fqdn *e;

	if (resolver_fqdn_normalize(name, norm, sizeof(norm)) < 0)
		return rc_set_err(err, errlen, "\"%s\" is not a valid host name", name);
	e = find(r, norm);
	if (!e)
		e = entry_new(r, norm);
	e->refs++;
	return 0;
}

int resolver_fqdn_unregister(struct resolver *r, const char *name)
{
	struct fqdn *e = lookup(r, name);

	if (!e || e->refs == 0)
		return -1;
	e->refs--;
	entry_release(r, e);
	return 0;
}

int resolver_fqdn_add(struct resolver *r, const char *name)
{
	char norm[RESOLVER_NAME_MAX + 1];
	struct fqdn *e;

	if (resolver_fqdn_normalize(name, norm, sizeof(norm)) < 0)
		return -1;
	resolver_reread_hosts(r);
	e = find(r, norm);
	if (e)
		return 1;
	e = entry_new(r, norm);
	e->by_cmd = true;
	return 0;
}

int resolver_fqdn_delete(struct resolver *r, const char *name)
{
	char norm[RESOLVER_NAME_MAX + 1];
	struct fqdn *e;

	if (resolver_fqdn_normalize(name, norm, sizeof(norm)) < 0)
		return -1;
	e = find(r, norm);
	if (!e)
		return 1;
	if (!e->by_cmd)
		return 2;
	e->by_cmd = false;
	entry_release(r, e);
	return 0;
}

bool resolver_fqdn_is_registered(const struct resolver *r, const char *name)
{
	return lookup(r, name) != NULL;
}

size_t resolver_fqdn_addrs(const struct resolver *r, const char *name, const struct rc_addr **addrs)
{
	const struct fqdn *e = lookup(r, name);

	*addrs = e && e->nall ? e->all : NULL;
	return e ? e->nall : 0;
}

void resolver_fqdn_foreach(const struct resolver *r, resolver_name_fn *fn, void *arg)
{
	for (const struct fqdn *e = r->first; e; e = e->next)
		fn(arg, e->name);
}

/* Linear: FQDN QUERY is an operator/kinkd lookup over a handful of names. */
size_t resolver_fqdn_by_addr(const struct resolver *r, const struct rc_addr *a,
			     resolver_name_fn *fn, void *arg)
{
	size_t n = 0;

	for (const struct fqdn *e = r->first; e; e = e->next) {
		for (size_t i = 0; i < e->nall; i++) {
			if (rc_addr_equal(&e->all[i], a)) {
				if (fn)
					fn(arg, e->name);
				n++;
				break;
			}
		}
	}
	return n;
}

void resolver_learn(struct resolver *r, const char *fqdn, int family, const struct rc_addr *addrs,
		    size_t n, uint32_t ttl)
{
	struct fqdn *e = lookup(r, fqdn);
	struct fam_set set = {0};
	int f = family == AF_INET ? FAM_V4 : FAM_V6;

	if (!e || (family != AF_INET && family != AF_INET6))
		return;
	if (n) {
		set.v = rc_xreallocarray(NULL, n, sizeof(*set.v));
		for (size_t i = 0; i < n; i++) {
			set.v[i] = addrs[i];
			set.v[i].port = 0;
			set.v[i].scope_id = 0;
			set.v[i].prefixlen = (uint8_t)rc_addr_maxprefix(family);
		}
		set.n = n;
	}
	fam_replace(e, f, &set);
	if (e->nall == 0 && n > 0) {
		e->backoff_ms = 0;
		e->fail_logged = false;
	}
	/* follow the answer's TTL unless a round of our own is running */
	if (n && !e->req[FAM_V4] && !e->req[FAM_V6])
		rc_event_timer_start(e->timer, clamp_ttl_ms(r, ttl));
	notify_if_changed(r, e, "DNS proxy");
}

/* ---- public: name servers ---- */

static void apply_live(struct resolver *r)
{
	struct sockaddr_storage ss;
	socklen_t len;

	if (!r->dns)
		return;
	evdns_base_clear_nameservers_and_suspend(r->dns);
	if (r->nns > 0) {
		struct rc_addr a = r->ns[r->live];
		rc_addr_to_sockaddr(&a, &ss, &len);
		if (evdns_base_nameserver_sockaddr_add(r->dns, (struct sockaddr *)&ss, len, 0) !=
		    0) {
			char buf[RC_ADDR_STRLEN];
			rc_log(RC_LOG_INTERNAL_ERR, "resolver: evdns refused name server %s",
			       rc_addr_ntop(&a, buf, sizeof(buf)));
		}
	}
	evdns_base_resume(r->dns);
}

static ssize_t ns_find(const struct resolver *r, const struct rc_addr *a)
{
	for (size_t i = 0; i < r->nns; i++)
		if (rc_addr_equal(&r->ns[i], a))
			return (ssize_t)i;
	return -1;
}

static bool ns_usable(const struct rc_addr *a)
{
	return a->family == AF_INET || a->family == AF_INET6;
}

static void ns_norm(struct rc_addr *a)
{
	if (a->port == 0)
		a->port = DNS_PORT;
	a->prefixlen = (uint8_t)rc_addr_maxprefix(a->family);
}

int resolver_ns_add(struct resolver *r, const struct rc_addr *a, char *err, size_t errlen)
{
	struct rc_addr n = *a;

	if (!r->on)
		return rc_set_err(err, errlen, "the resolver is off");
	if (!ns_usable(a))
		return rc_set_err(err, errlen, "not an IPv4 or IPv6 address");
	if (ns_find(r, a) >= 0)
		return 1;
	if (r->nns == NS_MAX)
		return rc_set_err(err, errlen, "at most %d name servers", NS_MAX);
	ns_norm(&n);
	r->ns[r->nns] = n;
	r->live = r->nns++;
	apply_live(r);
	return 0;
}

int resolver_ns_delete(struct resolver *r, const struct rc_addr *a, char *err, size_t errlen)
{
	ssize_t i;

	if (!r->on)
		return rc_set_err(err, errlen, "the resolver is off");
	i = ns_find(r, a);
	if (i < 0)
		return 1;
	if (r->nns == 1) {
		rc_set_err(err, errlen, "the last name server cannot be deleted");
		return -2;
	}
	memmove(&r->ns[i], &r->ns[i + 1], (r->nns - (size_t)i - 1) * sizeof(r->ns[0]));
	r->nns--;
	bool was_live = (size_t)i == r->live;
	if ((size_t)i < r->live)
		r->live--;
	else if (was_live)
		r->live = 0;
	if (was_live)
		apply_live(r);
	return 0;
}

int resolver_ns_change(struct resolver *r, const struct rc_addr *a, char *err, size_t errlen)
{
	ssize_t i;

	if (!r->on)
		return rc_set_err(err, errlen, "the resolver is off");
	i = ns_find(r, a);
	if (i < 0)
		return 1;
	if ((size_t)i != r->live) {
		r->live = (size_t)i;
		apply_live(r);
	}
	return 0;
}

size_t resolver_ns_list(const struct resolver *r, struct rc_addr *out, size_t max)
{
	size_t k = 0;

	if (r->nns == 0)
		return 0;
	if (k < max)
		out[k++] = r->ns[r->live];
	for (size_t i = 0; i < r->nns && k < max; i++)
		if (i != r->live)
			out[k++] = r->ns[i];
	return r->nns;
}

const struct rc_addr *resolver_ns_live(const struct resolver *r)
{
	return r->nns ? &r->ns[r->live] : NULL;
}

/* ---- public: life cycle ---- */

static void opts_defaults(struct resolver_opts *o, const struct resolver_opts *in)
{
	if (in)
		*o = *in;
	else
		memset(o, 0, sizeof(*o));
	if (!o->retry_min_ms)
		o->retry_min_ms = 1000;
	if (!o->retry_max_ms)
		o->retry_max_ms = 60000;
	if (o->retry_max_ms < o->retry_min_ms)
		o->retry_max_ms = o->retry_min_ms;
	if (!o->refresh_max_ms)
		o->refresh_max_ms = 300000;
	if (!o->min_ttl_ms)
		o->min_ttl_ms = 5000;
	if (o->min_ttl_ms > o->refresh_max_ms)
		o->min_ttl_ms = o->refresh_max_ms;
	if (!o->dns_timeout_ms)
		o->dns_timeout_ms = 3000;
}

/* evdns tells when a name server stops or starts answering: the operator
 * wants those in the daemon's log, not on a closed stderr. */
static void evdns_log(int is_warn, const char *msg)
{
	if (is_warn)
		rc_log_ratelimited("evdns", RC_LOG_PROTO_WARN, "resolver: evdns: %s", msg);
	else
		rc_log_debug(2, "resolver: evdns: %s", msg);
}

static int dns_setup(struct resolver *r, char *err, size_t errlen)
{
	char val[32];

	evdns_set_log_fn(evdns_log);
	r->dns = evdns_base_new(r->base, 0); /* never /etc/resolv.conf */
	if (!r->dns)
		return rc_set_err(err, errlen, "cannot start the DNS client (evdns)");
	snprintf(val, sizeof(val), "%u.%03u", r->opts.dns_timeout_ms / 1000,
		 r->opts.dns_timeout_ms % 1000);
	evdns_base_set_option(r->dns, "timeout:", val);
	evdns_base_set_option(r->dns, "attempts:", "2");
	apply_live(r);
	return 0;
}

static void load_nameservers(struct resolver *r, const struct rcf_resolver *conf)
{
	for (size_t i = 0; i < conf->nameserver.n; i++) {
		const struct rcf_addrspec *s = &conf->nameserver.v[i];
		struct rc_addr a = s->addr;
		if (s->kind != RCF_ADDR_NUMERIC) {
			rc_log(RC_LOG_INTERNAL_ERR,
			       "resolver: nameserver %s is not a numeric address; ignored",
			       s->text ? s->text : "?");
			continue;
		}
		if (s->port_set || s->port)
			a.port = s->port;
		ns_norm(&a);
		if (ns_find(r, &a) < 0 && r->nns < NS_MAX)
			r->ns[r->nns++] = a;
	}
}

struct resolver *resolver_new(struct event_base *base, const struct rcf_resolver *conf,
			      const struct resolver_opts *opts, char *err, size_t errlen)
{
	struct resolver *r = rc_xcalloc(1, sizeof(*r));

	r->base = base;
	opts_defaults(&r->opts, opts);
	r->nsswitch_path =
		rc_xstrdup(r->opts.nsswitch_path ? r->opts.nsswitch_path : "/etc/nsswitch.conf");
	r->hosts_path = rc_xstrdup(r->opts.hosts_path ? r->opts.hosts_path : "/etc/hosts");
	r->opts.nsswitch_path = r->nsswitch_path;
	r->opts.hosts_path = r->hosts_path;
	r->on = conf && rcf_isset(conf->resolver) && conf->resolver.v != 0;
	parse_nsswitch(r);
	resolver_reread_hosts(r);
	if (!r->on)
		return r;
	load_nameservers(r, conf);
	if (r->nns == 0) {
		rc_set_err(err, errlen, "resolver is on but has no usable nameserver");
		resolver_free(r);
		return NULL;
	}
	if (dns_setup(r, err, errlen) < 0) {
		resolver_free(r);
		return NULL;
	}
	if (!r->ns_dns)
		rc_log(RC_LOG_INTERNAL_WARN,
		       "resolver: the hosts line of %s has no \"dns\": names come from the hosts "
		       "file only and the DNS proxy stays off",
		       r->nsswitch_path);
	return r;
}

void resolver_free(struct resolver *r)
{
	if (!r)
		return;
	while (r->first)
		entry_free(r, r->first, false);
	/* no callback comes for requests still in flight when the base is
	 * freed without failing them, so the orphans are ours to free */
	if (r->dns)
		evdns_base_free(r->dns, 0);
	while (r->orphans) {
		struct dnsreq *q = r->orphans;
		r->orphans = q->next_orphan;
		free(q);
	}
	hosts_clear(r);
	free(r->nsswitch_path);
	free(r->hosts_path);
	free(r);
}

int resolver_reload(struct resolver *r, const struct rcf_resolver *conf, char *err, size_t errlen)
{
	bool on = conf && rcf_isset(conf->resolver) && conf->resolver.v != 0;
	struct rc_addr old_live = r->nns ? r->ns[r->live] : (struct rc_addr){0};
	struct rc_addr old[NS_MAX];
	size_t nold = r->nns, old_live_i = r->live;

	memcpy(old, r->ns, sizeof(old));
	r->nns = 0;
	r->live = 0;
	if (on)
		load_nameservers(r, conf);
	if (on && r->nns == 0) {
		memcpy(r->ns, old, sizeof(old));
		r->nns = nold;
		r->live = old_live_i;
		return rc_set_err(err, errlen, "resolver is on but has no usable nameserver");
	}
	if (on && !r->dns && dns_setup(r, err, errlen) < 0) {
		memcpy(r->ns, old, sizeof(old));
		r->nns = nold;
		r->live = old_live_i;
		return -1;
	}
	ssize_t keep = nold ? ns_find(r, &old_live) : -1;
	r->live = keep >= 0 ? (size_t)keep : 0;
	r->on = on;
	apply_live(r);
	parse_nsswitch(r);
	resolver_reread_hosts(r);
	for (struct fqdn *e = r->first; e; e = e->next) {
		e->backoff_ms = 0;
		if (!e->req[FAM_V4] && !e->req[FAM_V6])
			rc_event_timer_start(e->timer, 0);
	}
	return 0;
}

void resolver_set_change_cb(struct resolver *r, resolver_change_fn *fn, void *arg)
{
	r->change_fn = fn;
	r->change_arg = arg;
}

bool resolver_is_on(const struct resolver *r)
{
	return r && r->on;
}

bool resolver_nsswitch_dns(const struct resolver *r)
{
	return r && r->ns_dns;
}

bool resolver_can_resolve(const struct resolver *r)
{
	return r && ((r->on && r->ns_dns) || r->ns_files);
}

void resolver_stats(const struct resolver *r, struct resolver_stats *out)
{
	*out = r->st;
	out->cache_ip = out->cache_fqdn = 0;
	for (const struct fqdn *e = r->first; e; e = e->next) {
		out->cache_ip += e->nall;
		out->cache_fqdn += e->nall > 0;
	}
	out->cache_total_fqdn = r->nfqdn;
}

struct resolver_stats *resolver_stats_mut(struct resolver *r)
{
	return &r->st;
}

struct evdns_base *resolver_evdns(struct resolver *r)
{
	return r->dns;
}

struct event_base *resolver_event_base(struct resolver *r)
{
	return r->base;
}

const struct resolver_opts *resolver_opts(const struct resolver *r)
{
	return &r->opts;
}
