#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pidfile.h"

static char dir[64];

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/rc_pidtest.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void create_lock_remove(void **state)
{
	char path[128], buf[64], err[128], want[64];
	struct rc_pidfile pf, second;
	struct stat st;
	pid_t holder = -1;

	snprintf(path, sizeof(path), "%s/spmd.pid", dir);
	write_file(path, "99999999 stale and long content\n");
	mode_t old = umask(0);
	assert_int_equal(rc_pidfile_create(&pf, path, &holder, err, sizeof(err)), 0);
	umask(old);
	assert_int_equal(holder, 0);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	snprintf(want, sizeof(want), "%ld\n", (long)getpid());
	assert_string_equal(buf, want);

	/* a second instance (another open file description) is refused */
	assert_int_equal(rc_pidfile_create(&second, path, &holder, err, sizeof(err)), -1);
	assert_int_equal(holder, getpid());
	snprintf(want, sizeof(want), "already running? <pid=%ld>", (long)getpid());
	assert_string_equal(err, want);

	assert_int_equal(rc_pidfile_update(&pf, err, sizeof(err)), 0);
	rc_pidfile_remove(&pf);
	assert_int_equal(stat(path, &st), -1);
	rc_pidfile_remove(&pf); /* twice is harmless */

	/* created 0644 */
	old = umask(0);
	assert_int_equal(rc_pidfile_create(&pf, path, NULL, err, sizeof(err)), 0);
	umask(old);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	rc_pidfile_remove(&pf);
}

static void remove_keeps_a_newer_file(void **state)
{
	char path[128], err[128];
	struct rc_pidfile pf;
	struct stat st;

	snprintf(path, sizeof(path), "%s/iked.pid", dir);
	assert_int_equal(rc_pidfile_create(&pf, path, NULL, err, sizeof(err)), 0);
	/* someone replaced the file (a newer instance): leave it alone */
	assert_int_equal(unlink(path), 0);
	write_file(path, "12345\n");
	rc_pidfile_remove(&pf);
	assert_int_equal(stat(path, &st), 0);
	pid_t pid;
	assert_int_equal(rc_pidfile_read(path, &pid, err, sizeof(err)), 0);
	assert_int_equal(pid, 12345);
}

static void create_errors(void **state)
{
	char path[128], err[128];
	struct rc_pidfile pf;

	assert_int_equal(rc_pidfile_create(&pf, "/nonexistent/dir/x.pid", NULL, err, sizeof(err)),
			 -1);
	assert_string_equal(err, "/nonexistent/dir/x.pid: No such file or directory");
	/* a symlink in place of the pid file is not followed */
	snprintf(path, sizeof(path), "%s/link.pid", dir);
	assert_int_equal(symlink("/etc/passwd", path), 0);
	assert_int_equal(rc_pidfile_create(&pf, path, NULL, err, sizeof(err)), -1);
	assert_int_equal(rc_pidfile_update(&pf, err, sizeof(err)), -1);
}

static void read_and_kill(void **state)
{
	char path[128], err[160];
	pid_t pid;

	snprintf(path, sizeof(path), "%s/r.pid", dir);
	write_file(path, "  4242 trailing\nmore\n");
	assert_int_equal(rc_pidfile_read(path, &pid, err, sizeof(err)), 0);
	assert_int_equal(pid, 4242);
	write_file(path, "abc\n");
	assert_int_equal(rc_pidfile_read(path, &pid, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no process id in the file"));
	write_file(path, "");
	assert_int_equal(rc_pidfile_read(path, &pid, err, sizeof(err)), -1);
	write_file(path, "99999999999999999999\n");
	assert_int_equal(rc_pidfile_read(path, &pid, err, sizeof(err)), -1);
	assert_int_equal(rc_pidfile_read("/nonexistent.pid", &pid, err, sizeof(err)), -1);

	/* signal a real child through its pid file */
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		pause();
		_exit(0);
	}
	FILE *f = fopen(path, "w");
	fprintf(f, "%ld\n", (long)child);
	fclose(f);
	assert_int_equal(rc_pidfile_kill(path, SIGTERM, &pid, err, sizeof(err)), 0);
	assert_int_equal(pid, child);
	int status;
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGTERM);
	/* the process is gone now */
	assert_int_equal(rc_pidfile_kill(path, SIGTERM, NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "No such process"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(create_lock_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(remove_keeps_a_newer_file, setup, teardown),
		cmocka_unit_test_setup_teardown(create_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(read_and_kill, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
