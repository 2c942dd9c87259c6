/* spmd's policy database: the kernel policies spmd installed, each
 * recorded against the selector it was made for (compat §3.5).
 *
 * Two kinds of entries:
 *   config   computed from racoon2.conf; spd_apply_config() brings the
 *            kernel from the last configuration to a new one by touching
 *            only the policies that differ (start, SIGHUP reload, and
 *            whenever an FQDN selector's addresses change);
 *   dynamic  POLICY ADD from iked/kinkd, in groups (the selector, its
 *            reverse, the forward policy); a reload leaves them alone.
 *
 * Every change goes through the kernel interface handle given to
 * spd_new(), so rk_flush() on that handle removes exactly what spmd put
 * in. */
#ifndef SPMD_SPD_H
#define SPMD_SPD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel.h"
#include "rcf_model.h"

struct spd;

/* How FQDN selectors get their addresses (spmd wires the resolver here;
 * tests a table).  reg/unreg are reference counted per selector;
 * addrs returns the name's current addresses (valid until the next call). */
struct spd_resolver {
	int (*reg)(void *arg, const char *fqdn, char *err, size_t errlen);
	void (*unreg)(void *arg, const char *fqdn);
	size_t (*addrs)(void *arg, const char *fqdn, const struct rc_addr **out);
	void *arg;
};

/* What one spd_apply_config() did, counted in kernel policies (failed and
 * pending in selectors). */
struct spd_stats {
	unsigned added, removed, changed, unchanged;
	unsigned failed;  /* selectors that could not be installed (logged by name) */
	unsigned pending; /* FQDN selectors waiting for their name to resolve */
	unsigned skipped; /* install off, IP_RW tunnel, address-pool remote */
};

/* fwd: add a FWD policy next to every inbound tunnel policy (Linux). */
struct spd *spd_new(struct rk *k, bool fwd);
/* Forgets the records (does not touch the kernel: rk_flush does). */
void spd_free(struct spd *d);
/* NULL: no resolver (FQDN selectors fail). */
void spd_set_resolver(struct spd *d, const struct spd_resolver *r);

/* Make the kernel hold exactly the policies `cfg` asks for (plus the
 * dynamic ones).  cfg must stay valid until the next call (the engine
 * re-reads it when an FQDN changes).  Selectors that cannot be installed
 * are logged by name; returns how many failed. */
int spd_apply_config(struct spd *d, const struct rcf_config *cfg, struct spd_stats *st);
/* An FQDN's addresses changed: bring its selectors up to date. */
void spd_fqdn_changed(struct spd *d, const char *fqdn);
/* The configuration last applied (NULL before the first). */
const struct rcf_config *spd_config(const struct spd *d);

/* ---- building policies (shared with the POLICY ADD command) ---- */

/* The kernel policy for selector `s` in direction `dir` between src and
 * dst (ports and protocol from s), with the SA bundle of s's policy;
 * tunnel endpoints sa_src/sa_dst (NULL in transport mode or when the
 * action is not auto_ipsec).  0, or -1 and a reason. */
int spd_build_policy(const struct rcf_selector *s, enum rk_dir dir, const struct rc_addr *src,
		     const struct rc_addr *dst, enum rk_mode mode, const struct rc_addr *sa_src,
		     const struct rc_addr *sa_dst, struct rk_policy *out, char *err, size_t errlen);

/* ---- dynamic policies (POLICY ADD / DELETE) ---- */

struct spd_dyn {
	const char *slid;
	struct rk_policy pol;
};

/* Install n policies as one group (all or nothing).  0, or -1 with the
 * kernel's reason in err. */
int spd_add_dynamic(struct spd *d, struct spd_dyn *v, size_t n, char *err, size_t errlen);
/* Remove the dynamic group holding the policy (sel, dir) of selector slid.
 * Returns the number of kernel policies removed, or -1 (err). */
int spd_del_dynamic(struct spd *d, const char *slid, const struct rk_selector *sel, enum rk_dir dir,
		    char *err, size_t errlen);
/* Remove every policy recorded for slid (config ones come back at the next
 * reload), with the rest of their dynamic groups.  Returns the count. */
int spd_del_slid(struct spd *d, const char *slid);

/* ---- lookups ---- */

/* The selector a kernel policy index belongs to, or NULL. */
const char *spd_slid_by_index(const struct spd *d, uint32_t index);
/* Every recorded policy in installation order; fn returns non-zero to stop. */
typedef int spd_walk_fn(void *arg, const char *slid, const struct rk_policy *p, bool dynamic);
void spd_walk(const struct spd *d, spd_walk_fn *fn, void *arg);
size_t spd_count(const struct spd *d);

/* Move slid's policies from the old to the new tunnel endpoints (MIGRATE):
 * old_src/old_dst as seen outbound; inbound and forward ones swapped.
 * Returns the number migrated, or -1 (err). */
int spd_migrate(struct spd *d, const char *slid, const struct rc_addr *old_src,
		const struct rc_addr *old_dst, const struct rc_addr *new_src,
		const struct rc_addr *new_dst, char *err, size_t errlen);

/* A kernel policy expired (RK_EV_POLICY_EXPIRE, hard): drop its record. */
void spd_policy_expired(struct spd *d, uint32_t index, enum rk_dir dir);
/* The kernel handle's event callback hands every event here (spmd only
 * cares about policy expiry). */
void spd_kernel_event(struct spd *d, const struct rk_event *ev);

#endif
