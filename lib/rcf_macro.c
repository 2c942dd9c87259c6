/* Address macros (compat §1.5) expanded against the host's interfaces. */
#include "config.h"

#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "rcf_model.h"
#include "util.h"

static bool v6_global(const struct in6_addr *a)
{
	return !IN6_IS_ADDR_LINKLOCAL(a) && !IN6_IS_ADDR_SITELOCAL(a) &&
	       !IN6_IS_ADDR_MULTICAST(a) && !IN6_IS_ADDR_LOOPBACK(a) &&
	       !IN6_IS_ADDR_V4COMPAT(a) && !IN6_IS_ADDR_V4MAPPED(a) &&
	       !IN6_IS_ADDR_UNSPECIFIED(a);
}

static bool wanted(enum rcf_macro m, const struct rc_addr *a)
{
	switch (m) {
	case RCF_MY_IP:
	case RCF_MY_HOA:
		return true;
	case RCF_MY_IPV4:
		return a->family == AF_INET;
	case RCF_MY_IPV6:
		return a->family == AF_INET6;
	case RCF_MY_IPV6_GLOBAL:
		return a->family == AF_INET6 && v6_global(&a->u.v6);
	case RCF_MY_IPV6_LINKLOCAL:
		return a->family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&a->u.v6);
	default:
		return false;
	}
}

static void add(struct rc_addr **out, size_t *n, const struct rc_addr *a)
{
	*out = rc_xreallocarray(*out, *n + 1, sizeof(**out));
	(*out)[(*n)++] = *a;
}

int rcf_macro_expand(const struct rcf_addrspec *spec, struct rc_addr **out, char *err,
		     size_t errlen)
{
	size_t n = 0;
	*out = NULL;
	if (spec->kind != RCF_ADDR_MACRO) {
		snprintf(err, errlen, "'%s' is not an address macro", spec->text ? spec->text : "");
		return -1;
	}
	if (spec->macro == RCF_IP_ANY || spec->macro == RCF_IP_RW ||
	    spec->macro == RCF_IP_UNSPECIFIED) {
		struct rc_addr a = { .family = AF_INET6, .prefixlen = 128, .port = spec->port };
		add(out, &n, &a);
		a = (struct rc_addr){ .family = AF_INET, .prefixlen = 32, .port = spec->port };
		add(out, &n, &a);
		return (int)n;
	}
	struct ifaddrs *ifa;
	if (getifaddrs(&ifa) != 0) {
		snprintf(err, errlen, "getifaddrs: %s", strerror(errno));
		return -1;
	}
	for (struct ifaddrs *i = ifa; i; i = i->ifa_next) {
		struct rc_addr a;
		if (!i->ifa_addr || (i->ifa_addr->sa_family != AF_INET &&
				     i->ifa_addr->sa_family != AF_INET6))
			continue;
		if (spec->ifname && strcmp(spec->ifname, i->ifa_name) != 0)
			continue;
		socklen_t len = i->ifa_addr->sa_family == AF_INET ? sizeof(struct sockaddr_in)
								  : sizeof(struct sockaddr_in6);
		if (rc_addr_from_sockaddr(i->ifa_addr, len, &a) != 0 || !wanted(spec->macro, &a))
			continue;
		a.port = spec->port;
		add(out, &n, &a);
	}
	freeifaddrs(ifa);
	return (int)n;
}
