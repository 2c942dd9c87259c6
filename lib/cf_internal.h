/* Internals shared by the racoon2.conf front end: the flex lexer, the bison
 * parser, the tree helpers and the include resolver.  Nothing outside
 * lib/cf_*.c includes this. */
#ifndef RC_CF_INTERNAL_H
#define RC_CF_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "cf_tree.h"
#include "diag.h"

/* Limits that keep hostile or broken input from costing much memory or
 * stack: real configurations stay far below every one of them. */
#define CF_MAX_TOKEN (64 * 1024)
#define CF_MAX_FILE (16 * 1024 * 1024)
#define CF_MAX_BLOCK_DEPTH 64
/* tokens in a whole configuration, includes counted: bounds the tree's
 * memory (some 100 bytes a token) at a size no real file comes near */
#define CF_MAX_TOKENS 1000000

/* What one configuration (main file and includes) may still spend. */
struct cf_budget {
	size_t tokens_left;
	bool exceeded; /* and reported: later files read as empty */
};

/* State of one lexer run over one file (flex's "extra" data). */
struct cf_lexer {
	const char *file; /* interned name for locations */
	struct rc_diag *diag;
	struct cf_budget *budget; /* shared by the files of one configuration */
	int line, col;		  /* where the next byte sits */
	/* Braces as written, so that end-of-file and stray '}' errors can
	 * say where the open block started even when the parser is in the
	 * middle of error recovery. */
	int depth;
	struct rc_loc open[CF_MAX_BLOCK_DEPTH];
	struct rc_loc deep_open; /* the latest '{' beyond the limit */
	bool depth_reported;
	bool eof_reported;  /* the lexer already explained the end of file */
	bool last_was_bad;  /* report a run of bad bytes once */
	char last_text[48]; /* the last token, for the parser's messages */
};

/* What the parser's actions work on. */
struct cf_parse_ctx {
	struct cf_lexer *lx;
	struct cf_block *top; /* complete top-level statements so far */
};

/* A statement's items while the parser collects them. */
struct cf_itemvec {
	size_t n;
	struct cf_item *v;
	bool bad; /* had a token the lexer rejected: drop the statement */
};

struct cf_block *cf_block_new(void);
void cf_block_free(struct cf_block *b);
/* Moves *s into b (s itself is freed; NULL is ignored). */
void cf_block_take(struct cf_block *b, struct cf_stmt *s);
/* Copies *s to the end of b, which owns its contents from then on. */
void cf_block_append(struct cf_block *b, const struct cf_stmt *s);
/* Frees what *s holds (items, block), not s itself. */
void cf_stmt_clear(struct cf_stmt *s);
void cf_stmt_free(struct cf_stmt *s);
void cf_itemvec_push(struct cf_itemvec *v, enum cf_item_kind kind, char *text,
		     const struct rc_loc *loc);
void cf_itemvec_free(struct cf_itemvec *v);
/* Grow an array kept without a capacity field: capacity is the next power
 * of two, so reallocating when n is a power of two suffices. */
void *cf_grow(void *p, size_t n, size_t size);

/* The file name as stored in t->files (added when new). */
const char *cf_tree_intern(struct cf_tree *t, const char *name);

/* Lex and parse one file's bytes.  `file` must be interned.  Always returns
 * a block with the statements that parsed (possibly none); errors go to
 * diag. */
struct cf_block *cf_parse_buffer(const char *file, const char *buf, size_t len,
				 struct cf_budget *budget, struct rc_diag *diag);

/* Check (with check_safe: rc_safefile_check, compat §0.4) and read a whole
 * configuration file of at most CF_MAX_FILE bytes.  On error returns -1
 * with the reason in err, and *unsafe set when the safety check failed. */
int cf_load_file(const char *path, bool check_safe, char **buf, size_t *len, char *err,
		 size_t errlen, bool *unsafe);

/* Replace the top-level include statements of `top` (read from
 * `file`, NULL for a string) by the statements of the included files, and
 * report includes inside blocks.  `main_real` is the real path of the main
 * file for cycle detection (NULL for a string). */
void cf_resolve_includes(struct cf_tree *t, struct cf_block *top, const char *file,
			 const char *main_real, const struct cf_parse_opts *opts,
			 struct cf_budget *budget, struct rc_diag *diag);

#endif
