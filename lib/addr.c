#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "util.h"

size_t rc_addr_len(sa_family_t family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

int rc_addr_maxprefix(sa_family_t family)
{
	return (int)rc_addr_len(family) * 8;
}

int rc_addr_parse(const char *text, struct rc_addr *out, char *err, size_t errlen)
{
	char buf[128], *slash, *pct;
	size_t n = strlen(text);

	memset(out, 0, sizeof(*out));
	if (n == 0 || n >= sizeof(buf))
		return rc_set_err(err, errlen, "%s", n ? "address too long" : "empty address");
	memcpy(buf, text, n + 1);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	pct = strchr(buf, '%');
	if (pct)
		*pct++ = '\0';
	if (inet_pton(AF_INET, buf, &out->u.v4) == 1) {
		out->family = AF_INET;
		if (pct)
			return rc_set_err(err, errlen,
					  "a zone (%%) is only valid on IPv6 addresses");
	} else if (inet_pton(AF_INET6, buf, &out->u.v6) == 1) {
		out->family = AF_INET6;
		if (pct) {
			if (!*pct)
				return rc_set_err(err, errlen, "empty zone after %%");
			if (strspn(pct, "0123456789") == strlen(pct)) {
				errno = 0;
				unsigned long long z = strtoull(pct, NULL, 10);
				if (errno || z > UINT32_MAX)
					return rc_set_err(err, errlen, "zone index out of range");
				out->scope_id = (uint32_t)z;
			} else if (!(out->scope_id = if_nametoindex(pct)))
				return rc_set_err(err, errlen, "unknown interface in zone");
		}
	} else {
		return rc_set_err(err, errlen, "not a numeric IPv4 or IPv6 address");
	}
	int max = rc_addr_maxprefix(out->family);
	out->prefixlen = (uint8_t)max;
	if (slash) {
		char *end;
		if (!*slash || *slash == '-' || *slash == '+')
			return rc_set_err(err, errlen, "bad prefix length");
		errno = 0;
		unsigned long p = strtoul(slash, &end, 10);
		if (*end || errno)
			return rc_set_err(err, errlen, "bad prefix length");
		if (p > (unsigned long)max) {
			return rc_set_err(err, errlen, "prefix length %lu is larger than %d", p,
					  max);
		}
		out->prefixlen = (uint8_t)p;
	}
	return 0;
}

bool rc_addr_is_numeric(const char *text)
{
	struct rc_addr a;
	return strchr(text, '/') == NULL && rc_addr_parse(text, &a, NULL, 0) == 0;
}

int rc_port_parse(const char *text, uint16_t *out)
{
	char *end;

	if (strcmp(text, "any") == 0) {
		*out = 0;
		return 0;
	}
	if (*text >= '0' && *text <= '9') {
		errno = 0;
		unsigned long p = strtoul(text, &end, 10);
		if (*end || errno || p > 65535)
			return -1;
		*out = (uint16_t)p;
		return 0;
	}
	struct servent *se = getservbyname(text, "udp");
	if (!se)
		se = getservbyname(text, "tcp");
	if (!se)
		return -1;
	*out = ntohs((uint16_t)se->s_port);
	return 0;
}

bool rc_addr_is_unspecified(const struct rc_addr *a)
{
	size_t n = rc_addr_len(a->family);
	for (size_t i = 0; i < n; i++)
		if (a->u.bytes[i])
			return false;
	return n > 0;
}

bool rc_addr_equal(const struct rc_addr *a, const struct rc_addr *b)
{
	return a->family == b->family &&
	       memcmp(a->u.bytes, b->u.bytes, rc_addr_len(a->family)) == 0;
}

bool rc_addr_in_prefix(const struct rc_addr *a, const struct rc_addr *net)
{
	if (a->family != net->family)
		return false;
	/* a prefix length from the wire may exceed the address: bound it */
	int max = rc_addr_maxprefix(net->family);
	int bits = net->prefixlen < max ? net->prefixlen : max;
	int full = bits / 8, rest = bits % 8;
	if (memcmp(a->u.bytes, net->u.bytes, (size_t)full) != 0)
		return false;
	if (rest) {
		uint8_t m = (uint8_t)(0xff << (8 - rest));
		if ((a->u.bytes[full] & m) != (net->u.bytes[full] & m))
			return false;
	}
	return true;
}

void rc_addr_mask(struct rc_addr *a)
{
	int n = (int)rc_addr_len(a->family);
	int bits = a->prefixlen;
	for (int i = 0; i < n; i++) {
		int keep = bits - i * 8;
		if (keep >= 8)
			continue;
		a->u.bytes[i] &= keep <= 0 ? 0 : (uint8_t)(0xff << (8 - keep));
	}
}

int rc_addr_cmp(const struct rc_addr *a, const struct rc_addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->u.bytes, b->u.bytes, rc_addr_len(a->family));
}

const char *rc_addr_ntop(const struct rc_addr *a, char *buf, size_t len)
{
	char tmp[INET6_ADDRSTRLEN];

	if (a->family != AF_INET && a->family != AF_INET6) {
		snprintf(buf, len, "(none)");
		return buf;
	}
	inet_ntop(a->family, a->u.bytes, tmp, sizeof(tmp));
	if (a->family == AF_INET6 && a->scope_id) {
		char ifn[IF_NAMESIZE];
		if (if_indextoname(a->scope_id, ifn))
			snprintf(buf, len, "%s%%%s", tmp, ifn);
		else
			snprintf(buf, len, "%s%%%u", tmp, a->scope_id);
	} else {
		snprintf(buf, len, "%s", tmp);
	}
	return buf;
}

const char *rc_addr_str(const struct rc_addr *a, char *buf, size_t len)
{
	char tmp[RC_ADDR_STRLEN];

	rc_addr_ntop(a, tmp, sizeof(tmp));
	if (a->prefixlen < rc_addr_maxprefix(a->family))
		snprintf(buf, len, "%s/%u", tmp, a->prefixlen);
	else
		snprintf(buf, len, "%s", tmp);
	return buf;
}

void rc_addr_to_sockaddr(const struct rc_addr *a, struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)ss;
		s->sin_family = AF_INET;
		s->sin_port = htons(a->port);
		s->sin_addr = a->u.v4;
		*len = sizeof(*s);
	} else if (a->family == AF_INET6) {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)ss;
		s->sin6_family = AF_INET6;
		s->sin6_port = htons(a->port);
		s->sin6_addr = a->u.v6;
		s->sin6_scope_id = a->scope_id;
		*len = sizeof(*s);
	} else {
		*len = 0;
	}
}

int rc_addr_from_sockaddr(const struct sockaddr *sa, socklen_t len, struct rc_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *s = (const struct sockaddr_in *)sa;
		out->family = AF_INET;
		out->u.v4 = s->sin_addr;
		out->port = ntohs(s->sin_port);
		out->prefixlen = 32;
		return 0;
	}
	if (sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)sa;
		out->family = AF_INET6;
		out->u.v6 = s->sin6_addr;
		out->port = ntohs(s->sin6_port);
		out->scope_id = s->sin6_scope_id;
		out->prefixlen = 128;
		return 0;
	}
	return -1;
}
