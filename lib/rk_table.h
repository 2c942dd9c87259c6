/* A small intrusive hash table keyed by byte strings, shared by the
 * kernel interface's ownership records and the memory backend's SAD/SPD.
 * Embed a struct rk_tnode in each entry; the table never allocates
 * entries, only its bucket array (doubling as it fills, so 100,000
 * entries stay O(1) per operation). */
#ifndef RC_RK_TABLE_H
#define RC_RK_TABLE_H

#include <stddef.h>
#include <stdint.h>

#define RK_TKEY_MAX 48

struct rk_tnode {
	struct rk_tnode *next;
	uint32_t hash;
	uint8_t klen;
	uint8_t key[RK_TKEY_MAX];
};

struct rk_table {
	struct rk_tnode **buckets;
	size_t nbuckets;
	size_t count;
};

struct rk_tkey {
	uint8_t len;
	uint8_t b[RK_TKEY_MAX];
};

/* Key builders: append fields; overflowing RK_TKEY_MAX aborts (a bug). */
void rk_tkey_init(struct rk_tkey *k);
void rk_tkey_put(struct rk_tkey *k, const void *p, size_t n);

struct rc_addr;
struct rk_selector;
/* The keys both the ownership records and the memory backend use: an SA
 * by (proto, spi, dst); a policy by (direction, selector). */
void rk_tkey_sa(struct rk_tkey *k, uint8_t proto, uint32_t spi, const struct rc_addr *dst);
void rk_tkey_policy(struct rk_tkey *k, const struct rk_selector *sel, int dir);

void rk_table_init(struct rk_table *t);
/* Frees the bucket array only (the caller owns the entries). */
void rk_table_free(struct rk_table *t);
struct rk_tnode *rk_table_find(const struct rk_table *t, const struct rk_tkey *key);
/* The caller ensures no entry with that key exists. */
void rk_table_insert(struct rk_table *t, struct rk_tnode *n, const struct rk_tkey *key);
void rk_table_remove(struct rk_table *t, struct rk_tnode *n);

/* Iteration that tolerates removing the current node: start with
 * *pos = 0 and *cur = NULL. */
struct rk_tnode *rk_table_next(const struct rk_table *t, size_t *pos, struct rk_tnode **cur);

#endif
