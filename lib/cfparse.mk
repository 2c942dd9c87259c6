lib_libracoon_a_SOURCES += lib/cf_tree.h lib/cf_expand.h lib/rcf.h
