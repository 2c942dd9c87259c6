# lib/kernel.mk (owner: kcore): the kernel IPsec interface in libracoon.
lib_libracoon_a_SOURCES += lib/kernel.h lib/kernel_backend.h lib/kernel.c \
	lib/rk_alg.c lib/rk_table.c lib/rk_table.h \
	lib/kernel_memory.c lib/kernel_memory.h
if HAVE_XFRM
lib_libracoon_a_SOURCES += lib/kernel_xfrm.c lib/xfrm_msg.c lib/xfrm_msg.h
endif
if HAVE_PFKEY
lib_libracoon_a_SOURCES += lib/kernel_pfkey.c lib/pfkey_msg.c lib/pfkey_msg.h
endif
