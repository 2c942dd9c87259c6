# pskgen/pskgen.mk
