# tests/unit/spmdctl.mk (owner: spmdctl)
check_PROGRAMS += tests/unit/test_spmdctl
tests_unit_test_spmdctl_SOURCES = tests/unit/test_spmdctl.c $(SPMDCTL_CORE)
tests_unit_test_spmdctl_CFLAGS = $(UNIT_CFLAGS) -I$(top_srcdir)/spmd
tests_unit_test_spmdctl_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_spmdctl

# a stand-in spmd (the spmif server framework with canned replies) for
# tests/cli/test-spmdctl.sh
check_PROGRAMS += tests/unit/test_spmdctl_server
tests_unit_test_spmdctl_server_SOURCES = tests/unit/test_spmdctl_server.c
tests_unit_test_spmdctl_server_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_spmdctl_server_LDADD = $(RC_LIBS)

TESTS += tests/cli/test-spmdctl.sh
EXTRA_DIST += tests/cli/test-spmdctl.sh
