/* What a kernel backend implements (see kernel.h).  kernel.c owns the
 * handle, dispatches to the backend, records what was added (so rk_flush
 * removes only that) and reads events on the event loop. */
#ifndef RC_KERNEL_BACKEND_H
#define RC_KERNEL_BACKEND_H

#include "kernel.h"

struct rk_backend_ops {
	const char *name;
	/* Open the kernel sockets, probe capabilities into k->caps. */
	int (*open)(struct rk *k);
	void (*close)(struct rk *k);
	/* The fd to watch for events, or -1 (memory: timers on k->base). */
	int (*event_fd)(struct rk *k);
	/* Read what is pending on event_fd and rk_emit() each event; must not
	 * block.  Returns the number of events or -errno. */
	int (*read_events)(struct rk *k);
	int (*getspi)(struct rk *k, uint8_t proto, const struct rc_addr *src,
		      const struct rc_addr *dst, uint32_t min, uint32_t max, uint32_t reqid,
		      uint32_t *spi);
	int (*sa_add)(struct rk *k, const struct rk_sa *sa, bool update);
	int (*sa_del)(struct rk *k, const struct rk_sa_id *id);
	int (*sa_get)(struct rk *k, const struct rk_sa_id *id, struct rk_sa_info *out);
	int (*sa_dump)(struct rk *k, int (*cb)(const struct rk_sa_info *, void *), void *arg);
	int (*policy_add)(struct rk *k, struct rk_policy *p, bool update);
	int (*policy_del)(struct rk *k, const struct rk_selector *sel, enum rk_dir dir);
	int (*policy_del_index)(struct rk *k, uint32_t index, enum rk_dir dir);
	int (*policy_dump)(struct rk *k, int (*cb)(const struct rk_policy *, void *), void *arg);
	int (*migrate)(struct rk *k, const struct rk_migrate *m);
};

extern const struct rk_backend_ops rk_xfrm_ops;
extern const struct rk_backend_ops rk_pfkey_ops;
extern const struct rk_backend_ops rk_memory_ops;

/* For backends: their private state, the handle's capabilities and event
 * base, error text and event delivery. */
void *rk_priv(struct rk *k);
void rk_set_priv(struct rk *k, void *priv);
struct rk_caps *rk_caps_mut(struct rk *k);
struct event_base *rk_base(struct rk *k);
/* Sets the text rk_error() returns; returns -err for `return rk_fail(...)`. */
int rk_fail(struct rk *k, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void rk_emit(struct rk *k, const struct rk_event *ev);

#endif
