# tests/unit/pfkey.mk (owner: kpfkey): the PF_KEY v2 message codec
if HAVE_PFKEY
check_PROGRAMS += tests/unit/test_pfkey_msg
TESTS += tests/unit/test_pfkey_msg
tests_unit_test_pfkey_msg_SOURCES = tests/unit/test_pfkey_msg.c
tests_unit_test_pfkey_msg_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_pfkey_msg_LDADD = $(UNIT_LDADD)

# the pfkey backend against a real kernel, run by the guest scenario
# tests/kernel/scenarios/pfkey-backend (built here with the other tools)
noinst_PROGRAMS += tests/tools/pfkey_check
tests_tools_pfkey_check_SOURCES = tests/tools/pfkey_check.c
tests_tools_pfkey_check_LDADD = $(RC_LIBS)
endif
