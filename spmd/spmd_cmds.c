/* spmd's spmif command table: the framework's requests handed to the
 * handlers of cmd_policy.h and cmd_dns.h. */
#include "config.h"

#include "cmd_dns.h"
#include "spmd_cmds.h"
#include "util.h"

static void req_line(void *arg, int code, bool more, const char *text)
{
	struct spmif_req *req = arg;

	if (more)
		spmif_reply_more(req, code, "%s", text);
	else
		spmif_reply(req, code, "%s", text);
}

/* argv[0] is the command word; the handlers count arguments after it */
#define POLICY_HANDLER(name, fn)                                                                   \
	static void name(struct spmif_req *req, int argc, char **argv, void *arg)                  \
	{                                                                                          \
		struct spmd_cmds *c = arg;                                                         \
		struct cmd_out out = {req_line, req};                                              \
		fn(&c->policy, argc - 1, argv + 1, &out);                                          \
	}
#define DNS_HANDLER(name, fn)                                                                      \
	static void name(struct spmif_req *req, int argc, char **argv, void *arg)                  \
	{                                                                                          \
		struct spmd_cmds *c = arg;                                                         \
		struct cmd_dns_out out = {req_line, req};                                          \
		fn(c->res, argc - 1, argv + 1, &out);                                              \
	}

POLICY_HANDLER(h_policy, cmd_policy)
POLICY_HANDLER(h_migrate, cmd_migrate)
POLICY_HANDLER(h_slid, cmd_slid)
DNS_HANDLER(h_ns, cmd_dns_ns)
DNS_HANDLER(h_fqdn, cmd_dns_fqdn)
DNS_HANDLER(h_stat, cmd_dns_stat)

const struct spmif_command spmd_command_table[] = {
	{"NS", h_ns},		{"FQDN", h_fqdn}, {"POLICY", h_policy},
	{"MIGRATE", h_migrate}, {"SLID", h_slid}, {"STAT", h_stat},
};
const size_t spmd_command_count = RC_ARRAY_SIZE(spmd_command_table);
