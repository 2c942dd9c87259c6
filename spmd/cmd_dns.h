/* The spmif commands NS, FQDN and STAT (compat §3.3), over the resolver
 * (resolver.h).  The replies are the exact texts of the compat spec, with
 * the FQDN ADD/DELETE bug fixed (`250 FQDN Registered`, `250 FQDN
 * Deregistered`; compat §10.2 item 5).
 *
 * The spmif server owns the framing, LOGIN and the "550 Need Login"
 * answers; it calls these handlers for a logged-in session once the
 * command word (NS, FQDN or STAT, matched as a case-insensitive prefix)
 * is known.  argc/argv are the arguments AFTER the command word (compat:
 * "arguments are counted after the command word"), so for `NS ADD 1.2.3.4`
 * argc is 2, argv[0] "ADD", argv[1] "1.2.3.4".  Subcommands are matched
 * like commands: case-insensitively, the received word must begin with
 * the subcommand name (`LISTING` is LIST, `DEL` is not DELETE).
 *
 * Replies go out one line at a time through struct cmd_dns_out, so the
 * handlers fit any reply API: `more` is true for every line but the last
 * (the server writes "NNN-TEXT\r\n", else "NNN TEXT\r\n").
 * cmd_dns_format() collects a reply as wire text (tests, simple glue).
 *
 * The resolver may be NULL (spmd without a resolver object): NS and FQDN
 * then answer as with the resolver off, STAT gives zeros. */
#ifndef SPMD_CMD_DNS_H
#define SPMD_CMD_DNS_H

#include <stdbool.h>
#include <stddef.h>

struct resolver;

struct cmd_dns_out {
	void (*line)(void *arg, int code, bool more, const char *text);
	void *arg;
};

/* Each handler writes exactly one complete reply and returns its final
 * status code (250, 251, 500, 501, 550 or 551). */
int cmd_dns_ns(struct resolver *r, int argc, char *const argv[], const struct cmd_dns_out *out);
int cmd_dns_fqdn(struct resolver *r, int argc, char *const argv[], const struct cmd_dns_out *out);
int cmd_dns_stat(struct resolver *r, int argc, char *const argv[], const struct cmd_dns_out *out);

/* Run a handler and return its reply as malloc'ed wire text (CR LF line
 * ends); the caller frees it. */
typedef int cmd_dns_fn(struct resolver *r, int argc, char *const argv[],
		       const struct cmd_dns_out *out);
char *cmd_dns_format(cmd_dns_fn *fn, struct resolver *r, int argc, char *const argv[]);

#endif
