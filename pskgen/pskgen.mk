# pskgen/pskgen.mk (owner: core)
sbin_PROGRAMS += pskgen/pskgen
pskgen_pskgen_SOURCES = pskgen/pskgen.c
pskgen_pskgen_LDADD = $(RC_LIBS)
dist_man_MANS += doc/pskgen.8
