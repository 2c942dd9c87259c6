/* spmdctl internals: command-line parsing (compat §4.1), output in text
 * and JSON, and the policy listing.  Split from main() so the unit tests
 * drive each part without a server. */
#ifndef RC_SPMDCTL_H
#define RC_SPMDCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "addr.h"
#include "kernel.h"

#define CTL_DEFAULT_PIDFILE "/var/run/spmd.pid"

enum ctl_cmd {
	CTL_HELP, /* no command: the help text, exit 0 */
	CTL_NS_ADD,
	CTL_NS_DELETE,
	CTL_NS_LIST,
	CTL_POLICY_ADD,
	CTL_POLICY_DELETE,
	CTL_POLICY_SHOW,
	CTL_MIGRATE,
	CTL_INTERACTIVE,
	CTL_STATUS,
	CTL_RELOAD,
};

#define CTL_MAX_ARGS 8

struct ctl_opts {
	bool debug, json;
	const char *config;  /* -f */
	const char *backend; /* -K, NULL = default */
	const char *pidfile; /* -P */
	enum ctl_cmd cmd;
	/* The command's arguments, addresses already normalised; what is sent
	 * to spmd after the command words. */
	size_t nargs;
	char args[CTL_MAX_ARGS][RC_ADDR_STRLEN + 8];
	bool tunnel; /* policy add */
};

/* The index of the first name that `arg` is a case-insensitive prefix of
 * ("" matches the first), or -1. */
int ctl_match(const char *arg, const char *const *names, size_t n);

/* Parse argv (argv[0] is the program).  Returns 0 and fills o, or -1 with
 * err naming what is wrong (usage error: exit 1).  The command name for
 * messages is ctl_cmd_name(o->cmd). */
int ctl_parse(int argc, char **argv, struct ctl_opts *o, char *err, size_t errlen);
const char *ctl_cmd_name(enum ctl_cmd c); /* "policy show", ... */
void ctl_usage(FILE *out);

/* Canonical text of a numeric address, optionally with "/prefix" (only
 * when allow_prefix and one was written).  Returns 0 or -1 with err. */
int ctl_norm_addr(const char *text, bool allow_prefix, char *out, size_t outlen, char *err,
		  size_t errlen);

/* ---- JSON output: one document, compact, keys in a fixed order ---- */
struct ctl_json {
	FILE *out;
	int depth;
	bool first[16]; /* nothing written yet at this depth */
};

void cj_init(struct ctl_json *j, FILE *out);
/* key is NULL inside arrays and for the top-level value. */
void cj_obj_begin(struct ctl_json *j, const char *key);
void cj_obj_end(struct ctl_json *j);
void cj_arr_begin(struct ctl_json *j, const char *key);
void cj_arr_end(struct ctl_json *j);
void cj_str(struct ctl_json *j, const char *key, const char *v); /* NULL -> null */
void cj_int(struct ctl_json *j, const char *key, long long v);
void cj_bool(struct ctl_json *j, const char *key, bool v);
void cj_null(struct ctl_json *j, const char *key);
/* Finish the document with a newline. */
void cj_finish(struct ctl_json *j);

/* ---- policy show ---- */

/* One POLICY DUMP pair. */
struct ctl_slid {
	char *slid;
	uint32_t spid;
};

/* Parse "SLID SPID" (a POLICY DUMP reply line).  Returns 0 or -1. */
int ctl_slid_parse(const char *text, struct ctl_slid *out);
/* The selector index spmd recorded for a kernel policy id, or NULL. */
const char *ctl_slid_find(const struct ctl_slid *v, size_t n, uint32_t spid);

/* What the kernel says about one policy (p->cur: creation and use times,
 * printed as 0 when the backend does not report them). */
void ctl_policy_text(FILE *out, const struct rk_policy *p, const char *slid);
void ctl_policy_json(struct ctl_json *j, const struct rk_policy *p, const char *slid);
/* "Jan 02 15:04:05 2026" in local time, or "0" for 0. */
const char *ctl_time_str(uint64_t t, char *buf, size_t len);

#endif
