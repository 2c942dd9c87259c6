# lib/cfmodel.mk (owner: config model)
lib_libracoon_a_SOURCES += lib/rcf_model.h lib/cf_schema.h lib/cf_schema.c \
	lib/cf_model.h lib/cf_model.c lib/rcf_alg.c lib/rcf_load.c lib/rcf_macro.c \
	lib/rcf_check.c
