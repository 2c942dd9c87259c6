# tests/unit/cfparse.mk
