#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "util.h"

void rc_diag_init(struct rc_diag *d)
{
	memset(d, 0, sizeof(*d));
}

void rc_diag_free(struct rc_diag *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].msg);
	free(d->v);
	memset(d, 0, sizeof(*d));
}

void rc_diag_verror(struct rc_diag *d, enum rc_diag_level lvl, const struct rc_loc *loc,
		    const char *fmt, va_list ap)
{
	int max = d->max_errors > 0 ? d->max_errors : 100;

	int *count = lvl == RC_DIAG_ERROR ? &d->nerrors : &d->nwarnings;

	/* a file that repeats one mistake a million times must not make the
	 * list, its sort and its printing (which rereads the file for every
	 * entry) cost more than the first hundred say */
	if (++*count > max)
		return;
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->v = rc_xreallocarray(d->v, d->cap, sizeof(*d->v));
	}
	struct rc_diag_entry *e = &d->v[d->n++];
	e->level = lvl;
	if (loc)
		e->loc = *loc;
	else
		memset(&e->loc, 0, sizeof(e->loc));
	e->msg = rc_xvasprintf(fmt, ap);
}

void rc_diag_error(struct rc_diag *d, const struct rc_loc *loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	rc_diag_verror(d, RC_DIAG_ERROR, loc, fmt, ap);
	va_end(ap);
}

void rc_diag_warn(struct rc_diag *d, const struct rc_loc *loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	rc_diag_verror(d, RC_DIAG_WARNING, loc, fmt, ap);
	va_end(ap);
}

/* Files are ordered by their first appearance in the list, which is the
 * order the parser met them (the main file first, then includes). */
static int file_rank(const struct rc_diag *d, const char *file)
{
	if (!file)
		return -1;
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].loc.file && strcmp(d->v[i].loc.file, file) == 0)
			return (int)i;
	return (int)d->n;
}

void rc_diag_sort(struct rc_diag *d)
{
	/* insertion sort: stable, and lists are short */
	int *rank = rc_xcalloc(d->n ? d->n : 1, sizeof(*rank));
	for (size_t i = 0; i < d->n; i++)
		rank[i] = file_rank(d, d->v[i].loc.file);
	for (size_t i = 1; i < d->n; i++) {
		struct rc_diag_entry e = d->v[i];
		int r = rank[i];
		size_t j = i;
		while (j > 0) {
			const struct rc_diag_entry *p = &d->v[j - 1];
			int pr = rank[j - 1];
			if (pr < r || (pr == r && (p->loc.line < e.loc.line ||
						   (p->loc.line == e.loc.line &&
						    p->loc.col <= e.loc.col))))
				break;
			d->v[j] = d->v[j - 1];
			rank[j] = rank[j - 1];
			j--;
		}
		d->v[j] = e;
		rank[j] = r;
	}
	free(rank);
}

const char *rc_loc_str(const struct rc_loc *loc, char *buf, size_t len)
{
	if (!loc || !loc->file)
		snprintf(buf, len, "(unknown)");
	else if (loc->line <= 0)
		snprintf(buf, len, "%s", loc->file);
	else if (loc->col <= 0)
		snprintf(buf, len, "%s:%d", loc->file, loc->line);
	else
		snprintf(buf, len, "%s:%d:%d", loc->file, loc->line, loc->col);
	return buf;
}

static void print_source(FILE *out, const struct rc_loc *loc)
{
	FILE *f;
	char line[1024];
	int n = 0;

	if (!loc->file || loc->line <= 0 || !(f = fopen(loc->file, "r")))
		return;
	while (fgets(line, sizeof(line), f)) {
		size_t l = strlen(line);
		int whole = l > 0 && line[l - 1] == '\n';
		if (++n == loc->line) {
			line[strcspn(line, "\r\n")] = '\0';
			fprintf(out, "  %s\n", line);
			if (loc->col > 0) {
				fputs("  ", out);
				for (int i = 1; i < loc->col && line[i - 1]; i++)
					fputc(line[i - 1] == '\t' ? '\t' : ' ', out);
				fputs("^\n", out);
			}
			break;
		}
		/* a line longer than the buffer: skip its remainder */
		while (!whole && fgets(line, sizeof(line), f)) {
			l = strlen(line);
			whole = l > 0 && line[l - 1] == '\n';
		}
	}
	fclose(f);
}

void rc_diag_print(const struct rc_diag *d, FILE *out, int show_source)
{
	char where[512];

	for (size_t i = 0; i < d->n; i++) {
		const struct rc_diag_entry *e = &d->v[i];
		fprintf(out, "%s: %s: %s\n", rc_loc_str(&e->loc, where, sizeof(where)),
			e->level == RC_DIAG_ERROR ? "error" : "warning", e->msg);
		if (show_source)
			print_source(out, &e->loc);
	}
	int max = d->max_errors > 0 ? d->max_errors : 100;
	if (d->nerrors > max)
		fprintf(out, "(%d more errors not shown)\n", d->nerrors - max);
	if (d->nwarnings > max)
		fprintf(out, "(%d more warnings not shown)\n", d->nwarnings - max);
}
