/* File safety rules of compat §0.4 (racoon2's ENABLE_SECURE), applied to
 * configuration files and includes, pre-shared keys, the spmif password
 * file, keyid and certificate files. */
#ifndef RC_SAFEFILE_H
#define RC_SAFEFILE_H

#include <stdbool.h>
#include <stddef.h>

/* 0 when safe; otherwise -1 and err holds one of the racoon2 reasons:
 * "access from setuid'ed process is not allowed",
 * "different ownership between the file and the process",
 * "not a regular file", "weak file permission" (secret files with any
 * group/other bit), or the strerror() of a failed stat. */
int rc_safefile_check(const char *path, bool secret, char *err, size_t errlen);
/* The parent directory of a UNIX socket: owned by the running uid, a
 * directory, no group/other bits ("not a directory", ...). */
int rc_privdir_check(const char *dir, char *err, size_t errlen);
/* Read a whole (small, <= maxlen) file, e.g. a PSK or the spmd password
 * file; every byte counts, trailing newline included.  With secret, checks
 * safety first.  Returns 0 and a malloc'ed buffer (the caller zeroises
 * it with rc_freezero), or -1 and err. */
int rc_read_secret_file(const char *path, bool secret, size_t maxlen, unsigned char **data,
			size_t *len, char *err, size_t errlen);

#endif
