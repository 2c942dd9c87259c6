/* Pid files (compat §6.4): "PID\n", created 0644, held under an exclusive
 * flock for the daemon's lifetime so a second instance notices it. */
#ifndef RC_PIDFILE_H
#define RC_PIDFILE_H

#include <stddef.h>
#include <sys/types.h>

struct rc_pidfile {
	char *path;
	int fd;
	dev_t dev;
	ino_t ino;
};

/* Create, lock and write the pid file; the descriptor stays open (and
 * locked) until rc_pidfile_remove().  Returns 0, or -1 with err: "already
 * running? <pid=N>" when another process holds the lock (*holder gets N, 0
 * if the file held no pid), or the failing call and its error. */
int rc_pidfile_create(struct rc_pidfile *pf, const char *path, pid_t *holder, char *err,
		      size_t errlen);
/* Rewrite the file with the current pid (after daemon() forked). */
int rc_pidfile_update(struct rc_pidfile *pf, char *err, size_t errlen);
/* Unlink the file if the path still names the file we created (not one a
 * newer instance wrote), then close it. */
void rc_pidfile_remove(struct rc_pidfile *pf);
/* Parse the first integer of a pid file. */
int rc_pidfile_read(const char *path, pid_t *pid, char *err, size_t errlen);
/* Read the pid file and send sig to that process (spmd -k). */
int rc_pidfile_kill(const char *path, int sig, pid_t *pid, char *err, size_t errlen);

#endif
