# spmdctl (owner: spmdctl): the spmd control tool, its manual page and tests
SPMDCTL_CORE = spmd/spmdctl.h spmd/spmdctl_cli.c spmd/spmdctl_json.c spmd/spmdctl_show.c
# The program links lib/spmif_client.c: added once branch spmif has it.
EXTRA_DIST += spmd/spmdctl.c
dist_man_MANS += doc/spmdctl.8
