# temporary (kpfkey): until lib/kernel.mk from kcore is merged
lib_libracoon_a_SOURCES += lib/kernel_pfkey.c lib/pfkey_msg.c lib/pfkey_msg.h
