/* The racoon2.conf model: load, check, free.
 *
 * rcf_load() runs the whole pipeline: parse (cf_tree.h) -> one semantic
 * pass that checks every directive against the grammar of compat §1.6,
 * expands variables and macros, applies `default` inheritance and resolves
 * every index -> an immutable typed model.  All errors are collected in the
 * diag with their file:line:col; when any error was found the model is not
 * returned (a config with errors is never half-applied).
 *
 * The model's types are declared in rcf_model.h (owner: config model). */
#ifndef RC_RCF_H
#define RC_RCF_H

#include <stdbool.h>

#include "diag.h"

struct rcf_config;

enum rcf_daemon { RCF_FOR_IKED, RCF_FOR_SPMD, RCF_FOR_KINKD, RCF_FOR_SPMDCTL };

struct rcf_load_opts {
	const char *path;      /* main file */
	enum rcf_daemon daemon; /* which daemon's view and checks */
	bool check_safe;       /* file safety checks (compat §0.4); daemons: true */
};

/* NULL when diag->nerrors > 0 afterwards. */
struct rcf_config *rcf_load(const struct rcf_load_opts *opts, struct rc_diag *diag);
/* Same from memory (tests, fuzzing); `name` names the text in locations. */
struct rcf_config *rcf_load_string(const char *name, const char *text,
				   const struct rcf_load_opts *opts, struct rc_diag *diag);
void rcf_free(struct rcf_config *cfg);

struct rcf_summary {
	int remotes, selectors, policies, ipsecs, sas, pools;
};
void rcf_summarize(const struct rcf_config *cfg, struct rcf_summary *s);

/* The checks each daemon runs on top of rcf_load (compat §2 for iked;
 * spmd's installability rules of §3.5; kinkd's principal rules).  Errors
 * and warnings go to diag; return the number of errors added. */
int rcf_check_iked(const struct rcf_config *cfg, struct rc_diag *diag);
int rcf_check_spmd(const struct rcf_config *cfg, struct rc_diag *diag);
int rcf_check_kinkd(const struct rcf_config *cfg, struct rc_diag *diag);

#endif
