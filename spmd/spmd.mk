sbin_PROGRAMS += spmd/spmd
spmd_spmd_SOURCES = spmd/spmd_main.c
spmd_spmd_LDADD = $(RC_LIBS)
