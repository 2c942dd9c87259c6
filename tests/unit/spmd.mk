# tests/unit/spmd.mk (owner: spmd daemon): the policy engine and the spmif
# command handlers, built from spmd's sources over the memory backend
SPMD_UNIT_TESTS = tests/unit/test_spmd_spd tests/unit/test_spmd_cmd tests/unit/test_spmd_spmif
check_PROGRAMS += $(SPMD_UNIT_TESTS)
TESTS += $(SPMD_UNIT_TESTS)
SPMD_UNIT_CFLAGS = $(UNIT_CFLAGS) -I$(top_srcdir)/spmd

tests_unit_test_spmd_spd_SOURCES = tests/unit/test_spmd_spd.c tests/unit/spmd_test.h \
	$(SPMD_CORE_SOURCES) $(SPMD_EXTRA_SOURCES)
tests_unit_test_spmd_spd_CFLAGS = $(SPMD_UNIT_CFLAGS)
tests_unit_test_spmd_spd_LDADD = $(UNIT_LDADD)

tests_unit_test_spmd_cmd_SOURCES = tests/unit/test_spmd_cmd.c tests/unit/spmd_test.h \
	$(SPMD_CORE_SOURCES) $(SPMD_EXTRA_SOURCES)
tests_unit_test_spmd_cmd_CFLAGS = $(SPMD_UNIT_CFLAGS)
tests_unit_test_spmd_cmd_LDADD = $(UNIT_LDADD)

tests_unit_test_spmd_spmif_SOURCES = tests/unit/test_spmd_spmif.c tests/unit/spmd_test.h \
	$(SPMD_CORE_SOURCES) $(SPMD_EXTRA_SOURCES)
tests_unit_test_spmd_spmif_CFLAGS = $(SPMD_UNIT_CFLAGS)
tests_unit_test_spmd_spmif_LDADD = $(UNIT_LDADD)
