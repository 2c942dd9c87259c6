/* The broken-configuration corpus, tests/conf/bad (every .conf file).  Each file says
 * in its header which daemon loads it and what must be reported:
 *   # daemon: iked|spmd|kinkd
 *   # expect: LINE:COL: message substring          (in this file)
 *   # expect: inc/x.conf:LINE:COL: message         (in an included file)
 * Every expected error must appear at exactly that place, and the load
 * (rcf_load plus the daemon's rcf_check_*) must fail. */
#include <dirent.h>
#include <stdlib.h>

#include "cfm_test.h"

#ifndef BAD_CONF_DIR
#error BAD_CONF_DIR must be defined
#endif

struct expect {
	char file[256]; /* empty: the config file itself */
	int line, col;
	char msg[256];
};

static int read_header(const char *path, enum rcf_daemon *daemon, struct expect *ex, int max)
{
	FILE *f = fopen(path, "r");
	char line[512];
	int n = 0;

	assert_non_null(f);
	*daemon = RCF_FOR_IKED;
	while (fgets(line, sizeof(line), f) && line[0] == '#') {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "# daemon: ", 10) == 0) {
			const char *d = line + 10;
			*daemon = strcmp(d, "spmd") == 0    ? RCF_FOR_SPMD
				  : strcmp(d, "kinkd") == 0 ? RCF_FOR_KINKD
							    : RCF_FOR_IKED;
		} else if (strncmp(line, "# expect: ", 10) == 0 && n < max) {
			struct expect *e = &ex[n];
			char *p = line + 10, *colon;
			memset(e, 0, sizeof(*e));
			if (*p < '0' || *p > '9') {
				colon = strchr(p, ':');
				assert_non_null(colon);
				snprintf(e->file, sizeof(e->file), "%.*s", (int)(colon - p), p);
				p = colon + 1;
			}
			e->line = (int)strtol(p, &p, 10);
			assert_int_equal(*p++, ':');
			e->col = (int)strtol(p, &p, 10);
			assert_int_equal(*p++, ':');
			while (*p == ' ')
				p++;
			snprintf(e->msg, sizeof(e->msg), "%s", p);
			n++;
		}
	}
	fclose(f);
	return n;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static bool found(const struct rc_diag *d, const char *path, const struct expect *e)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct rc_diag_entry *x = &d->v[i];
		if (x->level != RC_DIAG_ERROR || !x->loc.file || x->loc.line != e->line ||
		    x->loc.col != e->col || !strstr(x->msg, e->msg))
			continue;
		if (e->file[0] ? ends_with(x->loc.file, e->file) : strcmp(x->loc.file, path) == 0)
			return true;
	}
	return false;
}

static int check_one(const char *path)
{
	struct expect ex[8];
	enum rcf_daemon daemon;
	int nex = read_header(path, &daemon, ex, 8);
	struct rc_diag d;
	struct rcf_load_opts o = { .path = path, .daemon = daemon };
	int failures = 0;

	rc_diag_init(&d);
	struct rcf_config *cfg = rcf_load(&o, &d);
	int check_errors = 0;
	if (cfg)
		check_errors = daemon == RCF_FOR_SPMD	 ? rcf_check_spmd(cfg, &d)
			       : daemon == RCF_FOR_KINKD ? rcf_check_kinkd(cfg, &d)
							 : rcf_check_iked(cfg, &d);
	if (nex == 0) {
		print_error("%s: no expect lines\n", path);
		failures++;
	}
	if (cfg && check_errors == 0) {
		print_error("%s: loaded without errors\n", path);
		failures++;
	}
	for (int i = 0; i < nex; i++)
		if (!found(&d, path, &ex[i])) {
			print_error("%s: missing error %s%s%d:%d: %s\n", path, ex[i].file,
				    ex[i].file[0] ? ":" : "", ex[i].line, ex[i].col, ex[i].msg);
			failures++;
		}
	if (failures)
		rc_diag_print(&d, stderr, 0);
	rcf_free(cfg);
	rc_diag_free(&d);
	return failures;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void corpus(void **state)
{
	DIR *dir = opendir(BAD_CONF_DIR);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	int failures = 0;

	assert_non_null(dir);
	while ((de = readdir(dir))) {
		if (!ends_with(de->d_name, ".conf"))
			continue;
		names = realloc(names, (n + 1) * sizeof(*names));
		assert_non_null(names);
		names[n++] = strdup(de->d_name);
	}
	closedir(dir);
	qsort(names, n, sizeof(*names), by_name);
	assert_true(n >= 40);
	for (size_t i = 0; i < n; i++) {
		char path[1024];
		snprintf(path, sizeof(path), "%s/%s", BAD_CONF_DIR, names[i]);
		failures += check_one(path);
		free(names[i]);
	}
	free(names);
	assert_int_equal(failures, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(corpus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
