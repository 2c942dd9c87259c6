/* Placeholder for the configuration model until it lands (weak symbols:
 * the real definitions override these).  Removed when the model merges. */
#include "config.h"

#include <stddef.h>

#include "rcf.h"

#define WEAK __attribute__((weak))

WEAK struct rcf_config *rcf_load(const struct rcf_load_opts *opts, struct rc_diag *diag)
{
	struct rc_loc loc = {.file = opts->path};
	rc_diag_error(diag, &loc, "the configuration model is not built in this tree yet");
	return NULL;
}

WEAK void rcf_free(struct rcf_config *cfg)
{
}

WEAK void rcf_summarize(const struct rcf_config *cfg, struct rcf_summary *s)
{
}

WEAK int rcf_check_iked(const struct rcf_config *cfg, struct rc_diag *diag)
{
	return 0;
}

WEAK int rcf_check_spmd(const struct rcf_config *cfg, struct rc_diag *diag)
{
	return 0;
}

WEAK int rcf_check_kinkd(const struct rcf_config *cfg, struct rc_diag *diag)
{
	return 0;
}
