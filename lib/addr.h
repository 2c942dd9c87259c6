/* IPv4/IPv6 addresses with prefix length, port and scope, parsed from and
 * printed to text. */
#ifndef RC_ADDR_H
#define RC_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

struct rc_addr {
	sa_family_t family; /* AF_INET, AF_INET6, or AF_UNSPEC when empty */
	uint8_t prefixlen;  /* 0..32 / 0..128 */
	uint16_t port;      /* host order; 0 = any */
	uint32_t scope_id;  /* IPv6 zone (if_nametoindex), 0 = none */
	union {
		struct in_addr v4;
		struct in6_addr v6;
		uint8_t bytes[16];
	} u;
};

/* "1.2.3.4", "1.2.3.4/24", "2001:db8::1/64", "fe80::1%eth0".  Numeric only
 * (never resolves names).  Without /len the prefix is the full length.
 * Returns 0, or -1 with a short reason in err (e.g. "prefix length 33 is
 * larger than 32"). */
int rc_addr_parse(const char *text, struct rc_addr *out, char *err, size_t errlen);
/* Only the address part, no '/'; returns false when not a numeric address. */
bool rc_addr_is_numeric(const char *text);
/* Port: "any" (0), a decimal number 0..65535, or an /etc/services name
 * (udp first, then tcp).  Returns 0 or -1. */
int rc_port_parse(const char *text, uint16_t *out);

size_t rc_addr_len(sa_family_t family); /* 4, 16, or 0 */
int rc_addr_maxprefix(sa_family_t family); /* 32, 128, or 0 */
bool rc_addr_is_unspecified(const struct rc_addr *a);
/* Same family and address bytes (prefix, port, scope ignored). */
bool rc_addr_equal(const struct rc_addr *a, const struct rc_addr *b);
/* Is `a` inside the prefix `net`? */
bool rc_addr_in_prefix(const struct rc_addr *a, const struct rc_addr *net);
/* Zero the host bits beyond prefixlen. */
void rc_addr_mask(struct rc_addr *a);
/* Address +/- compare as unsigned big numbers of the same family. */
int rc_addr_cmp(const struct rc_addr *a, const struct rc_addr *b);

#define RC_ADDR_STRLEN 64 /* "addr%scope/prefix" fits */
/* Address only ("2001:db8::1", with %scope when set). */
const char *rc_addr_ntop(const struct rc_addr *a, char *buf, size_t len);
/* Address with "/prefix" when prefix is shorter than full length. */
const char *rc_addr_str(const struct rc_addr *a, char *buf, size_t len);

/* sockaddr conversions (port included). */
void rc_addr_to_sockaddr(const struct rc_addr *a, struct sockaddr_storage *ss, socklen_t *len);
int rc_addr_from_sockaddr(const struct sockaddr *sa, socklen_t len, struct rc_addr *out);

#endif
