/* The DNS message codec of spmd's proxy: queries, answers with
 * compression and CNAMEs, truncated and malicious messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "bytebuf.h"
#include "dns_msg.h"

static struct dns_msg m;

static void build_and_parse_query(void **state)
{
	struct rc_writer w;

	(void)state;
	rc_writer_init(&w, 0);
	assert_true(dns_build_query(&w, 0x1234, "Host.Example.COM.", DNS_TYPE_AAAA));
	assert_int_equal(dns_parse(rc_writer_data(&w), rc_writer_len(&w), &m), DNS_OK);
	assert_int_equal(m.id, 0x1234);
	assert_int_equal(m.flags, 0x0100);
	assert_int_equal(m.nq, 1);
	assert_string_equal(m.q[0].name, "host.example.com.");
	assert_int_equal(m.q[0].qtype, DNS_TYPE_AAAA);
	assert_int_equal(m.q[0].qclass, DNS_CLASS_IN);
	assert_int_equal(m.nan, 0);
	rc_writer_free(&w);
}

static void bad_names_are_not_built(void **state)
{
	struct rc_writer w;
	char big[300];

	(void)state;
	rc_writer_init(&w, 0);
	assert_false(dns_put_name(&w, "a..b"));
	assert_false(dns_put_name(&w, ""));
	memset(big, 'a', 64);
	strcpy(big + 64, ".com");
	assert_false(dns_put_name(&w, big)); /* label of 64 */
	rc_writer_free(&w);
}

/* www.example.com CNAME web.example.com (compressed), two A, one AAAA */
static const uint8_t answer[] = {
	0xab, 0xcd, 0x81, 0x80, 0x00, 0x01, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00,
	/* 12: question www.example.com A IN */
	3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0x00, 0x01,
	0x00, 0x01,
	/* 33: CNAME, owner -> 12, target web + ptr 16 */
	0xc0, 12, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x06, 3, 'w', 'e', 'b',
	0xc0, 16,
	/* 51: web.example.com (ptr 45) A 192.0.2.7 ttl 60 */
	0xc0, 45, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x04, 192, 0, 2, 7,
	/* A 192.0.2.8 ttl 30 */
	0xc0, 45, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x1e, 0x00, 0x04, 192, 0, 2, 8,
	/* AAAA 2001:db8::7 */
	0xc0, 45, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x10, 0x20, 0x01, 0x0d,
	0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7};

static void answer_with_compression_and_cname(void **state)
{
	struct rc_addr a[8];
	uint32_t ttl;
	char buf[64];

	(void)state;
	assert_int_equal(dns_parse(answer, sizeof(answer), &m), DNS_OK);
	assert_int_equal(m.nan, 4);
	assert_string_equal(m.an[0].name, "www.example.com.");
	assert_int_equal(m.an[0].type, DNS_TYPE_CNAME);
	assert_string_equal(m.an[0].target, "web.example.com.");
	assert_string_equal(m.an[1].name, "web.example.com.");
	assert_int_equal(dns_answer_addrs(&m, "www.example.com.", AF_INET, a, 8, &ttl), 2);
	assert_string_equal(rc_addr_ntop(&a[0], buf, sizeof(buf)), "192.0.2.7");
	assert_string_equal(rc_addr_ntop(&a[1], buf, sizeof(buf)), "192.0.2.8");
	assert_int_equal(ttl, 30);
	assert_int_equal(dns_answer_addrs(&m, "www.example.com.", AF_INET6, a, 8, &ttl), 1);
	assert_string_equal(rc_addr_ntop(&a[0], buf, sizeof(buf)), "2001:db8::7");
	assert_int_equal(dns_answer_addrs(&m, "other.example.com.", AF_INET, a, 8, &ttl), 0);
	/* max is honoured */
	assert_int_equal(dns_answer_addrs(&m, "www.example.com.", AF_INET, a, 1, &ttl), 1);
}

static void every_truncation_is_refused(void **state)
{
	(void)state;
	for (size_t n = 0; n < sizeof(answer); n++)
		assert_int_not_equal(dns_parse(answer, n, &m), DNS_OK);
}

static void pointer_loops_and_forward_pointers(void **state)
{
	uint8_t msg[64];
	static const uint8_t hdr[12] = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0};

	(void)state;
	/* name that points at itself */
	memcpy(msg, hdr, 12);
	msg[12] = 0xc0;
	msg[13] = 12;
	msg[14] = 0;
	msg[15] = 1;
	msg[16] = 0;
	msg[17] = 1;
	assert_int_equal(dns_parse(msg, 18, &m), DNS_EPTR);
	/* forward pointer */
	msg[13] = 14;
	assert_int_equal(dns_parse(msg, 18, &m), DNS_EPTR);
	/* label then a pointer back to the name's own start: a loop */
	msg[12] = 1;
	msg[13] = 'a';
	msg[14] = 0xc0;
	msg[15] = 12;
	msg[16] = 0;
	msg[17] = 1;
	msg[18] = 0;
	msg[19] = 1;
	assert_int_equal(dns_parse(msg, 20, &m), DNS_EPTR);
	/* pointer into the header, whose bytes there are a pointer that
	 * jumps forward again: refused */
	msg[2] = 0xc0;
	msg[3] = 0x03;
	msg[12] = 0xc0;
	msg[13] = 2;
	msg[14] = 0;
	msg[15] = 1;
	msg[16] = 0;
	msg[17] = 1;
	assert_int_equal(dns_parse(msg, 18, &m), DNS_EPTR);
	/* extended label type 0x40 */
	msg[12] = 0x40;
	assert_int_equal(dns_parse(msg, 18, &m), DNS_ENAME);
}

static void long_names_and_counts(void **state)
{
	uint8_t msg[600];
	size_t at = 12;

	(void)state;
	memset(msg, 0, 12);
	msg[5] = 1;
	/* 5 labels of 63 = 320 text bytes > 255 */
	for (int i = 0; i < 5; i++) {
		msg[at++] = 63;
		memset(msg + at, 'x', 63);
		at += 63;
	}
	msg[at++] = 0;
	msg[at++] = 0;
	msg[at++] = 1;
	msg[at++] = 0;
	msg[at++] = 1;
	assert_int_equal(dns_parse(msg, at, &m), DNS_ENAME);
	/* too many questions */
	msg[5] = 200;
	assert_int_equal(dns_parse(msg, at, &m), DNS_ECOUNT);
}

static void bad_rdata_lengths(void **state)
{
	uint8_t msg[sizeof(answer)];

	(void)state;
	memcpy(msg, answer, sizeof(answer));
	/* first A record rdlength 4 -> 3 (the record then eats a byte of the
	 * next one: either way it must not parse) */
	msg[51 + 11] = 3;
	assert_int_not_equal(dns_parse(msg, sizeof(msg), &m), DNS_OK);
	/* an AAAA with rdlength 4 and 4 bytes: wrong size for its type */
	static const uint8_t aaaa4[] = {0, 1,	 0x81, 0x80, 0, 0, 0, 1, 0, 0, 0, 0, 1, 'a', 0,
					0, 0x1c, 0,    1,    0, 0, 0, 1, 0, 4, 1, 2, 3, 4};
	assert_int_equal(dns_parse(aaaa4, sizeof(aaaa4), &m), DNS_ERDATA);
}

static void cname_loop_in_answer_ends(void **state)
{
	/* a CNAME b, b CNAME a: the chain stops after its hop limit */
	static const uint8_t msg[] = {0, 1, 0x81, 0x80, 0, 0, 0, 2, 0, 0, 0, 0,	  1,   'a', 0,
				      0, 5, 0,	  1,	0, 0, 0, 1, 0, 3, 1, 'b', 0,   1,   'b',
				      0, 0, 5,	  0,	1, 0, 0, 0, 1, 0, 3, 1,	  'a', 0};
	struct rc_addr a[2];
	uint32_t ttl;

	(void)state;
	assert_int_equal(dns_parse(msg, sizeof(msg), &m), DNS_OK);
	assert_int_equal(dns_answer_addrs(&m, "a.", AF_INET, a, 2, &ttl), 0);
}

/* Random bytes and random mutations of a good answer: never a crash (the
 * ASan build checks the reads). */
static void random_garbage(void **state)
{
	uint8_t msg[sizeof(answer)];
	unsigned seed = 12345;

	(void)state;
	for (int round = 0; round < 20000; round++) {
		memcpy(msg, answer, sizeof(answer));
		int flips = 1 + rand_r(&seed) % 4;
		for (int i = 0; i < flips; i++)
			msg[rand_r(&seed) % sizeof(msg)] = (uint8_t)rand_r(&seed);
		(void)dns_parse(msg, (size_t)(rand_r(&seed) % (sizeof(msg) + 1)), &m);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(build_and_parse_query),
		cmocka_unit_test(bad_names_are_not_built),
		cmocka_unit_test(answer_with_compression_and_cname),
		cmocka_unit_test(every_truncation_is_refused),
		cmocka_unit_test(pointer_loops_and_forward_pointers),
		cmocka_unit_test(long_names_and_counts),
		cmocka_unit_test(bad_rdata_lengths),
		cmocka_unit_test(cname_loop_in_answer_ends),
		cmocka_unit_test(random_garbage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
