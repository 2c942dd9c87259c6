#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "bytebuf.h"

static void read_integers(void **state)
{
	static const uint8_t msg[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09,
				      0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12};
	struct rc_reader r;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	rc_reader_init(&r, msg, sizeof(msg));
	assert_true(rc_get_u8(&r, &u8));
	assert_int_equal(u8, 0x01);
	assert_true(rc_get_u16(&r, &u16));
	assert_int_equal(u16, 0x0203);
	assert_true(rc_get_u24(&r, &u32));
	assert_int_equal(u32, 0x040506);
	assert_true(rc_get_u32(&r, &u32));
	assert_int_equal(u32, 0x0708090a);
	assert_true(rc_get_u64(&r, &u64));
	assert_true(u64 == 0x0b0c0d0e0f101112ULL);
	assert_true(rc_reader_done(&r));
	assert_false(rc_get_u8(&r, &u8));

	rc_reader_init(&r, msg, sizeof(msg));
	assert_true(rc_get_u16le(&r, &u16));
	assert_int_equal(u16, 0x0201);
	assert_true(rc_get_u32le(&r, &u32));
	assert_int_equal(u32, 0x06050403);
	assert_true(rc_get_u64le(&r, &u64));
	assert_true(u64 == 0x0e0d0c0b0a090807ULL);
	assert_int_equal(rc_reader_remaining(&r), 4);
}

static void read_host_endian(void **state)
{
	uint32_t in = 0x11223344, out;
	uint16_t s_in = 0xabcd, s_out;
	uint64_t l_in = 0x0102030405060708ULL, l_out;
	uint8_t buf[14];
	struct rc_reader r;

	memcpy(buf, &in, 4);
	memcpy(buf + 4, &s_in, 2);
	memcpy(buf + 6, &l_in, 8);
	rc_reader_init(&r, buf, sizeof(buf));
	assert_true(rc_get_u32he(&r, &out));
	assert_int_equal(out, in);
	assert_true(rc_get_u16he(&r, &s_out));
	assert_int_equal(s_out, s_in);
	assert_true(rc_get_u64he(&r, &l_out));
	assert_true(l_out == l_in);
	assert_true(rc_reader_done(&r));
}

/* A short read fails and leaves the reader where it was. */
static void short_input_does_not_move(void **state)
{
	static const uint8_t msg[] = {0xaa, 0xbb, 0xcc};
	struct rc_reader r, sub;
	uint32_t u32;
	uint64_t u64;
	uint8_t out[4];
	const uint8_t *span;

	rc_reader_init(&r, msg, sizeof(msg));
	assert_false(rc_get_u32(&r, &u32));
	assert_false(rc_get_u64le(&r, &u64));
	assert_false(rc_get_bytes(&r, out, 4));
	assert_false(rc_get_span(&r, &span, 4));
	assert_false(rc_skip(&r, 4));
	assert_false(rc_get_sub(&r, 4, &sub));
	assert_false(rc_peek_u32(&r, &u32));
	assert_false(rc_peek_bytes(&r, out, 4));
	assert_int_equal(rc_reader_remaining(&r), 3);
	assert_ptr_equal(rc_reader_ptr(&r), msg);
	assert_true(rc_skip(&r, 3));
	assert_true(rc_reader_done(&r));

	rc_reader_init(&r, NULL, 10);
	assert_int_equal(rc_reader_remaining(&r), 0);
}

static void peek_and_bytes(void **state)
{
	static const uint8_t msg[] = {0x12, 0x34, 0x56, 0x78, 0x9a};
	struct rc_reader r;
	uint8_t u8, out[2];
	uint16_t u16;
	uint32_t u32;
	const uint8_t *span;

	rc_reader_init(&r, msg, sizeof(msg));
	assert_true(rc_peek_u8(&r, &u8));
	assert_int_equal(u8, 0x12);
	assert_true(rc_peek_u16(&r, &u16));
	assert_int_equal(u16, 0x1234);
	assert_true(rc_peek_u32(&r, &u32));
	assert_int_equal(u32, 0x12345678);
	assert_int_equal(rc_reader_remaining(&r), 5);
	assert_true(rc_get_bytes(&r, out, 2));
	assert_memory_equal(out, msg, 2);
	assert_true(rc_get_span(&r, &span, 3));
	assert_ptr_equal(span, msg + 2);
	assert_true(rc_get_bytes(&r, out, 0));
}

static void length_prefixed(void **state)
{
	static const uint8_t msg[] = {0x02, 'h',  'i',	0x00, 0x03, 'a',  'b', 'c',
				      0x00, 0x00, 0x00, 0x01, 'z',  0x05, 'x'};
	struct rc_reader r, sub;
	uint8_t c;

	rc_reader_init(&r, msg, sizeof(msg));
	assert_true(rc_get_sub_u8(&r, &sub));
	assert_int_equal(rc_reader_remaining(&sub), 2);
	assert_memory_equal(rc_reader_ptr(&sub), "hi", 2);
	assert_true(rc_get_sub_u16(&r, &sub));
	assert_int_equal(rc_reader_remaining(&sub), 3);
	assert_true(rc_get_sub_u32(&r, &sub));
	assert_true(rc_get_u8(&sub, &c));
	assert_int_equal(c, 'z');
	assert_true(rc_reader_done(&sub));
	/* prefix says 5 but only 1 byte follows: fail without moving */
	assert_false(rc_get_sub_u8(&r, &sub));
	assert_int_equal(rc_reader_remaining(&r), 2);
	/* a truncated prefix fails too */
	rc_reader_init(&r, msg + 3, 1);
	assert_false(rc_get_sub_u16(&r, &sub));
	assert_int_equal(rc_reader_remaining(&r), 1);
	rc_reader_init(&r, msg, 3);
	assert_false(rc_get_sub_u32(&r, &sub));
	assert_int_equal(rc_reader_remaining(&r), 3);
}

static void write_integers(void **state)
{
	struct rc_writer w;
	static const uint8_t want[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
				       0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10,
				       0x11, 0x12, 0x02, 0x01, 0x06, 0x05, 0x04, 0x03,
				       0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};

	rc_writer_init(&w, 1); /* forces growth */
	assert_true(rc_put_u8(&w, 0x01));
	assert_true(rc_put_u16(&w, 0x0203));
	assert_true(rc_put_u24(&w, 0x040506));
	assert_true(rc_put_u32(&w, 0x0708090a));
	assert_true(rc_put_u64(&w, 0x0b0c0d0e0f101112ULL));
	assert_true(rc_put_u16le(&w, 0x0102));
	assert_true(rc_put_u32le(&w, 0x03040506));
	assert_true(rc_put_u64le(&w, 1));
	assert_true(rc_writer_ok(&w));
	assert_int_equal(rc_writer_len(&w), sizeof(want));
	assert_memory_equal(rc_writer_data(&w), want, sizeof(want));
	/* a u24 that does not fit is an error */
	assert_false(rc_put_u24(&w, 0x1000000));
	assert_false(rc_writer_ok(&w));
	rc_writer_free(&w);
}

static void write_host_endian_roundtrip(void **state)
{
	struct rc_writer w;
	struct rc_reader r;
	uint16_t a;
	uint32_t b;
	uint64_t c;

	rc_writer_init(&w, 0);
	assert_true(rc_put_u16he(&w, 0x1234));
	assert_true(rc_put_u32he(&w, 0xdeadbeef));
	assert_true(rc_put_u64he(&w, 42));
	rc_reader_init(&r, rc_writer_data(&w), rc_writer_len(&w));
	assert_true(rc_get_u16he(&r, &a));
	assert_true(rc_get_u32he(&r, &b));
	assert_true(rc_get_u64he(&r, &c));
	assert_int_equal(a, 0x1234);
	assert_int_equal(b, 0xdeadbeef);
	assert_true(c == 42);
	rc_writer_free(&w);
}

static void fixed_capacity(void **state)
{
	uint8_t buf[4];
	struct rc_writer w;

	rc_writer_init_fixed(&w, buf, sizeof(buf));
	assert_true(rc_put_u16(&w, 0xabcd));
	assert_false(rc_put_u32(&w, 1)); /* does not fit */
	assert_false(rc_writer_ok(&w));
	/* errors are sticky: even a fitting write fails now */
	assert_false(rc_put_u8(&w, 1));
	assert_int_equal(rc_writer_len(&w), 2);
	assert_int_equal(buf[0], 0xab);
	size_t len;
	assert_null(rc_writer_steal(&w, &len));
	rc_writer_free(&w);
}

static void children_backpatch(void **state)
{
	struct rc_writer w, c1, c2;
	static const uint8_t want[] = {0xff, 0x00, 0x06, 0x03, 'a', 'b', 'c', 0x00, 0x07};

	rc_writer_init(&w, 0);
	assert_true(rc_put_u8(&w, 0xff));
	assert_true(rc_writer_open_u16(&w, &c1));
	assert_true(rc_writer_open_u8(&c1, &c2));
	assert_true(rc_put_bytes(&c2, "abc", 3));
	/* the parent is closed for writing while a child is open */
	assert_true(rc_writer_close(&c2));
	assert_true(rc_put_u16(&c1, 7));
	assert_true(rc_writer_close(&c1));
	assert_true(rc_writer_ok(&w));
	assert_int_equal(rc_writer_len(&w), sizeof(want));
	assert_memory_equal(rc_writer_data(&w), want, sizeof(want));

	size_t len;
	uint8_t *out = rc_writer_steal(&w, &len);
	assert_non_null(out);
	assert_int_equal(len, sizeof(want));
	free(out);
	rc_writer_free(&w);
}

static void child_u32_and_write_through_parent(void **state)
{
	struct rc_writer w, c;

	rc_writer_init(&w, 0);
	assert_true(rc_writer_open_u32(&w, &c));
	assert_true(rc_put_zeros(&c, 300));
	assert_false(rc_put_u8(&w, 1)); /* parent written while child open */
	assert_false(rc_writer_ok(&w));
	assert_false(rc_writer_close(&c));
	rc_writer_free(&w);

	rc_writer_init(&w, 0);
	assert_true(rc_writer_open_u32(&w, &c));
	assert_true(rc_put_zeros(&c, 300));
	assert_true(rc_writer_close(&c));
	assert_int_equal(rc_writer_len(&w), 304);
	assert_int_equal(rc_writer_data(&w)[2], 0x01);
	assert_int_equal(rc_writer_data(&w)[3], 0x2c);
	/* closing twice is a bug in the caller, reported as an error */
	assert_false(rc_writer_close(&c));
	rc_writer_free(&w);
}

static void write_after_close(void **state)
{
	struct rc_writer w, c;

	rc_writer_init(&w, 0);
	assert_true(rc_writer_open_u8(&w, &c));
	assert_true(rc_put_u8(&c, 0xaa));
	assert_true(rc_writer_close(&c));
	/* a stray write to the closed child must not land in the parent */
	assert_false(rc_put_u8(&c, 0xbb));
	assert_true(rc_writer_ok(&w));
	assert_int_equal(rc_writer_len(&w), 2);
	assert_true(rc_put_u8(&w, 0xcc));
	static const uint8_t want[] = {0x01, 0xaa, 0xcc};
	assert_memory_equal(rc_writer_data(&w), want, sizeof(want));
	rc_writer_free(&c);
	rc_writer_free(&w);
}

/* Random operations on random input never read outside the input, and a
 * failed getter never moves the reader (ASan builds check the bounds). */
static void random_reads(void **state)
{
	uint32_t seed = 12345;
	for (int round = 0; round < 2000; round++) {
		seed = seed * 1103515245u + 12345u;
		size_t len = (seed >> 16) % 40;
		uint8_t *data = malloc(len ? len : 1);
		for (size_t i = 0; i < len; i++)
			data[i] = (uint8_t)(seed >> (i % 24));
		struct rc_reader r, sub;
		rc_reader_init(&r, data, len);
		rc_reader_init(&sub, NULL, 0);
		for (int op = 0; op < 20; op++) {
			seed = seed * 1103515245u + 12345u;
			size_t before = rc_reader_remaining(&r);
			const uint8_t *p_before = rc_reader_ptr(&r);
			bool ok;
			uint8_t u8, buf[8];
			uint16_t u16;
			uint32_t u32;
			uint64_t u64;
			const uint8_t *span;
			switch ((seed >> 8) % 10) {
			case 0:
				ok = rc_get_u8(&r, &u8);
				break;
			case 1:
				ok = rc_get_u16(&r, &u16);
				break;
			case 2:
				ok = rc_get_u32le(&r, &u32);
				break;
			case 3:
				ok = rc_get_u64(&r, &u64);
				break;
			case 4:
				ok = rc_get_sub_u8(&r, &sub);
				break;
			case 5:
				ok = rc_get_sub_u16(&r, &sub);
				break;
			case 6:
				ok = rc_get_sub_u32(&r, &sub);
				break;
			case 7:
				ok = rc_get_span(&r, &span, (seed >> 20) % 10);
				break;
			case 8:
				ok = rc_get_bytes(&r, buf, (seed >> 20) % 9);
				break;
			default:
				ok = rc_skip(&r, (seed >> 20) % 12);
				break;
			}
			if (ok) {
				unsigned kind = (seed >> 8) % 10;
				if (kind >= 4 && kind <= 6 && rc_reader_remaining(&sub)) {
					assert_true(rc_reader_ptr(&sub) >= data);
					assert_true(rc_reader_ptr(&sub) +
							    rc_reader_remaining(&sub) <=
						    data + len);
				}
				assert_true(rc_reader_remaining(&r) <= before);
			} else {
				assert_int_equal(rc_reader_remaining(&r), before);
				assert_ptr_equal(rc_reader_ptr(&r), p_before);
			}
			assert_true(rc_reader_remaining(&r) <= len);
		}
		free(data);
	}
}

static void child_overflow(void **state)
{
	struct rc_writer w, c;

	rc_writer_init(&w, 0);
	assert_true(rc_writer_open_u8(&w, &c));
	assert_true(rc_put_zeros(&c, 256));
	assert_false(rc_writer_close(&c));
	assert_false(rc_writer_ok(&w));
	rc_writer_free(&w);
}

static void close_with_open_grandchild(void **state)
{
	struct rc_writer w, c, g;

	rc_writer_init(&w, 0);
	assert_true(rc_writer_open_u16(&w, &c));
	assert_true(rc_writer_open_u16(&c, &g));
	assert_false(rc_writer_close(&c));
	assert_false(rc_writer_ok(&w));
	rc_writer_free(&w);
}

static void space_and_patch(void **state)
{
	struct rc_writer w;
	uint8_t *p;

	rc_writer_init(&w, 0);
	assert_true(rc_put_u32(&w, 0)); /* a header whose length comes later */
	assert_true(rc_put_space(&w, 3, &p));
	memcpy(p, "xyz", 3);
	assert_true(rc_writer_patch_u16(&w, 2, (uint16_t)rc_writer_len(&w)));
	assert_true(rc_writer_patch_u8(&w, 0, 0x21));
	assert_true(rc_writer_patch_u32(&w, 3, 0x01020304));
	static const uint8_t want[] = {0x21, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04};
	assert_memory_equal(rc_writer_data(&w), want, sizeof(want));

	uint32_t he;
	assert_true(rc_writer_patch_u32he(&w, 0, 0x11223344));
	memcpy(&he, rc_writer_data(&w), 4);
	assert_int_equal(he, 0x11223344);
	uint16_t hs;
	assert_true(rc_writer_patch_u16he(&w, 4, 0x5566));
	memcpy(&hs, rc_writer_data(&w) + 4, 2);
	assert_int_equal(hs, 0x5566);
	/* patching past the end is an error */
	assert_false(rc_writer_patch_u16(&w, 6, 1));
	assert_false(rc_writer_ok(&w));
	rc_writer_free(&w);
}

static void secret_writer(void **state)
{
	struct rc_writer w;
	uint8_t key[100];

	memset(key, 0x5a, sizeof(key));
	rc_writer_init(&w, 8);
	rc_writer_set_secret(&w);
	assert_true(rc_put_bytes(&w, key, sizeof(key))); /* grows: old copy wiped */
	assert_true(rc_put_bytes(&w, key, sizeof(key)));
	assert_int_equal(rc_writer_len(&w), 200);
	rc_writer_free(&w);
	assert_null(rc_writer_data(&w));

	uint8_t fixed[8];
	rc_writer_init_fixed(&w, fixed, sizeof(fixed));
	rc_writer_set_secret(&w);
	assert_true(rc_put_u64(&w, UINT64_MAX));
	rc_writer_free(&w);
	for (size_t i = 0; i < sizeof(fixed); i++)
		assert_int_equal(fixed[i], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(read_integers),
		cmocka_unit_test(read_host_endian),
		cmocka_unit_test(short_input_does_not_move),
		cmocka_unit_test(peek_and_bytes),
		cmocka_unit_test(length_prefixed),
		cmocka_unit_test(write_integers),
		cmocka_unit_test(write_host_endian_roundtrip),
		cmocka_unit_test(fixed_capacity),
		cmocka_unit_test(children_backpatch),
		cmocka_unit_test(child_u32_and_write_through_parent),
		cmocka_unit_test(write_after_close),
		cmocka_unit_test(random_reads),
		cmocka_unit_test(child_overflow),
		cmocka_unit_test(close_with_open_grandchild),
		cmocka_unit_test(space_and_patch),
		cmocka_unit_test(secret_writer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
