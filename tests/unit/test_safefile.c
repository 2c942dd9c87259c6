/* File safety rules of compat §0.4.  The setuid rule cannot be exercised
 * from a test (euid == uid here); the ownership rule needs root to chown. */
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

#include "safefile.h"
#include "util.h"

static char dir[64];

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/rc_safetest.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *make(const char *name, mode_t mode, const char *content, size_t len)
{
	static char path[4][128];
	static int next;
	char *p = path[next++ % 4];

	snprintf(p, sizeof(path[0]), "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(content, 1, len, f), len);
	fclose(f);
	assert_int_equal(chmod(p, mode), 0);
	return p;
}

static void file_modes(void **state)
{
	char err[128];
	const char *p;

	p = make("conf", 0644, "x", 1);
	assert_int_equal(rc_safefile_check(p, false, err, sizeof(err)), 0);
	assert_int_equal(rc_safefile_check(p, true, err, sizeof(err)), -1);
	assert_string_equal(err, "weak file permission");

	static const mode_t weak[] = {0640, 0604, 0610, 0601, 0620, 0602, 0660, 0666};
	for (size_t i = 0; i < RC_ARRAY_SIZE(weak); i++) {
		assert_int_equal(chmod(p, weak[i]), 0);
		assert_int_equal(rc_safefile_check(p, true, err, sizeof(err)), -1);
		assert_string_equal(err, "weak file permission");
		/* not secret: group/other bits are fine */
		assert_int_equal(rc_safefile_check(p, false, err, sizeof(err)), 0);
	}
	static const mode_t strong[] = {0600, 0400, 0700, 0200, 0000};
	for (size_t i = 0; i < RC_ARRAY_SIZE(strong); i++) {
		assert_int_equal(chmod(p, strong[i]), 0);
		assert_int_equal(rc_safefile_check(p, true, err, sizeof(err)), 0);
	}
}

static void not_regular_or_missing(void **state)
{
	char err[128], path[128];

	assert_int_equal(rc_safefile_check(dir, false, err, sizeof(err)), -1);
	assert_string_equal(err, "not a regular file");
	snprintf(path, sizeof(path), "%s/missing", dir);
	assert_int_equal(rc_safefile_check(path, false, err, sizeof(err)), -1);
	assert_string_equal(err, "No such file or directory");
	assert_int_equal(rc_safefile_check("/dev/null", false, err, sizeof(err)), -1);
	/* a NULL or empty error buffer is allowed */
	assert_int_equal(rc_safefile_check(dir, false, NULL, 0), -1);
}

static void ownership(void **state)
{
	char err[128];
	const char *p = make("psk", 0600, "k", 1);

	if (geteuid() != 0)
		skip();
	assert_int_equal(chown(p, 12345, (gid_t)-1), 0);
	assert_int_equal(rc_safefile_check(p, true, err, sizeof(err)), -1);
	assert_string_equal(err, "different ownership between the file and the process");
	assert_int_equal(rc_safefile_check(p, false, err, sizeof(err)), -1);
	assert_string_equal(err, "different ownership between the file and the process");
	unsigned char *data;
	size_t len;
	assert_int_equal(rc_read_secret_file(p, true, 100, &data, &len, err, sizeof(err)), -1);
	assert_string_equal(err, "different ownership between the file and the process");
}

static void private_directory(void **state)
{
	char err[128], sub[128];

	snprintf(sub, sizeof(sub), "%s/run", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	assert_int_equal(chmod(sub, 0700), 0);
	assert_int_equal(rc_privdir_check(sub, err, sizeof(err)), 0);
	assert_int_equal(chmod(sub, 0750), 0);
	assert_int_equal(rc_privdir_check(sub, err, sizeof(err)), -1);
	assert_string_equal(err, "weak file permission");
	assert_int_equal(chmod(sub, 0701), 0);
	assert_int_equal(rc_privdir_check(sub, err, sizeof(err)), -1);
	const char *f = make("file", 0600, "", 0);
	assert_int_equal(rc_privdir_check(f, err, sizeof(err)), -1);
	assert_string_equal(err, "not a directory");
	snprintf(sub, sizeof(sub), "%s/none", dir);
	assert_int_equal(rc_privdir_check(sub, err, sizeof(err)), -1);
	assert_string_equal(err, "No such file or directory");
}

static void read_secret(void **state)
{
	char err[128];
	unsigned char *data;
	size_t len;
	/* every byte counts: binary content and the trailing newline */
	static const char key[] = "se\0cret\n";
	const char *p = make("psk", 0600, key, sizeof(key) - 1);

	assert_int_equal(rc_read_secret_file(p, true, 100, &data, &len, err, sizeof(err)), 0);
	assert_int_equal(len, sizeof(key) - 1);
	assert_memory_equal(data, key, len);
	rc_freezero(data, len);

	assert_int_equal(rc_read_secret_file(p, true, 4, &data, &len, err, sizeof(err)), -1);
	assert_string_equal(err, "file too large");
	assert_null(data);
	assert_int_equal(len, 0);

	assert_int_equal(chmod(p, 0640), 0);
	assert_int_equal(rc_read_secret_file(p, true, 100, &data, &len, err, sizeof(err)), -1);
	assert_string_equal(err, "weak file permission");
	/* keyid files and certificates are not secret */
	assert_int_equal(rc_read_secret_file(p, false, 100, &data, &len, err, sizeof(err)), 0);
	rc_freezero(data, len);

	const char *empty = make("empty", 0600, "", 0);
	assert_int_equal(rc_read_secret_file(empty, true, 100, &data, &len, err, sizeof(err)), 0);
	assert_int_equal(len, 0);
	free(data);

	assert_int_equal(rc_read_secret_file(dir, false, 100, &data, &len, err, sizeof(err)), -1);
	assert_string_equal(err, "not a regular file");
	assert_int_equal(rc_read_secret_file(dir, true, 100, &data, &len, err, sizeof(err)), -1);
	assert_string_equal(err, "not a regular file");
	assert_int_equal(
		rc_read_secret_file("/nonexistent", true, 100, &data, &len, err, sizeof(err)), -1);
	assert_string_equal(err, "No such file or directory");

	/* a FIFO in place of the key: refused at once (open once waited for
	 * a writer, which would hang the daemon) */
	char fifo[128];
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	alarm(10);
	assert_int_equal(rc_read_secret_file(fifo, true, 100, &data, &len, err, sizeof(err)), -1);
	assert_string_equal(err, "not a regular file");
	assert_int_equal(rc_read_secret_file(fifo, false, 100, &data, &len, err, sizeof(err)), -1);
	assert_string_equal(err, "not a regular file");
	alarm(0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(file_modes, setup, teardown),
		cmocka_unit_test_setup_teardown(not_regular_or_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(ownership, setup, teardown),
		cmocka_unit_test_setup_teardown(private_directory, setup, teardown),
		cmocka_unit_test_setup_teardown(read_secret, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
