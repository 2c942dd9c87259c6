/* The memory kernel backend (rk_memory_ops): an in-process SAD/SPD shared
 * by every memory handle of the process, with the kernel's semantics
 * (SPI unique per protocol and destination, larval SAs from getspi
 * completed by rk_sa_update, -EEXIST/-ENOENT, policy indexes, lifetimes
 * firing as EXPIRE events from timers).  Counters stay zero. */
#ifndef RC_KERNEL_MEMORY_H
#define RC_KERNEL_MEMORY_H

#include "kernel.h"

/* Deliver an ACQUIRE to every memory handle from the event loop (or the
 * next rk_poll_events), as traffic hitting a policy with no SA would.
 * When acq->policy_index names a policy, its selector and direction fill
 * in acq->sel and acq->dir.  -EOPNOTSUPP when k is not a memory handle. */
int rk_memory_inject_acquire(struct rk *k, const struct rk_acquire *acq);

/* Number of SAs and policies in the shared store (tests). */
size_t rk_memory_sa_count(void);
size_t rk_memory_policy_count(void);

#endif
