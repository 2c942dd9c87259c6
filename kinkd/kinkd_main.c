/* kinkd: command line (compat §6.3).  This version implements the
 * configuration check; the KINK engine follows. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cfcheck.h"
#include "version.h"

static const char *const categories[] = {
	"krb5", "ticketing", "packet", "crypt", "peer", "payload",
	"pfkey", "spmif", "parse", "isakmp", "1", "2", "3", "all",
};

static void usage(FILE *out)
{
	fprintf(out, "usage: kinkd [-dhFVt] [-f config] [-D level] [-K backend]\n"
		     "  -f FILE   configuration file (default %s)\n"
		     "  -F        stay in the foreground\n"
		     "  -d        more debugging (repeat for more)\n"
		     "  -D X      debug category (krb5 ticketing packet crypt peer payload\n"
		     "            pfkey spmif parse isakmp) or level (1 2 3 all)\n"
		     "  -K NAME   kernel interface: xfrm, pfkey or memory (default %s)\n"
		     "  -t        check the configuration and exit\n"
		     "  -V        print the version and exit\n"
		     "  -h        print this help and exit\n",
		RC_DEFAULT_CONFIG, RC_DEFAULT_KERNEL);
}

static int known_category(const char *s)
{
	for (size_t i = 0; i < sizeof(categories) / sizeof(categories[0]); i++)
		if (strcmp(s, categories[i]) == 0)
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	const char *config = RC_DEFAULT_CONFIG, *kernel = NULL;
	int check = 0, c;

	while ((c = getopt(argc, argv, "df:hD:FVtK:")) != -1) {
		switch (c) {
		case 'd':
		case 'F':
			break;
		case 'f':
			config = optarg;
			break;
		case 'D':
			if (!known_category(optarg)) {
				fprintf(stderr, "kinkd: -D %s: unknown debug category or level\n",
					optarg);
				usage(stderr);
				return 1;
			}
			break;
		case 't':
			check = 1;
			break;
		case 'K':
			kernel = optarg;
			break;
		case 'V':
			printf("kinkd %s [spec=RFC4430, compat=7]\n", RC_VERSION_STRING);
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
		fprintf(stderr, "kinkd: unexpected argument '%s'\n", argv[optind]);
		return 1;
	}
	if (check)
		return rc_config_test("kinkd", config, RCF_FOR_KINKD, kernel);
	fprintf(stderr, "kinkd: this version implements the configuration check only (-t)\n");
	return 1;
}
