# lib/cfmodel.mk
