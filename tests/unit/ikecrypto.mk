# tests/unit/ikecrypto.mk (owner: ikecrypto)
check_PROGRAMS += tests/unit/test_ike_crypto
TESTS += tests/unit/test_ike_crypto
tests_unit_test_ike_crypto_SOURCES = tests/unit/test_ike_crypto.c
tests_unit_test_ike_crypto_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/iked
tests_unit_test_ike_crypto_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_ike_crypto_LDADD = iked/libikecrypto.a $(UNIT_LDADD)
tests_unit_test_ike_crypto_LDFLAGS = -pthread
