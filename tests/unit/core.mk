# tests/unit/core.mk (owner: core): libracoon core services and pskgen
CORE_UNIT_TESTS = tests/unit/test_bytebuf tests/unit/test_log tests/unit/test_pidfile \
	tests/unit/test_hook tests/unit/test_safefile tests/unit/test_util tests/unit/test_event
check_PROGRAMS += $(CORE_UNIT_TESTS)
TESTS += $(CORE_UNIT_TESTS)

tests_unit_test_bytebuf_SOURCES = tests/unit/test_bytebuf.c
tests_unit_test_bytebuf_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_bytebuf_LDADD = $(UNIT_LDADD)

tests_unit_test_log_SOURCES = tests/unit/test_log.c
tests_unit_test_log_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_log_LDADD = $(UNIT_LDADD)

tests_unit_test_pidfile_SOURCES = tests/unit/test_pidfile.c
tests_unit_test_pidfile_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_pidfile_LDADD = $(UNIT_LDADD)

tests_unit_test_hook_SOURCES = tests/unit/test_hook.c
tests_unit_test_hook_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_hook_LDADD = $(UNIT_LDADD)

tests_unit_test_safefile_SOURCES = tests/unit/test_safefile.c
tests_unit_test_safefile_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_safefile_LDADD = $(UNIT_LDADD)

tests_unit_test_util_SOURCES = tests/unit/test_util.c
tests_unit_test_util_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_util_LDADD = $(UNIT_LDADD)

tests_unit_test_event_SOURCES = tests/unit/test_event.c
tests_unit_test_event_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_event_LDADD = $(UNIT_LDADD)

# pskgen is exercised as a program; the script runs from the build directory
TESTS += tests/unit/test_pskgen.sh
EXTRA_DIST += tests/unit/test_pskgen.sh
