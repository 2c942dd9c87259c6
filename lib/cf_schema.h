/* racoon2.conf schema: the reserved keywords (compat Appendix B) and, per
 * context, the directives allowed there with the form of their value
 * (compat §1.6).  cf_model.c walks the syntax tree against these tables. */
#ifndef RC_CF_SCHEMA_H
#define RC_CF_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

enum cf_ctx {
	CF_CTX_TOP,
	CF_CTX_SETVAL,
	CF_CTX_INTERFACE,
	CF_CTX_RESOLVER,
	CF_CTX_REMOTE,
	CF_CTX_IKEV1,
	CF_CTX_IKEV2,
	CF_CTX_KINK,
	CF_CTX_PROVIDE,
	CF_CTX_REQUEST,
	CF_CTX_SCRIPT,
	CF_CTX_SELECTOR,
	CF_CTX_POLICY,
	CF_CTX_IPSEC,
	CF_CTX_SA,
	CF_CTX_POOL,
	CF_CTX_DEFAULT,
	CF_CTX_COUNT,
};

enum cf_form {
	CF_F_NUM,
	CF_F_TIME,
	CF_F_BYTES,
	CF_F_BOOL,
	CF_F_ENUM,     /* one of words[] -> values[] */
	CF_F_STR,
	CF_F_STRLIST,
	CF_F_ADDRLIST,
	CF_F_ADDR1,    /* a single address (no list, no port) */
	CF_F_ALGLIST,
	CF_F_DHLIST,
	CF_F_IDLIST,
	CF_F_KMPLIST,
	CF_F_PUBKEY,
	CF_F_SCRIPT,
	CF_F_ULP,
	CF_F_FLAG,     /* request{} words: no value, sets `value` */
	CF_F_BLOCK,    /* nested block of context `child` */
	CF_F_SECTION,  /* top-level section (named or not) */
	CF_F_UNSUPPORTED, /* known to racoon2's lexer, never accepted */
};

enum cf_dflags {
	CF_D_ONCE = 1 << 0,   /* at most once in its block (error) */
	CF_D_NAMED = 1 << 1,  /* section takes a NAME */
	CF_D_OPTVAL = 1 << 2, /* pubkey: the last string is optional */
	CF_D_ADDRPORT = 1 << 3, /* address list entries may carry `port` */
	CF_D_UNIX = 1 << 4,   /* `unix PATH` allowed */
	CF_D_NOINHERIT = 1 << 5, /* not taken from the default section */
};

struct cf_directive {
	const char *name;
	enum cf_form form;
	unsigned flags;
	enum cf_ctx child;           /* CF_F_BLOCK / CF_F_SECTION */
	const char *const *words;    /* CF_F_ENUM, NULL-terminated */
	const int *values;           /* CF_F_ENUM values, parallel to words */
	unsigned alg_class;          /* CF_F_ALGLIST: enum rcf_alg_class */
	int value;                   /* CF_F_FLAG */
	size_t off, size;            /* the field in the context's model struct */
	const char *alias_of;        /* doc spelling: warn, then use alias_of */
	/* built-in defaults for ikev1, ikev2, kink blocks (rcf_int fields) */
	long long def[3];
	unsigned char hasdef; /* bit i: def[i] applies */
};

struct cf_ctx_info {
	const char *what; /* "ikev2 block", "top level", ... */
	const struct cf_directive *const *tables; /* NULL-terminated */
	bool first_wins;  /* compat: ikev2{} and provide{} keep the first scalar */
};

const struct cf_ctx_info *cf_ctx_info(enum cf_ctx ctx);
/* The directive called `name` in ctx (aliases included), or NULL. */
const struct cf_directive *cf_schema_find(enum cf_ctx ctx, const char *name);
/* Closest directive name of ctx for a "did you mean", or NULL. */
const char *cf_schema_suggest(enum cf_ctx ctx, const char *name);
/* Comma-separated names of the contexts where `name` IS a directive, in
 * buf; returns false when none. */
bool cf_schema_valid_in(const char *name, char *buf, size_t len);
/* Is `word` (unquoted) a reserved keyword of compat Appendix B? */
bool cf_is_keyword(const char *word);

#endif
