# tests/kernel.mk (owner: kcore): the kernel interface's unit tests and the
# rkctl driver the guest scenarios (tests/kernel/scenarios/rk-*) script.
KCORE_UNIT_TESTS = tests/unit/test_kernel_memory tests/unit/test_rk_alg
check_PROGRAMS += $(KCORE_UNIT_TESTS)
TESTS += $(KCORE_UNIT_TESTS)

tests_unit_test_kernel_memory_SOURCES = tests/unit/test_kernel_memory.c
tests_unit_test_kernel_memory_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_kernel_memory_LDADD = $(UNIT_LDADD)

tests_unit_test_rk_alg_SOURCES = tests/unit/test_rk_alg.c
tests_unit_test_rk_alg_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_rk_alg_LDADD = $(UNIT_LDADD)

noinst_PROGRAMS += tests/tools/rkctl
tests_tools_rkctl_SOURCES = tests/tools/rkctl.c
tests_tools_rkctl_LDADD = $(RC_LIBS)

# rkctl itself, on the memory backend (no root, no kernel IPsec)
TESTS += tests/tools/test_rkctl.sh
EXTRA_DIST += tests/tools/test_rkctl.sh
EXTRA_DIST += doc/rkctl.txt
