# racoon2.conf front end (owner: cfparse): lexer, parser, includes, expansion
lib_libracoon_a_SOURCES += lib/cf_tree.h lib/cf_expand.h lib/rcf.h \
	lib/cf_internal.h lib/cf_lex.l lib/cf_parse.y lib/cf_tree.c \
	lib/cf_include.c lib/cf_expand.c
# the lexer includes the parser's token header
BUILT_SOURCES += lib/cf_parse.h
# BUILT_SOURCES only applies to all/check/install: `make lib/libracoon.a`
# (tests/fuzz/run) needs the edge itself
lib/cf_lex.$(OBJEXT): lib/cf_parse.h
