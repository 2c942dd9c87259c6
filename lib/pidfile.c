#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pidfile.h"
#include "util.h"


/* The first integer in the text (leading blanks allowed); 0 if none. */
static pid_t parse_pid(const char *text)
{
	long v = 0;

	while (isspace((unsigned char)*text))
		text++;
	if (!isdigit((unsigned char)*text))
		return 0;
	for (; isdigit((unsigned char)*text); text++) {
		v = v * 10 + (*text - '0');
		if (v > INT_MAX)
			return 0;
	}
	return (pid_t)v;
}

static pid_t read_pid_fd(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return parse_pid(buf);
}

static int write_pid(int fd, char *err, size_t errlen)
{
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());

	if (ftruncate(fd, 0) != 0)
		return rc_set_err(err, errlen, "truncate: %s", strerror(errno));
	if (pwrite(fd, buf, (size_t)len, 0) != len)
		return rc_set_err(err, errlen, "write: %s", strerror(errno));
	return 0;
}

int rc_pidfile_create(struct rc_pidfile *pf, const char *path, pid_t *holder, char *err,
		      size_t errlen)
{
	struct stat st;
	pid_t dummy;

	if (!holder)
		holder = &dummy;
	*holder = 0;
	memset(pf, 0, sizeof(*pf));
	pf->fd = -1;
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0644);
	if (fd < 0)
		return rc_set_err(err, errlen, "%s: %s", path, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;
		if (e == EWOULDBLOCK) {
			*holder = read_pid_fd(fd);
			rc_set_err(err, errlen, "already running? <pid=%ld>", (long)*holder);
		} else {
			rc_set_err(err, errlen, "%s: lock: %s", path, strerror(e));
		}
		close(fd);
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		rc_set_err(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (write_pid(fd, err, errlen) != 0) {
		close(fd);
		return -1;
	}
	pf->fd = fd;
	pf->dev = st.st_dev;
	pf->ino = st.st_ino;
	pf->path = rc_xstrdup(path);
	return 0;
}

int rc_pidfile_update(struct rc_pidfile *pf, char *err, size_t errlen)
{
	if (pf->fd < 0)
		return rc_set_err(err, errlen, "pid file not open");
	return write_pid(pf->fd, err, errlen);
}

void rc_pidfile_remove(struct rc_pidfile *pf)
{
	struct stat st;

	if (pf->fd < 0)
		return;
	if (pf->path && lstat(pf->path, &st) == 0 && st.st_dev == pf->dev && st.st_ino == pf->ino)
		unlink(pf->path);
	close(pf->fd);
	pf->fd = -1;
	free(pf->path);
	pf->path = NULL;
}

int rc_pidfile_read(const char *path, pid_t *pid, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	*pid = 0;
	if (fd < 0)
		return rc_set_err(err, errlen, "%s: %s", path, strerror(errno));
	*pid = read_pid_fd(fd);
	close(fd);
	if (*pid <= 0)
		return rc_set_err(err, errlen, "%s: no process id in the file", path);
	return 0;
}

int rc_pidfile_kill(const char *path, int sig, pid_t *pid, char *err, size_t errlen)
{
	pid_t p;

	if (!pid)
		pid = &p;
	if (rc_pidfile_read(path, pid, err, errlen) != 0)
		return -1;
	if (kill(*pid, sig) != 0)
		return rc_set_err(err, errlen, "kill(%ld): %s", (long)*pid, strerror(errno));
	return 0;
}
