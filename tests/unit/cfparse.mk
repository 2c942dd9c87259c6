# tests/unit/cfparse.mk (owner: cfparse)
check_PROGRAMS += tests/unit/test_cf_parse
tests_unit_test_cf_parse_SOURCES = tests/unit/test_cf_parse.c
tests_unit_test_cf_parse_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_cf_parse_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_cf_parse

check_PROGRAMS += tests/unit/test_cf_expand
tests_unit_test_cf_expand_SOURCES = tests/unit/test_cf_expand.c
tests_unit_test_cf_expand_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_cf_expand_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_cf_expand

check_PROGRAMS += tests/unit/test_cf_include
tests_unit_test_cf_include_SOURCES = tests/unit/test_cf_include.c
tests_unit_test_cf_include_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_cf_include_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_cf_include
