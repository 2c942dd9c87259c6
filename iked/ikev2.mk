# iked/ikev2.mk (owner: ikecodec): the IKEv2 message codec, a library of
# its own so iked, the unit tests and the fuzz target share it.
noinst_LIBRARIES += iked/libikev2.a
iked_libikev2_a_SOURCES = iked/ikev2_msg.c iked/ikev2_msg.h iked/ikev2_enc.c iked/ikev2_print.c \
	iked/ikev2_consts.h
IKEV2_LIBS = iked/libikev2.a
