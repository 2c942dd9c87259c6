# tests/unit/ikev2.mk (owner: ikecodec): the IKEv2 message codec
check_PROGRAMS += tests/unit/test_ikev2_msg
tests_unit_test_ikev2_msg_SOURCES = tests/unit/test_ikev2_msg.c
tests_unit_test_ikev2_msg_CFLAGS = $(UNIT_CFLAGS) -I$(top_srcdir)/iked
tests_unit_test_ikev2_msg_LDADD = $(IKEV2_LIBS) $(UNIT_LDADD)
TESTS += tests/unit/test_ikev2_msg
