/* spmdctl command line (compat §4.1): options before the command, and an
 * option, command or subcommand is chosen when the argument is a
 * case-insensitive prefix of its name ("-" is -f, "p" is policy, "" the
 * first candidate).  The candidate order is racoon2's; our extensions come
 * after it so every racoon2 abbreviation keeps its meaning. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "spmdctl.h"
#include "util.h"
#include "version.h"

static const char *const option_names[] = {"-f", "-d", "-j", "-K", "-P", "-h"};
static const char *const command_names[] = {"ns",	   "policy", "migrate",
					    "interactive", "status", "reload"};
static const char *const ns_names[] = {"add", "delete", "list"};
static const char *const policy_names[] = {"add", "delete", "show"};

int ctl_match(const char *arg, const char *const *names, size_t n)
{
	size_t len = strlen(arg);

	for (size_t i = 0; i < n; i++)
		if (len <= strlen(names[i]) && strncasecmp(arg, names[i], len) == 0)
			return (int)i;
	return -1;
}

const char *ctl_cmd_name(enum ctl_cmd c)
{
	static const char *const names[] = {
		[CTL_HELP] = "help",
		[CTL_NS_ADD] = "ns add",
		[CTL_NS_DELETE] = "ns delete",
		[CTL_NS_LIST] = "ns list",
		[CTL_POLICY_ADD] = "policy add",
		[CTL_POLICY_DELETE] = "policy delete",
		[CTL_POLICY_SHOW] = "policy show",
		[CTL_MIGRATE] = "migrate",
		[CTL_INTERACTIVE] = "interactive",
		[CTL_STATUS] = "status",
		[CTL_RELOAD] = "reload",
	};
	return names[c];
}

void ctl_usage(FILE *out)
{
	fprintf(out,
		"usage: spmdctl [-d] [-j] [-f RACOON2_CONF_FILE] [-K BACKEND] [-P PIDFILE] "
		"COMMAND\n"
		"    -d                      : display messages corresponded with spmd\n"
		"    -f RACOON2_CONF_FILE    : specify racoon2 configuration file\n"
		"    -j                      : print the result as one JSON document\n"
		"    -K BACKEND              : kernel interface for policy show (xfrm, pfkey, "
		"memory)\n"
		"    -P PIDFILE              : spmd's pid file for reload (default %s)\n"
		"  COMMAND:\n"
		"    ns {add|delete} address : add/delete nameserver\n"
		"    ns list                 : show nameservers\n"
		"    policy add selector_index lifetime(sec) {transport|tunnel} sp_src_ipaddr "
		"sp_dst_ipaddr [sa_src_ipaddr sa_dst_ipaddr]\n"
		"    policy delete selector_index\n"
		"    policy show             : show policies under spmd management\n"
		"    migrate selector_index src0 dst0 src dst\n"
		"    interactive             : process only login\n"
		"    status                  : show statistics\n"
		"    reload                  : make spmd re-read the configuration\n",
		CTL_DEFAULT_PIDFILE);
}

int ctl_norm_addr(const char *text, bool allow_prefix, char *out, size_t outlen, char *err,
		  size_t errlen)
{
	struct rc_addr a;
	char why[128], buf[RC_ADDR_STRLEN];
	bool has_prefix = strchr(text, '/') != NULL;

	if (has_prefix && !allow_prefix)
		return rc_set_err(err, errlen, "%s: a prefix length is not allowed here", text);
	if (rc_addr_parse(text, &a, why, sizeof(why)) < 0)
		return rc_set_err(err, errlen, "%s: not a numeric IP address (%s)", text, why);
	rc_addr_ntop(&a, buf, sizeof(buf));
	if (has_prefix)
		snprintf(out, outlen, "%s/%u", buf, a.prefixlen);
	else
		snprintf(out, outlen, "%s", buf);
	return 0;
}

static int set_arg(struct ctl_opts *o, const char *text)
{
	if (o->nargs >= CTL_MAX_ARGS || strlen(text) >= sizeof(o->args[0]))
		return -1;
	snprintf(o->args[o->nargs++], sizeof(o->args[0]), "%s", text);
	return 0;
}

static int add_addr(struct ctl_opts *o, const char *text, bool allow_prefix, char *err,
		    size_t errlen)
{
	char buf[sizeof(o->args[0])];

	if (ctl_norm_addr(text, allow_prefix, buf, sizeof(buf), err, errlen) < 0)
		return -1;
	return set_arg(o, buf);
}

/* A selector index is one word of spmif: no blanks or control characters. */
static int add_word(struct ctl_opts *o, const char *what, const char *text, char *err,
		    size_t errlen)
{
	if (*text == '\0')
		return rc_set_err(err, errlen, "the %s is empty", what);
	for (const char *s = text; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return rc_set_err(err, errlen,
					  "%s '%s': blanks and control characters "
					  "are not allowed",
					  what, text);
	if (set_arg(o, text) < 0)
		return rc_set_err(err, errlen, "%s '%.20s...' is too long", what, text);
	return 0;
}

static int want_args(int n, int want, const char *cmd, char *err, size_t errlen)
{
	if (n == want)
		return 0;
	return rc_set_err(err, errlen, "%s: %s argument%s expected, %d given", cmd,
			  want ? (want == 1 ? "one" : "5") : "no", want == 1 ? "" : "s", n);
}

static int parse_ns(int argc, char **argv, struct ctl_opts *o, char *err, size_t errlen)
{
	int sub;

	if (argc < 1)
		return rc_set_err(err, errlen, "ns: add, delete or list expected");
	sub = ctl_match(argv[0], ns_names, RC_ARRAY_SIZE(ns_names));
	if (sub < 0)
		return rc_set_err(err, errlen, "ns: unknown subcommand '%s'", argv[0]);
	o->cmd = sub == 0 ? CTL_NS_ADD : sub == 1 ? CTL_NS_DELETE : CTL_NS_LIST;
	if (o->cmd == CTL_NS_LIST)
		return want_args(argc - 1, 0, "ns list", err, errlen);
	if (want_args(argc - 1, 1, ctl_cmd_name(o->cmd), err, errlen) < 0)
		return -1;
	return add_addr(o, argv[1], false, err, errlen);
}

static int parse_lifetime(struct ctl_opts *o, const char *text, char *err, size_t errlen)
{
	char *end;
	unsigned long long v;

	if (*text < '0' || *text > '9')
		return rc_set_err(err, errlen, "lifetime '%s': a number of seconds expected", text);
	v = strtoull(text, &end, 10);
	if (*end || v > UINT32_MAX)
		return rc_set_err(err, errlen, "lifetime '%s': a number of seconds expected", text);
	snprintf(o->args[o->nargs++], sizeof(o->args[0]), "%llu", v);
	return 0;
}

/* policy add SLID LIFETIME transport SRC DST [SASRC SADST]
 * policy add SLID LIFETIME tunnel SRC DST SASRC SADST */
static int parse_policy_add(int argc, char **argv, struct ctl_opts *o, char *err, size_t errlen)
{
	if (argc != 5 && argc != 7)
		return rc_set_err(err, errlen,
				  "policy add: selector_index lifetime "
				  "{transport|tunnel} src dst [sa_src sa_dst] expected");
	if (add_word(o, "selector index", argv[0], err, errlen) < 0 ||
	    parse_lifetime(o, argv[1], err, errlen) < 0)
		return -1;
	if (strcasecmp(argv[2], "tunnel") == 0)
		o->tunnel = true;
	else if (strcasecmp(argv[2], "transport") != 0)
		return rc_set_err(err, errlen,
				  "policy add: mode '%s': transport or tunnel expected", argv[2]);
	if (o->tunnel && argc != 7)
		return rc_set_err(err, errlen,
				  "policy add: tunnel mode needs sa_src_ipaddr and "
				  "sa_dst_ipaddr");
	set_arg(o, o->tunnel ? "TUNNEL" : "TRANSPORT");
	if (add_addr(o, argv[3], true, err, errlen) < 0 ||
	    add_addr(o, argv[4], true, err, errlen) < 0)
		return -1;
	/* racoon2's server ignores SA addresses in transport mode: not sent */
	if (o->tunnel && (add_addr(o, argv[5], false, err, errlen) < 0 ||
			  add_addr(o, argv[6], false, err, errlen) < 0))
		return -1;
	return 0;
}

static int parse_policy(int argc, char **argv, struct ctl_opts *o, char *err, size_t errlen)
{
	int sub;

	if (argc < 1)
		return rc_set_err(err, errlen, "policy: add, delete or show expected");
	sub = ctl_match(argv[0], policy_names, RC_ARRAY_SIZE(policy_names));
	if (sub < 0)
		return rc_set_err(err, errlen, "policy: unknown subcommand '%s'", argv[0]);
	switch (sub) {
	case 0:
		o->cmd = CTL_POLICY_ADD;
		return parse_policy_add(argc - 1, argv + 1, o, err, errlen);
	case 1:
		o->cmd = CTL_POLICY_DELETE;
		if (want_args(argc - 1, 1, "policy delete", err, errlen) < 0)
			return -1;
		return add_word(o, "selector index", argv[1], err, errlen);
	default:
		o->cmd = CTL_POLICY_SHOW;
		return want_args(argc - 1, 0, "policy show", err, errlen);
	}
}

static int parse_migrate(int argc, char **argv, struct ctl_opts *o, char *err, size_t errlen)
{
	o->cmd = CTL_MIGRATE;
	if (want_args(argc, 5, "migrate", err, errlen) < 0)
		return -1;
	if (add_word(o, "selector index", argv[0], err, errlen) < 0)
		return -1;
	for (int i = 1; i < 5; i++)
		if (add_addr(o, argv[i], false, err, errlen) < 0)
			return -1;
	return 0;
}

static int parse_command(int argc, char **argv, struct ctl_opts *o, char *err, size_t errlen)
{
	int c = ctl_match(argv[0], command_names, RC_ARRAY_SIZE(command_names));

	switch (c) {
	case 0:
		return parse_ns(argc - 1, argv + 1, o, err, errlen);
	case 1:
		return parse_policy(argc - 1, argv + 1, o, err, errlen);
	case 2:
		return parse_migrate(argc - 1, argv + 1, o, err, errlen);
	case 3:
		o->cmd = CTL_INTERACTIVE;
		return want_args(argc - 1, 0, "interactive", err, errlen);
	case 4:
		o->cmd = CTL_STATUS;
		return want_args(argc - 1, 0, "status", err, errlen);
	case 5:
		o->cmd = CTL_RELOAD;
		return want_args(argc - 1, 0, "reload", err, errlen);
	default:
		return rc_set_err(err, errlen, "unknown command '%s'", argv[0]);
	}
}

/* An option that takes a value: the next argument. */
static int option_value(int argc, char **argv, int *i, const char **out, const char *name,
			char *err, size_t errlen)
{
	if (*i + 1 >= argc)
		return rc_set_err(err, errlen, "option %s needs a value", name);
	*out = argv[++*i];
	return 0;
}

int ctl_parse(int argc, char **argv, struct ctl_opts *o, char *err, size_t errlen)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->config = RC_DEFAULT_CONFIG;
	o->pidfile = CTL_DEFAULT_PIDFILE;
	o->cmd = CTL_HELP;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		int opt = ctl_match(argv[i], option_names, RC_ARRAY_SIZE(option_names));
		int rc = 0;

		switch (opt) {
		case 0:
			rc = option_value(argc, argv, &i, &o->config, "-f", err, errlen);
			break;
		case 1:
			o->debug = true;
			break;
		case 2:
			o->json = true;
			break;
		case 3:
			rc = option_value(argc, argv, &i, &o->backend, "-K", err, errlen);
			break;
		case 4:
			rc = option_value(argc, argv, &i, &o->pidfile, "-P", err, errlen);
			break;
		case 5:
			o->cmd = CTL_HELP;
			return 0;
		default:
			return rc_set_err(err, errlen, "unknown option '%s'", argv[i]);
		}
		if (rc < 0)
			return -1;
	}
	if (i == argc)
		return 0;
	return parse_command(argc - i, argv + i, o, err, errlen);
}
