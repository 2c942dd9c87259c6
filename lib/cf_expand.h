/* ${VAR} (setval) and $[VAR] (environment) expansion of configuration
 * strings, compat §1.3: all ${...} first, then all $[...]; the result of a
 * substitution is expanded again.  Unlike the original, a value that
 * (directly or through others) refers back to itself is an error naming the
 * chain, not an endless loop. */
#ifndef RC_CF_EXPAND_H
#define RC_CF_EXPAND_H

#include <stdbool.h>

#include "diag.h"

/* What the expansions of one configuration may still spend.  Values that
 * repeat each other (A = "${B}${B}", B = "${C}${C}", ...) multiply: this
 * keeps the time and the memory they cost in proportion to the file. */
struct cf_expand_budget {
	size_t substitutions; /* allowed in all */
	size_t substitutions_left;
	size_t bytes_left; /* expansion may write */
	bool exhausted;	   /* and reported: later expansions fail quietly */
};
#define CF_EXPAND_MIN_SUBSTITUTIONS 65536
#define CF_EXPAND_SUBSTITUTIONS_PER_TOKEN 4
#define CF_EXPAND_MAX_TOTAL (64 * 1024 * 1024)
/* For a configuration of ntokens tokens (0 for a lone string). */
void cf_expand_budget_init(struct cf_expand_budget *b, size_t ntokens);

struct cf_expand_ctx {
	/* setval lookup; NULL (or returning NULL for every name) means no
	 * setval table exists yet, so any ${X} is an error.  A value may
	 * itself contain ${...} and $[...]; it must stay valid until
	 * cf_expand() returns (it is scanned while other names are looked
	 * up). */
	const char *(*setval)(const char *name, void *ctx);
	void *setval_ctx;
	/* environment lookup; NULL = getenv (same lifetime rule) */
	const char *(*getenv_fn)(const char *name, void *ctx);
	void *getenv_ctx;
	/* what to call the string in messages, e.g. "an include path" (used
	 * in the hint given for ${X} when there is no setval table) */
	const char *what;
	/* shared by the expansions of one configuration; NULL: each call
	 * gets a budget of its own */
	struct cf_expand_budget *budget;
};

/* Returns a newly allocated expanded string, or NULL after adding one error
 * at `loc` to `diag` (none once ctx->budget was exhausted and said so; ctx
 * may be NULL: no setvals, getenv):
 *   "unterminated ${ in 'TEXT'"                (compat: "format error")
 *   "undefined variable ${NAME} in 'TEXT'"      (compat: "the string was not defined")
 *   "environment variable NAME is not set (in 'TEXT')"
 *   "setval A refers to itself: A -> B -> A"
 *   "variables in 'TEXT' refer to each other more than 32 levels deep"
 *   "expansion of 'TEXT' is too long (more than 65536 bytes)"
 *   "too many variable substitutions (more than N) expanding 'TEXT'"
 *   "variables expand to more than N MiB in all (at 'TEXT')"
 * with " (the value of ${A})" added when the problem is inside a
 * substituted value.  Variable names are whatever sits between the
 * brackets. */
char *cf_expand(const char *text, const struct cf_expand_ctx *ctx, const struct rc_loc *loc,
		struct rc_diag *diag);
/* True when text contains ${ or $[ at all. */
bool cf_has_vars(const char *text);

#endif
