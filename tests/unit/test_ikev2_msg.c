/* Unit tests of the IKEv2 message codec: hand-built vectors written from
 * the formats of RFC 7296 §3, RFC 7383 §2.5, RFC 7427 §3 and RFC 8598,
 * round trips of every payload, truncations, corrupted lengths, unknown
 * payloads, limits and random mutations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ikev2_msg.h"

/* ---- building byte vectors by hand ---- */

struct vec {
	uint8_t b[8192];
	size_t n;
};

static void hex(struct vec *v, const char *s)
{
	while (*s) {
		unsigned x;

		if (*s == ' ' || *s == '\n') {
			s++;
			continue;
		}
		assert_int_equal(sscanf(s, "%2x", &x), 1);
		assert_true(v->n < sizeof(v->b));
		v->b[v->n++] = (uint8_t)x;
		s += 2;
	}
}

static void fill(struct vec *v, uint8_t byte, size_t n)
{
	assert_true(v->n + n <= sizeof(v->b));
	memset(v->b + v->n, byte, n);
	v->n += n;
}

static void set_u16(struct vec *v, size_t at, uint16_t x)
{
	v->b[at] = (uint8_t)(x >> 8);
	v->b[at + 1] = (uint8_t)x;
}

static void set_u32(struct vec *v, size_t at, uint32_t x)
{
	set_u16(v, at, (uint16_t)(x >> 16));
	set_u16(v, at + 2, (uint16_t)x);
}

/* The IKE header with next payload np; the length is fixed by fix_len(). */
static void ike_hdr(struct vec *v, uint8_t np, uint8_t exch, uint8_t flags)
{
	hex(v, "0102030405060708 0000000000000000");
	v->b[v->n++] = np;
	hex(v, "20");
	v->b[v->n++] = exch;
	v->b[v->n++] = flags;
	hex(v, "00000000 00000000");
}

static void fix_len(struct vec *v)
{
	set_u32(v, 24, (uint32_t)v->n);
}

/* An IKE_SA_INIT request: SA (AES-CBC-256, HMAC-SHA2-256 PRF and
 * integrity, ECP-256), KE, Ni and the two NAT detection notifies.  The
 * offsets of its length fields are in sa_init_len_fields. */
static void sa_init_request(struct vec *v)
{
	v->n = 0;
	ike_hdr(v, IKEV2_PL_SA, IKEV2_EXCH_IKE_SA_INIT, IKEV2_FLAG_INITIATOR);
	/* SA: generic header, one proposal of 4 transforms */
	hex(v, "22 00 0030");
	hex(v, "00 00 002c 01 01 00 04");
	hex(v, "03 00 000c 01 00 000c 800e0100"); /* ENCR AES-CBC, key length 256 */
	hex(v, "03 00 0008 02 00 0005");	  /* PRF HMAC-SHA2-256 */
	hex(v, "03 00 0008 03 00 000c");	  /* INTEG HMAC-SHA2-256-128 */
	hex(v, "00 00 0008 04 00 0013");	  /* KE ECP-256 */
	/* KE: group 19, 64 bytes */
	hex(v, "28 00 0048 0013 0000");
	fill(v, 0xaa, 64);
	/* Ni: 32 bytes */
	hex(v, "29 00 0024");
	fill(v, 0xbb, 32);
	/* N(NAT_DETECTION_SOURCE_IP), N(NAT_DETECTION_DESTINATION_IP) */
	hex(v, "29 00 001c 00 00 4004");
	fill(v, 0xcc, 20);
	hex(v, "00 00 001c 00 00 4005");
	fill(v, 0xdd, 20);
	fix_len(v);
}

/* payload, proposal, transform lengths of sa_init_request() */
static const size_t sa_init_len_fields[] = {30, 34, 42, 54, 62, 70, 78, 150, 186, 214};

static struct ikev2_msg *new_msg(void)
{
	struct ikev2_msg *m = calloc(1, sizeof(*m));

	assert_non_null(m);
	return m;
}

static enum ikev2_err_code decode(struct ikev2_msg *m, const struct vec *v, struct ikev2_err *e)
{
	enum ikev2_err_code rc = ikev2_decode(m, v->b, v->n, e);

	if (rc != IKEV2_OK && e && getenv("IKEV2_TEST_VERBOSE"))
		print_message("decode: %s (payload %u at %zu)\n", e->text, e->payload, e->offset);
	return rc;
}

/* Re-encode every decoded payload; the bytes must be the input's. */
static void reencode_equal(const struct ikev2_msg *m, const uint8_t *want, size_t len)
{
	struct rc_writer w;
	struct ikev2_enc e;

	rc_writer_init(&w, 0);
	assert_true(ikev2_enc_begin(&e, &w, &m->hdr));
	for (size_t i = 0; i < m->n_pl; i++)
		assert_true(ikev2_enc_payload(&e, &m->pl[i]));
	assert_true(ikev2_enc_end(&e));
	assert_int_equal(rc_writer_len(&w), len);
	assert_memory_equal(rc_writer_data(&w), want, len);
	rc_writer_free(&w);
}

static void sa_init_decode(void **state)
{
	struct vec v;
	struct ikev2_msg *m = new_msg();
	struct ikev2_err err;
	const struct ikev2_payload *p;
	const struct ikev2_proposal *prop;

	sa_init_request(&v);
	assert_int_equal(v.n, 240);
	assert_int_equal(decode(m, &v, &err), IKEV2_OK);
	assert_true(m->hdr.spi_i == 0x0102030405060708ULL);
	assert_true(m->hdr.spi_r == 0);
	assert_int_equal(m->hdr.exchange, IKEV2_EXCH_IKE_SA_INIT);
	assert_int_equal(m->hdr.flags, IKEV2_FLAG_INITIATOR);
	assert_int_equal(m->hdr.length, 240);
	assert_int_equal(m->n_pl, 5);

	p = ikev2_find(m, IKEV2_PL_SA);
	assert_non_null(p);
	assert_int_equal(p->u.sa.n_prop, 1);
	prop = &p->u.sa.prop[0];
	assert_int_equal(prop->num, 1);
	assert_int_equal(prop->proto, IKEV2_PROTO_IKE);
	assert_int_equal(prop->spi.len, 0);
	assert_int_equal(prop->n_xf, 4);
	assert_int_equal(prop->xf[0].type, IKEV2_TRANS_ENCR);
	assert_int_equal(prop->xf[0].id, IKEV2_ENCR_AES_CBC);
	assert_int_equal(prop->xf[0].key_len, 256);
	assert_int_equal(prop->xf[1].type, IKEV2_TRANS_PRF);
	assert_int_equal(prop->xf[1].id, IKEV2_PRF_HMAC_SHA2_256);
	assert_int_equal(prop->xf[1].key_len, 0);
	assert_int_equal(prop->xf[2].id, IKEV2_INTEG_HMAC_SHA2_256_128);
	assert_int_equal(prop->xf[3].type, IKEV2_TRANS_DH);
	assert_int_equal(prop->xf[3].id, IKEV2_DH_ECP_256);

	p = ikev2_find(m, IKEV2_PL_KE);
	assert_int_equal(p->u.ke.group, 19);
	assert_int_equal(p->u.ke.data.len, 64);
	assert_int_equal(p->u.ke.data.p[63], 0xaa);
	p = ikev2_find(m, IKEV2_PL_NONCE);
	assert_int_equal(p->u.nonce.len, 32);

	const struct ikev2_notify *n = ikev2_find_notify(m, IKEV2_N_NAT_DETECTION_SOURCE_IP);
	assert_non_null(n);
	assert_int_equal(n->data.len, 20);
	assert_int_equal(n->data.p[0], 0xcc);
	n = ikev2_find_notify(m, IKEV2_N_NAT_DETECTION_DESTINATION_IP);
	assert_non_null(n);
	assert_int_equal(n->data.p[19], 0xdd);
	p = ikev2_find(m, IKEV2_PL_NOTIFY);
	assert_non_null(ikev2_next_of(m, p));
	assert_null(ikev2_next_of(m, ikev2_next_of(m, p)));
	assert_null(ikev2_find_notify(m, IKEV2_N_COOKIE));

	reencode_equal(m, v.b, v.n);
	free(m);
}

/* The same message from the typed encoders gives the same bytes. */
static void sa_init_encode(void **state)
{
	static const uint8_t ke[64] = {[0 ... 63] = 0xaa};
	static const uint8_t nonce[32] = {[0 ... 31] = 0xbb};
	static const uint8_t nat_s[20] = {[0 ... 19] = 0xcc}, nat_d[20] = {[0 ... 19] = 0xdd};
	const struct ikev2_transform xf[] = {
		{IKEV2_TRANS_ENCR, IKEV2_ENCR_AES_CBC, 256, false},
		{IKEV2_TRANS_PRF, IKEV2_PRF_HMAC_SHA2_256, 0, false},
		{IKEV2_TRANS_INTEG, IKEV2_INTEG_HMAC_SHA2_256_128, 0, false},
		{IKEV2_TRANS_DH, IKEV2_DH_ECP_256, 0, false},
	};
	const struct ikev2_proposal prop = {1, IKEV2_PROTO_IKE, {NULL, 0}, xf, 4};
	const struct ikev2_sa sa = {&prop, 1};
	const struct ikev2_ke kep = {19, {ke, sizeof(ke)}};
	const struct ikev2_notify n1 = {0, {NULL, 0}, IKEV2_N_NAT_DETECTION_SOURCE_IP, {nat_s, 20}};
	const struct ikev2_notify n2 = {
		0, {NULL, 0}, IKEV2_N_NAT_DETECTION_DESTINATION_IP, {nat_d, 20}};
	const struct ikev2_hdr h = {0x0102030405060708ULL, 0, 0, 0x20, IKEV2_EXCH_IKE_SA_INIT,
				    IKEV2_FLAG_INITIATOR,  0, 0};
	struct vec v;
	struct rc_writer w;
	struct ikev2_enc e;

	sa_init_request(&v);
	rc_writer_init(&w, 0);
	assert_true(ikev2_enc_begin(&e, &w, &h));
	assert_true(ikev2_enc_sa(&e, &sa));
	assert_true(ikev2_enc_ke(&e, &kep));
	assert_true(ikev2_enc_nonce(&e, nonce, sizeof(nonce)));
	assert_true(ikev2_enc_notify(&e, &n1));
	assert_true(ikev2_enc_notify(&e, &n2));
	assert_true(ikev2_enc_end(&e));
	assert_int_equal(rc_writer_len(&w), v.n);
	assert_memory_equal(rc_writer_data(&w), v.b, v.n);
	rc_writer_free(&w);
}

/* A response with a CERTREQ and the RFC 7383 / RFC 7427 notifies, and
 * one that asks for a cookie. */
static void sa_init_responses(void **state)
{
	struct vec v;
	struct ikev2_msg *m = new_msg();
	struct ikev2_err err;
	const struct ikev2_payload *p;
	const struct ikev2_notify *n;

	v.n = 0;
	ike_hdr(&v, IKEV2_PL_SA, IKEV2_EXCH_IKE_SA_INIT, IKEV2_FLAG_RESPONSE);
	hex(&v, "22 00 0028 00 00 0024 01 01 00 03"
		"03 00 000c 01 00 0014 800e 0080" /* AES-GCM-16 128 */
		"03 00 0008 02 00 0005 00 00 0008 04 00 001f");
	hex(&v, "28 00 0028 001f 0000");
	fill(&v, 0x77, 32);
	hex(&v, "26 00 0014");
	fill(&v, 0x55, 16);
	hex(&v, "29 00 000a 04 1122334455"); /* CERTREQ X.509, one (short) CA hash */
	hex(&v, "29 00 0008 00 00 402e");    /* IKEV2_FRAGMENTATION_SUPPORTED */
	hex(&v, "00 00 000e 00 00 402f 0002 0003 0004");
	fix_len(&v);
	assert_int_equal(decode(m, &v, &err), IKEV2_OK);
	assert_int_equal(m->hdr.flags, IKEV2_FLAG_RESPONSE);
	assert_int_equal(m->n_pl, 6);
	p = ikev2_find(m, IKEV2_PL_SA);
	assert_int_equal(p->u.sa.prop[0].xf[0].id, IKEV2_ENCR_AES_GCM_16);
	assert_int_equal(p->u.sa.prop[0].xf[0].key_len, 128);
	assert_int_equal(p->u.sa.prop[0].xf[2].id, IKEV2_DH_CURVE25519);
	assert_int_equal(ikev2_find(m, IKEV2_PL_NONCE)->u.nonce.len, 16);
	p = ikev2_find(m, IKEV2_PL_CERTREQ);
	assert_int_equal(p->u.cert.encoding, IKEV2_CERT_X509_SIG);
	assert_int_equal(p->u.cert.data.len, 5);
	assert_non_null(ikev2_find_notify(m, IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED));
	n = ikev2_find_notify(m, IKEV2_N_SIGNATURE_HASH_ALGORITHMS);
	assert_int_equal(n->data.len, 6);
	assert_int_equal(n->data.p[5], IKEV2_HASH_SHA2_512);
	reencode_equal(m, v.b, v.n);

	v.n = 0;
	ike_hdr(&v, IKEV2_PL_NOTIFY, IKEV2_EXCH_IKE_SA_INIT, IKEV2_FLAG_RESPONSE);
	hex(&v, "00 00 0018 00 00 4006");
	fill(&v, 0x3c, 16);
	fix_len(&v);
	assert_int_equal(decode(m, &v, &err), IKEV2_OK);
	assert_int_equal(ikev2_find_notify(m, IKEV2_N_COOKIE)->data.len, 16);
	free(m);
}

/* IKE_AUTH written by hand: the SK payload (IV, "ciphertext", ICV), then
 * its decrypted inner chain IDi, AUTH, SA, TSi, TSr. */
static void ike_auth_vector(void **state)
{
	struct vec v, in;
	struct ikev2_msg *m = new_msg();
	struct ikev2_err err;
	const struct ikev2_payload *p;

	v.n = 0;
	ike_hdr(&v, IKEV2_PL_SK, IKEV2_EXCH_IKE_AUTH, IKEV2_FLAG_INITIATOR);
	v.b[8 + 7] = 0x42; /* responder SPI */
	set_u32(&v, 20, 1);
	hex(&v, "23 00 0044");
	fill(&v, 0x01, 16); /* IV */
	fill(&v, 0xee, 32); /* ciphertext */
	fill(&v, 0x1c, 16); /* ICV */
	fix_len(&v);
	assert_int_equal(decode(m, &v, &err), IKEV2_OK);
	assert_int_equal(m->hdr.msgid, 1);
	assert_true(m->hdr.spi_r == 0x42);
	assert_int_equal(m->n_pl, 1);
	assert_int_equal(m->pl[0].u.sk.inner_first, IKEV2_PL_IDI);
	assert_int_equal(m->pl[0].u.sk.body.len, 64);
	assert_ptr_equal(m->pl[0].u.sk.body.p, v.b + 32);

	in.n = 0;
	hex(&in, "27 00 0011 02 000000 612e6578616d706c65"); /* IDi FQDN a.example */
	hex(&in, "21 00 0018 02 000000");		     /* AUTH PSK */
	fill(&in, 0x99, 16);
	hex(&in, "2c 00 002c 00 00 0028 01 03 04 03 c0ffee01"
		 "03 00 000c 01 00 0014 800e 0100"
		 "03 00 0008 04 00 0013 00 00 0008 05 00 0000");
	hex(&in, "2d 00 0018 01 000000 07 00 0010 0000 ffff c6336400 c63364ff");
	hex(&in, "00 00 0018 01 000000 07 11 0010 01f4 01f4 cb007100 cb0071ff");
	assert_int_equal(ikev2_decode_inner(m, IKEV2_PL_IDI, in.b, in.n, &err), IKEV2_OK);
	assert_int_equal(m->n_pl, 5);
	assert_int_equal(m->hdr.exchange, IKEV2_EXCH_IKE_AUTH); /* header kept */
	p = ikev2_find(m, IKEV2_PL_IDI);
	assert_int_equal(p->u.id.type, IKEV2_ID_FQDN);
	assert_int_equal(p->u.id.data.len, 9);
	assert_int_equal(ikev2_find(m, IKEV2_PL_AUTH)->u.auth.method, IKEV2_AUTH_PSK);
	p = ikev2_find(m, IKEV2_PL_SA);
	assert_int_equal(p->u.sa.prop[0].proto, IKEV2_PROTO_ESP);
	assert_int_equal(p->u.sa.prop[0].spi.p[0], 0xc0);
	assert_int_equal(p->u.sa.prop[0].xf[2].type, IKEV2_TRANS_ESN);
	p = ikev2_find(m, IKEV2_PL_TSR);
	assert_int_equal(p->u.ts.ts[0].ip_proto, 17);
	assert_int_equal(p->u.ts.ts[0].start_port, 500);
	assert_int_equal(p->u.ts.ts[0].start[0], 203);
	free(m);
}

/* A writer of fixed capacity that runs out makes the message fail, not
 * overflow. */
static void encoder_out_of_room(void **state)
{
	struct vec v;
	struct ikev2_msg *m = new_msg();
	uint8_t buf[300];

	sa_init_request(&v);
	assert_int_equal(decode(m, &v, NULL), IKEV2_OK);
	for (size_t cap = 0; cap <= v.n; cap++) {
		struct rc_writer w;
		struct ikev2_enc e;
		bool ok;

		memset(buf, 0x5a, sizeof(buf));
		rc_writer_init_fixed(&w, buf, cap);
		ok = ikev2_enc_begin(&e, &w, &m->hdr);
		for (size_t i = 0; i < m->n_pl; i++)
			ok = ikev2_enc_payload(&e, &m->pl[i]) && ok;
		ok = ikev2_enc_end(&e) && ok;
		assert_int_equal(ok, cap == v.n);
		assert_int_equal(buf[cap], 0x5a);
		if (ok)
			assert_memory_equal(buf, v.b, v.n);
	}
	free(m);
}

/* Every truncation fails, whether the header length still says the full
 * size or was cut along with the datagram. */
static void truncations(void **state)
{
	struct vec v, t;
	struct ikev2_msg *m = new_msg();
	struct ikev2_err err;

	sa_init_request(&v);
	for (size_t len = 0; len < v.n; len++) {
		assert_int_not_equal(ikev2_decode(m, v.b, len, &err), IKEV2_OK);
		assert_int_equal(err.code, IKEV2_ERR_SYNTAX);
		assert_true(err.text[0] != '\0');
		if (len < IKEV2_HDR_LEN)
			continue;
		t = v;
		t.n = len;
		fix_len(&t);
		assert_int_equal(decode(m, &t, &err), IKEV2_ERR_SYNTAX);
	}
	free(m);
}

static void corrupted_lengths(void **state)
{
	struct vec v, t;
	struct ikev2_msg *m = new_msg();
	struct ikev2_err err;
	static const int delta[] = {-4, -1, 1, 4, 0x1000, -0x1000};

	sa_init_request(&v);
	for (size_t i = 0; i < sizeof(sa_init_len_fields) / sizeof(sa_init_len_fields[0]); i++) {
		size_t at = sa_init_len_fields[i];
		uint16_t orig = (uint16_t)(v.b[at] << 8 | v.b[at + 1]);

		for (size_t j = 0; j < sizeof(delta) / sizeof(delta[0]); j++) {
			t = v;
			set_u16(&t, at, (uint16_t)(orig + delta[j]));
			assert_int_equal(decode(m, &t, &err), IKEV2_ERR_SYNTAX);
		}
		t = v;
		set_u16(&t, at, 0);
		assert_int_equal(decode(m, &t, &err), IKEV2_ERR_SYNTAX);
	}
	/* the header's own length, both ways */
	t = v;
	set_u32(&t, 24, (uint32_t)v.n + 1);
	assert_int_equal(decode(m, &t, &err), IKEV2_ERR_SYNTAX);
	set_u32(&t, 24, (uint32_t)v.n - 1);
	assert_int_equal(decode(m, &t, &err), IKEV2_ERR_SYNTAX);
	free(m);
}

static void versions(void **state)
{
	struct vec v;
	struct ikev2_msg *m = new_msg();
	struct ikev2_err err;

	sa_init_request(&v);
	v.b[17] = 0x30;
	assert_int_equal(decode(m, &v, &err), IKEV2_ERR_MAJOR_VERSION);
	assert_int_equal(ikev2_err_notify(err.code), IKEV2_N_INVALID_MAJOR_VERSION);
	v.b[17] = 0x10;
	assert_int_equal(decode(m, &v, &err), IKEV2_ERR_MAJOR_VERSION);
	v.b[17] = 0x21; /* a higher minor version is accepted */
	assert_int_equal(decode(m, &v, &err), IKEV2_OK);
	assert_int_equal(ikev2_err_notify(IKEV2_ERR_SYNTAX), IKEV2_N_INVALID_SYNTAX);
	assert_int_equal(ikev2_err_notify(IKEV2_ERR_CRITICAL),
			 IKEV2_N_UNSUPPORTED_CRITICAL_PAYLOAD);
	assert_int_equal(ikev2_err_notify(IKEV2_OK), 0);
	free(m);
}

/* A message: header, Nonce, then a payload of type 60 with flags, then a
 * Vendor ID. */
static void with_unknown(struct vec *v, uint8_t flags)
{
	v->n = 0;
	ike_hdr(v, IKEV2_PL_NONCE, IKEV2_EXCH_INFORMATIONAL, 0);
	hex(v, "3c 00 0014");
	fill(v, 0x11, 16);
	v->b[v->n++] = IKEV2_PL_VENDOR;
	v->b[v->n++] = flags;
	hex(v, "0008 01020304");
	hex(v, "00 00 0007 565656");
	fix_len(v);
}

static void unknown_payloads(void **state)
{
	struct vec v;
	struct ikev2_msg *m = new_msg();
	struct ikev2_err err;

	with_unknown(&v, 0);
	assert_int_equal(decode(m, &v, &err), IKEV2_OK);
	assert_int_equal(m->n_pl, 2);
	assert_int_equal(m->n_unknown, 1);
	assert_int_equal(m->pl[1].type, IKEV2_PL_VENDOR);
	assert_int_equal(m->pl[1].u.vendor.len, 3);

	with_unknown(&v, IKEV2_CRITICAL);
	assert_int_equal(decode(m, &v, &err), IKEV2_ERR_CRITICAL);
	assert_int_equal(err.payload, 60);
	assert_int_equal(err.offset, 48);

	/* the critical bit on a known payload is fine */
	v.b[49] = 0;
	v.b[29] = IKEV2_CRITICAL;
	assert_int_equal(decode(m, &v, &err), IKEV2_OK);
	assert_true(m->pl[0].critical);
	free(m);
}

static void singletons_twice(void **state)
{
	struct vec v;
	struct ikev2_msg *m = new_msg();
	struct ikev2_err err;
	static const uint8_t once[] = {IKEV2_PL_NONCE, IKEV2_PL_KE, IKEV2_PL_IDI, IKEV2_PL_AUTH};
	static const char *const body[] = {"", "0013 0000 01", "02 000000 41", "02 000000 41"};

	for (size_t i = 0; i < sizeof(once); i++) {
		for (int twice = 0; twice < 2; twice++) {
			v.n = 0;
			ike_hdr(&v, once[i], IKEV2_EXCH_IKE_AUTH, 0);
			for (int k = 0; k <= twice; k++) {
				size_t at = v.n;

				v.b[v.n++] = k < twice ? once[i] : 0;
				hex(&v, "00 0000");
				if (i == 0)
					fill(&v, 0x22, 16);
				else
					hex(&v, body[i]);
				set_u16(&v, at + 2, (uint16_t)(v.n - at));
			}
			fix_len(&v);
			assert_int_equal(decode(m, &v, &err), twice ? IKEV2_ERR_SYNTAX : IKEV2_OK);
		}
	}
	free(m);
}

/* An SA payload body built from proposal bodies given in hex */
static void sa_msg(struct vec *v, const char *props)
{
	v->n = 0;
	ike_hdr(v, IKEV2_PL_SA, IKEV2_EXCH_IKE_SA_INIT, IKEV2_FLAG_INITIATOR);
	hex(v, "00 00 0000");
	hex(v, props);
	set_u16(v, 30, (uint16_t)(v->n - 28));
	fix_len(v);
}

static void sa_rules(void **state)
{
	struct vec v;
	struct ikev2_msg *m = new_msg();
	struct ikev2_err err;

	/* two ESP proposals, SPIs of 4 bytes */
	sa_msg(&v, "02 00 0014 01 03 04 01 11223344 00 00 0008 01 00 0014"
		   "00 00 0014 02 03 04 01 11223344 00 00 0008 01 00 001c");
	assert_int_equal(decode(m, &v, &err), IKEV2_OK);
	assert_int_equal(m->pl[0].u.sa.n_prop, 2);
	assert_int_equal(m->pl[0].u.sa.prop[1].xf[0].id, 28);
	assert_int_equal(m->pl[0].u.sa.prop[1].spi.p[3], 0x44);
	/* numbering must go 1, 2, ... */
	sa_msg(&v, "02 00 0014 01 03 04 01 11223344 00 00 0008 01 00 0014"
		   "00 00 0014 03 03 04 01 11223344 00 00 0008 01 00 001c");
	assert_int_equal(decode(m, &v, &err), IKEV2_ERR_SYNTAX);
	sa_msg(&v, "00 00 0014 02 03 04 01 11223344 00 00 0008 01 00 0014");
	assert_int_equal(decode(m, &v, &err), IKEV2_ERR_SYNTAX);
	/* "more" on the last proposal, "last" before the end */
	sa_msg(&v, "02 00 0014 01 03 04 01 11223344 00 00 0008 01 00 0014");
	assert_int_equal(decode(m, &v, &err), IKEV2_ERR_SYNTAX);
	sa_msg(&v, "00 00 0014 01 03 04 01 11223344 00 00 0008 01 00 0014"
		   "00 00 0014 02 03 04 01 11223344 00 00 0008 01 00 001c");
	assert_int_equal(decode(m, &v, &err), IKEV2_ERR_SYNTAX);
	/* transform count against the lengths */
	sa_msg(&v, "00 00 0014 01 03 04 02 11223344 00 00 0008 01 00 0014");
	assert_int_equal(decode(m, &v, &err), IKEV2_ERR_SYNTAX);
	sa_msg(&v, "00 00 001c 01 03 04 01 11223344 03 00 0008 01 00 0014 00 00 0008 03 00 000c");
	assert_int_equal(decode(m, &v, &err), IKEV2_ERR_SYNTAX);
	sa_msg(&v, "00 00 000c 01 03 04 00 11223344");
	assert_int_equal(decode(m, &v, &err), IKEV2_ERR_SYNTAX);
	/* SPI sizes */
	sa_msg(&v, "00 00 0013 01 03 03 01 112233 00 00 0008 01 00 0014");
	assert_int_equal(decode(m, &v, &err), IKEV2_ERR_SYNTAX);
	sa_msg(&v, "00 00 0018 01 01 08 01 1122334455667788 00 00 0008 01 00 0014");
	assert_int_equal(decode(m, &v, &err), IKEV2_OK);
	/* attributes: key length in TLV form, twice, unknown TV and TLV */
	sa_msg(&v, "00 00 0016 01 01 00 01 00 00 000e 01 00 000c 000e 0002 0100");
	assert_int_equal(decode(m, &v, &err), IKEV2_ERR_SYNTAX);
	sa_msg(&v, "00 00 0018 01 01 00 01 00 00 0010 01 00 000c 800e 0080 800e 0080");
	assert_int_equal(decode(m, &v, &err), IKEV2_ERR_SYNTAX);
	sa_msg(&v, "00 00 001a 01 01 00 01 00 00 0012 01 00 000c 8011 0001 0012 0002 abcd");
	assert_int_equal(decode(m, &v, &err), IKEV2_OK);
	assert_true(m->pl[0].u.sa.prop[0].xf[0].unknown_attr);
	sa_msg(&v, "00 00 0018 01 01 00 01 00 00 0010 01 00 000c 0012 0009 abcd");
	assert_int_equal(decode(m, &v, &err), IKEV2_ERR_SYNTAX);
	free(m);
}

static void limits(void **state)
{
	struct vec v;
	struct ikev2_msg *m = new_msg();
	struct ikev2_err err;

	for (int n = 64; n <= 65; n++) {
		/* n proposals of one transform */
		v.n = 0;
		ike_hdr(&v, IKEV2_PL_SA, IKEV2_EXCH_IKE_SA_INIT, 0);
		hex(&v, "00 00 0000");
		for (int i = 1; i <= n; i++) {
			v.b[v.n++] = i == n ? 0 : 2;
			hex(&v, "00 0014");
			v.b[v.n++] = (uint8_t)i;
			hex(&v, "03 04 01 11223344 00 00 0008 01 00 0014");
		}
		set_u16(&v, 30, (uint16_t)(v.n - 28));
		fix_len(&v);
		assert_int_equal(decode(m, &v, &err), n <= 64 ? IKEV2_OK : IKEV2_ERR_SYNTAX);
	}
	for (int n = 64; n <= 65; n++) {
		v.n = 0;
		ike_hdr(&v, IKEV2_PL_NOTIFY, IKEV2_EXCH_INFORMATIONAL, 0);
		for (int i = 1; i <= n; i++) {
			v.b[v.n++] = i == n ? 0 : IKEV2_PL_NOTIFY;
			hex(&v, "00 0008 00 00 4000");
		}
		fix_len(&v);
		assert_int_equal(decode(m, &v, &err), n <= 64 ? IKEV2_OK : IKEV2_ERR_SYNTAX);
	}
	/* a chain of unknown non-critical payloads is bounded too */
	v.n = 0;
	ike_hdr(&v, 60, IKEV2_EXCH_INFORMATIONAL, 0);
	for (int i = 0; i < 300; i++)
		hex(&v, i == 299 ? "00 00 0004" : "3c 00 0004");
	fix_len(&v);
	assert_int_equal(decode(m, &v, &err), IKEV2_ERR_SYNTAX);
	free(m);
}

/* ---- round trips of every payload ---- */

static const uint8_t spis[] = {1, 2, 3, 4, 5, 6, 7, 8};
static const uint8_t blob[] = "0123456789abcdef0123456789abcdef";
/* RFC 7427: DER AlgorithmIdentifier of sha256WithRSAEncryption */
static const uint8_t rsa_sha256[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
				     0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00};

static void roundtrip_check(const uint8_t *buf, size_t len, struct ikev2_msg *m)
{
	struct ikev2_err err;
	char line[512];

	assert_int_equal(ikev2_decode(m, buf, len, &err), IKEV2_OK);
	reencode_equal(m, buf, len);
	for (size_t i = 0; i < m->n_pl; i++)
		assert_true(ikev2_payload_str(&m->pl[i], line, sizeof(line)) > 0);
}

static void roundtrip_auth_payloads(void **state)
{
	struct ikev2_msg *m = new_msg();
	struct rc_writer w;
	struct ikev2_enc e;
	const struct ikev2_hdr h = {1, 2, 0, 0x20, IKEV2_EXCH_IKE_AUTH, IKEV2_FLAG_RESPONSE, 1, 0};
	const struct ikev2_id id = {IKEV2_ID_FQDN, {(const uint8_t *)"gw.example.org", 14}};
	const struct ikev2_cert cert = {IKEV2_CERT_X509_SIG, {blob, 32}};
	const struct ikev2_cert creq = {IKEV2_CERT_X509_SIG, {blob, 20}};
	const struct ikev2_auth auth = {
		IKEV2_AUTH_DIGITAL_SIG, {NULL, 0}, {rsa_sha256, sizeof(rsa_sha256)}, {blob, 32}};
	const struct ikev2_notify n = {IKEV2_PROTO_ESP, {spis, 4}, IKEV2_N_REKEY_SA, {NULL, 0}};
	const struct ikev2_ts ts4 = {IKEV2_TS_IPV4_ADDR_RANGE, 17,	 500, 4500, {192, 0, 2, 0},
				     {192, 0, 2, 255},	       {NULL, 0}};
	struct ikev2_ts ts[2] = {ts4, {IKEV2_TS_IPV6_ADDR_RANGE, 0, 0, 65535, {0}, {0}, {0}}};
	const struct ikev2_ts_set tsi = {ts, 2}, tsr = {ts, 1};
	const struct ikev2_payload *p;

	memcpy(ts[1].start, "\x20\x01\x0d\xb8", 4);
	memset(ts[1].end, 0xff, 16);
	memcpy(ts[1].end, "\x20\x01\x0d\xb8", 4);
	rc_writer_init(&w, 0);
	assert_true(ikev2_enc_begin(&e, &w, &h));
	assert_true(ikev2_enc_id(&e, IKEV2_PL_IDR, &id));
	assert_true(ikev2_enc_cert(&e, IKEV2_PL_CERT, &cert));
	assert_true(ikev2_enc_cert(&e, IKEV2_PL_CERTREQ, &creq));
	assert_true(ikev2_enc_auth(&e, &auth));
	assert_true(ikev2_enc_notify(&e, &n));
	assert_true(ikev2_enc_ts(&e, IKEV2_PL_TSI, &tsi));
	assert_true(ikev2_enc_ts(&e, IKEV2_PL_TSR, &tsr));
	assert_true(ikev2_enc_vendor(&e, blob, 16));
	assert_true(ikev2_enc_end(&e));

	roundtrip_check(rc_writer_data(&w), rc_writer_len(&w), m);
	assert_int_equal(m->n_pl, 8);
	p = ikev2_find(m, IKEV2_PL_IDR);
	assert_int_equal(p->u.id.type, IKEV2_ID_FQDN);
	assert_memory_equal(p->u.id.data.p, "gw.example.org", 14);
	p = ikev2_find(m, IKEV2_PL_CERTREQ);
	assert_int_equal(p->u.cert.data.len, 20);
	p = ikev2_find(m, IKEV2_PL_AUTH);
	assert_int_equal(p->u.auth.method, IKEV2_AUTH_DIGITAL_SIG);
	assert_int_equal(p->u.auth.data.len, 1 + sizeof(rsa_sha256) + 32);
	assert_int_equal(p->u.auth.sig_alg.len, sizeof(rsa_sha256));
	assert_memory_equal(p->u.auth.sig_alg.p, rsa_sha256, sizeof(rsa_sha256));
	assert_int_equal(p->u.auth.sig.len, 32);
	assert_int_equal(ikev2_find_notify(m, IKEV2_N_REKEY_SA)->spi.len, 4);
	p = ikev2_find(m, IKEV2_PL_TSI);
	assert_int_equal(p->u.ts.n_ts, 2);
	assert_int_equal(p->u.ts.ts[0].start_port, 500);
	assert_int_equal(p->u.ts.ts[0].end_port, 4500);
	assert_int_equal(p->u.ts.ts[0].ip_proto, 17);
	assert_int_equal(p->u.ts.ts[0].end[3], 255);
	assert_int_equal(p->u.ts.ts[1].type, IKEV2_TS_IPV6_ADDR_RANGE);
	assert_memory_equal(p->u.ts.ts[1].end, ts[1].end, 16);
	assert_int_equal(ikev2_find(m, IKEV2_PL_TSR)->u.ts.n_ts, 1);
	assert_int_equal(ikev2_find(m, IKEV2_PL_VENDOR)->u.vendor.len, 16);
	rc_writer_free(&w);

	/* a refused payload spoils the message: no half-written bytes go out */
	rc_writer_init(&w, 0);
	assert_true(ikev2_enc_begin(&e, &w, &h));
	assert_false(ikev2_enc_id(&e, IKEV2_PL_SA, &id)); /* not an ID type */
	assert_false(ikev2_enc_end(&e));
	rc_writer_free(&w);
	rc_writer_init(&w, 0);
	assert_true(ikev2_enc_begin(&e, &w, &h));
	struct ikev2_transform xf = {IKEV2_TRANS_ENCR, 12, 128, false};
	struct ikev2_proposal props[2] = {{1, IKEV2_PROTO_ESP, {spis, 4}, &xf, 1},
					  {2, IKEV2_PROTO_ESP, {blob, 300}, &xf, 1}};
	const struct ikev2_sa sa = {props, 2};
	assert_false(ikev2_enc_sa(&e, &sa)); /* the second SPI is too long */
	assert_false(ikev2_enc_vendor(&e, blob, 16));
	assert_false(ikev2_enc_end(&e));
	rc_writer_free(&w);
	free(m);
}

static void roundtrip_info_payloads(void **state)
{
	struct ikev2_msg *m = new_msg();
	struct rc_writer w;
	struct ikev2_enc e;
	const struct ikev2_hdr h = {1, 2, 0, 0x20, IKEV2_EXCH_INFORMATIONAL, 0, 7, 0};
	const struct ikev2_delete d_esp = {IKEV2_PROTO_ESP, 4, 2, {spis, 8}};
	const struct ikev2_delete d_ike = {IKEV2_PROTO_IKE, 0, 0, {NULL, 0}};
	static const uint8_t ta[] = {0x12, 0x34, 8, 2, 0xde, 0xad, 0xbe, 0xef};
	const struct ikev2_cp_attr attrs[] = {
		{IKEV2_CFG_INTERNAL_IP4_ADDRESS, {(const uint8_t *)"\xc6\x33\x64\x07", 4}},
		{IKEV2_CFG_INTERNAL_IP6_DNS, {NULL, 0}},
		{IKEV2_CFG_INTERNAL_DNS_DOMAIN, {(const uint8_t *)"example.com", 11}},
		{IKEV2_CFG_INTERNAL_DNSSEC_TA, {ta, sizeof(ta)}},
		{IKEV2_CFG_SUPPORTED_ATTRIBUTES, {(const uint8_t *)"\x00\x19\x00\x1a", 4}},
	};
	const struct ikev2_cp cp = {IKEV2_CFG_REPLY, attrs, 5};
	static const uint8_t eap[] = {1, 7, 0, 6, 1, 'x'}; /* Request/Identity */
	const struct ikev2_payload *p;

	rc_writer_init(&w, 0);
	assert_true(ikev2_enc_begin(&e, &w, &h));
	assert_true(ikev2_enc_delete(&e, &d_esp));
	assert_true(ikev2_enc_delete(&e, &d_ike));
	assert_true(ikev2_enc_cp(&e, &cp));
	assert_true(ikev2_enc_eap(&e, eap, sizeof(eap)));
	assert_true(ikev2_enc_end(&e));

	roundtrip_check(rc_writer_data(&w), rc_writer_len(&w), m);
	assert_int_equal(m->n_pl, 4);
	p = ikev2_find(m, IKEV2_PL_DELETE);
	assert_int_equal(p->u.del.proto, IKEV2_PROTO_ESP);
	assert_int_equal(p->u.del.n_spi, 2);
	assert_memory_equal(p->u.del.spis.p, spis, 8);
	p = ikev2_next_of(m, p);
	assert_int_equal(p->u.del.proto, IKEV2_PROTO_IKE);
	p = ikev2_find(m, IKEV2_PL_CP);
	assert_int_equal(p->u.cp.cfg_type, IKEV2_CFG_REPLY);
	assert_int_equal(p->u.cp.n_attr, 5);
	assert_int_equal(p->u.cp.attr[1].value.len, 0);
	assert_int_equal(p->u.cp.attr[2].type, IKEV2_CFG_INTERNAL_DNS_DOMAIN);
	assert_memory_equal(p->u.cp.attr[2].value.p, "example.com", 11);
	assert_int_equal(p->u.cp.attr[3].value.len, sizeof(ta));
	assert_int_equal(ikev2_find(m, IKEV2_PL_EAP)->u.eap.len, sizeof(eap));
	rc_writer_free(&w);
	free(m);
}

/* Payload bodies that break a payload's own rules. */
static void payload_rules(void **state)
{
	static const struct {
		uint8_t type;
		const char *body;
		enum ikev2_err_code want;
	} cases[] = {
		{IKEV2_PL_KE, "0013 0000", IKEV2_ERR_SYNTAX},
		{IKEV2_PL_KE, "0013", IKEV2_ERR_SYNTAX},
		{IKEV2_PL_NONCE, "00112233445566778899aabbccddee", IKEV2_ERR_SYNTAX},
		{IKEV2_PL_AUTH, "02 000000", IKEV2_ERR_SYNTAX},
		{IKEV2_PL_AUTH, "0e 000000 05 3003060100 ", IKEV2_ERR_SYNTAX},
		{IKEV2_PL_AUTH, "0e 000000 06 3003060100", IKEV2_ERR_SYNTAX},
		{IKEV2_PL_AUTH, "0e 000000 00 3003060100", IKEV2_ERR_SYNTAX},
		{IKEV2_PL_AUTH, "0e 000000 05 3003060100 aa", IKEV2_OK},
		{IKEV2_PL_NOTIFY, "03 04 4009 1122", IKEV2_ERR_SYNTAX},
		{IKEV2_PL_NOTIFY, "03 04 4009 11223344", IKEV2_OK},
		{IKEV2_PL_NOTIFY, "00 00 4009", IKEV2_ERR_SYNTAX},
		{IKEV2_PL_NOTIFY, "00 00 4004 0011223344556677889900112233445566778899", IKEV2_OK},
		{IKEV2_PL_NOTIFY, "00 00 4004 00112233445566778899001122334455667788",
		 IKEV2_ERR_SYNTAX},
		{IKEV2_PL_NOTIFY, "00 00 4006", IKEV2_ERR_SYNTAX},
		{IKEV2_PL_NOTIFY, "00 00 4006 01", IKEV2_OK},
		{IKEV2_PL_NOTIFY, "00 00 0011 0013", IKEV2_OK},
		{IKEV2_PL_NOTIFY, "00 00 0011 001300", IKEV2_ERR_SYNTAX},
		{IKEV2_PL_NOTIFY, "00 00 4001 00000001", IKEV2_OK},
		{IKEV2_PL_NOTIFY, "00 00 4001 0001", IKEV2_ERR_SYNTAX},
		{IKEV2_PL_NOTIFY, "00 00 402f 00020003", IKEV2_OK},
		{IKEV2_PL_NOTIFY, "00 00 402f 000200", IKEV2_ERR_SYNTAX},
		{IKEV2_PL_NOTIFY, "00 00 402f", IKEV2_ERR_SYNTAX},
		{IKEV2_PL_NOTIFY, "00 00 9999 00", IKEV2_OK},
		{IKEV2_PL_DELETE, "03 04 0002 11223344", IKEV2_ERR_SYNTAX},
		{IKEV2_PL_DELETE, "03 04 0000", IKEV2_ERR_SYNTAX},
		{IKEV2_PL_DELETE, "01 08 0001 1122334455667788", IKEV2_ERR_SYNTAX},
		{IKEV2_PL_DELETE, "05 04 0001 11223344", IKEV2_ERR_SYNTAX},
		{IKEV2_PL_TSI, "00 000000", IKEV2_ERR_SYNTAX},
		{IKEV2_PL_TSI, "01 000000 07 00 0010 0000ffff c0000200 c00002ff", IKEV2_OK},
		{IKEV2_PL_TSI, "02 000000 07 00 0010 0000ffff c0000200 c00002ff", IKEV2_ERR_SYNTAX},
		{IKEV2_PL_TSI, "01 000000 07 00 0014 0000ffff c0000200 c00002ff 00000000",
		 IKEV2_ERR_SYNTAX},
		{IKEV2_PL_TSI, "01 000000 08 00 0010 0000ffff c0000200 c00002ff", IKEV2_ERR_SYNTAX},
		{IKEV2_PL_TSI, "01 000000 0d 00 000c 0000ffff abcdef01", IKEV2_OK},
		{IKEV2_PL_CP, "01 000000 0001 0003 c00002", IKEV2_ERR_SYNTAX},
		{IKEV2_PL_CP, "01 000000 0001 0000 000a 0000 0019 0000", IKEV2_OK},
		{IKEV2_PL_CP, "02 000000 001a 0003 123408", IKEV2_ERR_SYNTAX},
		{IKEV2_PL_CP, "02 000000 000e 0003 001900", IKEV2_ERR_SYNTAX},
		{IKEV2_PL_CP, "02 000000 0001 0008 c0000201", IKEV2_ERR_SYNTAX},
		{IKEV2_PL_EAP, "01 07 0005 01", IKEV2_OK},
		{IKEV2_PL_EAP, "01 07 0009 01", IKEV2_ERR_SYNTAX},
		{IKEV2_PL_EAP, "03", IKEV2_ERR_SYNTAX},
		{IKEV2_PL_CERT, "", IKEV2_ERR_SYNTAX},
		{IKEV2_PL_IDI, "01 0000", IKEV2_ERR_SYNTAX},
		{IKEV2_PL_SKF, "0001 0002 00112233", IKEV2_OK},
		{IKEV2_PL_SKF, "0000 0002 00112233", IKEV2_ERR_SYNTAX},
		{IKEV2_PL_SKF, "0003 0002 00112233", IKEV2_ERR_SYNTAX},
		{IKEV2_PL_SKF, "0001 0002", IKEV2_ERR_SYNTAX},
		{IKEV2_PL_SK, "", IKEV2_ERR_SYNTAX},
	};
	struct ikev2_msg *m = new_msg();
	struct ikev2_err err;
	struct vec v;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v.n = 0;
		ike_hdr(&v, cases[i].type, IKEV2_EXCH_IKE_AUTH, 0);
		hex(&v, "00 00 0000");
		hex(&v, cases[i].body);
		set_u16(&v, 30, (uint16_t)(v.n - 28));
		fix_len(&v);
		if (decode(m, &v, &err) != cases[i].want)
			fail_msg("case %zu: got %d (%s)", i, err.code, err.text);
		if (cases[i].want != IKEV2_OK)
			assert_int_equal(err.payload, cases[i].type);
	}
	free(m);
}

/* ---- SK and SKF ---- */

static void sk_container(void **state)
{
	struct ikev2_msg *m = new_msg();
	struct rc_writer w;
	struct ikev2_enc e;
	struct ikev2_sk_layout lay;
	struct ikev2_err err;
	const struct ikev2_hdr h = {1, 2, 0, 0x20, IKEV2_EXCH_IKE_AUTH, IKEV2_FLAG_INITIATOR, 1, 0};
	const struct ikev2_id id = {IKEV2_ID_IPV4_ADDR, {(const uint8_t *)"\xc0\x00\x02\x01", 4}};
	const struct ikev2_auth auth = {IKEV2_AUTH_PSK, {blob, 32}, {0}, {0}};
	const struct ikev2_notify n = {0, {NULL, 0}, IKEV2_N_INITIAL_CONTACT, {NULL, 0}};
	const uint8_t *buf;
	size_t inner;

	rc_writer_init(&w, 0);
	assert_true(ikev2_enc_begin(&e, &w, &h));
	assert_true(ikev2_enc_sk_open(&e, 16));
	assert_true(ikev2_enc_id(&e, IKEV2_PL_IDI, &id));
	assert_true(ikev2_enc_notify(&e, &n));
	assert_true(ikev2_enc_auth(&e, &auth));
	inner = ikev2_enc_sk_inner_len(&e);
	assert_int_equal(inner, 12 + 8 + 40);
	assert_false(ikev2_enc_end(&e)); /* still open */
	assert_true(ikev2_enc_sk_close(&e, 3, 16, &lay));
	assert_true(ikev2_enc_end(&e));

	assert_int_equal(lay.aad_len, 32);
	assert_int_equal(lay.iv_off, 32);
	assert_int_equal(lay.iv_len, 16);
	assert_int_equal(lay.plain_off, 48);
	assert_int_equal(lay.plain_len, inner + 4);
	assert_int_equal(lay.icv_off, 48 + inner + 4);
	assert_int_equal(lay.icv_len, 16);
	assert_int_equal(lay.msg_len, rc_writer_len(&w));

	buf = rc_writer_data(&w);
	assert_int_equal(ikev2_decode(m, buf, rc_writer_len(&w), &err), IKEV2_OK);
	assert_int_equal(m->n_pl, 1);
	assert_int_equal(m->pl[0].type, IKEV2_PL_SK);
	assert_int_equal(m->pl[0].u.sk.inner_first, IKEV2_PL_IDI);
	assert_int_equal(m->pl[0].u.sk.body.len, 16 + inner + 4 + 16);
	assert_int_equal(buf[lay.plain_off + lay.plain_len - 1], 3); /* pad length */
	reencode_equal(m, buf, rc_writer_len(&w));

	/* the "decrypted" inner chain: plaintext without padding */
	assert_int_equal(ikev2_decode_inner(m, IKEV2_PL_IDI, buf + lay.plain_off, inner, &err),
			 IKEV2_OK);
	assert_int_equal(m->n_pl, 3);
	assert_int_equal(m->hdr.exchange, IKEV2_EXCH_IKE_AUTH);
	assert_int_equal(ikev2_find(m, IKEV2_PL_AUTH)->u.auth.data.len, 32);
	assert_non_null(ikev2_find_notify(m, IKEV2_N_INITIAL_CONTACT));
	/* wrong first type, trailing bytes, an SK inside */
	assert_int_equal(ikev2_decode_inner(m, IKEV2_PL_AUTH, buf + lay.plain_off, inner, &err),
			 IKEV2_ERR_SYNTAX);
	assert_int_equal(ikev2_decode_inner(m, IKEV2_PL_IDI, buf + lay.plain_off, inner + 1, &err),
			 IKEV2_ERR_SYNTAX);
	assert_int_equal(ikev2_decode_inner(m, IKEV2_PL_SK, buf + 28, rc_writer_len(&w) - 28, &err),
			 IKEV2_ERR_SYNTAX);
	for (size_t len = 0; len < inner; len++)
		assert_int_equal(
			ikev2_decode_inner(m, IKEV2_PL_IDI, buf + lay.plain_off, len, &err),
			IKEV2_ERR_SYNTAX);
	rc_writer_free(&w);

	/* nothing after the SK payload; the misuse sticks */
	rc_writer_init(&w, 0);
	assert_true(ikev2_enc_begin(&e, &w, &h));
	assert_true(ikev2_enc_sk_open(&e, 16));
	assert_true(ikev2_enc_sk_close(&e, 0, 16, &lay));
	assert_false(ikev2_enc_nonce(&e, blob, 16));
	assert_false(ikev2_enc_end(&e));
	rc_writer_free(&w);

	/* no SK in an SK; an SK's inner chain is payloads, not bytes */
	rc_writer_init(&w, 0);
	assert_true(ikev2_enc_begin(&e, &w, &h));
	assert_true(ikev2_enc_sk_open(&e, 16));
	assert_false(ikev2_enc_sk_open(&e, 16));
	assert_false(ikev2_enc_sk_plain(&e, blob, 4));
	assert_false(ikev2_enc_sk_close(&e, 0, 16, &lay));
	rc_writer_free(&w);
	free(m);
}

static void skf_fragments(void **state)
{
	struct ikev2_msg *m = new_msg();
	struct rc_writer w;
	struct ikev2_enc e;
	struct ikev2_sk_layout lay;
	struct ikev2_err err;
	const struct ikev2_hdr h = {1, 2, 0, 0x20, IKEV2_EXCH_IKE_AUTH, IKEV2_FLAG_INITIATOR, 1, 0};

	for (uint16_t frag = 1; frag <= 2; frag++) {
		rc_writer_init(&w, 0);
		assert_true(ikev2_enc_begin(&e, &w, &h));
		assert_true(ikev2_enc_skf_open(&e, frag, 2, IKEV2_PL_IDI, 8));
		assert_true(ikev2_enc_sk_plain(&e, blob, 10));
		assert_true(ikev2_enc_sk_close(&e, 1, 12, &lay));
		assert_true(ikev2_enc_end(&e));
		/* RFC 7383: the fragment number and total are associated data */
		assert_int_equal(lay.aad_len, 36);
		assert_int_equal(lay.plain_off, 44);
		assert_int_equal(lay.plain_len, 12);
		assert_int_equal(ikev2_decode(m, rc_writer_data(&w), rc_writer_len(&w), &err),
				 IKEV2_OK);
		assert_int_equal(m->pl[0].type, IKEV2_PL_SKF);
		assert_int_equal(m->pl[0].u.skf.frag_num, frag);
		assert_int_equal(m->pl[0].u.skf.frag_total, 2);
		assert_int_equal(m->pl[0].u.skf.inner_first, frag == 1 ? IKEV2_PL_IDI : 0);
		assert_int_equal(m->pl[0].u.skf.body.len, 8 + 12 + 12);
		reencode_equal(m, rc_writer_data(&w), rc_writer_len(&w));
		rc_writer_free(&w);
	}
	/* a later fragment naming a first payload: ignored */
	rc_writer_init(&w, 0);
	assert_true(ikev2_enc_begin(&e, &w, &h));
	assert_true(ikev2_enc_skf_open(&e, 2, 2, 0, 8));
	assert_true(ikev2_enc_sk_plain(&e, blob, 10));
	assert_true(ikev2_enc_sk_close(&e, 1, 12, &lay));
	assert_true(ikev2_enc_end(&e));
	assert_true(rc_writer_patch_u8(&w, IKEV2_HDR_LEN, IKEV2_PL_IDI));
	assert_int_equal(ikev2_decode(m, rc_writer_data(&w), rc_writer_len(&w), &err), IKEV2_OK);
	assert_int_equal(m->pl[0].u.skf.inner_first, 0);
	rc_writer_free(&w);

	/* fragments carry bytes, not payloads */
	rc_writer_init(&w, 0);
	assert_true(ikev2_enc_begin(&e, &w, &h));
	assert_false(ikev2_enc_skf_open(&e, 3, 2, 0, 8));
	assert_true(ikev2_enc_skf_open(&e, 2, 2, 0, 8));
	assert_false(ikev2_enc_nonce(&e, blob, 16));
	assert_false(ikev2_enc_end(&e));
	rc_writer_free(&w);

	/* no SK in an SK; an SK's inner chain is payloads, not bytes */
	rc_writer_init(&w, 0);
	assert_true(ikev2_enc_begin(&e, &w, &h));
	assert_true(ikev2_enc_sk_open(&e, 16));
	assert_false(ikev2_enc_sk_open(&e, 16));
	assert_false(ikev2_enc_sk_plain(&e, blob, 4));
	assert_false(ikev2_enc_sk_close(&e, 0, 16, &lay));
	rc_writer_free(&w);
	free(m);
}

/* Payloads after an SK payload are an error. */
static void sk_must_be_last(void **state)
{
	struct vec v;
	struct ikev2_msg *m = new_msg();
	struct ikev2_err err;

	v.n = 0;
	ike_hdr(&v, IKEV2_PL_SK, IKEV2_EXCH_IKE_AUTH, 0);
	hex(&v, "23 00 0008 00112233 00 00 0004");
	fix_len(&v);
	assert_int_equal(decode(m, &v, &err), IKEV2_ERR_SYNTAX);
	v.n -= 4;
	fix_len(&v);
	assert_int_equal(decode(m, &v, &err), IKEV2_OK);
	free(m);
}

static void print_lines(void *ctx, const char *s)
{
	char *out = ctx;

	strncat(out, s, 4095 - strlen(out));
	strncat(out, "\n", 4095 - strlen(out));
}

static void printer(void **state)
{
	struct vec v;
	struct ikev2_msg *m = new_msg();
	char out[4096] = "";
	char small[8];

	sa_init_request(&v);
	assert_int_equal(decode(m, &v, NULL), IKEV2_OK);
	ikev2_msg_print(m, print_lines, out);
	assert_non_null(strstr(out, "IKE_SA_INIT request from initiator id 0"));
	assert_non_null(strstr(out, "SA #1 IKE ENCR=12/256,PRF=5,INTEG=12,KE=19\n"));
	assert_non_null(strstr(out, "KE group 19, 64 bytes\n"));
	assert_non_null(strstr(out, "N NAT_DETECTION_DESTINATION_IP (16389) none, 20 bytes\n"));
	/* a short buffer is cut, and says how much it wanted */
	assert_true(ikev2_payload_str(&m->pl[0], small, sizeof(small)) > sizeof(small));
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_string_equal(ikev2_payload_name(99), "?");
	assert_string_equal(ikev2_notify_name(IKEV2_N_COOKIE), "COOKIE");
	free(m);
}

/* ---- random mutations ---- */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static void mutate(struct vec *v)
{
	unsigned k = 1 + rnd() % 4;

	for (unsigned i = 0; i < k; i++) {
		switch (rnd() % 4) {
		case 0: /* a byte */
			v->b[rnd() % v->n] = (uint8_t)rnd();
			break;
		case 1: /* a bit */
			v->b[rnd() % v->n] ^= (uint8_t)(1u << (rnd() % 8));
			break;
		case 2: /* a cut */
			v->n = IKEV2_HDR_LEN + rnd() % (v->n - IKEV2_HDR_LEN + 1);
			if (v->n == IKEV2_HDR_LEN)
				v->n++;
			break;
		default: /* a small change of a length-ish byte */
			v->b[rnd() % v->n] += (uint8_t)(rnd() % 8 - 4);
			break;
		}
	}
	if (rnd() % 2)
		fix_len(v);
}

static void random_mutations(void **state)
{
	struct ikev2_msg *m = new_msg(), *m2 = new_msg();
	struct ikev2_err err;
	struct vec base[3], v;
	size_t ok = 0;
	struct rc_writer w;
	struct ikev2_enc e;

	sa_init_request(&base[0]);
	with_unknown(&base[1], 0);
	sa_msg(&base[2], "02 00 0014 01 03 04 01 11223344 00 00 0008 01 00 0014"
			 "00 00 0014 02 03 04 01 11223344 00 00 0008 01 00 001c");
	for (int i = 0; i < 100000; i++) {
		v = base[i % 3];
		mutate(&v);
		if (ikev2_decode(m, v.b, v.n, &err) != IKEV2_OK) {
			assert_true(err.code != IKEV2_OK && err.text[0] != '\0');
			continue;
		}
		ok++;
		/* what decodes re-encodes to something that decodes alike */
		rc_writer_init(&w, 0);
		assert_true(ikev2_enc_begin(&e, &w, &m->hdr));
		for (size_t j = 0; j < m->n_pl; j++)
			assert_true(ikev2_enc_payload(&e, &m->pl[j]));
		assert_true(ikev2_enc_end(&e));
		assert_int_equal(ikev2_decode(m2, rc_writer_data(&w), rc_writer_len(&w), &err),
				 IKEV2_OK);
		assert_int_equal(m2->n_pl, m->n_pl);
		rc_writer_free(&w);
		/* and the inner decoder on the same bytes */
		(void)ikev2_decode_inner(m, v.b[16], v.b + IKEV2_HDR_LEN, v.n - IKEV2_HDR_LEN,
					 &err);
	}
	print_message("%zu of 100000 mutations decoded\n", ok);
	assert_true(ok > 0);
	free(m);
	free(m2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sa_init_decode),
		cmocka_unit_test(sa_init_encode),
		cmocka_unit_test(sa_init_responses),
		cmocka_unit_test(ike_auth_vector),
		cmocka_unit_test(encoder_out_of_room),
		cmocka_unit_test(truncations),
		cmocka_unit_test(corrupted_lengths),
		cmocka_unit_test(versions),
		cmocka_unit_test(unknown_payloads),
		cmocka_unit_test(singletons_twice),
		cmocka_unit_test(sa_rules),
		cmocka_unit_test(limits),
		cmocka_unit_test(roundtrip_auth_payloads),
		cmocka_unit_test(roundtrip_info_payloads),
		cmocka_unit_test(payload_rules),
		cmocka_unit_test(sk_container),
		cmocka_unit_test(skf_fragments),
		cmocka_unit_test(sk_must_be_last),
		cmocka_unit_test(printer),
		cmocka_unit_test(random_mutations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
