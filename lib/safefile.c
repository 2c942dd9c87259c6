#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "safefile.h"
#include "util.h"

static int check_stat(const struct stat *st, bool secret, bool want_dir, char *err, size_t errlen)
{
	if (geteuid() != getuid())
		return rc_set_err(err, errlen, "access from setuid'ed process is not allowed");
	if (want_dir ? !S_ISDIR(st->st_mode) : !S_ISREG(st->st_mode))
		return rc_set_err(err, errlen, "%s",
				  want_dir ? "not a directory" : "not a regular file");
	if (st->st_uid != getuid())
		return rc_set_err(err, errlen,
				  "different ownership between the file and the process");
	if (secret && (st->st_mode & 077))
		return rc_set_err(err, errlen, "weak file permission");
	return 0;
}

int rc_safefile_check(const char *path, bool secret, char *err, size_t errlen)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return rc_set_err(err, errlen, "%s", strerror(errno));
	return check_stat(&st, secret, false, err, errlen);
}

int rc_privdir_check(const char *dir, char *err, size_t errlen)
{
	struct stat st;

	if (stat(dir, &st) != 0)
		return rc_set_err(err, errlen, "%s", strerror(errno));
	return check_stat(&st, true, true, err, errlen);
}

int rc_read_secret_file(const char *path, bool secret, size_t maxlen, unsigned char **data,
			size_t *len, char *err, size_t errlen)
{
	struct stat st;
	int fd;

	*data = NULL;
	*len = 0;
	/* O_NONBLOCK: opening a FIFO would otherwise wait for a writer (a
	 * regular file reads the same either way) */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return rc_set_err(err, errlen, "%s", strerror(errno));
	/* check the file we opened, not the path again */
	if (fstat(fd, &st) != 0) {
		rc_set_err(err, errlen, "%s", strerror(errno));
		close(fd);
		return -1;
	}
	if (secret ? check_stat(&st, true, false, err, errlen) != 0 : !S_ISREG(st.st_mode)) {
		if (!secret)
			rc_set_err(err, errlen, "not a regular file");
		close(fd);
		return -1;
	}
	if ((size_t)st.st_size > maxlen) {
		close(fd);
		return rc_set_err(err, errlen, "file too large");
	}
	unsigned char *buf = rc_xmalloc((size_t)st.st_size + 1);
	size_t got = 0;
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (got != (size_t)st.st_size) {
		rc_freezero(buf, (size_t)st.st_size + 1);
		return rc_set_err(err, errlen, "short read");
	}
	*data = buf;
	*len = got;
	return 0;
}
