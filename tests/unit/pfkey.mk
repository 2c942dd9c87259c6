# tests/unit/pfkey.mk (owner: kpfkey): the PF_KEY v2 message codec
check_PROGRAMS += tests/unit/test_pfkey_msg
TESTS += tests/unit/test_pfkey_msg
tests_unit_test_pfkey_msg_SOURCES = tests/unit/test_pfkey_msg.c
tests_unit_test_pfkey_msg_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_pfkey_msg_LDADD = $(UNIT_LDADD)
