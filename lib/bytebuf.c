#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "bytebuf.h"
#include "util.h"

/* ---- reader ---- */

void rc_reader_init(struct rc_reader *r, const void *data, size_t len)
{
	r->p = data;
	r->len = data ? len : 0;
}

size_t rc_reader_remaining(const struct rc_reader *r)
{
	return r->len;
}

const uint8_t *rc_reader_ptr(const struct rc_reader *r)
{
	return r->p;
}

bool rc_reader_done(const struct rc_reader *r)
{
	return r->len == 0;
}

bool rc_get_span(struct rc_reader *r, const uint8_t **p, size_t n)
{
	if (r->len < n)
		return false;
	*p = r->p;
	r->p += n;
	r->len -= n;
	return true;
}

bool rc_skip(struct rc_reader *r, size_t n)
{
	const uint8_t *p;
	return rc_get_span(r, &p, n);
}

bool rc_get_bytes(struct rc_reader *r, void *out, size_t n)
{
	const uint8_t *p;
	if (!rc_get_span(r, &p, n))
		return false;
	if (n)
		memcpy(out, p, n);
	return true;
}

bool rc_peek_bytes(const struct rc_reader *r, void *out, size_t n)
{
	if (r->len < n)
		return false;
	if (n)
		memcpy(out, r->p, n);
	return true;
}

static uint64_t load_be(const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

static uint64_t load_le(const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	for (size_t i = n; i > 0; i--)
		v = (v << 8) | p[i - 1];
	return v;
}

static bool get_be(struct rc_reader *r, size_t n, uint64_t *v)
{
	const uint8_t *p;
	if (!rc_get_span(r, &p, n))
		return false;
	*v = load_be(p, n);
	return true;
}

static bool get_le(struct rc_reader *r, size_t n, uint64_t *v)
{
	const uint8_t *p;
	if (!rc_get_span(r, &p, n))
		return false;
	*v = load_le(p, n);
	return true;
}

bool rc_get_u8(struct rc_reader *r, uint8_t *v)
{
	uint64_t t;
	if (!get_be(r, 1, &t))
		return false;
	*v = (uint8_t)t;
	return true;
}

bool rc_get_u16(struct rc_reader *r, uint16_t *v)
{
	uint64_t t;
	if (!get_be(r, 2, &t))
		return false;
	*v = (uint16_t)t;
	return true;
}

bool rc_get_u24(struct rc_reader *r, uint32_t *v)
{
	uint64_t t;
	if (!get_be(r, 3, &t))
		return false;
	*v = (uint32_t)t;
	return true;
}

bool rc_get_u32(struct rc_reader *r, uint32_t *v)
{
	uint64_t t;
	if (!get_be(r, 4, &t))
		return false;
	*v = (uint32_t)t;
	return true;
}

bool rc_get_u64(struct rc_reader *r, uint64_t *v)
{
	return get_be(r, 8, v);
}

bool rc_get_u16le(struct rc_reader *r, uint16_t *v)
{
	uint64_t t;
	if (!get_le(r, 2, &t))
		return false;
	*v = (uint16_t)t;
	return true;
}

bool rc_get_u32le(struct rc_reader *r, uint32_t *v)
{
	uint64_t t;
	if (!get_le(r, 4, &t))
		return false;
	*v = (uint32_t)t;
	return true;
}

bool rc_get_u64le(struct rc_reader *r, uint64_t *v)
{
	return get_le(r, 8, v);
}

bool rc_get_u16he(struct rc_reader *r, uint16_t *v)
{
	return rc_get_bytes(r, v, sizeof(*v));
}

bool rc_get_u32he(struct rc_reader *r, uint32_t *v)
{
	return rc_get_bytes(r, v, sizeof(*v));
}

bool rc_get_u64he(struct rc_reader *r, uint64_t *v)
{
	return rc_get_bytes(r, v, sizeof(*v));
}

bool rc_get_sub(struct rc_reader *r, size_t n, struct rc_reader *sub)
{
	const uint8_t *p;
	if (!rc_get_span(r, &p, n))
		return false;
	rc_reader_init(sub, p, n);
	return true;
}

/* Length prefix and body are taken together or not at all. */
static bool get_prefixed(struct rc_reader *r, size_t prefix, struct rc_reader *sub)
{
	struct rc_reader save = *r;
	uint64_t n;
	if (!get_be(r, prefix, &n) || n > r->len) {
		*r = save;
		return false;
	}
	return rc_get_sub(r, (size_t)n, sub);
}

bool rc_get_sub_u8(struct rc_reader *r, struct rc_reader *sub)
{
	return get_prefixed(r, 1, sub);
}

bool rc_get_sub_u16(struct rc_reader *r, struct rc_reader *sub)
{
	return get_prefixed(r, 2, sub);
}

bool rc_get_sub_u32(struct rc_reader *r, struct rc_reader *sub)
{
	return get_prefixed(r, 4, sub);
}

bool rc_peek_u8(const struct rc_reader *r, uint8_t *v)
{
	struct rc_reader c = *r;
	return rc_get_u8(&c, v);
}

bool rc_peek_u16(const struct rc_reader *r, uint16_t *v)
{
	struct rc_reader c = *r;
	return rc_get_u16(&c, v);
}

bool rc_peek_u32(const struct rc_reader *r, uint32_t *v)
{
	struct rc_reader c = *r;
	return rc_get_u32(&c, v);
}

/* ---- writer ---- */

void rc_writer_init(struct rc_writer *w, size_t initial_cap)
{
	memset(w, 0, sizeof(*w));
	w->store = &w->own;
	w->own.cap = initial_cap ? initial_cap : 64;
	w->own.buf = rc_xmalloc(w->own.cap);
}

void rc_writer_init_fixed(struct rc_writer *w, void *buf, size_t cap)
{
	memset(w, 0, sizeof(*w));
	w->store = &w->own;
	w->own.buf = buf;
	w->own.cap = buf ? cap : 0;
	w->own.fixed = true;
}

void rc_writer_set_secret(struct rc_writer *w)
{
	w->store->secret = true;
}

void rc_writer_free(struct rc_writer *w)
{
	struct rc_wstore *s = &w->own;

	if (w->parent || !s->buf)
		return;
	if (s->secret)
		rc_memzero(s->buf, s->cap);
	if (!s->fixed)
		free(s->buf);
	s->buf = NULL;
	s->len = s->cap = 0;
}

bool rc_writer_ok(const struct rc_writer *w)
{
	return !w->store->error;
}

size_t rc_writer_len(const struct rc_writer *w)
{
	return w->store->len;
}

const uint8_t *rc_writer_data(const struct rc_writer *w)
{
	return w->store->buf;
}

uint8_t *rc_writer_steal(struct rc_writer *w, size_t *len)
{
	struct rc_wstore *s = &w->own;

	if (w->parent || w->child || s->fixed || s->error)
		return NULL;
	uint8_t *buf = s->buf;
	*len = s->len;
	s->buf = NULL;
	s->len = s->cap = 0;
	s->error = true; /* the writer is spent */
	return buf;
}

static bool fail(struct rc_writer *w)
{
	w->store->error = true;
	return false;
}

static bool grow(struct rc_wstore *s, size_t need)
{
	size_t cap = s->cap ? s->cap : 64;

	while (cap < need) {
		if (cap > SIZE_MAX / 2)
			return false;
		cap *= 2;
	}
	uint8_t *nbuf = rc_xmalloc(cap);
	memcpy(nbuf, s->buf, s->len);
	/* realloc could leave a copy of a secret in freed memory */
	if (s->secret)
		rc_memzero(s->buf, s->cap);
	free(s->buf);
	s->buf = nbuf;
	s->cap = cap;
	return true;
}

/* Space for n more bytes at the end; the caller fills them. */
static bool append(struct rc_writer *w, size_t n, uint8_t **p)
{
	struct rc_wstore *s = w->store;

	if (s->error || w->child)
		return fail(w);
	if (n > SIZE_MAX - s->len)
		return fail(w);
	if (s->len + n > s->cap && (s->fixed || !grow(s, s->len + n)))
		return fail(w);
	*p = s->buf + s->len;
	s->len += n;
	return true;
}

static void store_be(uint8_t *p, uint64_t v, size_t n)
{
	for (size_t i = n; i > 0; i--) {
		p[i - 1] = (uint8_t)v;
		v >>= 8;
	}
}

static void store_le(uint8_t *p, uint64_t v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
}

static bool put_be(struct rc_writer *w, uint64_t v, size_t n)
{
	uint8_t *p;
	if (!append(w, n, &p))
		return false;
	store_be(p, v, n);
	return true;
}

static bool put_le(struct rc_writer *w, uint64_t v, size_t n)
{
	uint8_t *p;
	if (!append(w, n, &p))
		return false;
	store_le(p, v, n);
	return true;
}

bool rc_put_u8(struct rc_writer *w, uint8_t v)
{
	return put_be(w, v, 1);
}

bool rc_put_u16(struct rc_writer *w, uint16_t v)
{
	return put_be(w, v, 2);
}

bool rc_put_u24(struct rc_writer *w, uint32_t v)
{
	if (v > 0xffffff)
		return fail(w);
	return put_be(w, v, 3);
}

bool rc_put_u32(struct rc_writer *w, uint32_t v)
{
	return put_be(w, v, 4);
}

bool rc_put_u64(struct rc_writer *w, uint64_t v)
{
	return put_be(w, v, 8);
}

bool rc_put_u16le(struct rc_writer *w, uint16_t v)
{
	return put_le(w, v, 2);
}

bool rc_put_u32le(struct rc_writer *w, uint32_t v)
{
	return put_le(w, v, 4);
}

bool rc_put_u64le(struct rc_writer *w, uint64_t v)
{
	return put_le(w, v, 8);
}

bool rc_put_u16he(struct rc_writer *w, uint16_t v)
{
	return rc_put_bytes(w, &v, sizeof(v));
}

bool rc_put_u32he(struct rc_writer *w, uint32_t v)
{
	return rc_put_bytes(w, &v, sizeof(v));
}

bool rc_put_u64he(struct rc_writer *w, uint64_t v)
{
	return rc_put_bytes(w, &v, sizeof(v));
}

bool rc_put_bytes(struct rc_writer *w, const void *data, size_t n)
{
	uint8_t *p;
	if (!append(w, n, &p))
		return false;
	if (n)
		memcpy(p, data, n);
	return true;
}

bool rc_put_zeros(struct rc_writer *w, size_t n)
{
	uint8_t *p;
	if (!append(w, n, &p))
		return false;
	if (n)
		memset(p, 0, n);
	return true;
}

bool rc_put_space(struct rc_writer *w, size_t n, uint8_t **p)
{
	if (!rc_put_zeros(w, n))
		return false;
	*p = w->store->buf + w->store->len - n;
	return true;
}

static bool patch(struct rc_writer *w, size_t offset, size_t n, uint8_t **p)
{
	struct rc_wstore *s = w->store;

	if (s->error || offset > s->len || n > s->len - offset)
		return fail(w);
	*p = s->buf + offset;
	return true;
}

bool rc_writer_patch_u8(struct rc_writer *w, size_t offset, uint8_t v)
{
	uint8_t *p;
	if (!patch(w, offset, 1, &p))
		return false;
	*p = v;
	return true;
}

bool rc_writer_patch_u16(struct rc_writer *w, size_t offset, uint16_t v)
{
	uint8_t *p;
	if (!patch(w, offset, 2, &p))
		return false;
	store_be(p, v, 2);
	return true;
}

bool rc_writer_patch_u32(struct rc_writer *w, size_t offset, uint32_t v)
{
	uint8_t *p;
	if (!patch(w, offset, 4, &p))
		return false;
	store_be(p, v, 4);
	return true;
}

bool rc_writer_patch_u16he(struct rc_writer *w, size_t offset, uint16_t v)
{
	uint8_t *p;
	if (!patch(w, offset, 2, &p))
		return false;
	memcpy(p, &v, 2);
	return true;
}

bool rc_writer_patch_u32he(struct rc_writer *w, size_t offset, uint32_t v)
{
	uint8_t *p;
	if (!patch(w, offset, 4, &p))
		return false;
	memcpy(p, &v, 4);
	return true;
}

static bool open_child(struct rc_writer *w, struct rc_writer *child, uint8_t prefix_len)
{
	uint8_t *p;

	memset(child, 0, sizeof(*child));
	child->store = w->store;
	if (!append(w, prefix_len, &p))
		return false;
	memset(p, 0, prefix_len);
	child->parent = w;
	child->prefix_at = w->store->len - prefix_len;
	child->prefix_len = prefix_len;
	w->child = child;
	return true;
}

bool rc_writer_open_u8(struct rc_writer *w, struct rc_writer *child)
{
	return open_child(w, child, 1);
}

bool rc_writer_open_u16(struct rc_writer *w, struct rc_writer *child)
{
	return open_child(w, child, 2);
}

bool rc_writer_open_u32(struct rc_writer *w, struct rc_writer *child)
{
	return open_child(w, child, 4);
}

/* A closed child keeps a private, failed store so that stray writes to it
 * fail instead of landing at the end of its old parent. */
static void detach(struct rc_writer *child)
{
	child->parent = NULL;
	child->child = NULL;
	memset(&child->own, 0, sizeof(child->own));
	child->own.error = true;
	child->store = &child->own;
}

bool rc_writer_close(struct rc_writer *child)
{
	struct rc_wstore *s = child->store;
	struct rc_writer *parent = child->parent;
	bool ok = true;

	if (!parent || parent->child != child) {
		/* not an open child: mark its buffer bad unless it is a root */
		if (child->store != &child->own)
			s->error = true;
		return false;
	}
	parent->child = NULL;
	size_t n = s->len - child->prefix_at - child->prefix_len;
	if (s->error || child->child)
		ok = false;
	else if (child->prefix_len < 8 && n >> (8 * child->prefix_len) != 0)
		ok = false;
	if (ok)
		store_be(s->buf + child->prefix_at, n, child->prefix_len);
	else
		s->error = true;
	detach(child);
	return ok;
}
