/* Chained hash table with byte-string keys (see rk_table.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "kernel.h"
#include "rk_table.h"
#include "util.h"

void rk_tkey_init(struct rk_tkey *k)
{
	memset(k, 0, sizeof(*k));
}

void rk_tkey_put(struct rk_tkey *k, const void *p, size_t n)
{
	if (n > (size_t)RK_TKEY_MAX - k->len)
		abort();
	memcpy(k->b + k->len, p, n);
	k->len += (uint8_t)n;
}

/* FNV-1a: keys are built by us from kernel objects, not attacker input
 * aimed at collisions, so a simple fast hash is enough. */
static uint32_t hash_bytes(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

void rk_table_init(struct rk_table *t)
{
	memset(t, 0, sizeof(*t));
}

void rk_table_free(struct rk_table *t)
{
	free(t->buckets);
	rk_table_init(t);
}

struct rk_tnode *rk_table_find(const struct rk_table *t, const struct rk_tkey *key)
{
	uint32_t h;

	if (!t->nbuckets)
		return NULL;
	h = hash_bytes(key->b, key->len);
	for (struct rk_tnode *n = t->buckets[h & (t->nbuckets - 1)]; n; n = n->next)
		if (n->hash == h && n->klen == key->len && memcmp(n->key, key->b, key->len) == 0)
			return n;
	return NULL;
}

static void grow(struct rk_table *t)
{
	size_t nb = t->nbuckets ? t->nbuckets * 2 : 64;
	struct rk_tnode **b = rc_xcalloc(nb, sizeof(*b));

	for (size_t i = 0; i < t->nbuckets; i++) {
		struct rk_tnode *n = t->buckets[i], *next;

		for (; n; n = next) {
			next = n->next;
			n->next = b[n->hash & (nb - 1)];
			b[n->hash & (nb - 1)] = n;
		}
	}
	free(t->buckets);
	t->buckets = b;
	t->nbuckets = nb;
}

void rk_table_insert(struct rk_table *t, struct rk_tnode *n, const struct rk_tkey *key)
{
	struct rk_tnode **head;

	if (t->count >= t->nbuckets)
		grow(t);
	n->klen = key->len;
	memcpy(n->key, key->b, key->len);
	n->hash = hash_bytes(key->b, key->len);
	head = &t->buckets[n->hash & (t->nbuckets - 1)];
	n->next = *head;
	*head = n;
	t->count++;
}

void rk_table_remove(struct rk_table *t, struct rk_tnode *n)
{
	struct rk_tnode **pp;

	if (!t->nbuckets)
		return;
	for (pp = &t->buckets[n->hash & (t->nbuckets - 1)]; *pp; pp = &(*pp)->next) {
		if (*pp == n) {
			*pp = n->next;
			n->next = NULL;
			t->count--;
			return;
		}
	}
}

struct rk_tnode *rk_table_next(const struct rk_table *t, size_t *pos, struct rk_tnode **cur)
{
	/* *cur holds the node to return next, fetched before the caller
	 * could remove the one it was given. */
	struct rk_tnode *n = *cur;

	while (!n && *pos < t->nbuckets)
		n = t->buckets[(*pos)++];
	if (!n)
		return NULL;
	*cur = n->next;
	return n;
}

static void key_addr(struct rk_tkey *key, const struct rc_addr *a, bool with_prefix)
{
	struct rc_addr m = *a;
	uint8_t fam = (uint8_t)a->family;

	rk_tkey_put(key, &fam, 1);
	if (with_prefix) {
		rc_addr_mask(&m);
		rk_tkey_put(key, &m.prefixlen, 1);
		rk_tkey_put(key, &m.port, 2);
	}
	rk_tkey_put(key, m.u.bytes, rc_addr_len(a->family));
}

void rk_tkey_sa(struct rk_tkey *key, uint8_t proto, uint32_t spi, const struct rc_addr *dst)
{
	rk_tkey_init(key);
	rk_tkey_put(key, &proto, 1);
	rk_tkey_put(key, &spi, 4);
	key_addr(key, dst, false);
}

void rk_tkey_policy(struct rk_tkey *key, const struct rk_selector *sel, int dir)
{
	uint8_t d = (uint8_t)dir;

	rk_tkey_init(key);
	rk_tkey_put(key, &d, 1);
	rk_tkey_put(key, &sel->proto, 1);
	key_addr(key, &sel->src, true);
	key_addr(key, &sel->dst, true);
}
