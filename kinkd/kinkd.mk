sbin_PROGRAMS += kinkd/kinkd
kinkd_kinkd_SOURCES = kinkd/kinkd_main.c
kinkd_kinkd_LDADD = $(RC_LIBS)
