/* spmd's spmif command table (compat §3.1 order: NS, FQDN, POLICY,
 * MIGRATE, SLID, STAT; LOGIN, QUIT and EXIT belong to the framework).
 * The handlers' arg is a struct spmd_cmds. */
#ifndef SPMD_SPMD_CMDS_H
#define SPMD_SPMD_CMDS_H

#include <stddef.h>

#include "cmd_policy.h"
#include "spmif_server.h"

struct resolver;

struct spmd_cmds {
	struct cmd_policy_ctx policy;
	struct resolver *res; /* NULL: NS/FQDN answer as with the resolver off */
};

extern const struct spmif_command spmd_command_table[];
extern const size_t spmd_command_count;

#endif
