/* A small JSON writer for `spmdctl -j`: one compact document per run.
 * Strings are escaped so any bytes spmd or the kernel send make valid
 * JSON: control characters and non-ASCII bytes become \u00XX (the wire
 * protocol is ASCII; anything else is shown, never passed through raw).
 * Written here rather than pulling in a JSON library for ~100 lines of
 * output-only code. */
#include "config.h"

#include "spmdctl.h"

void cj_init(struct ctl_json *j, FILE *out)
{
	j->out = out;
	j->depth = 0;
	j->first[0] = true;
}

static void put_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

/* The separator and key before a value. */
static void lead(struct ctl_json *j, const char *key)
{
	if (!j->first[j->depth])
		fputc(',', j->out);
	j->first[j->depth] = false;
	if (key) {
		put_string(j->out, key);
		fputc(':', j->out);
	}
}

static void enter(struct ctl_json *j, const char *key, char c)
{
	lead(j, key);
	fputc(c, j->out);
	if (j->depth + 1 < (int)(sizeof(j->first) / sizeof(j->first[0])))
		j->depth++;
	j->first[j->depth] = true;
}

static void leave(struct ctl_json *j, char c)
{
	fputc(c, j->out);
	if (j->depth > 0)
		j->depth--;
}

void cj_obj_begin(struct ctl_json *j, const char *key)
{
	enter(j, key, '{');
}

void cj_obj_end(struct ctl_json *j)
{
	leave(j, '}');
}

void cj_arr_begin(struct ctl_json *j, const char *key)
{
	enter(j, key, '[');
}

void cj_arr_end(struct ctl_json *j)
{
	leave(j, ']');
}

void cj_str(struct ctl_json *j, const char *key, const char *v)
{
	lead(j, key);
	if (v)
		put_string(j->out, v);
	else
		fputs("null", j->out);
}

void cj_int(struct ctl_json *j, const char *key, long long v)
{
	lead(j, key);
	fprintf(j->out, "%lld", v);
}

void cj_bool(struct ctl_json *j, const char *key, bool v)
{
	lead(j, key);
	fputs(v ? "true" : "false", j->out);
}

void cj_null(struct ctl_json *j, const char *key)
{
	lead(j, key);
	fputs("null", j->out);
}

void cj_finish(struct ctl_json *j)
{
	fputc('\n', j->out);
	fflush(j->out);
}
