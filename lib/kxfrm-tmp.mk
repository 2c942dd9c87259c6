# Temporary (owner: kxfrm): builds the XFRM codec until lib/kernel.mk
# (kcore) lists it; dropped at that merge.
lib_libracoon_a_SOURCES += lib/xfrm_msg.c lib/xfrm_msg.h
lib_libracoon_a_SOURCES += lib/kernel_xfrm.c
