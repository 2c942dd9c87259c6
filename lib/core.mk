# libracoon core (owner: core)
lib_libracoon_a_SOURCES += lib/util.c lib/util.h lib/diag.c lib/diag.h \
	lib/addr.c lib/addr.h lib/safefile.c lib/safefile.h \
	lib/log.c lib/log.h lib/bytebuf.c lib/bytebuf.h \
	lib/pidfile.c lib/pidfile.h lib/hook.c lib/hook.h \
	lib/event.c lib/event.h
