#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "util.h"

static char *print_to_string(const struct rc_diag *d, int show_source)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	rc_diag_print(d, f, show_source);
	fclose(f);
	return buf;
}

static void sorted_by_file_then_position(void **state)
{
	struct rc_diag d;
	struct rc_loc a5 = {"a.conf", 5, 3}, a2 = {"a.conf", 2, 9}, b1 = {"b.conf", 1, 1};

	rc_diag_init(&d);
	rc_diag_error(&d, &a5, "five");
	rc_diag_warn(&d, &b1, "bee");
	rc_diag_error(&d, &a2, "two");
	rc_diag_sort(&d);
	char *out = print_to_string(&d, 0);
	assert_string_equal(out, "a.conf:2:9: error: two\n"
				 "a.conf:5:3: error: five\n"
				 "b.conf:1:1: warning: bee\n");
	assert_int_equal(d.nerrors, 2);
	assert_int_equal(d.nwarnings, 1);
	free(out);
	rc_diag_free(&d);
}

static void caret_under_column(void **state)
{
	char path[] = "/tmp/test_diag.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *text = "first\n\tab cd;\n";
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);

	struct rc_diag d;
	struct rc_loc loc = {path, 2, 5};
	rc_diag_init(&d);
	rc_diag_error(&d, &loc, "bad 'cd'");
	char *out = print_to_string(&d, 1);
	char *want = rc_xasprintf("%s:2:5: error: bad 'cd'\n  \tab cd;\n  \t   ^\n", path);
	assert_string_equal(out, want);
	free(want);
	free(out);
	rc_diag_free(&d);
	unlink(path);
}

static void error_cap(void **state)
{
	struct rc_diag d;
	rc_diag_init(&d);
	d.max_errors = 2;
	for (int i = 0; i < 5; i++)
		rc_diag_error(&d, NULL, "e%d", i);
	assert_int_equal(d.nerrors, 5);
	assert_int_equal((int)d.n, 2);
	char *out = print_to_string(&d, 0);
	assert_non_null(strstr(out, "(3 more errors not shown)"));
	free(out);
	rc_diag_free(&d);
}

static void warning_cap(void **state)
{
	struct rc_diag d;
	rc_diag_init(&d);
	d.max_errors = 2;
	for (int i = 0; i < 5; i++)
		rc_diag_warn(&d, NULL, "w%d", i);
	rc_diag_error(&d, NULL, "e");
	assert_int_equal(d.nwarnings, 5);
	assert_int_equal(d.nerrors, 1);
	assert_int_equal((int)d.n, 3);
	char *out = print_to_string(&d, 0);
	assert_non_null(strstr(out, "(3 more warnings not shown)"));
	free(out);
	rc_diag_free(&d);

	/* a config repeating one warning 200000 times: sorted and printed at
	 * once (the list, sorted by insertion, once took minutes) */
	struct rc_loc loc = {"a.conf", 0, 1};
	rc_diag_init(&d);
	alarm(30);
	for (int i = 200000; i > 0; i--) {
		loc.line = i;
		rc_diag_warn(&d, &loc, "duplicate");
	}
	rc_diag_sort(&d);
	out = print_to_string(&d, 1);
	alarm(0);
	assert_int_equal((int)d.n, 100);
	assert_non_null(strstr(out, "(199900 more warnings not shown)"));
	free(out);
	rc_diag_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sorted_by_file_then_position),
		cmocka_unit_test(caret_under_column),
		cmocka_unit_test(error_cap),
		cmocka_unit_test(warning_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
