# tests/unit/cfmodel.mk (owner: config model)
EXTRA_DIST += tests/unit/cfm_test.h tests/conf/bad

check_PROGRAMS += tests/unit/test_appendix_a
tests_unit_test_appendix_a_SOURCES = tests/unit/test_appendix_a.c tests/unit/cfm_test.h
tests_unit_test_appendix_a_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_appendix_a_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_appendix_a

check_PROGRAMS += tests/unit/test_bad_configs
tests_unit_test_bad_configs_SOURCES = tests/unit/test_bad_configs.c tests/unit/cfm_test.h
tests_unit_test_bad_configs_CFLAGS = $(UNIT_CFLAGS) -DBAD_CONF_DIR='"$(abs_top_srcdir)/tests/conf/bad"'
tests_unit_test_bad_configs_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_bad_configs

check_PROGRAMS += tests/unit/test_cf_model
tests_unit_test_cf_model_SOURCES = tests/unit/test_cf_model.c tests/unit/cfm_test.h
tests_unit_test_cf_model_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_cf_model_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_cf_model
