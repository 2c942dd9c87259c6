#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

static char lines[64][1300];
static int nlines;

static void capture(enum rc_log_tag tag, const char *line, void *arg)
{
	if (nlines < 64)
		snprintf(lines[nlines++], sizeof(lines[0]), "%s", line);
}

static int setup(void **state)
{
	nlines = 0;
	rc_log_set_sink(capture, NULL);
	rc_log_set_verbosity(0);
	rc_log_set_debug_mask(0);
	return 0;
}

static int teardown(void **state)
{
	rc_log_set_sink(NULL, NULL);
	rc_log_set_clock(NULL);
	return 0;
}

static void line_format(void **state)
{
	rc_log(RC_LOG_INFO, "hello %d", 42);
	rc_log(RC_LOG_PROTO_ERR, "bad packet from %s", "192.0.2.1");
	rc_log_loc(RC_LOG_INTERNAL_WARN, "ike.c", 12, "odd");
	rc_log(RC_LOG_CRITICAL, "x");
	rc_log(RC_LOG_PROTO_WARN, "y");
	rc_log(RC_LOG_INTERNAL_ERR, "z");
	assert_int_equal(nlines, 6);
	assert_string_equal(lines[0], "[INFO]: hello 42");
	assert_string_equal(lines[1], "[PROTO_ERR]: bad packet from 192.0.2.1");
	assert_string_equal(lines[2], "[INTERNAL_WARN]: ike.c:12: odd");
	assert_string_equal(lines[3], "[CRITICAL]: x");
	assert_string_equal(lines[4], "[PROTO_WARN]: y");
	assert_string_equal(lines[5], "[INTERNAL_ERR]: z");
}

static void control_characters_are_masked(void **state)
{
	rc_log(RC_LOG_PROTO_ERR, "id %s", "evil\n[CRITICAL]: forged");
	assert_int_equal(nlines, 1);
	assert_string_equal(lines[0], "[PROTO_ERR]: id evil?[CRITICAL]: forged");
}

static void debug_filtering(void **state)
{
	rc_log(RC_LOG_DEBUG, "hidden");
	rc_log_debug(1, "hidden too");
	rc_log_debugcat(RC_KINK_DBG_KRB5, "hidden cat");
	assert_int_equal(nlines, 0);

	rc_log_set_verbosity(2);
	rc_log(RC_LOG_DEBUG, "shown");
	rc_log_debug(2, "level 2");
	rc_log_debug(3, "level 3 hidden");
	assert_int_equal(nlines, 2);
	assert_string_equal(lines[0], "[DEBUG]: shown");
	assert_string_equal(lines[1], "[DEBUG]: level 2");
	assert_int_equal(rc_log_verbosity(), 2);

	rc_log_set_verbosity(0);
	rc_log_set_debug_mask(RC_KINK_DBG_KRB5);
	assert_true(rc_log_debug_enabled(RC_KINK_DBG_KRB5));
	assert_false(rc_log_debug_enabled(RC_KINK_DBG_PFKEY));
	rc_log_debugcat(RC_KINK_DBG_KRB5, "krb5 %s", "on");
	rc_log_debugcat(RC_KINK_DBG_PFKEY, "pfkey off");
	assert_int_equal(nlines, 3);
	assert_string_equal(lines[2], "[DEBUG]: krb5 on");
	assert_int_equal(rc_log_debug_mask(), RC_KINK_DBG_KRB5);
}

static time_t fake_now;
static time_t fake_clock(void)
{
	return fake_now;
}

static void rate_limit(void **state)
{
	fake_now = 1000;
	rc_log_set_clock(fake_clock);
	rc_log_ratelimit_config(3, 10);
	for (int i = 0; i < 10; i++)
		rc_log_ratelimited("192.0.2.7", RC_LOG_PROTO_ERR, "bad packet %d", i);
	/* another key has its own budget */
	rc_log_ratelimited("192.0.2.8", RC_LOG_PROTO_ERR, "other");
	assert_int_equal(nlines, 4);
	assert_string_equal(lines[0], "[PROTO_ERR]: bad packet 0");
	assert_string_equal(lines[2], "[PROTO_ERR]: bad packet 2");
	assert_string_equal(lines[3], "[PROTO_ERR]: other");

	/* after the window: the count of dropped lines, then logging again */
	fake_now += 10;
	rc_log_ratelimited("192.0.2.7", RC_LOG_PROTO_ERR, "bad packet again");
	assert_int_equal(nlines, 6);
	assert_string_equal(lines[4], "[PROTO_ERR]: suppressed 7 similar messages from 192.0.2.7");
	assert_string_equal(lines[5], "[PROTO_ERR]: bad packet again");

	/* flush reports keys whose window ended */
	for (int i = 0; i < 5; i++)
		rc_log_ratelimited("192.0.2.9", RC_LOG_PROTO_WARN, "w");
	assert_int_equal(nlines, 9);
	rc_log_ratelimit_flush();
	assert_int_equal(nlines, 9); /* window still open */
	fake_now += 100;
	rc_log_ratelimit_flush();
	assert_int_equal(nlines, 10);
	assert_string_equal(lines[9], "[PROTO_WARN]: suppressed 2 similar messages from 192.0.2.9");
}

static void rate_limit_many_keys(void **state)
{
	char key[32];

	fake_now = 5000;
	rc_log_set_clock(fake_clock);
	rc_log_ratelimit_config(1, 60);
	/* far more keys than the table holds: bounded memory, no crash */
	for (int i = 0; i < 2000; i++) {
		snprintf(key, sizeof(key), "10.0.%d.%d", i / 256, i % 256);
		nlines = 0;
		rc_log_ratelimited(key, RC_LOG_PROTO_ERR, "k");
		rc_log_ratelimited(key, RC_LOG_PROTO_ERR, "k");
	}
	fake_now += 1000;
	rc_log_ratelimit_flush();
}

static void spmd_levels(void **state)
{
	char err[128];
	int extra = 0;

	assert_int_equal(rc_log_spmd_parse("3", &extra, err, sizeof(err)), 0);
	assert_int_equal(extra, 3);
	assert_int_equal(rc_log_spmd_check(extra, err, sizeof(err)), 0);
	extra++; /* one -d more */
	assert_int_equal(rc_log_spmd_check(extra, err, sizeof(err)), -1);
	assert_string_equal(err, "Debug level is too big");
	extra = 0;
	assert_int_equal(rc_log_spmd_parse("5", &extra, err, sizeof(err)), 0);
	assert_int_equal(rc_log_spmd_check(extra, err, sizeof(err)), -1);
	assert_int_equal(rc_log_spmd_parse("abc", &extra, err, sizeof(err)), -1);
	assert_string_equal(err, "invalid debug level 'abc': expected a number");
	assert_int_equal(rc_log_spmd_parse("-1", &extra, err, sizeof(err)), -1);
	assert_int_equal(rc_log_spmd_parse("", &extra, err, sizeof(err)), -1);
	assert_int_equal(rc_log_spmd_parse("99999999999999", &extra, err, sizeof(err)), -1);
}

static void iked_flags(void **state)
{
	char err[200];
	uint32_t flags = 0;

	assert_int_equal(rc_log_iked_parse("0x9", &flags, err, sizeof(err)), 0);
	assert_int_equal(flags, RC_IKED_DEBUG | RC_IKED_DRYRUN);
	assert_int_equal(rc_log_iked_parse("7", &flags, err, sizeof(err)), 0);
	assert_int_equal(flags, 7);
	assert_int_equal(rc_log_iked_parse("0xz", &flags, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "invalid debug flags '0xz'"));
	assert_int_equal(rc_log_iked_parse(NULL, &flags, err, sizeof(err)), -1);
	flags = 0;
	flags = rc_log_iked_add_d(flags);
	assert_int_equal(flags, 0x1);
	flags = rc_log_iked_add_d(rc_log_iked_add_d(flags));
	assert_int_equal(flags, 0x7);
}

static void kinkd_categories(void **state)
{
	char err[200];
	uint32_t mask = 0;
	int level = 0;

	assert_int_equal(rc_log_kinkd_parse("packet", &mask, &level, err, sizeof(err)), 0);
	assert_int_equal(mask, RC_KINK_DBG_PACKET);
	assert_int_equal(level, 1);
	assert_int_equal(rc_log_kinkd_parse("2", &mask, &level, err, sizeof(err)), 0);
	assert_int_equal(level, 2);
	assert_true(mask & RC_KINK_DBG_SPMIF);
	assert_false(mask & RC_KINK_DBG_ISAKMP);
	assert_int_equal(rc_log_kinkd_parse("all", &mask, &level, err, sizeof(err)), 0);
	assert_int_equal(level, 3);
	assert_true(mask & RC_KINK_DBG_ISAKMP);
	/* packet, crypt and parse only by name */
	assert_false(rc_log_kinkd_level_mask(3) & (RC_KINK_DBG_CRYPT | RC_KINK_DBG_PARSE));
	assert_int_equal(rc_log_kinkd_level_mask(1), 0);
	assert_int_equal(rc_log_kinkd_parse("krb", &mask, &level, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown debug category 'krb'"));
	assert_int_equal(rc_log_kinkd_parse("4", &mask, &level, err, sizeof(err)), -1);
}

static void log_file_and_reopen(void **state)
{
	char dir[] = "/tmp/rc_logtest.XXXXXX", path[128], rotated[160], buf[512], err[256];
	struct stat st;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/iked.log", dir);
	snprintf(rotated, sizeof(rotated), "%s.1", path);
	rc_log_set_sink(NULL, NULL);
	assert_int_equal(rc_log_open("/usr/sbin/iked", RC_LOGDEST_FILE, path, err, sizeof(err)), 0);
	rc_log(RC_LOG_INFO, "first");
	assert_int_equal(rename(path, rotated), 0);
	assert_int_equal(rc_log_reopen(), 0);
	rc_log(RC_LOG_INFO, "second");
	rc_log_close();

	FILE *f = fopen(rotated, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	/* "YYYY-MM-DD HH:MM:SS.mmm [INFO]: first" */
	assert_int_equal(buf[4], '-');
	assert_int_equal(buf[19], '.');
	assert_string_equal(buf + 24, "[INFO]: first\n");
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf + 24, "[INFO]: second\n");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	assert_int_equal(
		rc_log_open("iked", RC_LOGDEST_FILE, "/nonexistent/dir/x.log", err, sizeof(err)),
		-1);
	assert_string_equal(err, "/nonexistent/dir/x.log: No such file or directory");
	assert_int_equal(rc_log_open("iked", RC_LOGDEST_FILE, NULL, err, sizeof(err)), -1);
	unlink(path);
	unlink(rotated);
	rmdir(dir);
	assert_int_equal(rc_log_open("iked", RC_LOGDEST_SYSLOG, NULL, err, sizeof(err)), 0);
	assert_int_equal(rc_log_reopen(), 0);
	rc_log_close();
	rc_log_set_sink(capture, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(line_format, setup, teardown),
		cmocka_unit_test_setup_teardown(control_characters_are_masked, setup, teardown),
		cmocka_unit_test_setup_teardown(debug_filtering, setup, teardown),
		cmocka_unit_test_setup_teardown(rate_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(rate_limit_many_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(spmd_levels, setup, teardown),
		cmocka_unit_test_setup_teardown(iked_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(kinkd_categories, setup, teardown),
		cmocka_unit_test_setup_teardown(log_file_and_reopen, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
