# shared daemon entry points (owner: lead)
lib_libracoon_a_SOURCES += lib/cfcheck.c lib/cfcheck.h lib/version.h
