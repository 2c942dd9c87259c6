/* Thin helpers over libevent 2.1 for the daemons' main loops: signals,
 * timers, readable sockets, a clean exit.  Each helper wraps one struct
 * event with a callback of a plain shape; anything fancier uses libevent
 * directly on rc_event_base(). */
#ifndef RC_EVENT_H
#define RC_EVENT_H

#include <stdbool.h>
#include <stddef.h>

struct event_base;
struct rc_event;

typedef void rc_event_fn(void *arg);
typedef void rc_signal_fn(int signo, void *arg);
typedef void rc_fd_fn(int fd, void *arg);

/* A new event base; NULL with err on failure. */
struct event_base *rc_event_base_new(char *err, size_t errlen);
/* Run until rc_event_loop_exit() or no events are left; 0 or -1. */
int rc_event_loop(struct event_base *base);
/* Ask the loop to return once the events already active have run. */
void rc_event_loop_exit(struct event_base *base);

/* Call fn in the loop whenever signo arrives (persistent). */
struct rc_event *rc_event_signal(struct event_base *base, int signo, rc_signal_fn *fn, void *arg);
/* A timer, not yet armed. */
struct rc_event *rc_event_timer(struct event_base *base, rc_event_fn *fn, void *arg);
/* Arm once in msec milliseconds (re-arming replaces the old deadline). */
int rc_event_timer_start(struct rc_event *ev, unsigned long msec);
/* A timer firing every msec milliseconds, already armed. */
struct rc_event *rc_event_periodic(struct event_base *base, unsigned long msec, rc_event_fn *fn,
				   void *arg);
/* Call fn whenever fd is readable (persistent). */
struct rc_event *rc_event_readable(struct event_base *base, int fd, rc_fd_fn *fn, void *arg);
/* Disarm without freeing. */
void rc_event_stop(struct rc_event *ev);
bool rc_event_pending(const struct rc_event *ev);
/* Disarm and free; NULL is fine. */
void rc_event_free(struct rc_event *ev);

#endif
