# lib/kernel.mk (owner: kcore): the kernel IPsec interface in libracoon.
# kernel.c picks up a backend when lib/kernel_NAME.c is in the tree; the xfrm and
# pfkey backends (owners: kxfrm, kpfkey) are added here when they land:
#   lib/kernel_xfrm.c lib/xfrm_msg.c lib/xfrm_msg.h
#   lib/kernel_pfkey.c lib/pfkey_msg.c lib/pfkey_msg.h
lib_libracoon_a_SOURCES += lib/kernel.h lib/kernel_backend.h lib/kernel.c \
	lib/rk_alg.c lib/rk_table.c lib/rk_table.h \
	lib/kernel_memory.c lib/kernel_memory.h
