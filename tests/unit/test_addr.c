#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "addr.h"

static void parse_and_print(void **state)
{
	struct rc_addr a;
	char buf[RC_ADDR_STRLEN], err[64];

	assert_int_equal(rc_addr_parse("10.0.0.0/24", &a, err, sizeof(err)), 0);
	assert_int_equal(a.family, AF_INET);
	assert_int_equal(a.prefixlen, 24);
	assert_string_equal(rc_addr_str(&a, buf, sizeof(buf)), "10.0.0.0/24");
	assert_int_equal(rc_addr_parse("2001:db8::1", &a, err, sizeof(err)), 0);
	assert_int_equal(a.prefixlen, 128);
	assert_string_equal(rc_addr_str(&a, buf, sizeof(buf)), "2001:db8::1");
	assert_int_equal(rc_addr_parse("::1/64", &a, err, sizeof(err)), 0);
	assert_int_equal(a.prefixlen, 64);
}

static void rejects(void **state)
{
	struct rc_addr a;
	char err[64];

	assert_int_equal(rc_addr_parse("10.0.0.1/33", &a, err, sizeof(err)), -1);
	assert_string_equal(err, "prefix length 33 is larger than 32");
	assert_int_equal(rc_addr_parse("www.example.com", &a, err, sizeof(err)), -1);
	assert_int_equal(rc_addr_parse("10.0.0.1/", &a, err, sizeof(err)), -1);
	assert_int_equal(rc_addr_parse("10.0.0.1%eth0", &a, err, sizeof(err)), -1);
	assert_int_equal(rc_addr_parse("", &a, err, sizeof(err)), -1);
	assert_int_equal(rc_addr_parse("fe80::1%-1", &a, err, sizeof(err)), -1);
	assert_int_equal(rc_addr_parse("fe80::1%4294967296", &a, err, sizeof(err)), -1);
	assert_int_equal(rc_addr_parse("fe80::1%7", &a, err, sizeof(err)), 0);
	assert_int_equal(a.scope_id, 7);
}

static void prefix_match(void **state)
{
	struct rc_addr a, n;

	rc_addr_parse("192.0.2.77", &a, NULL, 0);
	rc_addr_parse("192.0.2.0/25", &n, NULL, 0);
	assert_true(rc_addr_in_prefix(&a, &n));
	rc_addr_parse("192.0.2.128/25", &n, NULL, 0);
	assert_false(rc_addr_in_prefix(&a, &n));
	rc_addr_parse("192.0.2.77/20", &a, NULL, 0);
	rc_addr_mask(&a);
	char buf[RC_ADDR_STRLEN];
	assert_string_equal(rc_addr_str(&a, buf, sizeof(buf)), "192.0.0.0/20");
	/* a prefix length longer than the address (from a kernel message, say)
	 * counts as the full length; it once compared bytes past the address */
	rc_addr_parse("192.0.2.77", &a, NULL, 0);
	rc_addr_parse("192.0.2.77", &n, NULL, 0);
	n.prefixlen = 255;
	assert_true(rc_addr_in_prefix(&a, &n));
	rc_addr_parse("2001:db8::1", &a, NULL, 0);
	rc_addr_parse("2001:db8::2", &n, NULL, 0);
	n.prefixlen = 200;
	assert_false(rc_addr_in_prefix(&a, &n));
}

static void ports(void **state)
{
	uint16_t p;

	assert_int_equal(rc_port_parse("any", &p), 0);
	assert_int_equal(p, 0);
	assert_int_equal(rc_port_parse("4500", &p), 0);
	assert_int_equal(p, 4500);
	assert_int_equal(rc_port_parse("65536", &p), -1);
	assert_int_equal(rc_port_parse("-1", &p), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_and_print),
		cmocka_unit_test(rejects),
		cmocka_unit_test(prefix_match),
		cmocka_unit_test(ports),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
