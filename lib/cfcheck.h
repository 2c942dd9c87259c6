/* The `-t` configuration check shared by iked, spmd and kinkd. */
#ifndef RC_CFCHECK_H
#define RC_CFCHECK_H

#include "rcf.h"

/* Load `path` as `daemon` would, run that daemon's checks (iked and kinkd:
 * also against what the kernel behind `backend` supports; NULL = the
 * default backend), print every
 * warning and error (FILE:LINE:COL: error: ...) to stderr and, when the
 * configuration is usable, a one-line summary to stdout.  Returns the
 * process exit status: 0 when usable, 1 otherwise. */
int rc_config_test(const char *prog, const char *path, enum rcf_daemon daemon,
		   const char *backend);

#endif
