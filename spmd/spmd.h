/* The running spmd: configuration, kernel interface, policy database,
 * resolver and DNS proxy, spmif server, signals (compat §6.1). */
#ifndef SPMD_SPMD_H
#define SPMD_SPMD_H

#include <stdbool.h>

#define SPMD_PIDFILE "/var/run/spmd.pid"
#define SPMD_PASSWORD_MAX 4096

struct spmd_opts {
	const char *config;
	const char *kernel; /* NULL = the default backend */
	bool foreground;    /* -F: no daemon(), no pid file, log to stderr */
	int verbosity;	    /* extra debug levels from -d/-D */
	const char *pidfile;
};

/* Start, serve until SIGINT/SIGQUIT/SIGTERM, remove the policies spmd
 * installed.  Returns the exit status. */
int spmd_run(const struct spmd_opts *o);

#endif
