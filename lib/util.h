/* Small allocation and string helpers.  Allocation failure is not a
 * recoverable condition for these daemons: the x* functions abort. */
#ifndef RC_UTIL_H
#define RC_UTIL_H

#include <stdarg.h>
#include <stddef.h>

#define RC_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void *rc_xmalloc(size_t n);
void *rc_xcalloc(size_t n, size_t size);
void *rc_xreallocarray(void *p, size_t n, size_t size);
char *rc_xstrdup(const char *s);
char *rc_xstrndup(const char *s, size_t n);
char *rc_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *rc_xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
/* Format an error message into err (when err is non-NULL and errlen > 0)
 * and return -1, for `return rc_set_err(err, errlen, "...")`. */
int rc_set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Overwrite memory so the compiler cannot drop it (for secrets). */
void rc_memzero(void *p, size_t n);
/* Zeroise n bytes then free. */
void rc_freezero(void *p, size_t n);
/* Levenshtein distance, capped: returns max+1 when larger than max. */
int rc_edit_distance(const char *a, const char *b, int max);

#endif
