/* rcf_load(): parse, then build the model; the model is only handed out
 * when the whole pipeline found no error. */
#include "config.h"

#include <string.h>

#include "cf_model.h"
#include "cf_tree.h"
#include "rcf.h"
#include "rcf_model.h"

/* The parser's locations point into the tree, which goes away here, so
 * the entries it added are re-pointed at process-lifetime names. */
static void keep_file_names(struct rc_diag *diag, size_t from)
{
	for (size_t i = from; i < diag->n; i++)
		diag->v[i].loc.file = rcf_intern_file(diag->v[i].loc.file);
}

static struct rcf_config *finish(struct cf_tree *tree, const struct rcf_load_opts *opts,
				 struct rc_diag *diag, size_t first_entry, int errors_before)
{
	struct rcf_config *cfg = NULL;
	if (tree) {
		cfg = cf_model_build(tree, opts->daemon, diag);
		cfg->check_safe = opts->check_safe;
		cfg->main_loc.file = rcf_intern_file(tree->nfiles ? tree->files[0] : NULL);
	}
	keep_file_names(diag, first_entry);
	cf_tree_free(tree);
	if (diag->nerrors > errors_before) {
		rcf_free(cfg);
		return NULL;
	}
	return cfg;
}

struct rcf_config *rcf_load(const struct rcf_load_opts *opts, struct rc_diag *diag)
{
	struct cf_parse_opts po = { .check_safe = opts->check_safe };
	size_t first = diag->n;
	int errs = diag->nerrors;
	struct cf_tree *tree = cf_parse_file(opts->path, &po, diag);
	return finish(tree, opts, diag, first, errs);
}

struct rcf_config *rcf_load_string(const char *name, const char *text,
				   const struct rcf_load_opts *opts, struct rc_diag *diag)
{
	struct cf_parse_opts po = { .check_safe = opts->check_safe };
	size_t first = diag->n;
	int errs = diag->nerrors;
	struct cf_tree *tree = cf_parse_string(name, text, &po, diag);
	return finish(tree, opts, diag, first, errs);
}
