/* The hook runner with real /bin/sh scripts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "hook.h"
#include "log.h"

static char dir[64];
static struct event_base *base;

#define MAX_RESULTS 16
static struct {
	char key[32], event[32];
	enum rc_hook_outcome outcome;
	int status;
} results[MAX_RESULTS];
static int nresults, want_results;
static char loglines[32][1300];
static int nlog;

static void capture(enum rc_log_tag tag, const char *line, void *arg)
{
	if (nlog < 32)
		snprintf(loglines[nlog++], sizeof(loglines[0]), "%s", line);
}

static void on_done(const struct rc_hook_result *res, void *arg)
{
	if (nresults < MAX_RESULTS) {
		snprintf(results[nresults].key, sizeof(results[0].key), "%s",
			 res->key ? res->key : "");
		snprintf(results[nresults].event, sizeof(results[0].event), "%s", res->event);
		results[nresults].outcome = res->outcome;
		results[nresults].status = res->status;
	}
	if (++nresults >= want_results)
		event_base_loopbreak(base);
}

static void on_watchdog(evutil_socket_t fd, short what, void *arg)
{
	event_base_loopbreak(base);
}

/* Run the loop until n hooks have finished (or 10 s have passed). */
static void run_until(int n)
{
	struct timeval tv = {10, 0};
	struct event *watchdog = evtimer_new(base, on_watchdog, NULL);

	want_results = n;
	evtimer_add(watchdog, &tv);
	if (nresults < n)
		event_base_dispatch(base);
	event_free(watchdog);
	assert_int_equal(nresults, n);
}

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/rc_hooktest.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	base = event_base_new();
	nresults = 0;
	nlog = 0;
	rc_log_set_sink(capture, NULL);
	return base ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];
	rc_log_set_sink(NULL, NULL);
	event_base_free(base);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static char *script(const char *name, mode_t mode, const char *body)
{
	static char path[8][128];
	static int next;
	char *p = path[next++ % 8];

	snprintf(p, sizeof(path[0]), "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	assert_int_equal(chmod(p, mode), 0);
	return p;
}

static char *slurp(const char *name)
{
	static char buf[4096];
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void event_names(void **state)
{
	assert_string_equal(rc_hook_event_name("ike_sa_up"), "phase1_up");
	assert_string_equal(rc_hook_event_name("phase1_up"), "phase1_up");
	assert_string_equal(rc_hook_event_name("ike_sa_down"), "phase1_down");
	assert_string_equal(rc_hook_event_name("ike_sa_rekey"), "phase1_rekey");
	assert_string_equal(rc_hook_event_name("child_up"), "phase2_up");
	assert_string_equal(rc_hook_event_name("child_down"), "phase2_down");
	assert_string_equal(rc_hook_event_name("phase2_rekey"), "phase2_rekey");
	assert_string_equal(rc_hook_event_name("child_rekey"), "phase2_rekey");
	assert_string_equal(rc_hook_event_name("migration"), "migration");
	assert_null(rc_hook_event_name("child-up"));
	assert_null(rc_hook_event_name(NULL));
}

static void env_building(void **state)
{
	struct rc_hook_env env;
	char err[128];

	rc_hook_env_init(&env);
	assert_int_equal(rc_hook_env_set(&env, "LOCAL_ADDR", "192.0.2.1", err, sizeof(err)), 0);
	assert_int_equal(rc_hook_env_setf(&env, "LOCAL_PORT", err, sizeof(err), "%d", 500), 0);
	assert_string_equal(rc_hook_env_get(&env, "LOCAL_PORT"), "500");
	assert_int_equal(rc_hook_env_set(&env, "LOCAL_ADDR", "2001:db8::1", err, sizeof(err)), 0);
	assert_string_equal(rc_hook_env_get(&env, "LOCAL_ADDR"), "2001:db8::1");
	assert_int_equal(env.n, 2);
	assert_null(rc_hook_env_get(&env, "LOCAL"));
	assert_int_equal(rc_hook_env_set(&env, "INTERNAL_DNS4", "", err, sizeof(err)), 0);
	assert_string_equal(rc_hook_env_get(&env, "INTERNAL_DNS4"), "");

	assert_int_equal(rc_hook_env_set(&env, "local_addr", "x", err, sizeof(err)), -1);
	assert_string_equal(err,
			    "invalid hook variable name 'local_addr': use A-Z, 0-9 and _ only");
	assert_int_equal(rc_hook_env_set(&env, "A=B", "x", err, sizeof(err)), -1);
	assert_int_equal(rc_hook_env_set(&env, "", "x", err, sizeof(err)), -1);
	assert_int_equal(rc_hook_env_set(&env, NULL, "x", err, sizeof(err)), -1);
	assert_int_equal(
		rc_hook_env_setn(&env, "APPLICATION_VERSION", "ab\0cd", 5, err, sizeof(err)), -1);
	assert_string_equal(err, "hook variable APPLICATION_VERSION: value contains a NUL byte");
	assert_int_equal(rc_hook_env_setn(&env, "APPLICATION_VERSION", "abcd", 2, err, sizeof(err)),
			 0);
	assert_string_equal(rc_hook_env_get(&env, "APPLICATION_VERSION"), "ab");
	char *huge = calloc(1, RC_HOOK_VALUE_MAX + 2);
	memset(huge, 'x', RC_HOOK_VALUE_MAX + 1);
	assert_int_equal(rc_hook_env_set(&env, "APPLICATION_VERSION", huge, err, sizeof(err)), -1);
	assert_string_equal(err, "hook variable APPLICATION_VERSION: value missing or too long");
	free(huge);
	assert_int_equal(env.n, 4);
	rc_hook_env_free(&env);
	assert_int_equal(env.n, 0);
}

/* argv is [path, event] and the environment is exactly ours plus PATH. */
static void exact_environment(void **state)
{
	char body[512];
	struct rc_hook_env env;
	char err[128];

	snprintf(body, sizeof(body),
		 "echo \"$0|$1|$#\" > %s/args\n"
		 "/usr/bin/env | grep -v '^PWD=' | LC_ALL=C sort > %s/env",
		 dir, dir);
	char *path = script("child-up", 0755, body);
	struct rc_hook_runner *r = rc_hook_runner_new(base, NULL);
	assert_non_null(r);
	rc_hook_runner_set_done(r, on_done, NULL);
	setenv("SHOULD_NOT_LEAK", "1", 1);
	rc_hook_env_init(&env);
	assert_int_equal(rc_hook_env_set(&env, "REMOTE_ADDR", "192.0.2.2", err, sizeof(err)), 0);
	assert_int_equal(rc_hook_env_set(&env, "LOCAL_ADDR", "192.0.2.1", err, sizeof(err)), 0);
	assert_int_equal(rc_hook_env_set(&env, "INTERNAL_DNS4", "", err, sizeof(err)), 0);
	assert_int_equal(rc_hook_env_set(&env, "APPLICATION_VERSION", "strange 'value' $x", err,
					 sizeof(err)),
			 0);
	assert_int_equal(rc_hook_run(r, "sa1", path, "phase2_up", &env), 0);
	assert_int_equal(env.n, 0);    /* the variables moved into the runner */
	assert_int_equal(nresults, 0); /* never started inside rc_hook_run */
	assert_int_equal(rc_hook_runner_busy(r), 1);
	run_until(1);
	assert_int_equal(results[0].outcome, RC_HOOK_EXITED);
	assert_int_equal(results[0].status, 0);
	assert_int_equal(rc_hook_runner_busy(r), 0);

	char want[256];
	snprintf(want, sizeof(want), "%s|phase2_up|1\n", path);
	assert_string_equal(slurp("args"), want);
	assert_string_equal(slurp("env"), "APPLICATION_VERSION=strange 'value' $x\n"
					  "INTERNAL_DNS4=\n"
					  "LOCAL_ADDR=192.0.2.1\n"
					  "PATH=" RC_HOOK_PATH "\n"
					  "REMOTE_ADDR=192.0.2.2\n");
	assert_int_equal(nlog, 1);
	snprintf(want, sizeof(want), "[INFO]: script %s (phase2_up) exited 0", path);
	assert_string_equal(loglines[0], want);
	rc_hook_env_free(&env);
	rc_hook_runner_free(r);
	unsetenv("SHOULD_NOT_LEAK");
}

/* Hooks of one key run in order even when the first is slow. */
static void serialised_per_key(void **state)
{
	char body[256];

	snprintf(body, sizeof(body), "sleep 0.3; echo \"$1\" >> %s/order", dir);
	char *slow = script("slow", 0755, body);
	snprintf(body, sizeof(body), "echo \"$1\" >> %s/order", dir);
	char *fast = script("fast", 0755, body);
	struct rc_hook_runner *r = rc_hook_runner_new(base, NULL);
	rc_hook_runner_set_done(r, on_done, NULL);
	assert_int_equal(rc_hook_run(r, "sa1", slow, "phase2_up", NULL), 0);
	assert_int_equal(rc_hook_run(r, "sa1", fast, "phase2_rekey", NULL), 0);
	assert_int_equal(rc_hook_run(r, "sa1", fast, "phase2_down", NULL), 0);
	run_until(3);
	assert_string_equal(slurp("order"), "phase2_up\nphase2_rekey\nphase2_down\n");
	assert_string_equal(results[0].event, "phase2_up");
	assert_string_equal(results[2].event, "phase2_down");
	rc_hook_runner_free(r);
}

/* Different keys run side by side: a fast hook is not held up by a slow one. */
static void concurrent_across_keys(void **state)
{
	char body[256];

	snprintf(body, sizeof(body), "sleep 1; echo \"$1\" >> %s/order", dir);
	char *slow = script("slow", 0755, body);
	snprintf(body, sizeof(body), "echo \"$1\" >> %s/order", dir);
	char *fast = script("fast", 0755, body);
	struct rc_hook_runner *r = rc_hook_runner_new(base, NULL);
	rc_hook_runner_set_done(r, on_done, NULL);
	assert_int_equal(rc_hook_run(r, "sa1", slow, "phase1_up", NULL), 0);
	assert_int_equal(rc_hook_run(r, "sa2", fast, "phase2_up", NULL), 0);
	assert_int_equal(rc_hook_run(r, NULL, fast, "migration", NULL), 0);
	run_until(3);
	assert_string_equal(results[2].event, "phase1_up");
	char *order = slurp("order");
	assert_non_null(order);
	assert_string_equal(order + strlen(order) - strlen("phase1_up\n"), "phase1_up\n");
	rc_hook_runner_free(r);
}

/* With a cap of one child, hooks of different keys wait for each other. */
static void child_cap(void **state)
{
	char body[256];
	struct rc_hook_opts opts = {.max_children = 1};

	snprintf(body, sizeof(body),
		 "echo \"start $1\" >> %s/order; sleep 0.2; echo \"end $1\" >> %s/order", dir, dir);
	char *s = script("s", 0755, body);
	struct rc_hook_runner *r = rc_hook_runner_new(base, &opts);
	rc_hook_runner_set_done(r, on_done, NULL);
	assert_int_equal(rc_hook_run(r, "a", s, "one", NULL), 0);
	assert_int_equal(rc_hook_run(r, "b", s, "two", NULL), 0);
	run_until(2);
	assert_string_equal(slurp("order"), "start one\nend one\nstart two\nend two\n");
	rc_hook_runner_free(r);
}

/* Without pidfd (old kernels, BSD) children are found by polling waitpid
 * on their own pids. */
static void polled_children(void **state)
{
	char body[256];
	struct rc_hook_opts opts = {.poll_children = true, .timeout_ms = 300};

	snprintf(body, sizeof(body), "echo \"$1\" >> %s/order; exit 4", dir);
	char *s = script("s", 0755, body);
	char *hang = script("hang", 0755, "sleep 30");
	struct rc_hook_runner *r = rc_hook_runner_new(base, &opts);
	rc_hook_runner_set_done(r, on_done, NULL);
	assert_int_equal(rc_hook_run(r, "a", s, "one", NULL), 0);
	assert_int_equal(rc_hook_run(r, "a", s, "two", NULL), 0);
	assert_int_equal(rc_hook_run(r, "b", hang, "three", NULL), 0);
	run_until(3);
	assert_string_equal(slurp("order"), "one\ntwo\n");
	assert_int_equal(results[0].outcome, RC_HOOK_EXITED);
	assert_int_equal(results[0].status, 4);
	assert_string_equal(results[1].event, "two");
	assert_int_equal(results[2].outcome, RC_HOOK_TIMEOUT);
	rc_hook_runner_free(r);
}

/* When no child can be started (here: no file descriptor left for the exec
 * status pipe) the hook is logged and dropped, and the runner carries on. */
static void start_failure_is_not_fatal(void **state)
{
	struct rlimit old, low;
	char body[256];

	snprintf(body, sizeof(body), "echo ran > %s/ran", dir);
	char *s = script("s", 0755, body);
	struct rc_hook_runner *r = rc_hook_runner_new(base, NULL);
	rc_hook_runner_set_done(r, on_done, NULL);
	assert_int_equal(rc_hook_run(r, "a", s, "phase1_up", NULL), 0);

	int lowest = dup(0);
	assert_true(lowest >= 0);
	close(lowest);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	low = old;
	low.rlim_cur = (rlim_t)lowest;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	event_base_loop(base, EVLOOP_NONBLOCK);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);

	assert_int_equal(nresults, 1);
	assert_int_equal(results[0].outcome, RC_HOOK_FORK_FAILED);
	assert_int_equal(results[0].status, EMFILE);
	assert_non_null(strstr(loglines[0], "hook dropped"));
	assert_null(slurp("ran"));
	assert_int_equal(rc_hook_runner_busy(r), 0);

	assert_int_equal(rc_hook_run(r, "a", s, "phase1_up", NULL), 0);
	run_until(2);
	assert_int_equal(results[1].outcome, RC_HOOK_EXITED);
	assert_string_equal(slurp("ran"), "ran\n");
	rc_hook_runner_free(r);
}

#define LOAD_KEYS 40
#define LOAD_PER_KEY 5
static int last_seq[LOAD_KEYS], load_done, load_out_of_order;

static void on_load_done(const struct rc_hook_result *res, void *arg)
{
	int key = atoi(res->key), seq = atoi(res->event);

	if (res->outcome != RC_HOOK_EXITED || res->status != 0 || seq != last_seq[key] + 1)
		load_out_of_order++;
	last_seq[key] = seq;
	if (++load_done == LOAD_KEYS * LOAD_PER_KEY)
		event_base_loopbreak(base);
}

/* Many keys with several hooks each: every key's hooks finish in order. */
static void ordering_under_load(void **state)
{
	char key[16], event[16];
	struct rc_hook_opts opts = {.max_children = 6};
	char *s = script("s", 0755, "exit 0");
	struct rc_hook_runner *r = rc_hook_runner_new(base, &opts);

	rc_hook_runner_set_done(r, on_load_done, NULL);
	memset(last_seq, 0, sizeof(last_seq));
	load_done = load_out_of_order = 0;
	for (int seq = 1; seq <= LOAD_PER_KEY; seq++) {
		for (int k = 0; k < LOAD_KEYS; k++) {
			snprintf(key, sizeof(key), "%d", k);
			snprintf(event, sizeof(event), "%d", seq);
			assert_int_equal(rc_hook_run(r, key, s, event, NULL), 0);
		}
	}
	assert_int_equal(rc_hook_runner_busy(r), LOAD_KEYS * LOAD_PER_KEY);
	struct timeval tv = {30, 0};
	struct event *watchdog = evtimer_new(base, on_watchdog, NULL);
	evtimer_add(watchdog, &tv);
	event_base_dispatch(base);
	event_free(watchdog);
	assert_int_equal(load_done, LOAD_KEYS * LOAD_PER_KEY);
	assert_int_equal(load_out_of_order, 0);
	assert_int_equal(rc_hook_runner_busy(r), 0);
	rc_hook_runner_free(r);
}

/* A burst far larger than the children cap is queued cheaply and dropped
 * cleanly at shutdown. */
static void big_queue_dropped_at_free(void **state)
{
	char key[16];
	struct rc_hook_env env;
	char err[64];
	struct rc_hook_runner *r = rc_hook_runner_new(base, NULL);

	for (int i = 0; i < 50000; i++) {
		snprintf(key, sizeof(key), "sa%d", i % 20000);
		rc_hook_env_init(&env);
		assert_int_equal(
			rc_hook_env_setf(&env, "SELECTOR_INDEX", err, sizeof(err), "%d", i), 0);
		assert_int_equal(
			rc_hook_run(r, i % 7 ? key : NULL, "/nonexistent", "phase2_down", &env), 0);
	}
	assert_int_equal(rc_hook_runner_busy(r), 50000);
	rc_hook_runner_free(r);
	assert_non_null(strstr(loglines[nlog - 1], "50000 queued hooks dropped at shutdown"));
}

static void missing_and_not_executable(void **state)
{
	char missing[128], want[256];

	snprintf(missing, sizeof(missing), "%s/no-such-script", dir);
	char *noexec = script("noexec", 0644, "exit 0");
	struct rc_hook_runner *r = rc_hook_runner_new(base, NULL);
	rc_hook_runner_set_done(r, on_done, NULL);
	assert_int_equal(rc_hook_run(r, "a", missing, "phase1_up", NULL), 0);
	assert_int_equal(rc_hook_run(r, "b", noexec, "phase1_up", NULL), 0);
	run_until(2);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(results[i].outcome, RC_HOOK_EXEC_FAILED);
		int e = strcmp(results[i].key, "a") == 0 ? ENOENT : EACCES;
		assert_int_equal(results[i].status, e);
	}
	snprintf(want, sizeof(want), "[INTERNAL_ERR]: execve(%s) failed: No such file or directory",
		 missing);
	assert_true(strcmp(loglines[0], want) == 0 || strcmp(loglines[1], want) == 0);
	assert_int_equal(rc_hook_run(r, "a", "", "phase1_up", NULL), -1);
	assert_int_equal(rc_hook_run(r, "a", missing, NULL, NULL), -1);
	rc_hook_runner_free(r);
}

static void exit_status_and_signals(void **state)
{
	char *fails = script("fails", 0755, "exit 3");
	char *selfkill = script("selfkill", 0755, "kill -INT $$; sleep 1; exit 0");
	struct rc_hook_runner *r = rc_hook_runner_new(base, NULL);
	rc_hook_runner_set_done(r, on_done, NULL);
	/* a daemon ignoring SIGINT must not pass that on to its scripts */
	signal(SIGINT, SIG_IGN);
	assert_int_equal(rc_hook_run(r, "a", fails, "phase1_down", NULL), 0);
	assert_int_equal(rc_hook_run(r, "a", selfkill, "phase1_down", NULL), 0);
	run_until(2);
	signal(SIGINT, SIG_DFL);
	assert_int_equal(results[0].outcome, RC_HOOK_EXITED);
	assert_int_equal(results[0].status, 3);
	assert_int_equal(results[1].outcome, RC_HOOK_SIGNALED);
	assert_int_equal(results[1].status, SIGINT);
	char want[256];
	snprintf(want, sizeof(want), "[INTERNAL_WARN]: script %s (phase1_down) exited 3", fails);
	assert_string_equal(loglines[0], want);
	rc_hook_runner_free(r);
}

/* Gone, or a zombie nobody reaped yet (no init in some containers). */
static int dead(pid_t pid)
{
	char path[64], buf[256];

	if (kill(pid, 0) != 0 && errno == ESRCH)
		return 1;
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 1;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *paren = strrchr(buf, ')');
	return paren && paren[1] == ' ' && paren[2] == 'Z';
}

static void timeout_kills(void **state)
{
	char body[256];
	struct rc_hook_opts opts = {.timeout_ms = 1000};
	struct timespec t0, t1;

	/* the child's own child must die too (process group) */
	snprintf(body, sizeof(body), "sleep 30 & echo $! > %s/grandchild; wait", dir);
	char *hang = script("hang", 0755, body);
	struct rc_hook_runner *r = rc_hook_runner_new(base, &opts);
	rc_hook_runner_set_done(r, on_done, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(rc_hook_run(r, "a", hang, "phase2_up", NULL), 0);
	run_until(1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(t1.tv_sec - t0.tv_sec < 5);
	assert_int_equal(results[0].outcome, RC_HOOK_TIMEOUT);
	assert_non_null(strstr(loglines[0], "killed after the 1000 ms timeout"));
	char *gc = slurp("grandchild");
	assert_non_null(gc);
	pid_t gpid = (pid_t)atol(gc);
	assert_true(gpid > 0);
	/* it may take a moment for the kernel to reap it via init */
	int gone = 0;
	for (int i = 0; i < 50 && !gone; i++) {
		gone = dead(gpid);
		if (!gone)
			usleep(20000);
	}
	assert_true(gone);
	rc_hook_runner_free(r);
}

static void queue_limit_and_free(void **state)
{
	struct rc_hook_opts opts = {.max_queued = 2};
	char *hang = script("hang", 0755, "sleep 30");
	struct rc_hook_runner *r = rc_hook_runner_new(base, &opts);
	struct timespec t0, t1;

	assert_int_equal(rc_hook_run(r, "a", hang, "one", NULL), 0);
	assert_int_equal(rc_hook_run(r, "a", hang, "two", NULL), 0);
	assert_int_equal(rc_hook_run(r, "a", hang, "three", NULL), -1);
	assert_non_null(strstr(loglines[nlog - 1], "too many hooks waiting"));
	/* start the first one, then shut down with it running */
	event_base_loop(base, EVLOOP_NONBLOCK);
	assert_int_equal(rc_hook_runner_busy(r), 2);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc_hook_runner_free(r);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(t1.tv_sec - t0.tv_sec < 5);
	rc_hook_runner_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(event_names),
		cmocka_unit_test(env_building),
		cmocka_unit_test_setup_teardown(exact_environment, setup, teardown),
		cmocka_unit_test_setup_teardown(serialised_per_key, setup, teardown),
		cmocka_unit_test_setup_teardown(concurrent_across_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(child_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(polled_children, setup, teardown),
		cmocka_unit_test_setup_teardown(ordering_under_load, setup, teardown),
		cmocka_unit_test_setup_teardown(big_queue_dropped_at_free, setup, teardown),
		cmocka_unit_test_setup_teardown(start_failure_is_not_fatal, setup, teardown),
		cmocka_unit_test_setup_teardown(missing_and_not_executable, setup, teardown),
		cmocka_unit_test_setup_teardown(exit_status_and_signals, setup, teardown),
		cmocka_unit_test_setup_teardown(timeout_kills, setup, teardown),
		cmocka_unit_test_setup_teardown(queue_limit_and_free, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
