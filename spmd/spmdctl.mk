# spmdctl (owner: spmdctl): the spmd control tool, its manual page and tests
SPMDCTL_CORE = spmd/spmdctl.h spmd/spmdctl_cli.c spmd/spmdctl_json.c spmd/spmdctl_show.c

sbin_PROGRAMS += spmd/spmdctl
spmd_spmdctl_SOURCES = spmd/spmdctl.c $(SPMDCTL_CORE)
spmd_spmdctl_LDADD = $(RC_LIBS)

dist_man_MANS += doc/spmdctl.8
