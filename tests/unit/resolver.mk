# tests/unit/resolver.mk (owner: resolver): DNS codec, FQDN cache, proxy
# and the NS/FQDN/STAT command replies.
RESOLVER_UNIT_SOURCES = spmd/resolver.c spmd/dns_msg.c spmd/dnsproxy.c spmd/cmd_dns.c
RESOLVER_UNIT_TESTS = tests/unit/test_resolver_msg tests/unit/test_resolver
check_PROGRAMS += $(RESOLVER_UNIT_TESTS)
TESTS += $(RESOLVER_UNIT_TESTS)

tests_unit_test_resolver_msg_SOURCES = tests/unit/test_resolver_msg.c spmd/dns_msg.c
tests_unit_test_resolver_msg_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/spmd
tests_unit_test_resolver_msg_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_resolver_msg_LDADD = $(UNIT_LDADD)

tests_unit_test_resolver_SOURCES = tests/unit/test_resolver.c $(RESOLVER_UNIT_SOURCES)
tests_unit_test_resolver_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/spmd
tests_unit_test_resolver_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_resolver_LDADD = $(UNIT_LDADD)
