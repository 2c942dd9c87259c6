/* ${VAR} / $[VAR] expansion (compat §1.3).
 *
 * The original rescans the whole string after each substitution, so a value
 * that mentions itself loops forever.  Here a substituted value is expanded
 * on its own, recursively, with the names being expanded kept on a chain:
 * meeting a name already on the chain is a cycle, reported with the chain.
 * For every configuration that terminates in the original, the result is
 * the same.  The result length is capped so that a chain of values that
 * each double the text cannot eat memory. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cf_expand.h"
#include "util.h"

#define EXPAND_MAX_LEN (64 * 1024)
#define EXPAND_MAX_CHAIN 32

struct expansion {
	const struct cf_expand_ctx *ctx;
	const struct rc_loc *loc;
	struct rc_diag *diag;
	const char *orig; /* the text as the user wrote it, for messages */
	char *out;
	size_t len, cap;
	const char *chain[EXPAND_MAX_CHAIN];
	int nchain;
	struct cf_expand_budget *budget;
};

/* Messages quote the text; keep them readable when it is long. */
static const char *shorten(const char *text, char *buf, size_t len)
{
	size_t n = strlen(text);

	if (n < len)
		return text;
	snprintf(buf, len, "%.*s...", (int)(len - 4), text);
	return buf;
}

void cf_expand_budget_init(struct cf_expand_budget *b, size_t ntokens)
{
	b->substitutions = CF_EXPAND_MIN_SUBSTITUTIONS;
	if (ntokens < (SIZE_MAX - b->substitutions) / CF_EXPAND_SUBSTITUTIONS_PER_TOKEN)
		b->substitutions += CF_EXPAND_SUBSTITUTIONS_PER_TOKEN * ntokens;
	b->substitutions_left = b->substitutions;
	b->bytes_left = CF_EXPAND_MAX_TOTAL;
	b->exhausted = false;
}

/* Reported once per budget: every later expansion fails quietly. */
static bool over_budget(struct expansion *e, bool substitutions)
{
	char shown[128];

	if (e->budget->exhausted)
		return false;
	e->budget->exhausted = true;
	if (substitutions)
		rc_diag_error(e->diag, e->loc,
			      "too many variable substitutions (more than %zu) expanding '%s'",
			      e->budget->substitutions, shorten(e->orig, shown, sizeof(shown)));
	else
		rc_diag_error(e->diag, e->loc,
			      "variables expand to more than %d MiB in all (at '%s')",
			      CF_EXPAND_MAX_TOTAL / (1024 * 1024),
			      shorten(e->orig, shown, sizeof(shown)));
	return false;
}

static bool append(struct expansion *e, const char *s, size_t n)
{
	char shown[128];

	if (e->len + n > EXPAND_MAX_LEN) {
		rc_diag_error(e->diag, e->loc, "expansion of '%s' is too long (more than %d bytes)",
			      shorten(e->orig, shown, sizeof(shown)), EXPAND_MAX_LEN);
		return false;
	}
	/* every byte written is work, whether or not the string succeeds */
	if (e->budget->exhausted || n > e->budget->bytes_left)
		return over_budget(e, false);
	e->budget->bytes_left -= n;
	if (e->len + n + 1 > e->cap) {
		while (e->len + n + 1 > e->cap)
			e->cap = e->cap ? e->cap * 2 : 64;
		e->out = rc_xreallocarray(e->out, e->cap, 1);
	}
	memcpy(e->out + e->len, s, n);
	e->len += n;
	e->out[e->len] = '\0';
	return true;
}

/* " (the value of ${A})" when the problem is inside a substituted value. */
static void context_note(const struct expansion *e, char open, char *buf, size_t len)
{
	if (e->nchain == 0)
		buf[0] = '\0';
	else
		snprintf(buf, len, " (the value of $%c%s%c)", open, e->chain[e->nchain - 1],
			 open == '{' ? '}' : ']');
}

static void report_cycle(struct expansion *e, char open, const char *name)
{
	char chain[512];
	size_t o = 0;
	int start = 0;

	for (int i = 0; i < e->nchain; i++)
		if (strcmp(e->chain[i], name) == 0)
			start = i;
	chain[0] = '\0';
	for (int i = start; i < e->nchain && o < sizeof(chain); i++) {
		int w = snprintf(chain + o, sizeof(chain) - o, "%s -> ", e->chain[i]);
		if (w < 0)
			break;
		o += (size_t)w;
	}
	if (o < sizeof(chain))
		snprintf(chain + o, sizeof(chain) - o, "%s", name);
	rc_diag_error(e->diag, e->loc, "%s %s refers to itself: %s",
		      open == '{' ? "setval" : "environment variable", name, chain);
}

static const char *look_up(const struct expansion *e, char open, const char *name)
{
	const struct cf_expand_ctx *c = e->ctx;

	if (open == '{')
		return c->setval ? c->setval(name, c->setval_ctx) : NULL;
	return c->getenv_fn ? c->getenv_fn(name, c->getenv_ctx) : getenv(name);
}

static void report_undefined(const struct expansion *e, char open, const char *name,
			     const char *text)
{
	char shown[128], note[160];
	const char *what = e->ctx->what ? e->ctx->what : "this string";

	context_note(e, open, note, sizeof(note));
	if (open == '[') {
		rc_diag_error(e->diag, e->loc, "environment variable %s is not set (in '%s')%s",
			      name, shorten(text, shown, sizeof(shown)), note);
	} else if (!e->ctx->setval) {
		rc_diag_error(e->diag, e->loc,
			      "undefined variable ${%s} in '%s'%s (setval values are not known "
			      "yet when %s is read; use $[ENV] there)",
			      name, shorten(text, shown, sizeof(shown)), note, what);
	} else {
		rc_diag_error(e->diag, e->loc, "undefined variable ${%s} in '%s'%s", name,
			      shorten(text, shown, sizeof(shown)), note);
	}
}

static bool expand_text(struct expansion *e, const char *text, char open);

static bool substitute(struct expansion *e, char open, const char *name, const char *text)
{
	const char *value;
	bool ok;

	if (e->budget->exhausted || e->budget->substitutions_left == 0)
		return over_budget(e, true);
	e->budget->substitutions_left--;
	value = look_up(e, open, name);
	if (!value) {
		report_undefined(e, open, name, text);
		return false;
	}
	for (int i = 0; i < e->nchain; i++) {
		if (strcmp(e->chain[i], name) == 0) {
			report_cycle(e, open, name);
			return false;
		}
	}
	if (e->nchain == EXPAND_MAX_CHAIN) {
		char shown[128];
		rc_diag_error(e->diag, e->loc,
			      "variables in '%s' refer to each other more than %d levels deep",
			      shorten(e->orig, shown, sizeof(shown)), EXPAND_MAX_CHAIN);
		return false;
	}
	e->chain[e->nchain++] = name;
	ok = expand_text(e, value, open);
	e->nchain--;
	return ok;
}

/* One kind of reference: open is '{' for ${NAME}, '[' for $[NAME]. */
static bool expand_text(struct expansion *e, const char *text, char open)
{
	char close = open == '{' ? '}' : ']';
	/* at the top, name what the user wrote, not a half-expanded copy */
	const char *quoted = e->nchain == 0 ? e->orig : text;
	const char *s = text;

	while (*s) {
		const char *ref = s;
		while (*ref && !(ref[0] == '$' && ref[1] == open))
			ref++;
		if (!append(e, s, (size_t)(ref - s)))
			return false;
		if (!*ref)
			break;
		const char *end = strchr(ref + 2, close);
		if (!end) {
			char shown[128], note[160];
			context_note(e, open, note, sizeof(note));
			rc_diag_error(e->diag, e->loc, "unterminated $%c in '%s'%s", open,
				      shorten(quoted, shown, sizeof(shown)), note);
			return false;
		}
		char *name = rc_xstrndup(ref + 2, (size_t)(end - ref - 2));
		bool ok = substitute(e, open, name, quoted);
		free(name);
		if (!ok)
			return false;
		s = end + 1;
	}
	return true;
}

/* Expand `text` for one kind of reference into a new string. */
static char *expand_pass(const char *text, const char *orig, char open,
			 const struct cf_expand_ctx *ctx, struct cf_expand_budget *budget,
			 const struct rc_loc *loc, struct rc_diag *diag)
{
	struct expansion e = {.ctx = ctx, .loc = loc, .diag = diag, .orig = orig, .budget = budget};

	if (!append(&e, "", 0) || !expand_text(&e, text, open)) {
		free(e.out);
		return NULL;
	}
	return e.out;
}

char *cf_expand(const char *text, const struct cf_expand_ctx *ctx, const struct rc_loc *loc,
		struct rc_diag *diag)
{
	static const struct cf_expand_ctx none = {0};
	struct cf_expand_budget own, *budget;

	if (!ctx)
		ctx = &none;
	budget = ctx->budget;
	if (!budget) {
		cf_expand_budget_init(&own, 0);
		budget = &own;
	}
	if (budget->exhausted)
		return NULL;
	/* all ${...} first, then all $[...] (compat §1.3) */
	char *setvals_done = expand_pass(text, text, '{', ctx, budget, loc, diag);
	if (!setvals_done)
		return NULL;
	char *result = expand_pass(setvals_done, text, '[', ctx, budget, loc, diag);
	free(setvals_done);
	return result;
}

bool cf_has_vars(const char *text)
{
	return strstr(text, "${") || strstr(text, "$[");
}
