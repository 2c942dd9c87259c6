/* spmd: command line (compat §6.1); the daemon itself is spmd_daemon.c. */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfcheck.h"
#include "pidfile.h"
#include "spmd.h"
#include "version.h"

/* compat §6.1: the base level is INFO and the total must stay below 11 */
#define SPMD_MAX_EXTRA_LEVEL 3

static void usage(FILE *out)
{
	fprintf(out,
		"usage: spmd [-dhFVkt] [-f config] [-D level] [-K backend]\n"
		"  -f FILE   configuration file (default %s)\n"
		"  -F        stay in the foreground, log to stderr\n"
		"  -d        raise the log level by one (up to 3 times)\n"
		"  -D N      raise the log level by N (0..3)\n"
		"  -K NAME   kernel interface: xfrm, pfkey or memory (default %s)\n"
		"  -k        stop the running spmd (SIGTERM to the pid in %s)\n"
		"  --pidfile FILE  pid file instead of %s\n"
		"  -t        check the configuration and exit\n"
		"  -V        print the version and exit\n"
		"  -h        print this help and exit\n",
		RC_DEFAULT_CONFIG, RC_DEFAULT_KERNEL, SPMD_PIDFILE, SPMD_PIDFILE);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"config-file", required_argument, NULL, 'f'},
		{"foreground", no_argument, NULL, 'F'},
		{"debug", no_argument, NULL, 'd'},
		{"DEBUG", required_argument, NULL, 'D'},
		{"kill", no_argument, NULL, 'k'},
		{"check", no_argument, NULL, 't'},
		{"kernel", required_argument, NULL, 'K'},
		{"version", no_argument, NULL, 'V'},
		{"help", no_argument, NULL, 'h'},
		{"pidfile", required_argument, NULL, 'P'},
		{NULL, 0, NULL, 0},
	};
	const char *config = RC_DEFAULT_CONFIG, *kernel = NULL, *pidfile = SPMD_PIDFILE;
	int level = 0, check = 0, kill_running = 0, foreground = 0, c;
	char *end;

	while ((c = getopt_long(argc, argv, "f:D:VFdkthK:", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			config = optarg;
			break;
		case 'F':
			foreground = 1;
			break;
		case 'P':
			pidfile = optarg;
			break;
		case 'd':
			level++;
			break;
		case 'D': {
			long n = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end || n < 0 || n > SPMD_MAX_EXTRA_LEVEL) {
				fprintf(stderr, "spmd: -D %s: the level must be 0..%d\n", optarg,
					SPMD_MAX_EXTRA_LEVEL);
				return 1;
			}
			level += (int)n;
			break;
		}
		case 'k':
			kill_running = 1;
			break;
		case 't':
			check = 1;
			break;
		case 'K':
			kernel = optarg;
			break;
		case 'V':
			fprintf(stderr, "Version: %s\n", RC_VERSION_STRING);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "spmd: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 1;
	}
	if (level > SPMD_MAX_EXTRA_LEVEL) {
		fprintf(stderr, "spmd: Debug level is too big (at most -ddd or -D %d)\n",
			SPMD_MAX_EXTRA_LEVEL);
		return 1;
	}
	if (check)
		return rc_config_test("spmd", config, RCF_FOR_SPMD, kernel);
	if (kill_running) {
		char err[256];
		pid_t pid;
		if (rc_pidfile_kill(pidfile, SIGTERM, &pid, err, sizeof(err)) < 0) {
			fprintf(stderr, "spmd: -k: %s\n", err);
			return 1;
		}
		return 0;
	}
	struct spmd_opts o = {.config = config,
			      .kernel = kernel,
			      .foreground = foreground,
			      .verbosity = level,
			      .pidfile = pidfile};
	return spmd_run(&o);
}
