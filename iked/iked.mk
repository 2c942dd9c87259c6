sbin_PROGRAMS += iked/iked
iked_iked_SOURCES = iked/iked_main.c
iked_iked_LDADD = $(RC_LIBS)
