/* spmd's DNS proxy (compat §3.6): listens on the `dns_query` UDP
 * addresses (port 0 -> 53), relays each query to the resolver's live name
 * server under a fresh query ID and relays the answer back to the client
 * with its own ID.  A and AAAA answers for registered FQDNs are handed to
 * the resolver (resolver_learn), so policies follow the addresses the
 * applications are given.
 *
 * Bounded: at most DNSPROXY_MAX_PENDING queries in flight (more are
 * dropped and counted), each forgotten after the resolver's DNS timeout
 * (counted as expired).  A retransmission (same client, same ID) while the
 * first is pending is dropped (dup).  Messages that do not parse are
 * counted as garbage and dropped, never relayed. */
#ifndef SPMD_DNSPROXY_H
#define SPMD_DNSPROXY_H

#include <stddef.h>

#include "addr.h"

struct resolver;
struct rcf_resolver;
struct dnsproxy;

#define DNSPROXY_MAX_PENDING 1024

/* Start the proxy on conf->dns_query.  Refused (NULL, err) when the
 * resolver is off or nsswitch has no `dns`.  A conf without dns_query
 * gives a proxy with no listener (not an error). */
struct dnsproxy *dnsproxy_new(struct resolver *r, const struct rcf_resolver *conf, char *err,
			      size_t errlen);
/* Same with explicit listen addresses (tests). */
struct dnsproxy *dnsproxy_new_addrs(struct resolver *r, const struct rc_addr *listen, size_t n,
				    char *err, size_t errlen);
void dnsproxy_free(struct dnsproxy *p);

/* Queries relayed and still waiting for the name server. */
size_t dnsproxy_pending(const struct dnsproxy *p);

#endif
