#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "event.h"

struct counts {
	struct event_base *base;
	int signals, last_signo, timer, periodic, readable;
	char got[16];
	struct rc_event *periodic_ev;
};

static void on_signal(int signo, void *arg)
{
	struct counts *c = arg;
	c->signals++;
	c->last_signo = signo;
}

static void on_timer(void *arg)
{
	struct counts *c = arg;
	c->timer++;
	rc_event_loop_exit(c->base);
}

static void on_periodic(void *arg)
{
	struct counts *c = arg;
	if (++c->periodic == 3)
		rc_event_loop_exit(c->base);
}

static void on_readable(int fd, void *arg)
{
	struct counts *c = arg;
	ssize_t n = read(fd, c->got, sizeof(c->got) - 1);
	if (n > 0)
		c->got[n] = '\0';
	c->readable++;
	rc_event_loop_exit(c->base);
}

static void signals_and_timers(void **state)
{
	char err[64];
	struct counts c = {0};

	c.base = rc_event_base_new(err, sizeof(err));
	assert_non_null(c.base);
	struct rc_event *hup = rc_event_signal(c.base, SIGHUP, on_signal, &c);
	assert_non_null(hup);
	struct rc_event *t = rc_event_timer(c.base, on_timer, &c);
	assert_non_null(t);
	assert_false(rc_event_pending(t));
	assert_int_equal(rc_event_timer_start(t, 50), 0);
	assert_true(rc_event_pending(t));
	raise(SIGHUP);
	assert_int_equal(rc_event_loop(c.base), 0);
	assert_int_equal(c.signals, 1);
	assert_int_equal(c.last_signo, SIGHUP);
	/* the loop may return on the signal first; run on until the timer */
	if (!c.timer)
		assert_int_equal(rc_event_loop(c.base), 0);
	assert_int_equal(c.timer, 1);
	assert_false(rc_event_pending(t));

	/* a stopped timer does not fire */
	assert_int_equal(rc_event_timer_start(t, 10), 0);
	rc_event_stop(t);
	assert_false(rc_event_pending(t));

	struct rc_event *p = rc_event_periodic(c.base, 10, on_periodic, &c);
	assert_non_null(p);
	assert_int_equal(rc_event_loop(c.base), 0);
	assert_int_equal(c.periodic, 3);
	assert_int_equal(c.timer, 1);
	rc_event_free(p);
	rc_event_free(t);
	rc_event_free(hup);
	rc_event_free(NULL);
	event_base_free(c.base);
}

static void readable_fd(void **state)
{
	struct counts c = {0};
	int fds[2];

	c.base = rc_event_base_new(NULL, 0);
	assert_int_equal(pipe(fds), 0);
	struct rc_event *r = rc_event_readable(c.base, fds[0], on_readable, &c);
	assert_non_null(r);
	assert_true(rc_event_pending(r));
	assert_int_equal(write(fds[1], "ping", 4), 4);
	assert_int_equal(rc_event_loop(c.base), 0);
	assert_int_equal(c.readable, 1);
	assert_string_equal(c.got, "ping");
	rc_event_free(r);
	close(fds[0]);
	close(fds[1]);
	/* nothing left to wait for: the loop returns at once */
	assert_int_equal(rc_event_loop(c.base), 0);
	event_base_free(c.base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(signals_and_timers),
		cmocka_unit_test(readable_fd),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
