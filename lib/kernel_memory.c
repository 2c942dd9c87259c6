/* The memory kernel backend: an in-process SAD/SPD with the kernel's
 * semantics, for host-only tests and dry runs (see kernel_memory.h).
 *
 * One store is shared by all memory handles of the process, as the kernel
 * is shared by all sockets: events go to every handle, and rk_flush() on
 * one handle leaves what another added.  Lifetime timers run on the event
 * base of the handle that added the object (its own private base when it
 * has none, run by rk_poll_events), and move to another handle when that
 * one closes. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "kernel_backend.h"
#include "kernel_memory.h"
#include "rk_table.h"
#include "util.h"

struct mem_handle;

struct mem_timer {
	struct event *ev;
	struct mem_handle *owner;
	long deadline_ms; /* CLOCK_MONOTONIC */
	event_callback_fn cb;
	void *arg;
};

struct mem_sa {
	struct rk_tnode node; /* by (proto, spi, dst) */
	struct mem_sa *prev, *next;
	struct rk_sa sa;
	bool larval;
	uint64_t add_time;
	long add_ms;
	struct mem_timer soft, hard;
};

struct mem_pol {
	struct rk_tnode node;  /* by (selector, dir) */
	struct rk_tnode inode; /* by index */
	struct mem_pol *prev, *next;
	struct rk_policy p;
	long add_ms;
	struct mem_timer soft, hard;
};

struct mem_acq {
	struct mem_acq *prev, *next;
	struct mem_handle *owner;
	struct event *ev;
	struct rk_acquire acq;
};

struct mem_handle {
	struct rk *k;
	struct event_base *base;
	bool own_base;
	struct mem_handle *next;
	struct mem_acq *acqs;
};

struct mem_store {
	struct rk_table sas, pols, pidx;
	struct mem_sa *sa_head, *sa_tail;
	struct mem_pol *pol_head, *pol_tail;
	uint32_t next_index;
	uint64_t rng;
	struct mem_handle *handles;
};

static struct mem_store *store;

/* --- small helpers --- */

static long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* splitmix64: SPIs need to be unpredictable only in the sense that tests
 * must not rely on them, not against an attacker. */
static uint64_t rng_next(void)
{
	uint64_t z = (store->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void idx_key(struct rk_tkey *key, uint32_t index)
{
	rk_tkey_init(key);
	rk_tkey_put(key, &index, 4);
}

static struct mem_sa *sa_find(uint8_t proto, uint32_t spi, const struct rc_addr *dst)
{
	struct rk_tkey key;

	rk_tkey_sa(&key, proto, spi, dst);
	return (struct mem_sa *)rk_table_find(&store->sas, &key);
}

static struct mem_pol *pol_find(const struct rk_selector *sel, enum rk_dir dir)
{
	struct rk_tkey key;

	rk_tkey_policy(&key, sel, dir);
	return (struct mem_pol *)rk_table_find(&store->pols, &key);
}

static struct mem_pol *pol_by_index(uint32_t index)
{
	struct rk_tkey key;
	struct rk_tnode *n;

	idx_key(&key, index);
	n = rk_table_find(&store->pidx, &key);
	return n ? (struct mem_pol *)((char *)n - offsetof(struct mem_pol, inode)) : NULL;
}

static const char *ntop(const struct rc_addr *a, char *buf)
{
	return rc_addr_ntop(a, buf, RC_ADDR_STRLEN);
}

/* --- timers --- */

static void timer_stop(struct mem_timer *t)
{
	if (t->ev)
		event_free(t->ev);
	t->ev = NULL;
	t->owner = NULL;
}

static void timer_arm(struct mem_timer *t, struct mem_handle *owner, long deadline_ms)
{
	long left = deadline_ms - mono_ms();
	struct timeval tv;

	timer_stop(t);
	if (left < 0)
		left = 0;
	t->ev = evtimer_new(owner->base, t->cb, t->arg);
	if (!t->ev)
		abort();
	t->owner = owner;
	t->deadline_ms = deadline_ms;
	tv.tv_sec = left / 1000;
	tv.tv_usec = (left % 1000) * 1000;
	evtimer_add(t->ev, &tv);
}

/* Arm when the lifetime asks for it (seconds after add; 0 = none). */
static void timer_set(struct mem_timer *t, struct mem_handle *owner, long add_ms, uint64_t sec,
		      event_callback_fn cb, void *arg)
{
	timer_stop(t);
	t->cb = cb;
	t->arg = arg;
	if (sec == 0)
		return;
	if (sec > 100ull * 365 * 86400)
		sec = 100ull * 365 * 86400;
	timer_arm(t, owner, add_ms + (long)sec * 1000);
}

static void timer_rehome(struct mem_timer *t, struct mem_handle *from, struct mem_handle *to)
{
	if (!t->ev || t->owner != from)
		return;
	if (to)
		timer_arm(t, to, t->deadline_ms);
	else
		timer_stop(t);
}

static void emit_all(const struct rk_event *ev)
{
	struct mem_handle *h, *next;

	for (h = store ? store->handles : NULL; h; h = next) {
		next = h->next;
		rk_emit(h->k, ev);
	}
}

/* --- SAD --- */

static void sa_free(struct mem_sa *s)
{
	timer_stop(&s->soft);
	timer_stop(&s->hard);
	rk_table_remove(&store->sas, &s->node);
	if (s->prev)
		s->prev->next = s->next;
	else
		store->sa_head = s->next;
	if (s->next)
		s->next->prev = s->prev;
	else
		store->sa_tail = s->prev;
	rc_freezero(s, sizeof(*s));
}

static void sa_link(struct mem_sa *s)
{
	struct rk_tkey key;

	rk_tkey_sa(&key, s->sa.proto, s->sa.spi, &s->sa.dst);
	rk_table_insert(&store->sas, &s->node, &key);
	s->prev = store->sa_tail;
	s->next = NULL;
	if (store->sa_tail)
		store->sa_tail->next = s;
	else
		store->sa_head = s;
	store->sa_tail = s;
}

static void sa_expire(struct mem_sa *s, bool hard)
{
	struct rk_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = RK_EV_EXPIRE;
	ev.u.expire.id.proto = s->sa.proto;
	ev.u.expire.id.spi = s->sa.spi;
	ev.u.expire.id.src = s->sa.src;
	ev.u.expire.id.dst = s->sa.dst;
	ev.u.expire.reqid = s->sa.reqid;
	ev.u.expire.hard = hard;
	ev.u.expire.cur.add_time = s->add_time;
	if (hard)
		sa_free(s);
	emit_all(&ev);
}

static void sa_soft_cb(evutil_socket_t fd, short what, void *arg)
{
	sa_expire(arg, false);
}

static void sa_hard_cb(evutil_socket_t fd, short what, void *arg)
{
	sa_expire(arg, true);
}

static void sa_arm(struct mem_sa *s, struct mem_handle *h)
{
	timer_set(&s->soft, h, s->add_ms, s->sa.lifetime.soft_add_sec, sa_soft_cb, s);
	timer_set(&s->hard, h, s->add_ms, s->sa.lifetime.hard_add_sec, sa_hard_cb, s);
}

static bool spi_free(uint8_t proto, uint32_t spi, const struct rc_addr *dst)
{
	return !sa_find(proto, spi, dst);
}

static int mem_getspi(struct rk *k, uint8_t proto, const struct rc_addr *src,
		      const struct rc_addr *dst, uint32_t min, uint32_t max, uint32_t reqid,
		      uint32_t *spi)
{
	uint64_t n, start;
	uint32_t found = 0;
	bool ok = false;
	struct mem_sa *s;
	char a[RC_ADDR_STRLEN];

	if (min == 0 && max == 0) {
		min = 256; /* 1-255 are reserved by IANA */
		max = proto == RK_PROTO_COMP ? 0xffff : UINT32_MAX;
	}
	n = (uint64_t)max - min + 1;
	for (int i = 0; i < 64 && !ok; i++) {
		found = (uint32_t)(min + rng_next() % n);
		ok = found != 0 && spi_free(proto, found, dst);
	}
	/* a nearly full range: walk it once from a random place */
	start = rng_next() % n;
	for (uint64_t i = 0; i < n && !ok; i++) {
		found = (uint32_t)(min + (start + i) % n);
		ok = found != 0 && spi_free(proto, found, dst);
	}
	if (!ok)
		return rk_fail(k, ENOENT, "memory: no free SPI in 0x%x-0x%x for %s", min, max,
			       ntop(dst, a));
	s = rc_xcalloc(1, sizeof(*s));
	s->sa.proto = proto;
	s->sa.spi = found;
	s->sa.src = *src;
	s->sa.dst = *dst;
	s->sa.reqid = reqid;
	s->larval = true;
	s->add_time = (uint64_t)time(NULL);
	s->add_ms = mono_ms();
	s->soft.cb = sa_soft_cb;
	s->hard.cb = sa_hard_cb;
	sa_link(s);
	*spi = found;
	return 0;
}

static int mem_sa_add(struct rk *k, const struct rk_sa *sa, bool update)
{
	struct mem_sa *s = sa_find(sa->proto, sa->spi, &sa->dst);
	char a[RC_ADDR_STRLEN];

	if (s && !update)
		return rk_fail(k, EEXIST, "memory: an SA with SPI 0x%08x to %s exists", sa->spi,
			       ntop(&sa->dst, a));
	if (!s && update)
		return rk_fail(k, ENOENT, "memory: no SA with SPI 0x%08x to %s to update", sa->spi,
			       ntop(&sa->dst, a));
	if (!s) {
		s = rc_xcalloc(1, sizeof(*s));
		s->add_time = (uint64_t)time(NULL);
		s->add_ms = mono_ms();
		s->sa = *sa;
		sa_link(s);
	} else {
		if (s->larval) {
			s->add_time = (uint64_t)time(NULL);
			s->add_ms = mono_ms();
		}
		s->sa = *sa;
	}
	s->larval = false;
	sa_arm(s, rk_priv(k));
	return 0;
}

static int mem_sa_del(struct rk *k, const struct rk_sa_id *id)
{
	struct mem_sa *s = sa_find(id->proto, id->spi, &id->dst);
	char a[RC_ADDR_STRLEN];

	if (!s)
		return rk_fail(k, ENOENT, "memory: no SA with SPI 0x%08x to %s", id->spi,
			       ntop(&id->dst, a));
	sa_free(s);
	return 0;
}

static void sa_info(const struct mem_sa *s, struct rk_sa_info *out)
{
	memset(out, 0, sizeof(*out));
	out->sa = s->sa;
	memset(out->sa.enc_key, 0, sizeof(out->sa.enc_key));
	memset(out->sa.auth_key, 0, sizeof(out->sa.auth_key));
	out->cur.add_time = s->add_time;
}

static int mem_sa_get(struct rk *k, const struct rk_sa_id *id, struct rk_sa_info *out)
{
	struct mem_sa *s = sa_find(id->proto, id->spi, &id->dst);
	char a[RC_ADDR_STRLEN];

	if (!s)
		return rk_fail(k, ENOENT, "memory: no SA with SPI 0x%08x to %s", id->spi,
			       ntop(&id->dst, a));
	sa_info(s, out);
	return 0;
}

static int mem_sa_dump(struct rk *k, int (*cb)(const struct rk_sa_info *, void *), void *arg)
{
	struct rk_sa_info info;

	for (struct mem_sa *s = store->sa_head; s; s = s->next) {
		sa_info(s, &info);
		if (cb(&info, arg))
			break;
	}
	rc_memzero(&info, sizeof(info));
	return 0;
}

/* --- SPD --- */

static void pol_free(struct mem_pol *p)
{
	timer_stop(&p->soft);
	timer_stop(&p->hard);
	rk_table_remove(&store->pols, &p->node);
	rk_table_remove(&store->pidx, &p->inode);
	if (p->prev)
		p->prev->next = p->next;
	else
		store->pol_head = p->next;
	if (p->next)
		p->next->prev = p->prev;
	else
		store->pol_tail = p->prev;
	free(p);
}

static void pol_expire(struct mem_pol *p, bool hard)
{
	struct rk_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = RK_EV_POLICY_EXPIRE;
	ev.u.policy_expire.index = p->p.index;
	ev.u.policy_expire.dir = p->p.dir;
	ev.u.policy_expire.sel = p->p.sel;
	ev.u.policy_expire.hard = hard;
	if (hard)
		pol_free(p);
	emit_all(&ev);
}

static void pol_soft_cb(evutil_socket_t fd, short what, void *arg)
{
	pol_expire(arg, false);
}

static void pol_hard_cb(evutil_socket_t fd, short what, void *arg)
{
	pol_expire(arg, true);
}

static void pol_arm(struct mem_pol *p, struct mem_handle *h)
{
	timer_set(&p->soft, h, p->add_ms, p->p.lifetime.soft_add_sec, pol_soft_cb, p);
	timer_set(&p->hard, h, p->add_ms, p->p.lifetime.hard_add_sec, pol_hard_cb, p);
}

/* Like XFRM: a counter in the high bits, the direction in the low 3, so
 * an index never repeats while the store lives and names its direction. */
static uint32_t new_index(enum rk_dir dir)
{
	uint32_t idx;

	do {
		store->next_index = (store->next_index + 1) & 0x1fffffff;
		idx = (store->next_index << 3) | (uint32_t)dir;
	} while (store->next_index == 0 || pol_by_index(idx));
	return idx;
}

static int mem_policy_add(struct rk *k, struct rk_policy *p, bool update)
{
	struct mem_pol *m = pol_find(&p->sel, p->dir);
	struct rk_tkey key;

	if (m && !update)
		return rk_fail(k, EEXIST,
			       "memory: a policy with this selector and direction "
			       "exists (index %u)",
			       m->p.index);
	if (m) {
		/* an update keeps the policy's index, place and age, as XFRM does */
		p->index = m->p.index;
		p->cur = m->p.cur;
		m->p = *p;
	} else {
		m = rc_xcalloc(1, sizeof(*m));
		m->p = *p;
		m->p.cur = (struct rk_current){.add_time = (uint64_t)time(NULL)};
		m->p.index = p->index = new_index(p->dir);
		rk_tkey_policy(&key, &p->sel, p->dir);
		rk_table_insert(&store->pols, &m->node, &key);
		idx_key(&key, m->p.index);
		rk_table_insert(&store->pidx, &m->inode, &key);
		m->prev = store->pol_tail;
		if (store->pol_tail)
			store->pol_tail->next = m;
		else
			store->pol_head = m;
		store->pol_tail = m;
	}
	m->add_ms = mono_ms();
	pol_arm(m, rk_priv(k));
	return 0;
}

static int mem_policy_del(struct rk *k, const struct rk_selector *sel, enum rk_dir dir)
{
	struct mem_pol *m = pol_find(sel, dir);

	if (!m)
		return rk_fail(k, ENOENT, "memory: no policy with this selector and direction");
	pol_free(m);
	return 0;
}

static int mem_policy_del_index(struct rk *k, uint32_t index, enum rk_dir dir)
{
	struct mem_pol *m = pol_by_index(index);

	if (!m || m->p.dir != dir)
		return rk_fail(k, ENOENT, "memory: no policy with index %u", index);
	pol_free(m);
	return 0;
}

static int mem_policy_dump(struct rk *k, int (*cb)(const struct rk_policy *, void *), void *arg)
{
	for (struct mem_pol *m = store->pol_head; m; m = m->next)
		if (cb(&m->p, arg))
			break;
	return 0;
}

/* --- MIGRATE --- */

static bool endpoints_are(const struct rc_addr *src, const struct rc_addr *dst,
			  const struct rc_addr *osrc, const struct rc_addr *odst)
{
	return rc_addr_equal(src, osrc) && rc_addr_equal(dst, odst);
}

static int mem_migrate(struct rk *k, const struct rk_migrate *mg)
{
	struct mem_pol *m = pol_find(&mg->sel, mg->dir);
	struct mem_sa *s, *next;
	struct rk_tkey key;

	if (!m)
		return rk_fail(k, ENOENT, "memory: migrate: no policy with this selector");
	for (size_t i = 0; i < m->p.ntmpl; i++) {
		struct rk_tmpl *t = &m->p.tmpl[i];

		if (t->proto == mg->proto && t->mode == mg->mode &&
		    endpoints_are(&t->src, &t->dst, &mg->old_src, &mg->old_dst)) {
			t->src = mg->new_src;
			t->dst = mg->new_dst;
		}
	}
	for (s = store->sa_head; s; s = next) {
		next = s->next;
		if (s->sa.proto != mg->proto || s->sa.mode != mg->mode ||
		    (mg->reqid && s->sa.reqid != mg->reqid) ||
		    !endpoints_are(&s->sa.src, &s->sa.dst, &mg->old_src, &mg->old_dst))
			continue;
		if (sa_find(s->sa.proto, s->sa.spi, &mg->new_dst))
			return rk_fail(k, EEXIST,
				       "memory: migrate: SPI 0x%08x is taken at the "
				       "new destination",
				       s->sa.spi);
		rk_table_remove(&store->sas, &s->node);
		s->sa.src = mg->new_src;
		s->sa.dst = mg->new_dst;
		rk_tkey_sa(&key, s->sa.proto, s->sa.spi, &s->sa.dst);
		rk_table_insert(&store->sas, &s->node, &key);
	}
	return 0;
}

/* --- ACQUIRE injection --- */

static void acq_free(struct mem_acq *a)
{
	struct mem_handle *h = a->owner;

	if (a->prev)
		a->prev->next = a->next;
	else
		h->acqs = a->next;
	if (a->next)
		a->next->prev = a->prev;
	event_free(a->ev);
	free(a);
}

static void acq_cb(evutil_socket_t fd, short what, void *arg)
{
	struct mem_acq *a = arg;
	struct rk_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = RK_EV_ACQUIRE;
	ev.u.acquire = a->acq;
	acq_free(a);
	emit_all(&ev);
}

int rk_memory_inject_acquire(struct rk *k, const struct rk_acquire *acq)
{
	struct mem_handle *h;
	struct mem_acq *a;
	struct mem_pol *m;
	struct timeval now = {0, 0};

	if (!k || strcmp(rk_backend_name(k), "memory") != 0)
		return k ? rk_fail(k, EOPNOTSUPP,
				   "%s: ACQUIREs are injected into the memory "
				   "backend only",
				   rk_backend_name(k))
			 : -EINVAL;
	h = rk_priv(k);
	a = rc_xcalloc(1, sizeof(*a));
	a->acq = *acq;
	m = acq->policy_index ? pol_by_index(acq->policy_index) : NULL;
	if (m) {
		a->acq.sel = m->p.sel;
		a->acq.dir = m->p.dir;
		if (a->acq.tmpl.proto == 0 && m->p.ntmpl)
			a->acq.tmpl = m->p.tmpl[0];
	}
	a->owner = h;
	a->ev = evtimer_new(h->base, acq_cb, a);
	if (!a->ev)
		abort();
	a->next = h->acqs;
	if (h->acqs)
		h->acqs->prev = a;
	h->acqs = a;
	evtimer_add(a->ev, &now);
	return 0;
}

size_t rk_memory_sa_count(void)
{
	return store ? store->sas.count : 0;
}

size_t rk_memory_policy_count(void)
{
	return store ? store->pols.count : 0;
}

/* --- open / close / events --- */

static void caps_all(struct rk_caps *c)
{
	memset(c, 0, sizeof(*c));
	c->esp = c->ah = c->ipcomp = true;
	for (int i = 0; i < RK_ENC_COUNT; i++)
		c->enc[i] = true;
	for (int i = 0; i < RK_AUTH_COUNT; i++)
		c->auth[i] = true;
	for (int i = 0; i < RK_COMP_COUNT; i++)
		c->comp[i] = true;
	c->udp_encap = c->esn = c->migrate = c->ipv6 = true;
}

static int mem_open(struct rk *k)
{
	struct mem_handle *h = rc_xcalloc(1, sizeof(*h));

	h->k = k;
	h->base = rk_base(k);
	if (!h->base) {
		h->base = event_base_new();
		if (!h->base) {
			free(h);
			return rk_fail(k, ENOMEM, "memory: cannot create an event base");
		}
		h->own_base = true;
	}
	if (!store) {
		store = rc_xcalloc(1, sizeof(*store));
		store->rng = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^
			     (uint64_t)(uintptr_t)store;
	}
	h->next = store->handles;
	store->handles = h;
	caps_all(rk_caps_mut(k));
	rk_set_priv(k, h);
	return 0;
}

static void store_free(void)
{
	while (store->sa_head)
		sa_free(store->sa_head);
	while (store->pol_head)
		pol_free(store->pol_head);
	rk_table_free(&store->sas);
	rk_table_free(&store->pols);
	rk_table_free(&store->pidx);
	free(store);
	store = NULL;
}

static void mem_close(struct rk *k)
{
	struct mem_handle *h = rk_priv(k), **pp, *heir;

	if (!h)
		return;
	while (h->acqs)
		acq_free(h->acqs);
	for (pp = &store->handles; *pp; pp = &(*pp)->next) {
		if (*pp == h) {
			*pp = h->next;
			break;
		}
	}
	heir = store->handles;
	if (!heir) {
		store_free();
	} else {
		for (struct mem_sa *s = store->sa_head; s; s = s->next) {
			timer_rehome(&s->soft, h, heir);
			timer_rehome(&s->hard, h, heir);
		}
		for (struct mem_pol *m = store->pol_head; m; m = m->next) {
			timer_rehome(&m->soft, h, heir);
			timer_rehome(&m->hard, h, heir);
		}
	}
	if (h->own_base)
		event_base_free(h->base);
	free(h);
	rk_set_priv(k, NULL);
}

static int mem_event_fd(struct rk *k)
{
	return -1;
}

/* Without an event base of the caller's, timers and injected ACQUIREs run
 * here, from rk_poll_events. */
static int mem_read_events(struct rk *k)
{
	struct mem_handle *h = rk_priv(k);

	if (h->own_base && event_base_loop(h->base, EVLOOP_NONBLOCK) < 0)
		return rk_fail(k, EIO, "memory: event loop failed");
	return 0;
}

const struct rk_backend_ops rk_memory_ops = {
	.name = "memory",
	.open = mem_open,
	.close = mem_close,
	.event_fd = mem_event_fd,
	.read_events = mem_read_events,
	.getspi = mem_getspi,
	.sa_add = mem_sa_add,
	.sa_del = mem_sa_del,
	.sa_get = mem_sa_get,
	.sa_dump = mem_sa_dump,
	.policy_add = mem_policy_add,
	.policy_del = mem_policy_del,
	.policy_del_index = mem_policy_del_index,
	.policy_dump = mem_policy_dump,
	.migrate = mem_migrate,
};
