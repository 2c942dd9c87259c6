# tests/unit/spmif.mk (owner: spmif): spmif wire helpers, server transcripts,
# and the clients against the server
SPMIF_UNIT_TESTS = tests/unit/test_spmif tests/unit/test_spmif_client
check_PROGRAMS += $(SPMIF_UNIT_TESTS)
TESTS += $(SPMIF_UNIT_TESTS)
EXTRA_DIST += tests/unit/spmif_test.h

tests_unit_test_spmif_SOURCES = tests/unit/test_spmif.c tests/unit/spmif_test.h
tests_unit_test_spmif_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_spmif_LDADD = $(UNIT_LDADD)

tests_unit_test_spmif_client_SOURCES = tests/unit/test_spmif_client.c tests/unit/spmif_test.h
tests_unit_test_spmif_client_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_spmif_client_LDADD = $(UNIT_LDADD)
