/* racoon2.conf syntax tree: what the front end (lexer, parser, include
 * handling) hands to the semantic pass.
 *
 * The tree is generic: a statement is a run of items (words, quoted
 * strings, commas, lone dashes) optionally followed by one braced block, and
 * ends with ';'.  Which words are keywords, which directives are allowed
 * where, and what their values mean is decided by the semantic pass
 * (cf_schema / cf_model), which is what lets it report every error with a
 * useful message and a "did you mean" instead of a bare "syntax error".
 *
 * A lone ';' is accepted and dropped (racoon2's `script phase1_up "/x";;`
 * and `script phase1_up "/x";` give the same tree).  After a syntax error
 * the tree holds every statement that could be recovered: one whose ';'
 * was missing is kept as if it were there; one holding a rejected token
 * (say an unquoted ${VAR}) is dropped.  Blocks nest at most 64 deep.
 *
 * Includes are already resolved: `include "x";` statements at the top level
 * are replaced by the top-level statements of the included file(s), in glob
 * order; every item keeps the location of the file it came from.  A
 * relative include path resolves against the directory of the including
 * file (cf_parse_string: the current directory).
 *
 * All memory belongs to the tree and is released by cf_tree_free(). */
#ifndef RC_CF_TREE_H
#define RC_CF_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

enum cf_item_kind {
	CF_WORD,  /* bare word: [0-9A-Za-z%*\-./:?@_]+ (may be a keyword) */
	CF_QSTR,  /* "quoted string", quotes removed, never a keyword */
	CF_COMMA, /* , */
	CF_DASH,  /* a lone - (address ranges) */
};

struct cf_item {
	enum cf_item_kind kind;
	char *text; /* for CF_COMMA/CF_DASH: "," / "-" */
	struct rc_loc loc;
};

struct cf_block;

struct cf_stmt {
	struct rc_loc loc;      /* of the first item (or of '{' if none) */
	size_t nitems;
	struct cf_item *items;  /* may be 0 items only if block != NULL */
	struct cf_block *block; /* NULL when the statement has no braces */
	struct rc_loc semi_loc; /* of the terminating ';' (where it was
				 * missing, if the parser recovered) */
};

struct cf_block {
	struct rc_loc open_loc;  /* of '{' (for the top level: the file) */
	struct rc_loc close_loc; /* of '}' */
	size_t nstmts;
	struct cf_stmt *stmts;
};

struct cf_tree {
	struct cf_block top;
	/* the files read, main file first, then includes in the order they
	 * were read.  These are the strings every rc_loc.file points at; they
	 * are interned for the life of the process, so locations (and the
	 * diagnostics holding them) stay valid after cf_tree_free(). */
	size_t nfiles;
	char **files;
	size_t ntokens; /* read in all, includes counted */
};

struct cf_parse_opts {
	/* Check every file (main and includes) with rc_safefile_check():
	 * owner is the real uid, regular file, not setuid.  On by default in
	 * the daemons; tests running as another user may turn it off. */
	bool check_safe;
	/* Maximum include nesting; 0 means the racoon2 default of 10. */
	int max_include_depth;
	/* Environment lookup for $[NAME] in include paths; NULL = getenv. */
	const char *(*getenv_fn)(const char *name, void *ctx);
	void *getenv_ctx;
};

/* Parse `path` and everything it includes.  Lexical and syntax errors are
 * added to `diag` (all of them: the parser recovers at the next ';' or '}').
 * Returns the tree, which is usable but partial when diag->nerrors grew,
 * or NULL when the main file cannot be read (also reported in diag). */
struct cf_tree *cf_parse_file(const char *path, const struct cf_parse_opts *opts,
			      struct rc_diag *diag);
/* Same, from memory; `name` is used as the file name in locations, and
 * relative includes resolve against the current directory. */
struct cf_tree *cf_parse_string(const char *name, const char *text,
				const struct cf_parse_opts *opts, struct rc_diag *diag);
void cf_tree_free(struct cf_tree *t);

/* Debug aid and test helper: print the tree in a canonical one-statement-
 * per-line form (quoted strings re-quoted). */
void cf_tree_dump(const struct cf_tree *t, FILE *out);

#endif
