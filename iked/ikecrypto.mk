# iked/ikecrypto.mk (owner: ikecrypto): the IKEv2 crypto suite on OpenSSL 3 EVP
noinst_LIBRARIES += iked/libikecrypto.a
iked_libikecrypto_a_SOURCES = iked/ike_crypto.h iked/ike_crypto.c iked/ike_prf.c \
	iked/ike_cipher.c iked/ike_dh.c
IKECRYPTO_LIBS = iked/libikecrypto.a $(RC_LIBS)
