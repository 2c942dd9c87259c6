/* Bounds-checked reading and writing of wire formats (IKE, PF_KEY,
 * netlink, spmif, KINK).
 *
 * A reader walks a const byte span.  Every getter either succeeds and
 * moves on, or fails (returns false) and leaves the reader where it was, so
 * a parser can never run past the end of its input.
 *
 * A writer appends to a growable heap buffer or to caller memory of fixed
 * capacity.  Errors are sticky: after the first failure every further call
 * fails and rc_writer_ok() reports it, so a builder may check once at the
 * end.  A length-prefixed child writer reserves its prefix and fills it in
 * when closed; while a child is open, writing to its parent is an error
 * (it would interleave with the child's bytes). */
#ifndef RC_BYTEBUF_H
#define RC_BYTEBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RC_MUST_CHECK __attribute__((warn_unused_result))

struct rc_reader {
	const uint8_t *p;
	size_t len;
};

void rc_reader_init(struct rc_reader *r, const void *data, size_t len);
size_t rc_reader_remaining(const struct rc_reader *r);
/* Where the reader is; valid for rc_reader_remaining() bytes. */
const uint8_t *rc_reader_ptr(const struct rc_reader *r);
/* True when every byte was consumed (a message with trailing garbage is
 * usually malformed). */
bool rc_reader_done(const struct rc_reader *r);

/* Big-endian (network order) integers. */
bool rc_get_u8(struct rc_reader *r, uint8_t *v) RC_MUST_CHECK;
bool rc_get_u16(struct rc_reader *r, uint16_t *v) RC_MUST_CHECK;
bool rc_get_u24(struct rc_reader *r, uint32_t *v) RC_MUST_CHECK;
bool rc_get_u32(struct rc_reader *r, uint32_t *v) RC_MUST_CHECK;
bool rc_get_u64(struct rc_reader *r, uint64_t *v) RC_MUST_CHECK;
/* Little-endian integers. */
bool rc_get_u16le(struct rc_reader *r, uint16_t *v) RC_MUST_CHECK;
bool rc_get_u32le(struct rc_reader *r, uint32_t *v) RC_MUST_CHECK;
bool rc_get_u64le(struct rc_reader *r, uint64_t *v) RC_MUST_CHECK;
/* Host-endian integers (netlink, PF_KEY). */
bool rc_get_u16he(struct rc_reader *r, uint16_t *v) RC_MUST_CHECK;
bool rc_get_u32he(struct rc_reader *r, uint32_t *v) RC_MUST_CHECK;
bool rc_get_u64he(struct rc_reader *r, uint64_t *v) RC_MUST_CHECK;

/* Copy n bytes out. */
bool rc_get_bytes(struct rc_reader *r, void *out, size_t n) RC_MUST_CHECK;
/* Point at the next n bytes without copying. */
bool rc_get_span(struct rc_reader *r, const uint8_t **p, size_t n) RC_MUST_CHECK;
bool rc_skip(struct rc_reader *r, size_t n) RC_MUST_CHECK;
/* The next n bytes as a reader of their own. */
bool rc_get_sub(struct rc_reader *r, size_t n, struct rc_reader *sub) RC_MUST_CHECK;
/* A length prefix (u8, u16 or u32 big-endian) then that many bytes.  Fails
 * without moving when the prefix or the bytes are not all there. */
bool rc_get_sub_u8(struct rc_reader *r, struct rc_reader *sub) RC_MUST_CHECK;
bool rc_get_sub_u16(struct rc_reader *r, struct rc_reader *sub) RC_MUST_CHECK;
bool rc_get_sub_u32(struct rc_reader *r, struct rc_reader *sub) RC_MUST_CHECK;

bool rc_peek_u8(const struct rc_reader *r, uint8_t *v) RC_MUST_CHECK;
bool rc_peek_u16(const struct rc_reader *r, uint16_t *v) RC_MUST_CHECK;
bool rc_peek_u32(const struct rc_reader *r, uint32_t *v) RC_MUST_CHECK;
bool rc_peek_bytes(const struct rc_reader *r, void *out, size_t n) RC_MUST_CHECK;

struct rc_wstore {
	uint8_t *buf;
	size_t len, cap;
	bool fixed;  /* caller memory: never reallocated or freed */
	bool secret; /* zeroise on realloc and free */
	bool error;
};

struct rc_writer {
	struct rc_wstore *store; /* the root's own store, shared by children */
	struct rc_wstore own;
	struct rc_writer *parent; /* NULL for the root */
	struct rc_writer *child;  /* open child, if any */
	size_t prefix_at;	  /* child: offset of its length prefix */
	uint8_t prefix_len;	  /* child: 1, 2 or 4 */
};

/* Growable writer; initial_cap 0 picks a small default. */
void rc_writer_init(struct rc_writer *w, size_t initial_cap);
/* Writer into buf[0..cap); writing past cap fails. */
void rc_writer_init_fixed(struct rc_writer *w, void *buf, size_t cap);
/* The contents are secret: wiped when the buffer moves or is freed. */
void rc_writer_set_secret(struct rc_writer *w);
/* Frees a growable root's buffer (a fixed one is only wiped if secret). */
void rc_writer_free(struct rc_writer *w);
/* False once anything has failed. */
bool rc_writer_ok(const struct rc_writer *w);
/* Bytes written so far in the whole buffer (children included). */
size_t rc_writer_len(const struct rc_writer *w);
const uint8_t *rc_writer_data(const struct rc_writer *w);
/* Hand a growable root's buffer to the caller (who frees it, wiping it
 * first if secret).  NULL after an error or with an open child. */
uint8_t *rc_writer_steal(struct rc_writer *w, size_t *len);

bool rc_put_u8(struct rc_writer *w, uint8_t v) RC_MUST_CHECK;
bool rc_put_u16(struct rc_writer *w, uint16_t v) RC_MUST_CHECK;
bool rc_put_u24(struct rc_writer *w, uint32_t v) RC_MUST_CHECK;
bool rc_put_u32(struct rc_writer *w, uint32_t v) RC_MUST_CHECK;
bool rc_put_u64(struct rc_writer *w, uint64_t v) RC_MUST_CHECK;
bool rc_put_u16le(struct rc_writer *w, uint16_t v) RC_MUST_CHECK;
bool rc_put_u32le(struct rc_writer *w, uint32_t v) RC_MUST_CHECK;
bool rc_put_u64le(struct rc_writer *w, uint64_t v) RC_MUST_CHECK;
bool rc_put_u16he(struct rc_writer *w, uint16_t v) RC_MUST_CHECK;
bool rc_put_u32he(struct rc_writer *w, uint32_t v) RC_MUST_CHECK;
bool rc_put_u64he(struct rc_writer *w, uint64_t v) RC_MUST_CHECK;
bool rc_put_bytes(struct rc_writer *w, const void *data, size_t n) RC_MUST_CHECK;
bool rc_put_zeros(struct rc_writer *w, size_t n) RC_MUST_CHECK;
/* Append n bytes (zeroed) and point *p at them for the caller to fill;
 * the pointer is valid until the next write to this buffer. */
bool rc_put_space(struct rc_writer *w, size_t n, uint8_t **p) RC_MUST_CHECK;

/* Overwrite bytes already written at offset (e.g. an IKE payload length
 * that counts its own header, a netlink nlmsg_len). */
bool rc_writer_patch_u8(struct rc_writer *w, size_t offset, uint8_t v) RC_MUST_CHECK;
bool rc_writer_patch_u16(struct rc_writer *w, size_t offset, uint16_t v) RC_MUST_CHECK;
bool rc_writer_patch_u32(struct rc_writer *w, size_t offset, uint32_t v) RC_MUST_CHECK;
bool rc_writer_patch_u16he(struct rc_writer *w, size_t offset, uint16_t v) RC_MUST_CHECK;
bool rc_writer_patch_u32he(struct rc_writer *w, size_t offset, uint32_t v) RC_MUST_CHECK;

/* Open a child whose content length (prefix excluded) is written as a
 * big-endian u8/u16/u32 prefix when rc_writer_close() is called. */
bool rc_writer_open_u8(struct rc_writer *w, struct rc_writer *child) RC_MUST_CHECK;
bool rc_writer_open_u16(struct rc_writer *w, struct rc_writer *child) RC_MUST_CHECK;
bool rc_writer_open_u32(struct rc_writer *w, struct rc_writer *child) RC_MUST_CHECK;
/* Back-patch the child's length and reopen its parent for writing.  Fails
 * (sticky) when the content does not fit the prefix or a grandchild is
 * still open.  Writing to a closed child fails and leaves the parent
 * alone. */
bool rc_writer_close(struct rc_writer *child) RC_MUST_CHECK;

#endif
