# shared daemon entry points (owner: lead)
lib_libracoon_a_SOURCES += lib/cfcheck.c lib/cfcheck.h lib/version.h
# rebuild the archive when its member list changes (a dropped file must not linger in it)
EXTRA_lib_libracoon_a_DEPENDENCIES = Makefile
