#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static void allocation(void **state)
{
	char *s = rc_xstrdup("racoon2");
	assert_string_equal(s, "racoon2");
	free(s);
	s = rc_xstrndup("racoon2", 3);
	assert_string_equal(s, "rac");
	free(s);
	s = rc_xasprintf("%s-%d", "iked", 7);
	assert_string_equal(s, "iked-7");
	free(s);
	int *v = rc_xcalloc(4, sizeof(int));
	for (int i = 0; i < 4; i++)
		assert_int_equal(v[i], 0);
	v = rc_xreallocarray(v, 100, sizeof(int));
	v[99] = 1;
	free(v);
	void *p = rc_xmalloc(0); /* zero-size allocations still succeed */
	assert_non_null(p);
	free(p);
	assert_int_equal(RC_ARRAY_SIZE(((int[5]){0})), 5);
}

static void zeroise(void **state)
{
	unsigned char buf[32];
	memset(buf, 0xa5, sizeof(buf));
	rc_memzero(buf, sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0);
	rc_memzero(NULL, 10);
	rc_memzero(buf, 0);
	unsigned char *secret = rc_xmalloc(16);
	memset(secret, 1, 16);
	rc_freezero(secret, 16);
	rc_freezero(NULL, 0);
}

static void edit_distance(void **state)
{
	assert_int_equal(rc_edit_distance("remote", "remote", 3), 0);
	assert_int_equal(rc_edit_distance("remote", "remot", 3), 1);
	assert_int_equal(rc_edit_distance("selector", "selcetor", 3), 2);
	assert_int_equal(rc_edit_distance("", "abc", 3), 3);
	assert_int_equal(rc_edit_distance("abc", "", 3), 3);
	assert_int_equal(rc_edit_distance("kitten", "sitting", 3), 3);
	/* beyond max: max + 1 */
	assert_int_equal(rc_edit_distance("ipsec", "policy", 2), 3);
	assert_int_equal(rc_edit_distance("a", "abcdefgh", 2), 3);
	/* long strings are not compared */
	char a[100];
	memset(a, 'x', sizeof(a) - 1);
	a[99] = '\0';
	assert_int_equal(rc_edit_distance(a, a, 2), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(allocation),
		cmocka_unit_test(zeroise),
		cmocka_unit_test(edit_distance),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
