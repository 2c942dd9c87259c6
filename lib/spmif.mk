# spmif protocol library (owner: spmif): wire helpers, server framework,
# asynchronous and synchronous clients
lib_libracoon_a_SOURCES += lib/spmif.h lib/spmif_server.h lib/spmif_client.h
lib_libracoon_a_SOURCES += lib/spmif.c lib/spmif_server.c lib/spmif_client.c
