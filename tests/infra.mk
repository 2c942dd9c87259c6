# tests/infra.mk
