/* Internals shared by the config model files (not for daemons: they use
 * rcf.h and rcf_model.h). */
#ifndef RC_CF_MODEL_H
#define RC_CF_MODEL_H

#include "cf_tree.h"
#include "rcf_model.h"

/* Tree -> model; problems go to diag.  Always returns a model (possibly
 * incomplete when errors were added). */
struct rcf_config *cf_model_build(const struct cf_tree *tree, enum rcf_daemon daemon,
				  struct rc_diag *diag);
/* MY_IP%eth0 -> RCF_MY_IP and "eth0" (pointer into text), or NONE. */
enum rcf_macro rcf_macro_parse(const char *text, const char **ifname);
/* Built-in protocol names (tcp, icmp6, ...) -> number, or -1. */
int rcf_protocol_lookup(const char *name);

#endif
