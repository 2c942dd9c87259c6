# tests/unit/xfrm.mk (owner: kxfrm): XFRM netlink codec
check_PROGRAMS += tests/unit/test_xfrm_msg
tests_unit_test_xfrm_msg_SOURCES = tests/unit/test_xfrm_msg.c
tests_unit_test_xfrm_msg_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_xfrm_msg_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_xfrm_msg
