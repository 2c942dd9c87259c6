# tests/unit/spmdctl.mk (owner: spmdctl)
check_PROGRAMS += tests/unit/test_spmdctl
tests_unit_test_spmdctl_SOURCES = tests/unit/test_spmdctl.c $(SPMDCTL_CORE)
tests_unit_test_spmdctl_CFLAGS = $(UNIT_CFLAGS) -I$(top_srcdir)/spmd
tests_unit_test_spmdctl_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_spmdctl
