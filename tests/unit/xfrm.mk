# tests/unit/xfrm.mk (owner: kxfrm): XFRM netlink codec
if HAVE_XFRM
check_PROGRAMS += tests/unit/test_xfrm_msg
tests_unit_test_xfrm_msg_SOURCES = tests/unit/test_xfrm_msg.c
tests_unit_test_xfrm_msg_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_xfrm_msg_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_xfrm_msg

# the kernel-ops benchmark's driver (tests/bench/kernel-ops runs it)
noinst_PROGRAMS += tests/bench/kernel_ops
tests_bench_kernel_ops_SOURCES = tests/bench/kernel_ops.c
tests_bench_kernel_ops_LDADD = $(RC_LIBS)
endif
EXTRA_DIST += tests/bench/kernel-ops
# how the xfrm backend behaves, for users and maintainers
EXTRA_DIST += doc/kernel-xfrm.txt
