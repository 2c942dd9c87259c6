# libracoon core (owner: core)
lib_libracoon_a_SOURCES += lib/util.c lib/util.h lib/diag.c lib/diag.h \
	lib/addr.c lib/addr.h lib/safefile.c lib/safefile.h
