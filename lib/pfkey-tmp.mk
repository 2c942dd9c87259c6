# temporary (kpfkey): until lib/kernel.mk from kcore is merged
lib_libracoon_a_SOURCES += lib/pfkey_msg.c lib/pfkey_msg.h
