/* Diagnostics: errors and warnings tied to a place in a file.
 *
 * Every configuration error carries file, line and column and is collected,
 * not printed at once, so one run reports them all.  Printing is gcc-style:
 *   FILE:LINE:COL: error: MESSAGE
 * followed by the source line and a caret under the column when the file
 * can still be read. */
#ifndef RC_DIAG_H
#define RC_DIAG_H

#include <stdarg.h>
#include <stdio.h>

struct rc_loc {
	const char *file; /* not owned: interned by whoever made the loc */
	int line;         /* 1-based; 0 = no position */
	int col;          /* 1-based; 0 = whole line */
};

enum rc_diag_level { RC_DIAG_WARNING, RC_DIAG_ERROR };

struct rc_diag_entry {
	enum rc_diag_level level;
	struct rc_loc loc;
	char *msg;
};

struct rc_diag {
	struct rc_diag_entry *v;
	size_t n, cap;
	int nerrors, nwarnings;
	int max_errors; /* stop recording errors, and warnings, past this
			 * many of each (still counted); 0 = 100 */
};

void rc_diag_init(struct rc_diag *d);
void rc_diag_free(struct rc_diag *d);
void rc_diag_error(struct rc_diag *d, const struct rc_loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void rc_diag_warn(struct rc_diag *d, const struct rc_loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void rc_diag_verror(struct rc_diag *d, enum rc_diag_level lvl, const struct rc_loc *loc,
		    const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));
/* Sort by file order of appearance, then line and column, keeping the order
 * of entries at the same place. */
void rc_diag_sort(struct rc_diag *d);
/* Print every entry; with show_source the offending line and a caret too. */
void rc_diag_print(const struct rc_diag *d, FILE *out, int show_source);
/* "FILE:LINE:COL" (or fewer parts when unknown) into buf. */
const char *rc_loc_str(const struct rc_loc *loc, char *buf, size_t len);

#endif
