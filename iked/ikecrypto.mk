# iked/ikecrypto.mk (owner: ikecrypto): the IKEv2 crypto suite on OpenSSL 3 EVP
noinst_LIBRARIES += iked/libikecrypto.a
iked_libikecrypto_a_SOURCES = iked/ike_crypto.h iked/ike_crypto.c iked/ike_prf.c \
	iked/ike_cipher.c iked/ike_dh.c
IKECRYPTO_LIBS = iked/libikecrypto.a $(RC_LIBS)

# tests/bench/ike-crypto runs this
noinst_PROGRAMS += tests/bench/ike_crypto
tests_bench_ike_crypto_SOURCES = tests/bench/ike_crypto.c
tests_bench_ike_crypto_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/iked
tests_bench_ike_crypto_LDADD = $(IKECRYPTO_LIBS)
EXTRA_DIST += tests/bench/ike-crypto
