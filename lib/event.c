#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>

#include <event2/event.h>

#include "event.h"
#include "util.h"

struct rc_event {
	struct event *ev;
	union {
		rc_event_fn *plain;
		rc_signal_fn *signal;
		rc_fd_fn *fd;
	} fn;
	void *arg;
};

struct event_base *rc_event_base_new(char *err, size_t errlen)
{
	struct event_base *base = event_base_new();

	if (!base && err && errlen)
		snprintf(err, errlen, "cannot create the libevent base");
	return base;
}

int rc_event_loop(struct event_base *base)
{
	return event_base_dispatch(base) < 0 ? -1 : 0;
}

void rc_event_loop_exit(struct event_base *base)
{
	event_base_loopexit(base, NULL);
}

static void ms_to_tv(unsigned long msec, struct timeval *tv)
{
	tv->tv_sec = (time_t)(msec / 1000);
	tv->tv_usec = (suseconds_t)(msec % 1000) * 1000;
}

static void on_plain(evutil_socket_t fd, short what, void *arg)
{
	struct rc_event *e = arg;
	e->fn.plain(e->arg);
}

static void on_signal(evutil_socket_t signo, short what, void *arg)
{
	struct rc_event *e = arg;
	e->fn.signal((int)signo, e->arg);
}

static void on_fd(evutil_socket_t fd, short what, void *arg)
{
	struct rc_event *e = arg;
	e->fn.fd((int)fd, e->arg);
}

static struct rc_event *wrap(struct event_base *base, evutil_socket_t fd, short what,
			     event_callback_fn cb)
{
	struct rc_event *e = rc_xcalloc(1, sizeof(*e));

	e->ev = event_new(base, fd, what, cb, e);
	if (!e->ev) {
		free(e);
		return NULL;
	}
	return e;
}

struct rc_event *rc_event_signal(struct event_base *base, int signo, rc_signal_fn *fn, void *arg)
{
	struct rc_event *e = wrap(base, signo, EV_SIGNAL | EV_PERSIST, on_signal);

	if (!e)
		return NULL;
	e->fn.signal = fn;
	e->arg = arg;
	if (event_add(e->ev, NULL) != 0) {
		rc_event_free(e);
		return NULL;
	}
	return e;
}

struct rc_event *rc_event_timer(struct event_base *base, rc_event_fn *fn, void *arg)
{
	struct rc_event *e = wrap(base, -1, 0, on_plain);

	if (!e)
		return NULL;
	e->fn.plain = fn;
	e->arg = arg;
	return e;
}

int rc_event_timer_start(struct rc_event *ev, unsigned long msec)
{
	struct timeval tv;

	ms_to_tv(msec, &tv);
	return event_add(ev->ev, &tv) == 0 ? 0 : -1;
}

struct rc_event *rc_event_periodic(struct event_base *base, unsigned long msec, rc_event_fn *fn,
				   void *arg)
{
	struct rc_event *e = wrap(base, -1, EV_PERSIST, on_plain);
	struct timeval tv;

	if (!e)
		return NULL;
	e->fn.plain = fn;
	e->arg = arg;
	ms_to_tv(msec, &tv);
	if (event_add(e->ev, &tv) != 0) {
		rc_event_free(e);
		return NULL;
	}
	return e;
}

struct rc_event *rc_event_readable(struct event_base *base, int fd, rc_fd_fn *fn, void *arg)
{
	struct rc_event *e = wrap(base, fd, EV_READ | EV_PERSIST, on_fd);

	if (!e)
		return NULL;
	e->fn.fd = fn;
	e->arg = arg;
	if (event_add(e->ev, NULL) != 0) {
		rc_event_free(e);
		return NULL;
	}
	return e;
}

void rc_event_stop(struct rc_event *ev)
{
	if (ev)
		event_del(ev->ev);
}

bool rc_event_pending(const struct rc_event *ev)
{
	return ev && event_pending(ev->ev, EV_TIMEOUT | EV_READ | EV_SIGNAL, NULL);
}

void rc_event_free(struct rc_event *ev)
{
	if (!ev)
		return;
	event_free(ev->ev);
	free(ev);
}
