# shared daemon entry points (owner: lead)
lib_libracoon_a_SOURCES += lib/cfcheck.c lib/cfcheck.h lib/version.h \
	lib/kernel_conf.c lib/kernel_conf.h
# rebuild the archive when its member list changes (a dropped file must not linger in it)
EXTRA_lib_libracoon_a_DEPENDENCIES = Makefile
