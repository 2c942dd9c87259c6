/* The spmif commands POLICY, SLID and MIGRATE (compat §3.3) over spmd's
 * policy database (spd.h), with racoon2's bugs fixed: TUNNEL with 6
 * arguments is a syntax error, the reverse selector of a selector using
 * IP_ANY/IP_RW is found, `POLICY DELETE <slid>` removes every policy of
 * the selector, MIGRATE takes the 5 arguments clients send.
 *
 * Like cmd_dns.h: argc/argv are the arguments AFTER the command word, and
 * each handler writes one complete reply through struct cmd_out (more is
 * true on every line but the last) and returns its final status code. */
#ifndef SPMD_CMD_POLICY_H
#define SPMD_CMD_POLICY_H

#include <stdbool.h>

struct spd;

struct cmd_out {
	void (*line)(void *arg, int code, bool more, const char *text);
	void *arg;
};

/* What the handlers work on.  The configuration is spd_config(spd). */
struct cmd_policy_ctx {
	struct spd *spd;
	bool fwd; /* an inbound tunnel policy gets a FWD policy too (Linux) */
};

int cmd_policy(struct cmd_policy_ctx *c, int argc, char *const argv[], const struct cmd_out *out);
int cmd_slid(struct cmd_policy_ctx *c, int argc, char *const argv[], const struct cmd_out *out);
int cmd_migrate(struct cmd_policy_ctx *c, int argc, char *const argv[], const struct cmd_out *out);

#endif
