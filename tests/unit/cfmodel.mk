# tests/unit/cfmodel.mk
