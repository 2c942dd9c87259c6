# spmd/spmd.mk
