/* ${VAR} (setval) and $[VAR] (environment) expansion of configuration
 * strings, compat §1.3: all ${...} first, then all $[...]; the result of a
 * substitution is expanded again.  Unlike the original, a value that
 * (directly or through others) refers back to itself is an error naming the
 * chain, not an endless loop. */
#ifndef RC_CF_EXPAND_H
#define RC_CF_EXPAND_H

#include <stdbool.h>

#include "diag.h"

struct cf_expand_ctx {
	/* setval lookup; NULL (or returning NULL for every name) means no
	 * setval table exists yet, so any ${X} is an error */
	const char *(*setval)(const char *name, void *ctx);
	void *setval_ctx;
	/* environment lookup; NULL = getenv */
	const char *(*getenv_fn)(const char *name, void *ctx);
	void *getenv_ctx;
	/* what to call the string in messages, e.g. "include path" */
	const char *what;
};

/* Returns a newly allocated expanded string, or NULL after adding an error
 * at `loc` to `diag`:
 *   "unterminated ${ in 'TEXT'"                (compat: "format error")
 *   "undefined variable ${NAME} in 'TEXT'"      (compat: "the string was not defined")
 *   "environment variable NAME is not set (in 'TEXT')"
 *   "setval A refers to itself: A -> B -> A"   */
char *cf_expand(const char *text, const struct cf_expand_ctx *ctx, const struct rc_loc *loc,
		struct rc_diag *diag);
/* True when text contains ${ or $[ at all. */
bool cf_has_vars(const char *text);

#endif
