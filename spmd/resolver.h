/* spmd's resolver: the FQDN cache behind FQDN selectors, the name server
 * list of `resolver { nameserver ...; }` (changed at run time by the spmif
 * NS commands) and the hosts file (compat §1.8.2, §3.5, §3.6).
 *
 * Everything runs on the daemon's event loop and never blocks: DNS goes
 * through libevent's evdns, pointed only at the "live" name server (the
 * first configured one, or the last one NS ADD / NS CHANGE chose).  The
 * system's /etc/resolv.conf is never read.
 *
 * spmd registers each FQDN a selector names (resolver_fqdn_register) and
 * gets the change callback whenever the FQDN's address set changes: after
 * a query, on TTL expiry (re-query), from answers the DNS proxy relays
 * (dnsproxy.h), and from the hosts file.  A name that does not resolve is
 * logged once and retried with exponential backoff until it does.
 *
 * Lookup order follows the hosts: line of nsswitch.conf: `files` before
 * `dns` reads the hosts file first, `dns` first falls back to the hosts
 * file when DNS has no answer; without `dns` only the hosts file is used
 * and the DNS proxy and NS commands are refused (compat §1.8.2).
 *
 * Build: spmd/resolver.mk lists this component's sources (resolver.c,
 * dns_msg.c, dnsproxy.c, cmd_dns.c) in SPMD_EXTRA_SOURCES, which spmd.mk
 * adds to spmd_spmd_SOURCES. */
#ifndef SPMD_RESOLVER_H
#define SPMD_RESOLVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

struct event_base;
struct rcf_resolver;
struct resolver;

/* Names are at most this long in text form, trailing '.' included. */
#define RESOLVER_NAME_MAX 255

/* Everything has a sensible default when left 0 / NULL. */
struct resolver_opts {
	const char *nsswitch_path; /* default /etc/nsswitch.conf */
	const char *hosts_path;	   /* default /etc/hosts */
	unsigned retry_min_ms;	   /* first retry of a failed name: 1000 */
	unsigned retry_max_ms;	   /* backoff ceiling: 60000 */
	unsigned refresh_max_ms;   /* re-query at least this often: 300000 */
	unsigned min_ttl_ms;	   /* floor for a tiny or 0 TTL: 5000 (TTL 0
				    * would mean a query per name per tick) */
	unsigned dns_timeout_ms;   /* one DNS try (evdns and proxy): 3000 */
};

/* The counters of the spmif STAT command, in its order (compat §3.3).
 * dns_query: queries the proxy received from applications;
 * dns_response: answers it received from the name server;
 * dns_query_proxy: queries it relayed to the name server;
 * dns_response_proxy: answers it relayed back to applications;
 * dns_expired_query: relayed queries that got no answer in time;
 * dns_dup_query: retransmissions dropped while the first was pending;
 * cache_ip: addresses in the FQDN cache; cache_fqdn: registered FQDNs
 * having at least one address; cache_total_fqdn: registered FQDNs.
 * The proxy also counts garbage (not in STAT; logged, rate-limited). */
struct resolver_stats {
	uint64_t dns_query, dns_response, dns_query_proxy, dns_response_proxy;
	uint64_t dns_expired_query, dns_dup_query;
	uint64_t cache_ip, cache_fqdn, cache_total_fqdn;
	uint64_t dns_garbage;
};

/* Called after the address set of a registered FQDN changed.  addrs are
 * all its current addresses (IPv4 first, then IPv6; prefixlen full, port
 * 0), n may be 0 (the name lost its addresses).  The array is only valid
 * during the call.  The callback must not free the resolver; it may
 * register or unregister names. */
typedef void resolver_change_fn(void *arg, const char *fqdn, const struct rc_addr *addrs, size_t n);

/* A resolver for `conf` (may be NULL: resolver off).  Numeric name servers
 * only (port 0 -> 53); the others were rejected by the config check and
 * are skipped with an error here.  With the resolver on and `dns` in
 * nsswitch, evdns is set up; otherwise only the hosts file (if `files`)
 * answers.  NULL with err on failure (e.g. resolver on, no name server). */
struct resolver *resolver_new(struct event_base *base, const struct rcf_resolver *conf,
			      const struct resolver_opts *opts, char *err, size_t errlen);
/* Cancels every query and timer; NULL is fine. */
void resolver_free(struct resolver *r);

void resolver_set_change_cb(struct resolver *r, resolver_change_fn *fn, void *arg);

/* SIGHUP: take `resolver on/off` and the nameserver list of the new
 * configuration (conf NULL: off), re-read nsswitch and the hosts file, and
 * ask again for every registered name.  The live server stays live if it
 * is still listed; servers added by NS ADD are dropped unless listed.
 * Registrations are kept.  The DNS proxy is the caller's (its dns_query
 * addresses may have changed: free it and start a new one).  0, or -1 with
 * err (resolver on without a nameserver: the old list is kept). */
int resolver_reload(struct resolver *r, const struct rcf_resolver *conf, char *err, size_t errlen);

/* `resolver on` in the configuration. */
bool resolver_is_on(const struct resolver *r);
/* The hosts: line of nsswitch contains `dns` (read at resolver_new and by
 * resolver_reread_nsswitch). */
bool resolver_nsswitch_dns(const struct resolver *r);
/* Can FQDN selectors work at all (resolver on with dns, or hosts file
 * lookup)?  If not, spmd ignores FQDN selectors with an error (§3.5). */
bool resolver_can_resolve(const struct resolver *r);
/* Re-read nsswitch and the hosts file (SIGHUP, FQDN ADD). */
void resolver_reread_nsswitch(struct resolver *r);
void resolver_reread_hosts(struct resolver *r);

/* ---- FQDN registry ---- */

/* "Www.Example.COM" -> "www.example.com." in out (RESOLVER_NAME_MAX + 1
 * bytes).  -1 when it is empty, too long, or has an empty label. */
int resolver_fqdn_normalize(const char *name, char *out, size_t outlen);

/* Register an FQDN for spmd (reference counted: each selector naming it
 * registers once).  The first registration starts resolving it from the
 * event loop (never inside this call); the change callback fires when
 * addresses arrive.  0, or -1 with err for a bad name. */
int resolver_fqdn_register(struct resolver *r, const char *name, char *err, size_t errlen);
/* Drop one spmd reference; the name is forgotten when neither spmd nor an
 * FQDN ADD holds it.  0, or -1 when it was not registered. */
int resolver_fqdn_unregister(struct resolver *r, const char *name);

/* FQDN ADD / FQDN DELETE (the operator's reference, at most one; ADD
 * also re-reads the hosts file).  add: 0, 1 when already registered (by
 * either), -1 for a bad name.  delete: 0, 1 when not registered, 2 when
 * only selectors hold it (refused: their policies need it), -1 bad name. */
int resolver_fqdn_add(struct resolver *r, const char *name);
int resolver_fqdn_delete(struct resolver *r, const char *name);

bool resolver_fqdn_is_registered(const struct resolver *r, const char *name);
/* Current addresses of a registered name (see resolver_change_fn for the
 * order); returns the count, *addrs valid until the next resolver call
 * or event.  0 and NULL when unknown or unresolved. */
size_t resolver_fqdn_addrs(const struct resolver *r, const char *name,
			   const struct rc_addr **addrs);

/* Walk the registered names in registration order (FQDN LIST). */
typedef void resolver_name_fn(void *arg, const char *fqdn);
void resolver_fqdn_foreach(const struct resolver *r, resolver_name_fn *fn, void *arg);
/* Registered names currently having address a (FQDN QUERY); returns the
 * count. */
size_t resolver_fqdn_by_addr(const struct resolver *r, const struct rc_addr *a,
			     resolver_name_fn *fn, void *arg);

/* Learn addresses for a registered name from a DNS answer relayed by the
 * proxy: the complete set of one family (AF_INET for A, AF_INET6 for
 * AAAA) with its TTL in seconds.  Ignored for names not registered. */
void resolver_learn(struct resolver *r, const char *fqdn, int family, const struct rc_addr *addrs,
		    size_t n, uint32_t ttl);

/* ---- name servers (NS commands) ---- */

/* 0; 1 when a is already in the list / not in it; -1 (err) on failure.
 * add: appends and makes it live.  delete: refuses the last server (-2).
 * change: makes an existing server live. */
int resolver_ns_add(struct resolver *r, const struct rc_addr *a, char *err, size_t errlen);
int resolver_ns_delete(struct resolver *r, const struct rc_addr *a, char *err, size_t errlen);
int resolver_ns_change(struct resolver *r, const struct rc_addr *a, char *err, size_t errlen);
/* Servers, the live one first; returns the count (port included). */
size_t resolver_ns_list(const struct resolver *r, struct rc_addr *out, size_t max);
/* The live server, or NULL when there is none. */
const struct rc_addr *resolver_ns_live(const struct resolver *r);

/* ---- statistics ---- */
void resolver_stats(const struct resolver *r, struct resolver_stats *out);
/* Counters live here so the proxy and the commands share them. */
struct resolver_stats *resolver_stats_mut(struct resolver *r);

/* The evdns base (for the proxy's tests); NULL when DNS is not in use. */
struct evdns_base *resolver_evdns(struct resolver *r);
struct event_base *resolver_event_base(struct resolver *r);
const struct resolver_opts *resolver_opts(const struct resolver *r);

#endif
