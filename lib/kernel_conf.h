/* Does the kernel behind a backend support what a configuration needs?
 * Part of every daemon's configuration check (compat §1.8.8: racoon2's
 * "not supported by kernel"), with errors instead of racoon2's exits. */
#ifndef RC_KERNEL_CONF_H
#define RC_KERNEL_CONF_H

#include "diag.h"
#include "kernel.h"
#include "rcf_model.h"

/* Adds an error (a warning for sa blocks no selector uses) for every
 * protocol and algorithm of the configuration's sa blocks that has no
 * kernel transform or that this backend does not support.  Returns the
 * number of errors added. */
int rk_check_config(const struct rk *k, const struct rcf_config *cfg, struct rc_diag *diag);

#endif
