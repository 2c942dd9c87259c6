/* rcf_load(): parse, then build the model; the model is only handed out
 * when the whole pipeline found no error. */
#include "config.h"

#include <string.h>

#include "cf_model.h"
#include "cf_tree.h"
#include "rcf.h"
#include "rcf_model.h"

static struct rcf_config *finish(struct cf_tree *tree, const struct rcf_load_opts *opts,
				 struct rc_diag *diag, int errors_before)
{
	struct rcf_config *cfg = NULL;
	if (tree) {
		cfg = cf_model_build(tree, opts->daemon, diag);
		cfg->check_safe = opts->check_safe;
		/* interned: locations outlive the tree (cf_tree.h) */
		cfg->main_loc.file = tree->nfiles ? tree->files[0] : NULL;
	}
	cf_tree_free(tree);
	if (diag->nerrors > errors_before) {
		rcf_free(cfg);
		return NULL;
	}
	return cfg;
}

struct rcf_config *rcf_load(const struct rcf_load_opts *opts, struct rc_diag *diag)
{
	struct cf_parse_opts po = {.check_safe = opts->check_safe};
	int errs = diag->nerrors;
	if (!opts->path) {
		rc_diag_error(diag, NULL, "no configuration file given");
		return NULL;
	}
	struct cf_tree *tree = cf_parse_file(opts->path, &po, diag);
	return finish(tree, opts, diag, errs);
}

struct rcf_config *rcf_load_string(const char *name, const char *text,
				   const struct rcf_load_opts *opts, struct rc_diag *diag)
{
	struct cf_parse_opts po = {.check_safe = opts->check_safe};
	int errs = diag->nerrors;
	struct cf_tree *tree = cf_parse_string(name, text, &po, diag);
	return finish(tree, opts, diag, errs);
}
