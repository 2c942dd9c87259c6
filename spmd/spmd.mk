# spmd (owner: spmd daemon).  The resolver component adds its sources in
# its own fragment through SPMD_EXTRA_SOURCES.
sbin_PROGRAMS += spmd/spmd
SPMD_CORE_SOURCES = spmd/spd.h spmd/spd.c spmd/spd_build.c spmd/spmd_cmds.h spmd/spmd_cmds.c \
	spmd/cmd_policy.h spmd/cmd_policy.c
spmd_spmd_SOURCES = spmd/spmd_main.c spmd/spmd.h spmd/spmd_daemon.c $(SPMD_CORE_SOURCES)
spmd_spmd_LDADD = $(RC_LIBS)
