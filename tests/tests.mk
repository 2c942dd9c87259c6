# Test layers.  Unit tests (cmocka) run under `make check`; the other layers
# have their own runners (tests/run-all drives them all).
UNIT_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
UNIT_LDADD = $(RC_LIBS) $(CMOCKA_LIBS)

check_PROGRAMS += tests/unit/test_addr
tests_unit_test_addr_SOURCES = tests/unit/test_addr.c
tests_unit_test_addr_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_addr_LDADD = $(UNIT_LDADD)

TESTS += tests/unit/test_addr

include $(srcdir)/tests/unit/core.mk
include $(srcdir)/tests/unit/cfparse.mk
include $(srcdir)/tests/unit/cfmodel.mk
include $(srcdir)/tests/unit/spmif.mk
include $(srcdir)/tests/unit/resolver.mk
include $(srcdir)/tests/unit/spmdctl.mk
include $(srcdir)/tests/unit/xfrm.mk
include $(srcdir)/tests/unit/pfkey.mk
include $(srcdir)/tests/unit/ikecrypto.mk
include $(srcdir)/tests/unit/ikev2.mk
include $(srcdir)/tests/infra.mk

check_PROGRAMS += tests/unit/test_diag
tests_unit_test_diag_SOURCES = tests/unit/test_diag.c
tests_unit_test_diag_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_diag_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_diag

# command-line tests run against the binaries of this build
TESTS += tests/cli/test-daemon-options.sh
EXTRA_DIST += tests/cli/test-daemon-options.sh
AM_TESTS_ENVIRONMENT = BUILDDIR='$(abs_top_builddir)'; export BUILDDIR;
include $(srcdir)/tests/unit/spmd.mk
