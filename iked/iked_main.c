/* iked: command line (compat §6.2).  This version implements the
 * configuration check; the IKE engines follow. */
#include "config.h"

#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfcheck.h"
#include "version.h"

enum { OPT_CHECK = 256 };

static void usage(FILE *out)
{
	fprintf(out,
		"usage: iked [-f file] [-p port] [-46] [-I address] [-S selector_index]\n"
		"            [-D number] [-FdvVht] [-l logfile] [-P pcapfile] [-t port]\n"
		"            [-K backend]\n"
		"  -f FILE     configuration file (default %s)\n"
		"  -p PORT     local IKE port for addresses without one (default 500)\n"
		"  -t PORT     destination port when initiating (default 500)\n"
		"  -t          (without a number) check the configuration and exit\n"
		"  -4 / -6     use only IPv4 / only IPv6 sockets\n"
		"  -I ADDR     initiate to ADDR at start\n"
		"  -S INDEX    initiate with selector INDEX at start\n"
		"  -D N        debug flags: 1 debug log, 2 trace, 4 parser, 8 dry run\n"
		"  -d          add the next debug flag (-ddd = 7)\n"
		"  -F          stay in the foreground, log to stderr\n"
		"  -v          also log to stderr\n"
		"  -l FILE     log to FILE instead of syslog\n"
		"  -K NAME     kernel interface: xfrm, pfkey or memory (default %s)\n"
		"  -P FILE     write decrypted IKE messages to FILE (pcap; +FILE appends)\n"
		"  -V          print the version and exit\n"
		"  -h          print this help and exit\n",
		RC_DEFAULT_CONFIG, RC_DEFAULT_KERNEL);
}

static int parse_port(const char *opt, const char *s, int *port)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*s == '\0' || *end || v < 1 || v > 65535) {
		fprintf(stderr, "iked: %s %s: not a port number (1..65535)\n", opt, s);
		return -1;
	}
	*port = (int)v;
	return 0;
}

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

/* racoon2's `-t PORT` sets the destination port; our `-t` alone asks for
 * the configuration check.  A -t followed by a number keeps the racoon2
 * meaning; any other -t becomes --check before getopt sees it. */
static void rewrite_check_option(int argc, char **argv)
{
	static char check[] = "--check";
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "-t") != 0)
			continue;
		if (i + 1 < argc && all_digits(argv[i + 1]))
			i++;
		else
			argv[i] = check;
	}
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"config-file", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{"foreground", no_argument, NULL, 'F'},
		{"verbose", no_argument, NULL, 'v'},
		{"debug", required_argument, NULL, 'D'},
		{"port", required_argument, NULL, 'p'},
		{"targetport", required_argument, NULL, 't'},
		{"ipv4", no_argument, NULL, '4'},
		{"ipv6", no_argument, NULL, '6'},
		{"logfile", required_argument, NULL, 'l'},
		{"initiate", required_argument, NULL, 'I'},
		{"initiate-selector", required_argument, NULL, 'S'},
		{"pcapfile", required_argument, NULL, 'P'},
		{"check", no_argument, NULL, OPT_CHECK},
		{"kernel", required_argument, NULL, 'K'},
		{NULL, 0, NULL, 0},
	};
	const char *config = RC_DEFAULT_CONFIG, *kernel = NULL;
	int check = 0, v4 = 0, v6 = 0, port = 500, tport = 500, debug = 0, c;
	char *end;

	rewrite_check_option(argc, argv);
	while ((c = getopt_long(argc, argv, "f:hVFvdD:p:t:46l:I:S:P:K:", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			config = optarg;
			break;
		case 'h':
			usage(stderr);
			return 0;
		case 'V':
			fprintf(stderr, "%s iked\n", RC_VERSION_STRING);
			return 0;
		case 'F':
		case 'v':
		case 'l':
		case 'I':
		case 'S':
		case 'P':
			break;
		case 'd':
			debug = (debug << 1) | 1;
			break;
		case 'D': {
			long n = strtol(optarg, &end, 0);
			if (*optarg == '\0' || *end || n < 0 || n > 0xf) {
				fprintf(stderr, "iked: -D %s: debug flags are 0..15\n", optarg);
				return 1;
			}
			debug = (int)n;
			break;
		}
		case 'p':
			if (parse_port("-p", optarg, &port) != 0)
				return 1;
			break;
		case 't':
			if (parse_port("-t", optarg, &tport) != 0)
				return 1;
			break;
		case '4':
			v4 = 1;
			break;
		case '6':
			v6 = 1;
			break;
		case OPT_CHECK:
			check = 1;
			break;
		case 'K':
			kernel = optarg;
			break;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "iked: unexpected argument '%s'\n", argv[optind]);
		return 1;
	}
	if (v4 && v6) {
		fprintf(stderr, "iked: options '--ipv4' and '--ipv6' are exclusive\n");
		return 1;
	}
	if (check)
		return rc_config_test("iked", config, RCF_FOR_IKED, kernel);
	fprintf(stderr, "iked: this version implements the configuration check only (-t)\n");
	return 1;
}
