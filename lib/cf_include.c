/* `include` (compat §1.4): a top-level `include PATH;` is replaced by the
 * top-level statements of every file PATH matches.
 *
 * PATH gets $[ENV] expansion (setval values do not exist yet while files
 * are read), then ~ and glob expansion.  Unlike the original, a relative
 * PATH is relative to the directory of the including file, so a daemon
 * that reloads after chdir("/") still finds it.  Include cycles are
 * detected by real path and reported with the chain of files. */
#include "config.h"

#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cf_expand.h"
#include "cf_internal.h"
#include "util.h"

#define DEFAULT_MAX_INCLUDE_DEPTH 10
/* Globs in every file of a deep chain multiply: bound the total work. */
#define MAX_INCLUDED_FILES 1000

struct open_file {
	const char *real; /* realpath(), what identifies the file */
	const char *name; /* interned name, what messages show */
};

struct include_walk {
	struct cf_tree *tree;
	const struct cf_parse_opts *opts;
	struct rc_diag *diag;
	int max_depth;
	int nincluded;
	struct cf_budget *budget;
	/* the files being read, outermost first */
	int nopen;
	struct open_file *open;
};

static void resolve_block(struct include_walk *w, struct cf_block *top, const char *file,
			  int depth);

static bool is_include(const struct cf_stmt *s)
{
	return s->nitems > 0 && s->items[0].kind == CF_WORD &&
	       strcmp(s->items[0].text, "include") == 0;
}

/* Includes are read while the file list is built, so one inside a block
 * would have no well-defined place to go. */
static void reject_nested_includes(struct include_walk *w, struct cf_block *b)
{
	size_t kept = 0;

	if (!b)
		return;
	for (size_t i = 0; i < b->nstmts; i++) {
		struct cf_stmt *s = &b->stmts[i];
		if (is_include(s)) {
			rc_diag_error(w->diag, &s->loc, "include is only allowed at the top level");
			cf_stmt_clear(s);
			continue;
		}
		reject_nested_includes(w, s->block);
		b->stmts[kept++] = *s;
	}
	b->nstmts = kept;
}

static void report_cycle(struct include_walk *w, int from, const char *path,
			 const struct rc_loc *loc)
{
	size_t len = strlen(path) + 1;
	for (int i = from; i < w->nopen; i++)
		len += strlen(w->open[i].name) + 4;
	char *chain = rc_xmalloc(len);
	size_t o = 0;
	for (int i = from; i < w->nopen; i++)
		o += (size_t)snprintf(chain + o, len - o, "%s -> ", w->open[i].name);
	snprintf(chain + o, len - o, "%s", path);
	rc_diag_error(w->diag, loc, "include cycle: %s", chain);
	free(chain);
}

static bool check_cycle(struct include_walk *w, const char *real, const char *path,
			const struct rc_loc *loc)
{
	for (int i = 0; i < w->nopen; i++) {
		if (strcmp(w->open[i].real, real) == 0) {
			report_cycle(w, i, path, loc);
			return false;
		}
	}
	return true;
}

/* Read, parse and resolve one included file, and move its statements to
 * the end of `top`. */
static void include_one(struct include_walk *w, struct cf_block *top, const char *path,
			const struct rc_loc *loc, int depth)
{
	char err[256], *buf;
	size_t len;
	bool unsafe;
	char *real = realpath(path, NULL);

	if (!real) {
		rc_diag_error(w->diag, loc, "cannot read include file %s: %s", path,
			      strerror(errno));
		return;
	}
	if (!check_cycle(w, real, path, loc))
		goto out;
	if (++w->nincluded > MAX_INCLUDED_FILES) {
		if (w->nincluded == MAX_INCLUDED_FILES + 1)
			rc_diag_error(w->diag, loc, "too many included files (more than %d)",
				      MAX_INCLUDED_FILES);
		goto out;
	}
	if (cf_load_file(path, w->opts->check_safe, &buf, &len, err, sizeof(err), &unsafe) != 0) {
		rc_diag_error(w->diag, loc, "%s include file %s: %s",
			      unsafe ? "unsafe" : "cannot read", path, err);
		goto out;
	}
	const char *name = cf_tree_intern(w->tree, path);
	struct cf_block *b = cf_parse_buffer(name, buf, len, w->budget, w->diag);
	free(buf);
	w->open[w->nopen].real = real;
	w->open[w->nopen].name = name;
	w->nopen++;
	resolve_block(w, b, name, depth);
	w->nopen--;
	for (size_t i = 0; i < b->nstmts; i++)
		cf_block_append(top, &b->stmts[i]);
	b->nstmts = 0;
	cf_block_free(b);
out:
	free(real);
}

/* The directory of `file` with glob's special characters escaped, so that
 * only the user's own pattern is expanded. */
static char *glob_pattern(const char *path, const char *file, char **shown)
{
	const char *slash = file ? strrchr(file, '/') : NULL;

	if (path[0] == '/' || path[0] == '~' || !slash) {
		*shown = rc_xstrdup(path);
		return rc_xstrdup(path);
	}
	size_t dirlen = (size_t)(slash - file);
	char *pattern = rc_xmalloc(2 * dirlen + strlen(path) + 2);
	size_t o = 0;
	for (size_t i = 0; i < dirlen; i++) {
		if (strchr("*?[\\", file[i]))
			pattern[o++] = '\\';
		pattern[o++] = file[i];
	}
	pattern[o++] = '/';
	strcpy(pattern + o, path);
	*shown = rc_xasprintf("%.*s/%s", (int)dirlen, file, path);
	return pattern;
}

static void handle_include(struct include_walk *w, struct cf_block *top, const struct cf_stmt *s,
			   const char *file, int depth)
{
	if (s->nitems != 2 || s->block ||
	    (s->items[1].kind != CF_WORD && s->items[1].kind != CF_QSTR)) {
		rc_diag_error(w->diag, &s->loc, "include takes one path: include \"PATH\";");
		return;
	}
	const struct rc_loc *loc = &s->items[1].loc;
	if (depth + 1 > w->max_depth) {
		rc_diag_error(w->diag, &s->loc, "includes nested too deeply (more than %d levels)",
			      w->max_depth);
		return;
	}
	struct cf_expand_ctx ectx = {
		.getenv_fn = w->opts->getenv_fn,
		.getenv_ctx = w->opts->getenv_ctx,
		.what = "an include path",
	};
	char *path = cf_expand(s->items[1].text, &ectx, loc, w->diag);
	if (!path)
		return;
	char *shown, *pattern = glob_pattern(path, file, &shown);
	glob_t g;
	int r = glob(pattern, GLOB_TILDE, NULL, &g);
	if (r == GLOB_NOMATCH)
		rc_diag_error(w->diag, loc, "glob found no matches for path (%s)", shown);
	else if (r != 0)
		rc_diag_error(w->diag, loc, "cannot expand include path %s", shown);
	for (size_t i = 0; r == 0 && i < g.gl_pathc; i++)
		include_one(w, top, g.gl_pathv[i], &s->loc, depth + 1);
	if (r == 0)
		globfree(&g);
	free(pattern);
	free(shown);
	free(path);
}

static void resolve_block(struct include_walk *w, struct cf_block *top, const char *file, int depth)
{
	struct cf_stmt *old = top->stmts;
	size_t n = top->nstmts;

	top->stmts = NULL;
	top->nstmts = 0;
	for (size_t i = 0; i < n; i++) {
		struct cf_stmt *s = &old[i];
		if (is_include(s)) {
			handle_include(w, top, s, file, depth);
			cf_stmt_clear(s);
			continue;
		}
		reject_nested_includes(w, s->block);
		cf_block_append(top, s);
	}
	free(old);
}

void cf_resolve_includes(struct cf_tree *t, struct cf_block *top, const char *file,
			 const char *main_real, const struct cf_parse_opts *opts,
			 struct cf_budget *budget, struct rc_diag *diag)
{
	struct include_walk w = {
		.tree = t,
		.opts = opts,
		.diag = diag,
		.budget = budget,
		.max_depth = opts->max_include_depth > 0 ? opts->max_include_depth
							 : DEFAULT_MAX_INCLUDE_DEPTH,
	};

	w.open = rc_xcalloc((size_t)w.max_depth + 2, sizeof(*w.open));
	if (main_real) {
		w.open[0].real = main_real;
		w.open[0].name = file;
		w.nopen = 1;
	}
	resolve_block(&w, top, file, 0);
	free(w.open);
}
