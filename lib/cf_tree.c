/* racoon2.conf syntax tree: construction helpers, the parse entry points,
 * freeing and the canonical dump. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cf_internal.h"
#include "safefile.h"
#include "util.h"

void *cf_grow(void *p, size_t n, size_t size)
{
	if (n == 0)
		return rc_xreallocarray(p, 1, size);
	if ((n & (n - 1)) == 0)
		return rc_xreallocarray(p, n * 2, size);
	return p;
}

struct cf_block *cf_block_new(void)
{
	return rc_xcalloc(1, sizeof(struct cf_block));
}

void cf_stmt_clear(struct cf_stmt *s)
{
	for (size_t i = 0; i < s->nitems; i++)
		free(s->items[i].text);
	free(s->items);
	cf_block_free(s->block);
}

void cf_block_free(struct cf_block *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->nstmts; i++)
		cf_stmt_clear(&b->stmts[i]);
	free(b->stmts);
	free(b);
}

void cf_stmt_free(struct cf_stmt *s)
{
	if (!s)
		return;
	cf_stmt_clear(s);
	free(s);
}

void cf_block_append(struct cf_block *b, const struct cf_stmt *s)
{
	b->stmts = cf_grow(b->stmts, b->nstmts, sizeof(*b->stmts));
	b->stmts[b->nstmts++] = *s;
}

void cf_block_take(struct cf_block *b, struct cf_stmt *s)
{
	if (!s)
		return;
	cf_block_append(b, s);
	free(s);
}

void cf_itemvec_push(struct cf_itemvec *v, enum cf_item_kind kind, char *text,
		     const struct rc_loc *loc)
{
	v->v = cf_grow(v->v, v->n, sizeof(*v->v));
	v->v[v->n].kind = kind;
	v->v[v->n].text = text;
	v->v[v->n].loc = *loc;
	v->n++;
}

void cf_itemvec_free(struct cf_itemvec *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->v[i].text);
	free(v->v);
	v->v = NULL;
	v->n = 0;
}

/* File names live for the whole process, not just the tree: diagnostics
 * keep pointing at them after the tree is gone (a failed load frees its
 * tree and then prints the errors), and a daemon reads the same few names
 * on every reload, so the table stays as small as the set of files.  The
 * daemons parse on their one event-loop thread, so no lock. */
static const char *intern_name(const char *name)
{
	static char **names;
	static size_t nnames;

	for (size_t i = 0; i < nnames; i++)
		if (strcmp(names[i], name) == 0)
			return names[i];
	names = cf_grow(names, nnames, sizeof(*names));
	names[nnames] = rc_xstrdup(name);
	return names[nnames++];
}

const char *cf_tree_intern(struct cf_tree *t, const char *name)
{
	const char *interned = intern_name(name);

	for (size_t i = 0; i < t->nfiles; i++)
		if (t->files[i] == interned)
			return interned;
	t->files = cf_grow(t->files, t->nfiles, sizeof(*t->files));
	t->files[t->nfiles++] = (char *)interned;
	return interned;
}

/* Read until end of file rather than trusting st_size, so a file that
 * grows, or a device when the safety check is off, cannot exceed the
 * limit either. */
static int read_file(const char *path, char **buf, size_t *len, char *err, size_t errlen)
{
	size_t cap = 4096, n = 0;
	char *p;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	p = rc_xmalloc(cap + 1);
	for (;;) {
		if (n == cap) {
			if (cap > CF_MAX_FILE) {
				snprintf(err, errlen, "file is too large (more than %d MiB)",
					 CF_MAX_FILE / (1024 * 1024));
				goto fail;
			}
			cap *= 2;
			p = rc_xreallocarray(p, cap + 1, 1);
		}
		ssize_t r = read(fd, p + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, errlen, "%s", strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > CF_MAX_FILE) {
		snprintf(err, errlen, "file is too large (more than %d MiB)",
			 CF_MAX_FILE / (1024 * 1024));
		goto fail;
	}
	close(fd);
	p[n] = '\0';
	*buf = p;
	*len = n;
	return 0;
fail:
	close(fd);
	free(p);
	return -1;
}

int cf_load_file(const char *path, bool check_safe, char **buf, size_t *len, char *err,
		 size_t errlen, bool *unsafe)
{
	struct stat st;

	*unsafe = false;
	/* a missing file is "cannot read", not "unsafe" */
	if (stat(path, &st) != 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	if (check_safe && rc_safefile_check(path, false, err, errlen) != 0) {
		*unsafe = true;
		return -1;
	}
	return read_file(path, buf, len, err, errlen);
}

static struct cf_tree *tree_new(void)
{
	return rc_xcalloc(1, sizeof(struct cf_tree));
}

static void adopt_top(struct cf_tree *t, struct cf_block *top, const char *file)
{
	t->top = *top;
	t->top.open_loc.file = file;
	t->top.close_loc.file = file;
	free(top);
}

struct cf_tree *cf_parse_file(const char *path, const struct cf_parse_opts *opts,
			      struct rc_diag *diag)
{
	static const struct cf_parse_opts defaults = {.check_safe = true};
	struct cf_tree *t = tree_new();
	const char *file = cf_tree_intern(t, path);
	struct rc_loc loc = {file, 0, 0};
	char err[256], *buf, *real;
	size_t len;
	struct cf_budget budget = {CF_MAX_TOKENS, false};
	bool unsafe;

	if (!opts)
		opts = &defaults;
	if (cf_load_file(path, opts->check_safe, &buf, &len, err, sizeof(err), &unsafe) != 0) {
		rc_diag_error(diag, &loc, "%s %s: %s",
			      unsafe ? "unsafe configuration file" : "cannot read", path, err);
		cf_tree_free(t);
		return NULL;
	}
	adopt_top(t, cf_parse_buffer(file, buf, len, &budget, diag), file);
	free(buf);
	real = realpath(path, NULL);
	cf_resolve_includes(t, &t->top, file, real ? real : path, opts, &budget, diag);
	free(real);
	t->ntokens = CF_MAX_TOKENS - budget.tokens_left;
	return t;
}

struct cf_tree *cf_parse_string(const char *name, const char *text,
				const struct cf_parse_opts *opts, struct rc_diag *diag)
{
	static const struct cf_parse_opts defaults = {.check_safe = true};
	struct cf_tree *t = tree_new();
	const char *file = cf_tree_intern(t, name ? name : "(string)");
	struct cf_budget budget = {CF_MAX_TOKENS, false};

	if (!opts)
		opts = &defaults;
	adopt_top(t, cf_parse_buffer(file, text, strlen(text), &budget, diag), file);
	cf_resolve_includes(t, &t->top, NULL, NULL, opts, &budget, diag);
	t->ntokens = CF_MAX_TOKENS - budget.tokens_left;
	return t;
}

void cf_tree_free(struct cf_tree *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->top.nstmts; i++)
		cf_stmt_clear(&t->top.stmts[i]);
	free(t->top.stmts);
	free(t->files); /* the names themselves stay interned */
	free(t);
}

static void dump_block(const struct cf_block *b, FILE *out, int indent);

static void dump_stmt(const struct cf_stmt *s, FILE *out, int indent)
{
	for (int i = 0; i < indent; i++)
		fputc('\t', out);
	for (size_t i = 0; i < s->nitems; i++) {
		const struct cf_item *it = &s->items[i];
		if (i > 0 && it->kind != CF_COMMA)
			fputc(' ', out);
		if (it->kind == CF_QSTR)
			fprintf(out, "\"%s\"", it->text);
		else
			fputs(it->text, out);
	}
	if (s->block) {
		fputs(s->nitems ? " {\n" : "{\n", out);
		dump_block(s->block, out, indent + 1);
		for (int i = 0; i < indent; i++)
			fputc('\t', out);
		fputc('}', out);
	}
	fputs(";\n", out);
}

static void dump_block(const struct cf_block *b, FILE *out, int indent)
{
	for (size_t i = 0; i < b->nstmts; i++)
		dump_stmt(&b->stmts[i], out, indent);
}

void cf_tree_dump(const struct cf_tree *t, FILE *out)
{
	dump_block(&t->top, out, 0);
}
