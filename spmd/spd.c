/* spmd's policy database (see spd.h). */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "rk_table.h"
#include "spd.h"
#include "util.h"

#define container_of(p, type, member) ((type *)((char *)(p)-offsetof(type, member)))

struct rec {
	struct rk_tnode by_key;	  /* (selector, direction): the kernel's identity */
	struct rk_tnode by_index; /* (index, direction) */
	struct rec *prev, *next;  /* installation order */
	char *slid;
	bool dynamic;
	bool mark; /* reconcile: still wanted */
	unsigned group;
	struct rk_policy pol;
};

struct spd {
	struct rk *k;
	bool fwd;
	struct spd_resolver res;
	bool has_res;
	struct rk_table keys, indexes;
	struct rec *head, *tail;
	size_t count;
	unsigned next_group;
	const struct rcf_config *cfg;
	char **fqdns; /* registered with the resolver for cfg */
	size_t nfqdns;
	bool busy, dirty;
};

/* ---- records ---- */

static void sel_key(const struct rk_selector *sel, enum rk_dir dir, struct rk_tkey *key)
{
	size_t alen = rc_addr_len(sel->src.family);
	uint8_t hdr[5] = {(uint8_t)sel->src.family, sel->proto, (uint8_t)dir, sel->src.prefixlen,
			  sel->dst.prefixlen};
	uint16_t ports[2] = {sel->src.port, sel->dst.port};

	rk_tkey_init(key);
	rk_tkey_put(key, hdr, sizeof(hdr));
	rk_tkey_put(key, ports, sizeof(ports));
	rk_tkey_put(key, sel->src.u.bytes, alen);
	rk_tkey_put(key, sel->dst.u.bytes, alen);
}

static void index_key(uint32_t index, enum rk_dir dir, struct rk_tkey *key)
{
	uint8_t d = (uint8_t)dir;

	rk_tkey_init(key);
	rk_tkey_put(key, &index, sizeof(index));
	rk_tkey_put(key, &d, 1);
}

static struct rec *find_by_sel(const struct spd *d, const struct rk_selector *sel, enum rk_dir dir)
{
	struct rk_tkey key;

	sel_key(sel, dir, &key);
	struct rk_tnode *n = rk_table_find(&d->keys, &key);
	return n ? container_of(n, struct rec, by_key) : NULL;
}

static struct rec *find_by_index(const struct spd *d, uint32_t index, enum rk_dir dir)
{
	struct rk_tkey key;

	index_key(index, dir, &key);
	struct rk_tnode *n = rk_table_find(&d->indexes, &key);
	return n ? container_of(n, struct rec, by_index) : NULL;
}

static void index_insert(struct spd *d, struct rec *r)
{
	struct rk_tkey key;

	index_key(r->pol.index, r->pol.dir, &key);
	/* two records never share an index, but a kernel reusing one must not
	 * corrupt the table */
	struct rk_tnode *old = rk_table_find(&d->indexes, &key);
	if (old)
		rk_table_remove(&d->indexes, old);
	rk_table_insert(&d->indexes, &r->by_index, &key);
}

static void index_remove(struct spd *d, struct rec *r)
{
	struct rk_tkey key;

	index_key(r->pol.index, r->pol.dir, &key);
	if (rk_table_find(&d->indexes, &key) == &r->by_index)
		rk_table_remove(&d->indexes, &r->by_index);
}

static struct rec *rec_new(struct spd *d, const char *slid, const struct rk_policy *p, bool dynamic,
			   unsigned group)
{
	struct rec *r = rc_xcalloc(1, sizeof(*r));
	struct rk_tkey key;

	r->slid = rc_xstrdup(slid);
	r->dynamic = dynamic;
	r->group = group;
	r->mark = true;
	r->pol = *p;
	sel_key(&p->sel, p->dir, &key);
	rk_table_insert(&d->keys, &r->by_key, &key);
	index_insert(d, r);
	r->prev = d->tail;
	if (d->tail)
		d->tail->next = r;
	else
		d->head = r;
	d->tail = r;
	d->count++;
	return r;
}

static void rec_free(struct spd *d, struct rec *r)
{
	rk_table_remove(&d->keys, &r->by_key);
	index_remove(d, r);
	if (r->prev)
		r->prev->next = r->next;
	else
		d->head = r->next;
	if (r->next)
		r->next->prev = r->prev;
	else
		d->tail = r->prev;
	d->count--;
	free(r->slid);
	free(r);
}

static void rec_set_slid(struct rec *r, const char *slid)
{
	if (strcmp(r->slid, slid) == 0)
		return;
	free(r->slid);
	r->slid = rc_xstrdup(slid);
}

/* Remove from the kernel and forget.  A policy the kernel no longer has
 * (expired, deleted by hand) is gone either way. */
static int rec_remove(struct spd *d, struct rec *r)
{
	int e = rk_policy_del(d->k, &r->pol.sel, r->pol.dir);

	if (e < 0 && e != -ENOENT) {
		rc_log(RC_LOG_INTERNAL_ERR, "selector '%s': cannot remove its policy: %s", r->slid,
		       rk_error(d->k));
		return -1;
	}
	rec_free(d, r);
	return 0;
}

/* ---- comparing policies ---- */

static bool addr_same(const struct rc_addr *a, const struct rc_addr *b)
{
	return a->family == b->family && a->prefixlen == b->prefixlen && a->port == b->port &&
	       memcmp(a->u.bytes, b->u.bytes, rc_addr_len(a->family)) == 0;
}

static bool tmpl_same(const struct rk_tmpl *a, const struct rk_tmpl *b)
{
	return a->proto == b->proto && a->mode == b->mode && a->reqid == b->reqid &&
	       a->level == b->level && addr_same(&a->src, &b->src) && addr_same(&a->dst, &b->dst);
}

/* Same kernel policy, index aside. */
static bool pol_same(const struct rk_policy *a, const struct rk_policy *b)
{
	if (a->dir != b->dir || a->action != b->action || a->priority != b->priority ||
	    a->ntmpl != b->ntmpl || a->sel.proto != b->sel.proto ||
	    !addr_same(&a->sel.src, &b->sel.src) || !addr_same(&a->sel.dst, &b->sel.dst) ||
	    memcmp(&a->lifetime, &b->lifetime, sizeof(a->lifetime)) != 0)
		return false;
	for (size_t i = 0; i < a->ntmpl; i++)
		if (!tmpl_same(&a->tmpl[i], &b->tmpl[i]))
			return false;
	return true;
}

/* ---- life cycle ---- */

struct spd *spd_new(struct rk *k, bool fwd)
{
	struct spd *d = rc_xcalloc(1, sizeof(*d));

	d->k = k;
	d->fwd = fwd;
	d->next_group = 1;
	rk_table_init(&d->keys);
	rk_table_init(&d->indexes);
	return d;
}

static void fqdns_release(struct spd *d, char **v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (d->has_res)
			d->res.unreg(d->res.arg, v[i]);
		free(v[i]);
	}
	free(v);
}

void spd_free(struct spd *d)
{
	if (!d)
		return;
	while (d->head)
		rec_free(d, d->head);
	fqdns_release(d, d->fqdns, d->nfqdns);
	rk_table_free(&d->keys);
	rk_table_free(&d->indexes);
	free(d);
}

void spd_set_resolver(struct spd *d, const struct spd_resolver *r)
{
	if (r)
		d->res = *r;
	d->has_res = r != NULL;
}

const struct rcf_config *spd_config(const struct spd *d)
{
	return d->cfg;
}

size_t spd_count(const struct spd *d)
{
	return d->count;
}

/* ---- what the configuration asks for ---- */

struct want {
	const struct rcf_selector *s;
	struct rk_policy pol;
	struct rec *have;
	size_t selno; /* index of the selector in the run, for counting failures */
};

struct wantlist {
	struct want *v;
	size_t n, cap;
};

static void want_push(struct wantlist *w, const struct rcf_selector *s, const struct rk_policy *p,
		      size_t selno)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 64;
		w->v = rc_xreallocarray(w->v, w->cap, sizeof(*w->v));
	}
	w->v[w->n++] = (struct want){.s = s, .pol = *p, .selno = selno};
}

static bool is_rw(const struct rcf_addrlist *l)
{
	return l->n > 0 && l->v[0].kind == RCF_ADDR_MACRO && l->v[0].macro == RCF_IP_RW;
}

/* compat §3.5: the policies generated at run time are not installed */
static const char *skip_reason(const struct rcf_config *cfg, const struct rcf_policy *p)
{
	if (!p->install.v)
		return "install off";
	if (rcf_isset(p->ipsec_mode) && p->ipsec_mode.v == RCF_MODE_TUNNEL &&
	    (is_rw(&p->my_sa_ipaddr) || is_rw(&p->peers_sa_ipaddr)))
		return "tunnel endpoint IP_RW: generated when a peer connects";
	const struct rcf_remote *rm = p->remote;
	if (!rm && cfg->has_default_remote)
		rm = &cfg->default_remote;
	if (rm && rcf_isset(rm->kmp[RCF_KMP_IKEV2].provide.addresspool))
		return "its remote leases addresses from a pool: generated per lease";
	return NULL;
}

enum side_state { SIDE_OK, SIDE_MACRO, SIDE_PENDING, SIDE_FAIL };

static enum side_state side_addr(struct spd *d, const struct rcf_addrlist *l, int family,
				 struct rc_addr *out, char *err, size_t errlen)
{
	if (l->n == 0) {
		rc_set_err(err, errlen, "no address");
		return SIDE_FAIL;
	}
	const struct rcf_addrspec *a = &l->v[0];
	switch (a->kind) {
	case RCF_ADDR_NUMERIC:
		*out = a->addr;
		return SIDE_OK;
	case RCF_ADDR_MACRO:
		if (a->macro == RCF_IP_ANY || a->macro == RCF_IP_RW)
			return SIDE_MACRO;
		rc_set_err(err, errlen, "the macro %s cannot stand in a selector", a->text);
		return SIDE_FAIL;
	case RCF_ADDR_FQDN: {
		const struct rc_addr *v = NULL;
		size_t n;
		if (!d->has_res) {
			rc_set_err(err, errlen, "%s is a host name and spmd has no resolver",
				   a->text);
			return SIDE_FAIL;
		}
		n = d->res.addrs(d->res.arg, a->text, &v);
		for (size_t i = 0; i < n; i++) {
			if (family == AF_UNSPEC || v[i].family == family) {
				*out = v[i];
				out->prefixlen = (uint8_t)rc_addr_maxprefix(out->family);
				return SIDE_OK;
			}
		}
		rc_set_err(err, errlen, "waiting for %s to resolve%s", a->text,
			   n ? " to an address of the other side's family" : "");
		return SIDE_PENDING;
	}
	default:
		rc_set_err(err, errlen, "%s is not an IP address", a->text);
		return SIDE_FAIL;
	}
}

static void unspecified(struct rc_addr *a, int family)
{
	memset(a, 0, sizeof(*a));
	a->family = (sa_family_t)family;
}

/* The selector's src and dst, with one-sided IP_ANY/IP_RW as the other
 * side's wildcard (compat §3.5). */
static enum side_state selector_addrs(struct spd *d, const struct rcf_selector *s,
				      struct rc_addr *src, struct rc_addr *dst, char *err,
				      size_t errlen)
{
	enum side_state a, b;

	a = side_addr(d, &s->src, AF_UNSPEC, src, err, errlen);
	if (a == SIDE_FAIL || a == SIDE_PENDING)
		return a;
	b = side_addr(d, &s->dst, a == SIDE_OK ? src->family : AF_UNSPEC, dst, err, errlen);
	if (b == SIDE_FAIL || b == SIDE_PENDING)
		return b;
	if (a == SIDE_MACRO && b == SIDE_MACRO) {
		rc_set_err(err, errlen, "src and dst are both macros");
		return SIDE_FAIL;
	}
	if (a == SIDE_MACRO)
		unspecified(src, dst->family);
	if (b == SIDE_MACRO)
		unspecified(dst, src->family);
	if (a == SIDE_OK && b == SIDE_OK && src->family != dst->family) {
		/* an FQDN on the src side may also have an address of dst's family */
		enum side_state again = side_addr(d, &s->src, dst->family, src, err, errlen);
		if (again != SIDE_OK)
			return again == SIDE_PENDING ? SIDE_PENDING : SIDE_FAIL;
	}
	return SIDE_OK;
}

static int sa_endpoint(const struct rcf_addrlist *l, const char *what, int family,
		       struct rc_addr *out, char *err, size_t errlen)
{
	if (l->n == 0)
		return rc_set_err(err, errlen, "tunnel mode without %s", what);
	const struct rcf_addrspec *a = &l->v[0];
	if (a->kind == RCF_ADDR_NUMERIC) {
		*out = a->addr;
		return 0;
	}
	if (a->kind != RCF_ADDR_MACRO)
		return rc_set_err(err, errlen, "%s %s is not an IP address", what, a->text);
	struct rc_addr *v = NULL;
	char why[128];
	int n = rcf_macro_expand(a, &v, why, sizeof(why));
	if (n < 0)
		return rc_set_err(err, errlen, "%s %s: %s", what, a->text, why);
	for (int i = 0; i < n; i++) {
		if (family == AF_UNSPEC || v[i].family == family) {
			*out = v[i];
			free(v);
			return 0;
		}
	}
	free(v);
	return rc_set_err(err, errlen, "%s %s has no address on this host", what, a->text);
}

/* The kernel policies of one configured selector (one, or two with the
 * forward policy).  Returns the count, 0 when pending, -1 on failure. */
static int selector_policies(struct spd *d, const struct rcf_selector *s, struct rk_policy out[2],
			     char *err, size_t errlen)
{
	const struct rcf_policy *p = s->policy;
	struct rc_addr src, dst, my = {0}, peer = {0};
	enum side_state st;

	if (!rcf_isset(s->direction))
		return rc_set_err(err, errlen, "no direction (inbound or outbound)");
	st = selector_addrs(d, s, &src, &dst, err, errlen);
	if (st == SIDE_PENDING)
		return 0;
	if (st == SIDE_FAIL)
		return -1;
	bool in = s->direction.v == RCF_DIR_INBOUND;
	bool ipsec = rcf_isset(p->action) && p->action.v == RCF_ACT_AUTO_IPSEC;
	bool tunnel = ipsec && rcf_isset(p->ipsec_mode) && p->ipsec_mode.v == RCF_MODE_TUNNEL;
	if (tunnel) {
		if (sa_endpoint(&p->my_sa_ipaddr, "my_sa_ipaddr", AF_UNSPEC, &my, err, errlen) <
			    0 ||
		    sa_endpoint(&p->peers_sa_ipaddr, "peers_sa_ipaddr", my.family, &peer, err,
				errlen) < 0)
			return -1;
	}
	if (spd_build_policy(s, in ? RK_DIR_IN : RK_DIR_OUT, &src, &dst,
			     tunnel ? RK_MODE_TUNNEL : RK_MODE_TRANSPORT, in ? &peer : &my,
			     in ? &my : &peer, &out[0], err, errlen) < 0)
		return -1;
	if (!(in && tunnel && d->fwd))
		return 1;
	out[1] = out[0];
	out[1].dir = RK_DIR_FWD;
	return 2;
}

static void collect_wants(struct spd *d, struct wantlist *w, struct spd_stats *st)
{
	const struct rcf_config *cfg = d->cfg;
	char err[256];

	for (size_t i = 0; i < cfg->nselectors; i++) {
		const struct rcf_selector *s = cfg->selectors[i];
		struct rk_policy pol[2];
		const char *why;
		if (!s->policy)
			continue;
		if ((why = skip_reason(cfg, s->policy))) {
			rc_log_debug(1, "selector '%s' not installed at start: %s", s->name, why);
			st->skipped++;
			continue;
		}
		int n = selector_policies(d, s, pol, err, sizeof(err));
		if (n < 0) {
			rc_log(RC_LOG_INTERNAL_ERR, "selector '%s' not installed: %s", s->name,
			       err);
			st->failed++;
		} else if (n == 0) {
			rc_log(RC_LOG_INFO, "selector '%s' pending: %s", s->name, err);
			st->pending++;
		}
		for (int j = 0; j < n; j++)
			want_push(w, s, &pol[j], i);
	}
}

static const char *dir_name(enum rk_dir dir)
{
	return dir == RK_DIR_IN ? "in" : dir == RK_DIR_OUT ? "out" : "fwd";
}

/* One pass: mark what stays, remove what went, add or replace the rest. */
static void reconcile_once(struct spd *d, struct spd_stats *st)
{
	struct wantlist w = {0};
	size_t *failed_sel;

	memset(st, 0, sizeof(*st));
	for (struct rec *r = d->head; r; r = r->next)
		r->mark = r->dynamic;
	collect_wants(d, &w, st);
	failed_sel = rc_xcalloc(d->cfg->nselectors + 1, sizeof(*failed_sel));
	for (size_t i = 0; i < w.n; i++) {
		struct rec *r = find_by_sel(d, &w.v[i].pol.sel, w.v[i].pol.dir);
		if (r && r->dynamic) {
			rc_log(RC_LOG_INTERNAL_ERR,
			       "selector '%s' not installed: its traffic (dir %s) is held by a "
			       "policy generated for '%s'",
			       w.v[i].s->name, dir_name(w.v[i].pol.dir), r->slid);
			failed_sel[w.v[i].selno] = 1;
			w.v[i].s = NULL;
			continue;
		}
		if (r && r->mark) {
			rc_log(RC_LOG_INTERNAL_ERR,
			       "selector '%s' not installed: selector '%s' already covers the "
			       "same traffic (dir %s)",
			       w.v[i].s->name, r->slid, dir_name(w.v[i].pol.dir));
			failed_sel[w.v[i].selno] = 1;
			w.v[i].s = NULL;
			continue;
		}
		if (r)
			r->mark = true;
		w.v[i].have = r;
	}
	for (struct rec *r = d->head, *next; r; r = next) {
		next = r->next;
		if (!r->mark && rec_remove(d, r) == 0)
			st->removed++;
	}
	for (size_t i = 0; i < w.n; i++) {
		struct want *x = &w.v[i];
		if (!x->s)
			continue;
		if (x->have && pol_same(&x->have->pol, &x->pol)) {
			rec_set_slid(x->have, x->s->name);
			st->unchanged++;
			continue;
		}
		int e = rk_policy_add(d->k, &x->pol, x->have != NULL);
		if (e < 0) {
			rc_log(RC_LOG_INTERNAL_ERR, "selector '%s' not installed (dir %s): %s",
			       x->s->name, dir_name(x->pol.dir), rk_error(d->k));
			failed_sel[x->selno] = 1;
			continue;
		}
		if (x->have) {
			index_remove(d, x->have);
			x->have->pol = x->pol;
			index_insert(d, x->have);
			rec_set_slid(x->have, x->s->name);
			st->changed++;
		} else {
			rec_new(d, x->s->name, &x->pol, false, 0);
			st->added++;
		}
	}
	for (size_t i = 0; i < d->cfg->nselectors; i++)
		st->failed += (unsigned)failed_sel[i];
	free(failed_sel);
	free(w.v);
}

static void reconcile(struct spd *d, struct spd_stats *st)
{
	d->busy = true;
	do {
		d->dirty = false;
		reconcile_once(d, st);
	} while (d->dirty);
	d->busy = false;
}

static bool fqdn_listed(char **v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], name) == 0)
			return true;
	return false;
}

/* Register the FQDNs the configuration's installable selectors name (each
 * once), before the old configuration's are released, so a name in both
 * keeps its cache. */
static void fqdns_register(struct spd *d, char ***outv, size_t *outn)
{
	const struct rcf_config *cfg = d->cfg;
	char **v = NULL, err[256];
	size_t n = 0;

	for (size_t i = 0; d->has_res && i < cfg->nselectors; i++) {
		const struct rcf_selector *s = cfg->selectors[i];
		if (!s->policy || skip_reason(cfg, s->policy))
			continue;
		const struct rcf_addrlist *sides[2] = {&s->src, &s->dst};
		for (int j = 0; j < 2; j++) {
			if (sides[j]->n == 0 || sides[j]->v[0].kind != RCF_ADDR_FQDN)
				continue;
			const char *name = sides[j]->v[0].text;
			if (fqdn_listed(v, n, name))
				continue;
			if (d->res.reg(d->res.arg, name, err, sizeof(err)) < 0) {
				rc_log(RC_LOG_INTERNAL_ERR, "selector '%s': %s: %s", s->name, name,
				       err);
				continue;
			}
			v = rc_xreallocarray(v, n + 1, sizeof(*v));
			v[n++] = rc_xstrdup(name);
		}
	}
	*outv = v;
	*outn = n;
}

int spd_apply_config(struct spd *d, const struct rcf_config *cfg, struct spd_stats *st)
{
	struct spd_stats local;
	char **oldv = d->fqdns, **newv;
	size_t oldn = d->nfqdns, newn;

	if (!st)
		st = &local;
	d->cfg = cfg;
	d->busy = true; /* the resolver may answer from its cache at once */
	fqdns_register(d, &newv, &newn);
	d->fqdns = newv;
	d->nfqdns = newn;
	reconcile(d, st);
	fqdns_release(d, oldv, oldn);
	return (int)st->failed;
}

void spd_fqdn_changed(struct spd *d, const char *fqdn)
{
	struct spd_stats st;

	if (!d->cfg)
		return;
	if (d->busy) {
		d->dirty = true;
		return;
	}
	reconcile(d, &st);
	if (st.added || st.removed || st.changed)
		rc_log(RC_LOG_INFO, "%s changed: %u policies added, %u removed, %u changed", fqdn,
		       st.added, st.removed, st.changed);
}

/* ---- dynamic policies ---- */

static void group_drop(struct spd *d, unsigned group, struct rec *except)
{
	for (struct rec *r = d->head, *next; r; r = next) {
		next = r->next;
		if (r != except && r->dynamic && r->group == group)
			rec_remove(d, r);
	}
}

int spd_add_dynamic(struct spd *d, struct spd_dyn *v, size_t n, char *err, size_t errlen)
{
	unsigned group = d->next_group++;
	size_t i;

	for (i = 0; i < n; i++) {
		struct rec *r = find_by_sel(d, &v[i].pol.sel, v[i].pol.dir);
		/* a peer that reconnects replaces what it had */
		if (rk_policy_add(d->k, &v[i].pol, r != NULL) < 0) {
			rc_set_err(err, errlen, "%s", rk_error(d->k));
			break;
		}
		if (r) {
			index_remove(d, r);
			r->pol = v[i].pol;
			index_insert(d, r);
			rec_set_slid(r, v[i].slid);
			r->dynamic = true;
			r->group = group;
		} else {
			rec_new(d, v[i].slid, &v[i].pol, true, group);
		}
	}
	if (i == n)
		return 0;
	group_drop(d, group, NULL);
	return -1;
}

int spd_del_dynamic(struct spd *d, const char *slid, const struct rk_selector *sel, enum rk_dir dir,
		    char *err, size_t errlen)
{
	struct rec *r = find_by_sel(d, sel, dir);
	int count = 0;

	if (!r || !r->dynamic || strcmp(r->slid, slid) != 0)
		return rc_set_err(err, errlen, "no policy generated for %s with these addresses",
				  slid);
	unsigned group = r->group;
	for (struct rec *x = d->head, *next; x; x = next) {
		next = x->next;
		if (x->dynamic && x->group == group && rec_remove(d, x) == 0)
			count++;
	}
	return count;
}

/* Mark slid's records and the dynamic groups they belong to. */
static size_t mark_slid(struct spd *d, const char *slid)
{
	size_t n = 0;

	for (struct rec *r = d->head; r; r = r->next)
		r->mark = false;
	for (struct rec *r = d->head; r; r = r->next) {
		if (strcmp(r->slid, slid) != 0)
			continue;
		r->mark = true;
		if (!r->dynamic)
			continue;
		for (struct rec *x = d->head; x; x = x->next)
			if (x->dynamic && x->group == r->group)
				x->mark = true;
	}
	for (struct rec *r = d->head; r; r = r->next)
		n += r->mark;
	return n;
}

int spd_del_slid(struct spd *d, const char *slid)
{
	int count = 0;

	mark_slid(d, slid);
	for (struct rec *r = d->head, *next; r; r = next) {
		next = r->next;
		if (r->mark && rec_remove(d, r) == 0)
			count++;
	}
	return count;
}

/* ---- lookups ---- */

const char *spd_slid_by_index(const struct spd *d, uint32_t index)
{
	static const enum rk_dir dirs[] = {RK_DIR_OUT, RK_DIR_IN, RK_DIR_FWD};

	for (size_t i = 0; i < RC_ARRAY_SIZE(dirs); i++) {
		struct rec *r = find_by_index(d, index, dirs[i]);
		if (r)
			return r->slid;
	}
	return NULL;
}

void spd_walk(const struct spd *d, spd_walk_fn *fn, void *arg)
{
	for (struct rec *r = d->head; r; r = r->next)
		if (fn(arg, r->slid, &r->pol, r->dynamic))
			return;
}

int spd_migrate(struct spd *d, const char *slid, const struct rc_addr *old_src,
		const struct rc_addr *old_dst, const struct rc_addr *new_src,
		const struct rc_addr *new_dst, char *err, size_t errlen)
{
	int count = 0;

	mark_slid(d, slid);
	for (struct rec *r = d->head; r; r = r->next) {
		if (!r->mark || r->pol.ntmpl == 0)
			continue;
		bool out = r->pol.dir == RK_DIR_OUT;
		struct rk_tmpl *t = &r->pol.tmpl[0];
		struct rk_migrate m = {
			.sel = r->pol.sel,
			.dir = r->pol.dir,
			.proto = t->proto,
			.mode = t->mode,
			.reqid = t->reqid,
			.old_src = out ? *old_src : *old_dst,
			.old_dst = out ? *old_dst : *old_src,
			.new_src = out ? *new_src : *new_dst,
			.new_dst = out ? *new_dst : *new_src,
		};
		if (rk_migrate(d->k, &m) < 0)
			return rc_set_err(err, errlen, "%s", rk_error(d->k));
		if (t->mode == RK_MODE_TUNNEL) {
			t->src = m.new_src;
			t->dst = m.new_dst;
		}
		count++;
	}
	if (count == 0)
		return rc_set_err(err, errlen, "no IPsec policy installed for %s", slid);
	return count;
}

void spd_policy_expired(struct spd *d, uint32_t index, enum rk_dir dir)
{
	struct rec *r = find_by_index(d, index, dir);

	if (!r)
		return;
	rc_log(RC_LOG_INFO, "selector '%s': policy %u (dir %s) expired", r->slid, index,
	       dir_name(dir));
	rec_free(d, r);
}

void spd_kernel_event(struct spd *d, const struct rk_event *ev)
{
	if (ev->type == RK_EV_POLICY_EXPIRE && ev->u.policy_expire.hard)
		spd_policy_expired(d, ev->u.policy_expire.index, ev->u.policy_expire.dir);
}
