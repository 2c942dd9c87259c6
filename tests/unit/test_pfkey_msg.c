/* PF_KEY v2 codec (lib/pfkey_msg.c): encoded bytes against hand-computed
 * vectors, kernel-shaped replies and events decoded, and malformed input
 * (every prefix, lying lengths, duplicates, random mutations) rejected
 * without reading out of bounds (run under ASan in CI).
 *
 * The vectors are for a little-endian host with Linux sockaddrs (PF_KEY
 * integers are host order). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pfkey_msg.h"

static bool little_endian(void)
{
	uint16_t one = 1;
	return *(uint8_t *)&one == 1;
}

#define NEED_LE()                                                                                  \
	do {                                                                                       \
		if (!little_endian())                                                              \
			skip();                                                                    \
	} while (0)

static struct pfk_addr v4(const char *text, uint8_t prefixlen, uint8_t proto, uint16_t port)
{
	struct pfk_addr a = {.proto = proto, .prefixlen = prefixlen};
	a.a.family = AF_INET;
	a.a.prefixlen = prefixlen;
	a.a.port = port;
	assert_int_equal(inet_pton(AF_INET, text, &a.a.u.v4), 1);
	return a;
}

static struct pfk_addr v6(const char *text, uint8_t prefixlen, uint8_t proto)
{
	struct pfk_addr a = {.proto = proto, .prefixlen = prefixlen};
	a.a.family = AF_INET6;
	a.a.prefixlen = prefixlen;
	assert_int_equal(inet_pton(AF_INET6, text, &a.a.u.v6), 1);
	return a;
}

/* Encodes m and checks the bytes against want. */
static void check_encoding(const struct pfk_msg *m, const uint8_t *want, size_t wantlen)
{
	struct rc_writer w;

	rc_writer_init(&w, 0);
	assert_int_equal(pfk_encode(m, &w), 0);
	assert_int_equal(rc_writer_len(&w), wantlen);
	assert_memory_equal(rc_writer_data(&w), want, wantlen);
	rc_writer_free(&w);
}

static uint8_t *encode(const struct pfk_msg *m, size_t *len)
{
	struct rc_writer w;
	uint8_t *buf;

	rc_writer_init(&w, 0);
	assert_int_equal(pfk_encode(m, &w), 0);
	buf = rc_writer_steal(&w, len);
	assert_non_null(buf);
	return buf;
}

/* ---- encoding: hand-computed vectors ---- */

static const uint8_t getspi_v4[] = {
	/* sadb_msg: v2, GETSPI, errno 0, ESP; len 12 words; seq 1; pid 0x100 */
	0x02, 0x01, 0x00, 0x03, 0x0c, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
	0x00,
	/* ADDRESS_SRC: 3 words, proto 0, /32, sockaddr_in 192.0.2.1 */
	0x03, 0x00, 0x05, 0x00, 0x00, 0x20, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x02,
	0x01, 0, 0, 0, 0, 0, 0, 0, 0,
	/* ADDRESS_DST 192.0.2.2 */
	0x03, 0x00, 0x06, 0x00, 0x00, 0x20, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x02,
	0x02, 0, 0, 0, 0, 0, 0, 0, 0,
	/* SPIRANGE 0x100..0xffff */
	0x02, 0x00, 0x10, 0x00, 0x00, 0x01, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00, 0, 0, 0, 0,
	/* X_SA2: transport, seq 0, reqid 7 */
	0x02, 0x00, 0x13, 0x00, 0x01, 0x00, 0x00, 0x00, 0, 0, 0, 0, 0x07, 0x00, 0x00, 0x00};

static void test_encode_getspi(void **state)
{
	struct pfk_msg m;

	(void)state;
	NEED_LE();
	pfk_init(&m, SADB_GETSPI, SADB_SATYPE_ESP, 1, 0x100);
	m.src = v4("192.0.2.1", 32, 0, 0);
	m.dst = v4("192.0.2.2", 32, 0, 0);
	m.spi_min = 0x100;
	m.spi_max = 0xffff;
	m.sa2_mode = IPSEC_MODE_TRANSPORT;
	m.sa2_reqid = 7;
	/* set in any order: the encoder writes them by type */
	pfk_set(&m, SADB_X_EXT_SA2);
	pfk_set(&m, SADB_EXT_SPIRANGE);
	pfk_set(&m, SADB_EXT_ADDRESS_DST);
	pfk_set(&m, SADB_EXT_ADDRESS_SRC);
	check_encoding(&m, getspi_v4, sizeof(getspi_v4));
}

static const uint8_t add_keys[] = {
	/* sadb_msg: v2, ADD, ESP, len 11 words, seq 2, pid 9 */
	0x02, 0x03, 0x00, 0x03, 0x0b, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00,
	0x00,
	/* SA: spi 0x12345678 (network order), replay 32, mature, sha1, aes-cbc */
	0x02, 0x00, 0x01, 0x00, 0x12, 0x34, 0x56, 0x78, 0x20, 0x01, 0x03, 0x0c, 0, 0, 0, 0,
	/* KEY_AUTH: 20 bytes = 160 bits, padded to 4 words */
	0x04, 0x00, 0x08, 0x00, 0xa0, 0x00, 0x00, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
	14, 15, 16, 17, 18, 19, 20, 0, 0, 0, 0,
	/* KEY_ENCRYPT: 16 bytes = 128 bits, 3 words */
	0x03, 0x00, 0x09, 0x00, 0x80, 0x00, 0x00, 0x00, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
	0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf, 0xb0};

static void test_encode_keys_padding(void **state)
{
	static const uint8_t ak[20] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10,
				       11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
	static const uint8_t ek[16] = {0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8,
				       0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf, 0xb0};
	struct pfk_msg m;

	(void)state;
	NEED_LE();
	pfk_init(&m, SADB_ADD, SADB_SATYPE_ESP, 2, 9);
	m.sa = (struct pfk_sa){.spi = 0x12345678,
			       .replay = 32,
			       .state = 1,
			       .auth = SADB_AALG_SHA1HMAC,
			       .encrypt = SADB_X_EALG_AESCBC};
	m.key_auth = (struct pfk_key){.data = ak, .len = sizeof(ak)};
	m.key_enc = (struct pfk_key){.data = ek, .len = sizeof(ek)};
	pfk_set(&m, SADB_EXT_SA);
	pfk_set(&m, SADB_EXT_KEY_AUTH);
	pfk_set(&m, SADB_EXT_KEY_ENCRYPT);
	check_encoding(&m, add_keys, sizeof(add_keys));
}

static const uint8_t addr_v6[] = {
	/* sadb_msg: v2, DELETE, ESP, len 8 words */
	0x02, 0x04, 0x00, 0x03, 0x08, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
	0x00,
	/* ADDRESS_DST: 8 + 28-byte sockaddr_in6 = 36, padded to 40 = 5 words;
	 * proto udp, /64, family 10, port 500, flowinfo 0, 2001:db8::1, scope 0 */
	0x05, 0x00, 0x06, 0x00, 0x11, 0x40, 0x00, 0x00, 0x0a, 0x00, 0x01, 0xf4, 0, 0, 0, 0, 0x20,
	0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0, 0, 0, 0, 0, 0, 0, 0,
	/* NAT_T_TYPE 2 (ESP in UDP) */
	0x01, 0x00, 0x14, 0x00, 0x02, 0x00, 0x00, 0x00};

static void test_encode_ipv6_address(void **state)
{
	struct pfk_msg m;

	(void)state;
	NEED_LE();
	pfk_init(&m, SADB_DELETE, SADB_SATYPE_ESP, 3, 1);
	m.dst = v6("2001:db8::1", 64, 17);
	m.dst.a.port = 500;
	m.natt_type = 2;
	pfk_set(&m, SADB_EXT_ADDRESS_DST);
	pfk_set(&m, SADB_X_EXT_NAT_T_TYPE);
	check_encoding(&m, addr_v6, sizeof(addr_v6));
}

static const uint8_t spdadd_tunnel[] = {
	/* sadb_msg: v2, X_SPDADD, UNSPEC, len 16 words, seq 4, pid 2 */
	0x02, 0x0e, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00,
	0x00,
	/* ADDRESS_SRC 198.51.100.0/24 any proto (255), port 0 */
	0x03, 0x00, 0x05, 0x00, 0xff, 0x18, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0xc6, 0x33, 0x64,
	0x00, 0, 0, 0, 0, 0, 0, 0, 0,
	/* ADDRESS_DST 203.0.113.0/24 tcp (6), port 80 */
	0x03, 0x00, 0x06, 0x00, 0x06, 0x18, 0x00, 0x00, 0x02, 0x00, 0x00, 0x50, 0xcb, 0x00, 0x71,
	0x00, 0, 0, 0, 0, 0, 0, 0, 0,
	/* X_POLICY: 8 words; IPSEC, outbound, id 0, priority 0x80000000 */
	0x08, 0x00, 0x12, 0x00, 0x02, 0x00, 0x02, 0x00, 0, 0, 0, 0, 0x00, 0x00, 0x00, 0x80,
	/* ipsecrequest: 48 bytes, ESP, tunnel, unique, reqid 5, then the endpoints */
	0x30, 0x00, 0x32, 0x00, 0x02, 0x03, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0, 0, 0, 0, 0x02,
	0x00, 0x00, 0x00, 0xc0, 0x00, 0x02, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x00, 0x00, 0x00,
	0xc0, 0x00, 0x02, 0x02, 0, 0, 0, 0, 0, 0, 0, 0};

static struct pfk_msg spdadd_msg(void)
{
	struct pfk_msg m;
	struct pfk_ireq *rq;

	pfk_init(&m, SADB_X_SPDADD, SADB_SATYPE_UNSPEC, 4, 2);
	m.src = v4("198.51.100.0", 24, IPSEC_ULPROTO_ANY, 0);
	m.dst = v4("203.0.113.0", 24, 6, 80);
	m.policy.type = IPSEC_POLICY_IPSEC;
	m.policy.dir = IPSEC_DIR_OUTBOUND;
	m.policy.priority = 0x80000000u;
	m.policy.nreq = 1;
	rq = &m.policy.req[0];
	rq->proto = 50;
	rq->mode = IPSEC_MODE_TUNNEL;
	rq->level = IPSEC_LEVEL_UNIQUE;
	rq->reqid = 5;
	rq->src = v4("192.0.2.1", 32, 0, 0).a;
	rq->dst = v4("192.0.2.2", 32, 0, 0).a;
	pfk_set(&m, SADB_EXT_ADDRESS_SRC);
	pfk_set(&m, SADB_EXT_ADDRESS_DST);
	pfk_set(&m, SADB_X_EXT_POLICY);
	return m;
}

static void test_encode_spdadd_tunnel(void **state)
{
	struct pfk_msg m = spdadd_msg();

	(void)state;
	NEED_LE();
	check_encoding(&m, spdadd_tunnel, sizeof(spdadd_tunnel));
}

static void test_encode_rejects(void **state)
{
	struct pfk_msg m;
	struct rc_writer w;
	uint8_t small[24];

	(void)state;
	pfk_init(&m, SADB_GET, SADB_SATYPE_ESP, 1, 1);
	pfk_set(&m, SADB_EXT_ADDRESS_SRC); /* family AF_UNSPEC */
	rc_writer_init(&w, 0);
	assert_int_equal(pfk_encode(&m, &w), -EINVAL);
	rc_writer_free(&w);

	m = spdadd_msg();
	m.policy.nreq = PFK_MAX_IREQ + 1;
	rc_writer_init(&w, 0);
	assert_int_equal(pfk_encode(&m, &w), -EINVAL);
	rc_writer_free(&w);

	m = spdadd_msg();
	m.policy.req[0].dst = v6("2001:db8::2", 128, 0).a; /* mixed pair */
	rc_writer_init(&w, 0);
	assert_int_equal(pfk_encode(&m, &w), -EINVAL);
	rc_writer_free(&w);

	/* a fixed buffer too small for the message */
	m = spdadd_msg();
	rc_writer_init_fixed(&w, small, sizeof(small));
	assert_true(pfk_encode(&m, &w) < 0);
}

/* Messages that are a bare header: REGISTER, DUMP, SPDDUMP, FLUSH. */
static void test_encode_header_only(void **state)
{
	static const uint8_t want[] = {0x02, 0x07, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00,
				       0x2a, 0x00, 0x00, 0x00, 0x39, 0x30, 0x00, 0x00};
	struct pfk_msg m;

	(void)state;
	NEED_LE();
	pfk_init(&m, SADB_REGISTER, SADB_SATYPE_AH, 42, 12345);
	check_encoding(&m, want, sizeof(want));
}

static const uint8_t update_lifetimes_natt[] = {
	/* sadb_msg: v2, UPDATE, ESP, 16 words, seq 7, pid 8 */
	0x02, 0x02, 0x00, 0x03, 0x10, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00,
	0x00,
	/* LIFETIME_HARD: allocations 100, bytes 0x10000, addtime 60, usetime 0 */
	0x04, 0x00, 0x03, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0, 0, 0, 0, 0x3c, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* LIFETIME_SOFT: allocations 0, bytes 0, addtime 50 */
	0x04, 0x00, 0x04, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x32, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0,
	/* NAT_T_TYPE 2, NAT_T_SPORT 4500 and DPORT 4501 in network order */
	0x01, 0x00, 0x14, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x15, 0x00, 0x11, 0x94, 0x00,
	0x00, 0x01, 0x00, 0x16, 0x00, 0x11, 0x95, 0x00, 0x00,
	/* NAT_T_OA 192.0.2.9 */
	0x03, 0x00, 0x17, 0x00, 0x00, 0x20, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x02,
	0x09, 0, 0, 0, 0, 0, 0, 0, 0};

static void test_encode_lifetimes_natt(void **state)
{
	struct pfk_msg m;

	(void)state;
	NEED_LE();
	pfk_init(&m, SADB_UPDATE, SADB_SATYPE_ESP, 7, 8);
	m.hard = (struct pfk_lifetime){.allocations = 100, .bytes = 0x10000, .addtime = 60};
	m.soft = (struct pfk_lifetime){.addtime = 50};
	m.natt_type = 2;
	m.natt_sport = 4500;
	m.natt_dport = 4501;
	m.natt_oa = v4("192.0.2.9", 32, 0, 0);
	pfk_set(&m, SADB_EXT_LIFETIME_HARD);
	pfk_set(&m, SADB_EXT_LIFETIME_SOFT);
	pfk_set(&m, SADB_X_EXT_NAT_T_TYPE);
	pfk_set(&m, SADB_X_EXT_NAT_T_SPORT);
	pfk_set(&m, SADB_X_EXT_NAT_T_DPORT);
	pfk_set(&m, SADB_X_EXT_NAT_T_OA);
	check_encoding(&m, update_lifetimes_natt, sizeof(update_lifetimes_natt));
}

static const uint8_t spddelete2[] = {
	/* sadb_msg: v2, X_SPDDELETE2, 4 words, seq 5, pid 6 */
	0x02, 0x16, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00,
	0x00,
	/* X_POLICY: 2 words, IPSEC, inbound, id 0x1a9, priority 0, no requests */
	0x02, 0x00, 0x12, 0x00, 0x02, 0x00, 0x01, 0x00, 0xa9, 0x01, 0x00, 0x00, 0, 0, 0, 0};

static void test_encode_spddelete2(void **state)
{
	struct pfk_msg m;

	(void)state;
	NEED_LE();
	pfk_init(&m, SADB_X_SPDDELETE2, SADB_SATYPE_UNSPEC, 5, 6);
	m.policy.type = IPSEC_POLICY_IPSEC;
	m.policy.dir = IPSEC_DIR_INBOUND;
	m.policy.id = 0x1a9;
	pfk_set(&m, SADB_X_EXT_POLICY);
	check_encoding(&m, spddelete2, sizeof(spddelete2));
}

/* X_MIGRATE: the policy carries old/new request pairs, each with its
 * endpoints (in transport mode too). */
static void test_encode_migrate(void **state)
{
	struct pfk_msg m, d;
	uint8_t *buf;
	size_t len;

	(void)state;
	pfk_init(&m, SADB_X_MIGRATE, SADB_SATYPE_UNSPEC, 1, 1);
	m.src = v4("198.51.100.0", 24, IPSEC_ULPROTO_ANY, 0);
	m.dst = v4("203.0.113.0", 24, IPSEC_ULPROTO_ANY, 0);
	m.policy.type = IPSEC_POLICY_IPSEC;
	m.policy.dir = IPSEC_DIR_OUTBOUND;
	m.policy.nreq = 2;
	for (int i = 0; i < 2; i++) {
		m.policy.req[i] = (struct pfk_ireq){.proto = 50,
						    .mode = IPSEC_MODE_TUNNEL,
						    .level = IPSEC_LEVEL_REQUIRE,
						    .reqid = 4};
		m.policy.req[i].src = v6("2001:db8::1", 128, 0).a;
		m.policy.req[i].dst = v6(i ? "2001:db8::3" : "2001:db8::2", 128, 0).a;
	}
	pfk_set(&m, SADB_EXT_ADDRESS_SRC);
	pfk_set(&m, SADB_EXT_ADDRESS_DST);
	pfk_set(&m, SADB_X_EXT_POLICY);
	buf = encode(&m, &len);
	/* header 16 + 2 addresses of 24 + policy 16 + 2 requests of 16 + 2 * 28 */
	assert_int_equal(len, 16 + 48 + 16 + 2 * 72);
	assert_int_equal(buf[4], len / 8);
	/* the first request's length field, in bytes */
	assert_int_equal(buf[16 + 48 + 16], 72);
	assert_int_equal(pfk_decode(buf, len, &d, NULL), 0);
	assert_int_equal(d.policy.nreq, 2);
	assert_true(rc_addr_equal(&d.policy.req[1].dst, &m.policy.req[1].dst));
	free(buf);
}

/* ---- decoding kernel-shaped messages ---- */

struct raw;
static void expect_bad_fwd(const struct raw *r, const char *reason);

/* A byte-level builder independent of the encoder, shaped as the kernel
 * writes its messages. */
struct raw {
	uint8_t b[2048];
	size_t len;
};

static void raw_bytes(struct raw *r, const void *p, size_t n)
{
	assert_true(r->len + n <= sizeof(r->b));
	memcpy(r->b + r->len, p, n);
	r->len += n;
}

static void raw_u8(struct raw *r, uint8_t v)
{
	raw_bytes(r, &v, 1);
}

static void raw_u16(struct raw *r, uint16_t v)
{
	raw_bytes(r, &v, 2);
}

static void raw_u32(struct raw *r, uint32_t v)
{
	raw_bytes(r, &v, 4);
}

static void raw_u64(struct raw *r, uint64_t v)
{
	raw_bytes(r, &v, 8);
}

static void raw_hdr(struct raw *r, uint8_t type, uint8_t err, uint8_t satype, uint32_t seq,
		    uint32_t pid)
{
	r->len = 0;
	raw_u8(r, 2);
	raw_u8(r, type);
	raw_u8(r, err);
	raw_u8(r, satype);
	raw_u16(r, 0); /* patched by raw_done */
	raw_u16(r, 0);
	raw_u32(r, seq);
	raw_u32(r, pid);
}

static void raw_done(struct raw *r)
{
	uint16_t units = (uint16_t)(r->len / 8);
	assert_int_equal(r->len % 8, 0);
	memcpy(r->b + 4, &units, 2);
}

static void raw_ext(struct raw *r, uint16_t units, uint16_t type)
{
	raw_u16(r, units);
	raw_u16(r, type);
}

static void raw_sin(struct raw *r, const char *ip, uint16_t port)
{
	uint8_t a[4];
	assert_int_equal(inet_pton(AF_INET, ip, a), 1);
	raw_u16(r, AF_INET);
	raw_u16(r, htons(port));
	raw_bytes(r, a, 4);
	raw_u64(r, 0);
}

static void raw_sin6(struct raw *r, const char *ip)
{
	uint8_t a[16];
	assert_int_equal(inet_pton(AF_INET6, ip, a), 1);
	raw_u16(r, AF_INET6);
	raw_u16(r, 0);
	raw_u32(r, 0);
	raw_bytes(r, a, 16);
	raw_u32(r, 0);
}

static void raw_addr4(struct raw *r, uint16_t type, const char *ip, uint8_t plen, uint8_t proto)
{
	raw_ext(r, 3, type);
	raw_u8(r, proto);
	raw_u8(r, plen);
	raw_u16(r, 0);
	raw_sin(r, ip, 0);
}

static void raw_addr6(struct raw *r, uint16_t type, const char *ip)
{
	raw_ext(r, 5, type);
	raw_u8(r, 0);
	raw_u8(r, 128);
	raw_u16(r, 0);
	raw_sin6(r, ip);
	raw_u32(r, 0);
}

static void raw_sa(struct raw *r, uint32_t spi, uint8_t auth, uint8_t enc)
{
	raw_ext(r, 2, SADB_EXT_SA);
	raw_u32(r, htonl(spi));
	raw_u8(r, 32);
	raw_u8(r, SADB_SASTATE_MATURE);
	raw_u8(r, auth);
	raw_u8(r, enc);
	raw_u32(r, 0);
}

static void raw_lifetime(struct raw *r, uint16_t type, uint32_t alloc, uint64_t bytes, uint64_t add,
			 uint64_t use)
{
	raw_ext(r, 4, type);
	raw_u32(r, alloc);
	raw_u64(r, bytes);
	raw_u64(r, add);
	raw_u64(r, use);
}

static void raw_sa2(struct raw *r, uint8_t mode, uint32_t reqid)
{
	raw_ext(r, 2, SADB_X_EXT_SA2);
	raw_u8(r, mode);
	raw_u8(r, 0);
	raw_u16(r, 0);
	raw_u32(r, 0);
	raw_u32(r, reqid);
}

static void raw_policy(struct raw *r, uint16_t units, uint16_t type, uint8_t dir, uint32_t id)
{
	raw_ext(r, units, SADB_X_EXT_POLICY);
	raw_u16(r, type);
	raw_u8(r, dir);
	raw_u8(r, 0);
	raw_u32(r, id);
	raw_u32(r, 0);
}

/* ACQUIRE as Linux sends it: addresses, a policy without requests, and a
 * proposal the codec carries without interpreting. */
static void make_acquire(struct raw *r)
{
	raw_hdr(r, SADB_ACQUIRE, 0, SADB_SATYPE_ESP, 77, 0);
	raw_addr4(r, SADB_EXT_ADDRESS_SRC, "192.0.2.1", 32, 0);
	raw_addr4(r, SADB_EXT_ADDRESS_DST, "192.0.2.2", 32, 0);
	raw_policy(r, 2, IPSEC_POLICY_IPSEC, IPSEC_DIR_OUTBOUND, 0x209);
	raw_ext(r, 1 + 9, SADB_EXT_PROPOSAL);
	raw_u8(r, 32);
	raw_bytes(r, "\0\0\0", 3);
	for (int i = 0; i < 9; i++)
		raw_u64(r, 0);
	raw_done(r);
}

static void test_decode_acquire(void **state)
{
	struct raw r;
	struct pfk_msg m;
	const char *why = NULL;
	char buf[RC_ADDR_STRLEN];

	(void)state;
	make_acquire(&r);
	assert_int_equal(pfk_decode(r.b, r.len, &m, &why), 0);
	assert_int_equal(m.type, SADB_ACQUIRE);
	assert_int_equal(m.satype, SADB_SATYPE_ESP);
	assert_int_equal(m.seq, 77);
	assert_true(pfk_has(&m, SADB_EXT_PROPOSAL));
	assert_true(pfk_has(&m, SADB_X_EXT_POLICY));
	assert_false(pfk_has(&m, SADB_EXT_SA));
	assert_int_equal(m.policy.id, 0x209);
	assert_int_equal(m.policy.dir, IPSEC_DIR_OUTBOUND);
	assert_int_equal(m.policy.nreq, 0);
	assert_string_equal(rc_addr_ntop(&m.src.a, buf, sizeof(buf)), "192.0.2.1");
	assert_string_equal(rc_addr_ntop(&m.dst.a, buf, sizeof(buf)), "192.0.2.2");
	assert_int_equal(m.dst.prefixlen, 32);
}

static void make_expire(struct raw *r, bool hard)
{
	raw_hdr(r, SADB_EXPIRE, 0, SADB_SATYPE_ESP, 0, 0);
	raw_sa(r, 0xc0ffee01, SADB_AALG_SHA1HMAC, SADB_X_EALG_AESCBC);
	raw_lifetime(r, SADB_EXT_LIFETIME_CURRENT, 12, 3456, 1700000000, 1700000005);
	raw_lifetime(r, hard ? SADB_EXT_LIFETIME_HARD : SADB_EXT_LIFETIME_SOFT, 0, 0, 30, 0);
	raw_addr6(r, SADB_EXT_ADDRESS_SRC, "2001:db8::1");
	raw_addr6(r, SADB_EXT_ADDRESS_DST, "2001:db8::2");
	raw_sa2(r, IPSEC_MODE_TUNNEL, 42);
	raw_done(r);
}

static void test_decode_expire(void **state)
{
	struct raw r;
	struct pfk_msg m;
	char buf[RC_ADDR_STRLEN];

	(void)state;
	for (int hard = 0; hard < 2; hard++) {
		make_expire(&r, hard);
		assert_int_equal(pfk_decode(r.b, r.len, &m, NULL), 0);
		assert_int_equal(m.type, SADB_EXPIRE);
		assert_int_equal(m.sa.spi, 0xc0ffee01);
		assert_int_equal(m.sa.auth, SADB_AALG_SHA1HMAC);
		assert_int_equal(m.cur.allocations, 12);
		assert_int_equal(m.cur.bytes, 3456);
		assert_int_equal(m.cur.addtime, 1700000000);
		assert_int_equal(m.cur.usetime, 1700000005);
		assert_int_equal(pfk_has(&m, SADB_EXT_LIFETIME_HARD), hard);
		assert_int_equal(pfk_has(&m, SADB_EXT_LIFETIME_SOFT), !hard);
		assert_int_equal(hard ? m.hard.addtime : m.soft.addtime, 30);
		assert_int_equal(m.src.a.family, AF_INET6);
		assert_string_equal(rc_addr_ntop(&m.dst.a, buf, sizeof(buf)), "2001:db8::2");
		assert_int_equal(m.sa2_mode, IPSEC_MODE_TUNNEL);
		assert_int_equal(m.sa2_reqid, 42);
	}
}

static void make_register(struct raw *r)
{
	static const struct {
		uint8_t id, iv;
		uint16_t min, max;
	} auth[] = {{SADB_AALG_MD5HMAC, 0, 128, 128},
		    {SADB_AALG_SHA1HMAC, 0, 160, 160},
		    {SADB_X_AALG_SHA2_256HMAC, 0, 256, 256}},
	  enc[] = {{SADB_EALG_3DESCBC, 8, 192, 192}, {SADB_X_EALG_AESCBC, 16, 128, 256}};

	raw_hdr(r, SADB_REGISTER, 0, SADB_SATYPE_ESP, 5, 4242);
	raw_ext(r, 1 + 3, SADB_EXT_SUPPORTED_AUTH);
	raw_u32(r, 0);
	for (size_t i = 0; i < 3; i++) {
		raw_u8(r, auth[i].id);
		raw_u8(r, auth[i].iv);
		raw_u16(r, auth[i].min);
		raw_u16(r, auth[i].max);
		raw_u16(r, 0);
	}
	raw_ext(r, 1 + 2, SADB_EXT_SUPPORTED_ENCRYPT);
	raw_u32(r, 0);
	for (size_t i = 0; i < 2; i++) {
		raw_u8(r, enc[i].id);
		raw_u8(r, enc[i].iv);
		raw_u16(r, enc[i].min);
		raw_u16(r, enc[i].max);
		raw_u16(r, 0);
	}
	raw_done(r);
}

static void test_decode_register(void **state)
{
	struct raw r;
	struct pfk_msg m;

	(void)state;
	make_register(&r);
	assert_int_equal(pfk_decode(r.b, r.len, &m, NULL), 0);
	assert_int_equal(m.pid, 4242);
	assert_int_equal(m.nauth, 3);
	assert_int_equal(m.nenc, 2);
	assert_int_equal(m.auth[1].id, SADB_AALG_SHA1HMAC);
	assert_int_equal(m.auth[1].minbits, 160);
	assert_int_equal(m.enc[1].id, SADB_X_EALG_AESCBC);
	assert_int_equal(m.enc[1].ivlen, 16);
	assert_int_equal(m.enc[1].minbits, 128);
	assert_int_equal(m.enc[1].maxbits, 256);
}

/* The SPDADD reply echoes the request with the policy id filled in, and
 * IPv6 tunnel endpoints in the request. */
static void make_spdadd_reply(struct raw *r)
{
	raw_hdr(r, SADB_X_SPDADD, 0, SADB_SATYPE_UNSPEC, 9, 4242);
	raw_addr4(r, SADB_EXT_ADDRESS_SRC, "198.51.100.0", 24, 255);
	raw_addr4(r, SADB_EXT_ADDRESS_DST, "203.0.113.0", 24, 255);
	raw_lifetime(r, SADB_EXT_LIFETIME_HARD, 0, 0, 0, 0);
	raw_policy(r, 2 + 9, IPSEC_POLICY_IPSEC, IPSEC_DIR_FWD, 0x1ab);
	raw_u16(r, 16 + 2 * 28);
	raw_u16(r, 50);
	raw_u8(r, IPSEC_MODE_TUNNEL);
	raw_u8(r, IPSEC_LEVEL_REQUIRE);
	raw_u16(r, 0);
	raw_u32(r, 3);
	raw_u32(r, 0);
	raw_sin6(r, "2001:db8::1");
	raw_sin6(r, "2001:db8::2");
	raw_done(r);
}

static void test_decode_spdadd_reply(void **state)
{
	struct raw r;
	struct pfk_msg m;
	char buf[RC_ADDR_STRLEN];

	(void)state;
	make_spdadd_reply(&r);
	assert_int_equal(pfk_decode(r.b, r.len, &m, NULL), 0);
	assert_int_equal(m.policy.id, 0x1ab);
	assert_int_equal(m.policy.dir, IPSEC_DIR_FWD);
	assert_int_equal(m.policy.nreq, 1);
	assert_int_equal(m.policy.req[0].proto, 50);
	assert_int_equal(m.policy.req[0].mode, IPSEC_MODE_TUNNEL);
	assert_int_equal(m.policy.req[0].reqid, 3);
	assert_string_equal(rc_addr_ntop(&m.policy.req[0].dst, buf, sizeof(buf)), "2001:db8::2");
	assert_int_equal(m.src.prefixlen, 24);
	assert_int_equal(m.src.proto, 255);
}

/* A dump is a run of messages with the request's pid whose sequence
 * counts down; the last one has sequence 0. */
static void test_decode_dump_sequence(void **state)
{
	struct raw r;
	struct pfk_msg m;
	uint32_t seqs[] = {3, 2, 1, 0};

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		raw_hdr(&r, SADB_DUMP, 0, SADB_SATYPE_ESP, seqs[i], 4242);
		raw_sa(&r, 0x1000 + (uint32_t)i, 0, SADB_EALG_NULL);
		raw_addr4(&r, SADB_EXT_ADDRESS_SRC, "192.0.2.1", 32, 0);
		raw_addr4(&r, SADB_EXT_ADDRESS_DST, "192.0.2.2", 32, 0);
		raw_done(&r);
		assert_int_equal(pfk_decode(r.b, r.len, &m, NULL), 0);
		assert_int_equal(m.seq, seqs[i]);
		assert_int_equal(m.sa.spi, 0x1000 + i);
	}
	/* an empty SAD: the kernel answers with an error and no extensions */
	raw_hdr(&r, SADB_DUMP, ENOENT, SADB_SATYPE_ESP, 0, 4242);
	raw_done(&r);
	assert_int_equal(pfk_decode(r.b, r.len, &m, NULL), 0);
	assert_int_equal(m.err, ENOENT);
}

/* What Linux af_key answers for a 6-in-4 SA added with an IPv6 proxy
 * address: the proxy comes back as IPv4 with prefix 128. */
static void test_decode_linux_proxy_quirk(void **state)
{
	struct raw r;
	struct pfk_msg m;

	(void)state;
	raw_hdr(&r, SADB_ADD, 0, SADB_SATYPE_ESP, 3, 4242);
	raw_sa(&r, 0x1001, SADB_AALG_SHA1HMAC, SADB_X_EALG_AESCBC);
	raw_addr4(&r, SADB_EXT_ADDRESS_SRC, "192.0.2.1", 32, 0);
	raw_addr4(&r, SADB_EXT_ADDRESS_DST, "192.0.2.2", 32, 0);
	raw_addr4(&r, SADB_EXT_ADDRESS_PROXY, "32.1.13.184", 128, 255);
	raw_done(&r);
	assert_int_equal(pfk_decode(r.b, r.len, &m, NULL), 0);
	assert_true(pfk_has(&m, SADB_EXT_ADDRESS_PROXY));
	assert_int_equal(m.proxy.prefixlen, 32);
	/* the same prefix on a source address is an error */
	r.b[16 + 16 + 5] = 128;
	expect_bad_fwd(&r, "address prefix length larger than the address");
}

/* Encoder output decodes to the same content. */
static void test_roundtrip(void **state)
{
	static const uint8_t key[32] = {1};
	struct pfk_msg m, d;
	uint8_t *buf;
	size_t len;

	(void)state;
	pfk_init(&m, SADB_UPDATE, SADB_SATYPE_ESP, 11, 22);
	m.sa = (struct pfk_sa){.spi = 0xdeadbeef, .replay = 64, .auth = 3, .encrypt = 12};
	m.hard = (struct pfk_lifetime){.allocations = 1000, .bytes = 1 << 20, .addtime = 60};
	m.soft = (struct pfk_lifetime){.allocations = 900, .bytes = 1 << 19, .addtime = 50};
	m.src = v6("2001:db8:1::1", 128, 0);
	m.dst = v6("2001:db8:2::1", 128, 0);
	m.key_auth = (struct pfk_key){.data = key, .len = 20};
	m.key_enc = (struct pfk_key){.data = key, .len = 32};
	m.sa2_mode = IPSEC_MODE_TUNNEL;
	m.sa2_reqid = 99;
	m.natt_type = 2;
	m.natt_sport = 4500;
	m.natt_dport = 4501;
	m.natt_oa = v4("192.0.2.9", 32, 0, 0);
	for (unsigned t = SADB_EXT_SA; t <= SADB_X_EXT_NAT_T_OA; t++)
		if (t != SADB_EXT_LIFETIME_CURRENT && t != SADB_EXT_ADDRESS_PROXY &&
		    (t < SADB_EXT_IDENTITY_SRC || t > SADB_X_EXT_KMPRIVATE))
			pfk_set(&m, t);
	m.policy = spdadd_msg().policy;
	buf = encode(&m, &len);
	assert_int_equal(len % 8, 0);
	assert_int_equal(pfk_decode(buf, len, &d, NULL), 0);
	assert_int_equal(d.exts, m.exts);
	assert_int_equal(d.sa.spi, 0xdeadbeef);
	assert_int_equal(d.sa.replay, 64);
	assert_int_equal(d.hard.allocations, 1000);
	assert_int_equal(d.soft.bytes, 1 << 19);
	assert_true(rc_addr_equal(&d.dst.a, &m.dst.a));
	assert_int_equal(d.key_auth.len, 20);
	assert_int_equal(d.key_auth.bits, 160);
	assert_memory_equal(d.key_enc.data, key, 32);
	assert_int_equal(d.spi_min, 0);
	assert_int_equal(d.sa2_reqid, 99);
	assert_int_equal(d.natt_sport, 4500);
	assert_int_equal(d.natt_dport, 4501);
	assert_true(rc_addr_equal(&d.natt_oa.a, &m.natt_oa.a));
	assert_int_equal(d.policy.nreq, 1);
	assert_int_equal(d.policy.priority, 0x80000000u);
	assert_true(rc_addr_equal(&d.policy.req[0].src, &m.policy.req[0].src));
	free(buf);
}

/* ---- malformed input ---- */

static void make_all(struct raw *out, size_t *n)
{
	make_acquire(&out[0]);
	make_expire(&out[1], false);
	make_expire(&out[2], true);
	make_register(&out[3]);
	make_spdadd_reply(&out[4]);
	*n = 5;
}

/* A copy on the heap of exactly len bytes, so ASan sees any overread. */
static int decode_exact(const uint8_t *p, size_t len, struct pfk_msg *m, const char **why)
{
	uint8_t *copy = malloc(len ? len : 1);
	int rc;

	assert_non_null(copy);
	memcpy(copy, p, len);
	rc = pfk_decode(copy, len, m, why);
	free(copy);
	return rc;
}

static void test_every_prefix_fails(void **state)
{
	struct raw msgs[5];
	struct pfk_msg m;
	size_t n;

	(void)state;
	make_all(msgs, &n);
	for (size_t i = 0; i < n; i++) {
		for (size_t len = 0; len < msgs[i].len; len++) {
			const char *why = NULL;
			assert_int_equal(decode_exact(msgs[i].b, len, &m, &why), -EBADMSG);
			assert_non_null(why);
		}
	}
}

static void expect_bad(const struct raw *r, const char *reason)
{
	struct pfk_msg m;
	const char *why = NULL;

	assert_int_equal(decode_exact(r->b, r->len, &m, &why), -EBADMSG);
	assert_non_null(why);
	assert_string_equal(why, reason);
}

static void expect_bad_fwd(const struct raw *r, const char *reason)
{
	expect_bad(r, reason);
}

static void test_lying_lengths(void **state)
{
	struct raw r, t;
	uint16_t v;

	(void)state;
	make_expire(&r, false);

	t = r; /* message length one word longer than received */
	v = (uint16_t)(t.len / 8 + 1);
	memcpy(t.b + 4, &v, 2);
	expect_bad(&t, "message length field larger than the message received");

	t = r; /* one word shorter */
	v = (uint16_t)(t.len / 8 - 1);
	memcpy(t.b + 4, &v, 2);
	expect_bad(&t, "message length field smaller than the message received");

	t = r; /* less than a header */
	v = 1;
	memcpy(t.b + 4, &v, 2);
	t.len = 8;
	expect_bad(&t, "message shorter than the PF_KEY header");

	t = r; /* first extension (SA, 2 words) claims the whole message and more */
	v = (uint16_t)(t.len / 8);
	memcpy(t.b + 16, &v, 2);
	expect_bad(&t, "extension longer than the message");

	t = r; /* extension length 0 would loop forever */
	v = 0;
	memcpy(t.b + 16, &v, 2);
	expect_bad(&t, "extension length of zero");

	t = r; /* SA claims 1 word: too short for its fields */
	v = 1;
	memcpy(t.b + 16, &v, 2);
	expect_bad(&t, "SA extension truncated");

	t = r; /* the current lifetime (at 32) renamed to the SA type */
	v = SADB_EXT_SA;
	memcpy(t.b + 32 + 2, &v, 2);
	expect_bad(&t, "duplicate extension");

	t = r;
	v = SADB_EXT_MAX + 1;
	memcpy(t.b + 32 + 2, &v, 2);
	expect_bad(&t, "unknown extension type");
	v = SADB_EXT_RESERVED;
	memcpy(t.b + 32 + 2, &v, 2);
	expect_bad(&t, "unknown extension type");

	t = r;
	t.b[0] = 1;
	expect_bad(&t, "not a PF_KEY v2 message");
	t = r;
	t.b[1] = SADB_MAX + 1;
	expect_bad(&t, "unknown PF_KEY message type");
}

static void test_bad_addresses(void **state)
{
	struct raw r, t;
	uint16_t v;
	/* make_acquire: header 16, ADDRESS_SRC at 16 (sockaddr at 24) */
	const size_t ext = 16, sa = 24;

	(void)state;
	make_acquire(&r);

	t = r;
	v = AF_INET6; /* an IPv6 sockaddr does not fit in 16 bytes */
	memcpy(t.b + sa, &v, 2);
	expect_bad(&t, "sockaddr shorter than its family needs");

	t = r;
	v = AF_UNIX;
	memcpy(t.b + sa, &v, 2);
	expect_bad(&t, "address family is neither IPv4 nor IPv6");

	t = r;
	t.b[ext + 5] = 33;
	expect_bad(&t, "address prefix length larger than the address");

	t = r; /* address extension of 2 words cuts the sockaddr */
	{
		struct raw u;
		raw_hdr(&u, SADB_GET, 0, SADB_SATYPE_ESP, 1, 1);
		raw_ext(&u, 2, SADB_EXT_ADDRESS_DST);
		raw_u8(&u, 0);
		raw_u8(&u, 32);
		raw_u16(&u, 0);
		raw_u16(&u, AF_INET);
		raw_u16(&u, 0);
		raw_u32(&u, 0);
		raw_done(&u);
		expect_bad(&u, "sockaddr shorter than its family needs");
	}
}

static void test_bad_policy_and_keys(void **state)
{
	struct raw r, t;
	uint16_t v;
	/* make_spdadd_reply: header 16, 2 addresses of 24, lifetime 32 -> policy at 96,
	 * its request at 112 */
	const size_t rq = 112;

	(void)state;
	make_spdadd_reply(&r);
	{
		struct pfk_msg m;
		assert_int_equal(decode_exact(r.b, r.len, &m, NULL), 0);
	}

	t = r;
	v = 8; /* request shorter than its own header */
	memcpy(t.b + rq, &v, 2);
	expect_bad(&t, "IPsec request length shorter than its header");

	t = r;
	v = 200; /* longer than the policy extension */
	memcpy(t.b + rq, &v, 2);
	expect_bad(&t, "IPsec request longer than its policy");

	t = r; /* second endpoint becomes IPv4: pair of different families */
	v = AF_INET;
	memcpy(t.b + rq + 16 + 28, &v, 2);
	expect_bad(&t, "IPsec request endpoints of different families");

	/* a key whose bit count exceeds its extension */
	raw_hdr(&t, SADB_ADD, 0, SADB_SATYPE_ESP, 1, 1);
	raw_ext(&t, 2, SADB_EXT_KEY_ENCRYPT);
	raw_u16(&t, 128);
	raw_u16(&t, 0);
	raw_u64(&t, 0);
	raw_done(&t);
	expect_bad(&t, "key extension shorter than its key bits");

	/* more supported algorithms than the codec holds */
	raw_hdr(&t, SADB_REGISTER, 0, SADB_SATYPE_ESP, 1, 1);
	raw_ext(&t, 1 + PFK_MAX_ALGS + 1, SADB_EXT_SUPPORTED_AUTH);
	raw_u32(&t, 0);
	for (int i = 0; i <= PFK_MAX_ALGS; i++)
		raw_u64(&t, 0);
	raw_done(&t);
	expect_bad(&t, "too many supported algorithms");
}

/* Random byte and length mutations of valid messages never crash (and
 * under ASan never read outside the buffer). */
static void test_random_mutations(void **state)
{
	struct raw msgs[5];
	struct pfk_msg m;
	size_t n, ok = 0, bad = 0;
	unsigned seed = 12345;

	(void)state;
	make_all(msgs, &n);
	for (int iter = 0; iter < 200000; iter++) {
		struct raw t = msgs[iter % n];
		int flips = 1 + rand_r(&seed) % 4;
		for (int f = 0; f < flips; f++)
			t.b[rand_r(&seed) % t.len] = (uint8_t)rand_r(&seed);
		if (rand_r(&seed) % 8 == 0)
			t.len = (size_t)rand_r(&seed) % (t.len + 1);
		if (decode_exact(t.b, t.len, &m, NULL) == 0)
			ok++;
		else
			bad++;
	}
	assert_true(ok > 0);
	assert_true(bad > 0);
}

static void test_type_names(void **state)
{
	(void)state;
	assert_string_equal(pfk_type_name(SADB_X_SPDADD), "SADB_X_SPDADD");
	assert_string_equal(pfk_type_name(SADB_ACQUIRE), "SADB_ACQUIRE");
	assert_string_equal(pfk_type_name(0), "SADB_?");
	assert_string_equal(pfk_type_name(200), "SADB_?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_getspi),
		cmocka_unit_test(test_encode_keys_padding),
		cmocka_unit_test(test_encode_ipv6_address),
		cmocka_unit_test(test_encode_spdadd_tunnel),
		cmocka_unit_test(test_encode_rejects),
		cmocka_unit_test(test_encode_header_only),
		cmocka_unit_test(test_encode_lifetimes_natt),
		cmocka_unit_test(test_encode_spddelete2),
		cmocka_unit_test(test_encode_migrate),
		cmocka_unit_test(test_decode_acquire),
		cmocka_unit_test(test_decode_expire),
		cmocka_unit_test(test_decode_register),
		cmocka_unit_test(test_decode_spdadd_reply),
		cmocka_unit_test(test_decode_dump_sequence),
		cmocka_unit_test(test_decode_linux_proxy_quirk),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_every_prefix_fails),
		cmocka_unit_test(test_lying_lengths),
		cmocka_unit_test(test_bad_addresses),
		cmocka_unit_test(test_bad_policy_and_keys),
		cmocka_unit_test(test_random_mutations),
		cmocka_unit_test(test_type_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
