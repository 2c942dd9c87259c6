/* XFRM netlink codec: requests checked field by field against
 * <linux/xfrm.h>, kernel-shaped replies and events decoded, and truncated,
 * malformed and randomly mutated messages rejected without reading out of
 * bounds (run under --enable-sanitizers to make that last part bite). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/udp.h>
#include <linux/xfrm.h>

#include "xfrm_msg.h"

static _Alignas(8) uint8_t buf[XM_MSG_MAX];

static struct rc_addr A(const char *text) {
	struct rc_addr a;
	char err[128];
	assert_int_equal(rc_addr_parse(text, &a, err, sizeof(err)), 0);
	return a;
}

static struct nlmsghdr *
H(void)
{
	return (struct nlmsghdr *)buf;
}

/* The attributes of the message in buf, by type (last one wins). */
struct attrs {
	const struct nlattr *a[XFRMA_MAX + 1];
	int count;
};

static int collect(const struct nlattr *a, void *arg)
{
	struct attrs *t = arg;
	if (mnl_attr_get_type(a) <= XFRMA_MAX)
		t->a[mnl_attr_get_type(a)] = a;
	t->count++;
	return MNL_CB_OK;
}

static void attrs_of(size_t fixed, struct attrs *t)
{
	memset(t, 0, sizeof(*t));
	assert_int_equal(mnl_attr_parse(H(), MNL_ALIGN(fixed), collect, t), MNL_CB_OK);
}

static struct rk_sa esp_sa(void)
{
	struct rk_sa sa = {0};
	sa.proto = RK_PROTO_ESP;
	sa.spi = 0x12345678;
	sa.src = A("192.0.2.1");
	sa.dst = A("192.0.2.2");
	sa.mode = RK_MODE_TUNNEL;
	sa.reqid = 7;
	sa.enc = RK_ENC_AES_CBC;
	sa.enc_keylen = 16;
	memset(sa.enc_key, 0xaa, 16);
	sa.auth = RK_AUTH_HMAC_SHA2_256_128;
	sa.auth_keylen = 32;
	memset(sa.auth_key, 0xbb, 32);
	sa.replay_window = 32;
	return sa;
}

static struct xfrm_usersa_info sa_info(void)
{
	struct xfrm_usersa_info p;
	memcpy(&p, mnl_nlmsg_get_payload(H()), sizeof(p));
	return p;
}

static void test_sa_esp_cbc_sha256(void **state)
{
	(void)state;
	struct rk_sa sa = esp_sa();
	sa.lifetime.soft_bytes = 1000;
	sa.lifetime.hard_add_sec = 3600;
	const char *why = NULL;
	assert_int_equal(xm_build_sa(buf, sizeof(buf), &sa, false, &why), 0);
	assert_int_equal(H()->nlmsg_type, XFRM_MSG_NEWSA);
	assert_int_equal(H()->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	struct xfrm_usersa_info p = sa_info();
	assert_int_equal(p.id.spi, htonl(0x12345678));
	assert_int_equal(p.id.proto, IPPROTO_ESP);
	assert_int_equal(p.family, AF_INET);
	/* a tunnel without a selector carries both families */
	assert_int_equal(p.sel.family, AF_UNSPEC);
	assert_int_equal(p.flags, XFRM_STATE_AF_UNSPEC);
	assert_int_equal(p.mode, XFRM_MODE_TUNNEL);
	assert_int_equal(p.reqid, 7);
	assert_int_equal(p.replay_window, 32);
	assert_memory_equal(&p.id.daddr, sa.dst.u.bytes, 4);
	assert_memory_equal(&p.saddr, sa.src.u.bytes, 4);
	assert_true(p.lft.soft_byte_limit == 1000);
	assert_true(p.lft.hard_byte_limit == XFRM_INF);
	assert_true(p.lft.hard_packet_limit == XFRM_INF);
	assert_true(p.lft.hard_add_expires_seconds == 3600);
	assert_true(p.lft.soft_add_expires_seconds == 0);

	struct attrs t;
	attrs_of(sizeof(p), &t);
	assert_int_equal(t.count, 2);
	assert_non_null(t.a[XFRMA_ALG_CRYPT]);
	const struct xfrm_algo *c = mnl_attr_get_payload(t.a[XFRMA_ALG_CRYPT]);
	assert_string_equal(c->alg_name, "cbc(aes)");
	assert_int_equal(c->alg_key_len, 128);
	assert_int_equal(mnl_attr_get_payload_len(t.a[XFRMA_ALG_CRYPT]), sizeof(*c) + 16);
	assert_memory_equal(c->alg_key, sa.enc_key, 16);
	const struct xfrm_algo_auth *au = mnl_attr_get_payload(t.a[XFRMA_ALG_AUTH_TRUNC]);
	assert_string_equal(au->alg_name, "hmac(sha256)");
	assert_int_equal(au->alg_key_len, 256);
	assert_int_equal(au->alg_trunc_len, 128);
	assert_memory_equal(au->alg_key, sa.auth_key, 32);

	/* The kernel answers with the same layout (as NEWSA). */
	struct rk_sa_info info;
	assert_int_equal(xm_parse_sa(buf, H()->nlmsg_len, &info, &why), 0);
	assert_int_equal(info.sa.sel.src.family, AF_UNSPEC);
	assert_int_equal(info.sa.spi, sa.spi);
	assert_int_equal(info.sa.enc, RK_ENC_AES_CBC);
	assert_int_equal(info.sa.auth, RK_AUTH_HMAC_SHA2_256_128);
	assert_int_equal(info.sa.mode, RK_MODE_TUNNEL);
	assert_int_equal(info.sa.reqid, 7);
	assert_true(rc_addr_equal(&info.sa.src, &sa.src));
	assert_true(rc_addr_equal(&info.sa.dst, &sa.dst));
	assert_true(info.sa.lifetime.soft_bytes == 1000);
	assert_true(info.sa.lifetime.hard_bytes == 0);
	assert_true(info.sa.lifetime.hard_add_sec == 3600);
	assert_int_equal(info.sa.enc_keylen, 0);

	/* UPDSA completes a larval SA. */
	assert_int_equal(xm_build_sa(buf, sizeof(buf), &sa, true, &why), 0);
	assert_int_equal(H()->nlmsg_type, XFRM_MSG_UPDSA);
}

static void test_sa_auth_truncation(void **state)
{
	(void)state;
	static const struct {
		enum rk_auth a;
		const char *name;
		unsigned trunc;
	} want[] = {
		{RK_AUTH_HMAC_MD5_96, "hmac(md5)", 96},
		{RK_AUTH_HMAC_SHA1_96, "hmac(sha1)", 96},
		{RK_AUTH_HMAC_SHA2_256_128, "hmac(sha256)", 128},
		{RK_AUTH_HMAC_SHA2_384_192, "hmac(sha384)", 192},
		{RK_AUTH_HMAC_SHA2_512_256, "hmac(sha512)", 256},
		{RK_AUTH_AES_XCBC_96, "xcbc(aes)", 96},
		{RK_AUTH_AES_CMAC_96, "cmac(aes)", 96},
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct rk_sa sa = esp_sa();
		sa.proto = RK_PROTO_AH;
		sa.enc = RK_ENC_NONE;
		sa.enc_keylen = 0;
		sa.auth = want[i].a;
		sa.auth_keylen = xm_auth_probe_keylen(want[i].a);
		assert_int_equal(xm_build_sa(buf, sizeof(buf), &sa, false, NULL), 0);
		struct attrs t;
		attrs_of(sizeof(struct xfrm_usersa_info), &t);
		assert_int_equal(t.count, 1);
		const struct xfrm_algo_auth *au = mnl_attr_get_payload(t.a[XFRMA_ALG_AUTH_TRUNC]);
		assert_string_equal(au->alg_name, want[i].name);
		assert_int_equal(au->alg_trunc_len, want[i].trunc);
		assert_int_equal(au->alg_key_len, sa.auth_keylen * 8);
		struct rk_sa_info info;
		assert_int_equal(xm_parse_sa(buf, H()->nlmsg_len, &info, NULL), 0);
		assert_int_equal(info.sa.auth, want[i].a);
		assert_int_equal(info.sa.proto, RK_PROTO_AH);
	}
}

static void test_sa_aead(void **state)
{
	(void)state;
	static const struct {
		enum rk_enc e;
		const char *name;
		unsigned icv;
		size_t keylen;
	} want[] = {
		{RK_ENC_AES_GCM_8, "rfc4106(gcm(aes))", 64, 20},
		{RK_ENC_AES_GCM_12, "rfc4106(gcm(aes))", 96, 36},
		{RK_ENC_AES_GCM_16, "rfc4106(gcm(aes))", 128, 28},
		{RK_ENC_CHACHA20_POLY1305, "rfc7539esp(chacha20,poly1305)", 128, 36},
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct rk_sa sa = esp_sa();
		sa.auth = RK_AUTH_NONE;
		sa.auth_keylen = 0;
		sa.enc = want[i].e;
		sa.enc_keylen = want[i].keylen;
		assert_int_equal(xm_build_sa(buf, sizeof(buf), &sa, false, NULL), 0);
		struct attrs t;
		attrs_of(sizeof(struct xfrm_usersa_info), &t);
		assert_int_equal(t.count, 1);
		const struct xfrm_algo_aead *a = mnl_attr_get_payload(t.a[XFRMA_ALG_AEAD]);
		assert_string_equal(a->alg_name, want[i].name);
		assert_int_equal(a->alg_icv_len, want[i].icv);
		assert_int_equal(a->alg_key_len, want[i].keylen * 8);
		struct rk_sa_info info;
		assert_int_equal(xm_parse_sa(buf, H()->nlmsg_len, &info, NULL), 0);
		assert_int_equal(info.sa.enc, want[i].e);
		assert_int_equal(info.sa.auth, RK_AUTH_NONE);
	}
	/* An AEAD cipher with a separate integrity transform is refused. */
	struct rk_sa sa = esp_sa();
	sa.enc = RK_ENC_AES_GCM_16;
	const char *why = NULL;
	assert_int_equal(xm_build_sa(buf, sizeof(buf), &sa, false, &why), -EINVAL);
	assert_non_null(why);
}

static void test_sa_ipcomp(void **state)
{
	(void)state;
	struct rk_sa sa = {0};
	sa.proto = RK_PROTO_COMP;
	sa.spi = 0x4001;
	sa.src = A("2001:db8::1");
	sa.dst = A("2001:db8::2");
	sa.mode = RK_MODE_TRANSPORT;
	sa.comp = RK_COMP_DEFLATE;
	assert_int_equal(xm_build_sa(buf, sizeof(buf), &sa, false, NULL), 0);
	struct xfrm_usersa_info p = sa_info();
	assert_int_equal(p.id.proto, IPPROTO_COMP);
	assert_int_equal(p.id.spi, htonl(0x4001));
	assert_int_equal(p.family, AF_INET6);
	assert_int_equal(p.sel.family, AF_INET6); /* transport: its own family */
	assert_int_equal(p.flags, 0);
	struct attrs t;
	attrs_of(sizeof(p), &t);
	const struct xfrm_algo *c = mnl_attr_get_payload(t.a[XFRMA_ALG_COMP]);
	assert_string_equal(c->alg_name, "deflate");
	assert_int_equal(c->alg_key_len, 0);
	struct rk_sa_info info;
	assert_int_equal(xm_parse_sa(buf, H()->nlmsg_len, &info, NULL), 0);
	assert_int_equal(info.sa.comp, RK_COMP_DEFLATE);
	assert_int_equal(info.sa.spi, 0x4001);

	sa.comp = RK_COMP_LZS;
	assert_int_equal(xm_build_sa(buf, sizeof(buf), &sa, false, NULL), 0);
	attrs_of(sizeof(p), &t);
	assert_string_equal(
		((const struct xfrm_algo *)mnl_attr_get_payload(t.a[XFRMA_ALG_COMP]))->alg_name,
		"lzs");
	const char *why = NULL;
	sa.comp = RK_COMP_OUI;
	assert_int_equal(xm_build_sa(buf, sizeof(buf), &sa, false, &why), -EOPNOTSUPP);
	sa.comp = RK_COMP_DEFLATE;
	sa.spi = 0x10000;
	assert_int_equal(xm_build_sa(buf, sizeof(buf), &sa, false, &why), -EINVAL);
	sa.spi = 0x4001;
	sa.enc = RK_ENC_AES_CBC;
	assert_int_equal(xm_build_sa(buf, sizeof(buf), &sa, false, &why), -EINVAL);
}

static void test_sa_mixed_family_tunnel(void **state)
{
	(void)state;
	/* 6-in-4: IPv6 traffic over an IPv4 tunnel. */
	struct rk_sa sa = esp_sa();
	sa.sel.src = A("2001:db8:1::/64");
	sa.sel.dst = A("2001:db8:2::/64");
	assert_int_equal(xm_build_sa(buf, sizeof(buf), &sa, false, NULL), 0);
	struct xfrm_usersa_info p = sa_info();
	assert_int_equal(p.family, AF_INET);
	assert_int_equal(p.sel.family, AF_INET6);
	assert_int_equal(p.sel.prefixlen_s, 64);
	struct rk_sa_info info;
	assert_int_equal(xm_parse_sa(buf, H()->nlmsg_len, &info, NULL), 0);
	assert_int_equal(info.sa.sel.src.family, AF_INET6);
	assert_int_equal(info.sa.src.family, AF_INET);
	assert_true(rc_addr_equal(&info.sa.sel.dst, &sa.sel.dst));

	/* 4-in-6 */
	sa.src = A("2001:db8::1");
	sa.dst = A("2001:db8::2");
	sa.sel.src = A("198.51.100.0/24");
	sa.sel.dst = A("203.0.113.0/24");
	assert_int_equal(xm_build_sa(buf, sizeof(buf), &sa, false, NULL), 0);
	p = sa_info();
	assert_int_equal(p.family, AF_INET6);
	assert_int_equal(p.sel.family, AF_INET);
	assert_int_equal(p.sel.prefixlen_d, 24);

	/* transport mode cannot carry the other family */
	sa.mode = RK_MODE_TRANSPORT;
	assert_int_equal(xm_build_sa(buf, sizeof(buf), &sa, false, NULL), -EINVAL);
	/* outer addresses of two families */
	sa = esp_sa();
	sa.dst = A("2001:db8::2");
	assert_int_equal(xm_build_sa(buf, sizeof(buf), &sa, false, NULL), -EINVAL);
}

static void test_sa_encap(void **state)
{
	(void)state;
	struct rk_sa sa = esp_sa();
	sa.encap.enabled = true;
	sa.encap.sport = 4500;
	sa.encap.dport = 4501;
	sa.encap.oa = A("198.51.100.7");
	assert_int_equal(xm_build_sa(buf, sizeof(buf), &sa, false, NULL), 0);
	struct attrs t;
	attrs_of(sizeof(struct xfrm_usersa_info), &t);
	assert_non_null(t.a[XFRMA_ENCAP]);
	assert_int_equal(mnl_attr_get_payload_len(t.a[XFRMA_ENCAP]),
			 sizeof(struct xfrm_encap_tmpl));
	const struct xfrm_encap_tmpl *e = mnl_attr_get_payload(t.a[XFRMA_ENCAP]);
	assert_int_equal(e->encap_type, UDP_ENCAP_ESPINUDP);
	assert_int_equal(e->encap_sport, htons(4500));
	assert_int_equal(e->encap_dport, htons(4501));
	assert_memory_equal(&e->encap_oa, sa.encap.oa.u.bytes, 4);
	struct rk_sa_info info;
	assert_int_equal(xm_parse_sa(buf, H()->nlmsg_len, &info, NULL), 0);
	assert_true(info.sa.encap.enabled);
	assert_int_equal(info.sa.encap.sport, 4500);
	assert_int_equal(info.sa.encap.dport, 4501);
	assert_true(rc_addr_equal(&info.sa.encap.oa, &sa.encap.oa));

	sa.proto = RK_PROTO_AH;
	sa.enc = RK_ENC_NONE;
	assert_int_equal(xm_build_sa(buf, sizeof(buf), &sa, false, NULL), -EINVAL);
}

static void test_sa_replay_esn(void **state)
{
	(void)state;
	struct rk_sa sa = esp_sa();
	sa.esn = true;
	sa.replay_window = 128;
	assert_int_equal(xm_build_sa(buf, sizeof(buf), &sa, false, NULL), 0);
	struct xfrm_usersa_info p = sa_info();
	assert_int_equal(p.replay_window, 0);
	assert_int_equal(p.flags & XFRM_STATE_ESN, XFRM_STATE_ESN);
	struct attrs t;
	attrs_of(sizeof(p), &t);
	const struct xfrm_replay_state_esn *rs = mnl_attr_get_payload(t.a[XFRMA_REPLAY_ESN_VAL]);
	assert_int_equal(rs->bmp_len, 4);
	assert_int_equal(rs->replay_window, 128);
	assert_int_equal(mnl_attr_get_payload_len(t.a[XFRMA_REPLAY_ESN_VAL]), sizeof(*rs) + 16);
	struct rk_sa_info info;
	assert_int_equal(xm_parse_sa(buf, H()->nlmsg_len, &info, NULL), 0);
	assert_true(info.sa.esn);
	assert_int_equal(info.sa.replay_window, 128);

	/* A wide window without ESN also needs the replay state attribute. */
	sa.esn = false;
	sa.replay_window = 1000;
	assert_int_equal(xm_build_sa(buf, sizeof(buf), &sa, false, NULL), 0);
	p = sa_info();
	assert_int_equal(p.flags & XFRM_STATE_ESN, 0);
	attrs_of(sizeof(p), &t);
	rs = mnl_attr_get_payload(t.a[XFRMA_REPLAY_ESN_VAL]);
	assert_int_equal(rs->bmp_len, 32);
	sa.replay_window = 5000;
	assert_int_equal(xm_build_sa(buf, sizeof(buf), &sa, false, NULL), -EINVAL);
}

static void test_sa_id_and_allocspi(void **state)
{
	(void)state;
	struct rk_sa_id id = {RK_PROTO_ESP, 0xc0ffee, A("2001:db8::1"), A("2001:db8::2")};
	assert_int_equal(xm_build_sa_id(buf, sizeof(buf), XFRM_MSG_DELSA, &id, NULL), 0);
	assert_int_equal(H()->nlmsg_type, XFRM_MSG_DELSA);
	struct xfrm_usersa_id u;
	memcpy(&u, mnl_nlmsg_get_payload(H()), sizeof(u));
	assert_int_equal(u.spi, htonl(0xc0ffee));
	assert_int_equal(u.family, AF_INET6);
	assert_int_equal(u.proto, IPPROTO_ESP);
	assert_memory_equal(&u.daddr, id.dst.u.bytes, 16);
	struct attrs t;
	attrs_of(sizeof(u), &t);
	assert_memory_equal(mnl_attr_get_payload(t.a[XFRMA_SRCADDR]), id.src.u.bytes, 16);
	assert_int_equal(xm_build_sa_id(buf, sizeof(buf), XFRM_MSG_NEWSA, &id, NULL), -EINVAL);

	struct rc_addr s = A("192.0.2.1"), d = A("192.0.2.2");
	assert_int_equal(
		xm_build_allocspi(buf, sizeof(buf), RK_PROTO_ESP, &s, &d, 0x1000, 0x1fff, 9, NULL),
		0);
	assert_int_equal(H()->nlmsg_type, XFRM_MSG_ALLOCSPI);
	struct xfrm_userspi_info sp;
	memcpy(&sp, mnl_nlmsg_get_payload(H()), sizeof(sp));
	assert_int_equal(sp.min, 0x1000);
	assert_int_equal(sp.max, 0x1fff);
	assert_int_equal(sp.info.reqid, 9);
	assert_int_equal(sp.info.family, AF_INET);
	assert_int_equal(sp.info.id.proto, IPPROTO_ESP);
	assert_memory_equal(&sp.info.id.daddr, d.u.bytes, 4);
	assert_int_equal(xm_build_allocspi(buf, sizeof(buf), RK_PROTO_ESP, &s, &d, 0, 0, 0, NULL),
			 0);
	memcpy(&sp, mnl_nlmsg_get_payload(H()), sizeof(sp));
	assert_int_equal(sp.min, 0x100);
	assert_int_equal(sp.max, 0xffffffffu);
	assert_int_equal(xm_build_allocspi(buf, sizeof(buf), RK_PROTO_COMP, &s, &d, 0, 0, 0, NULL),
			 0);
	memcpy(&sp, mnl_nlmsg_get_payload(H()), sizeof(sp));
	assert_true(sp.max <= 0xffff);
	assert_int_equal(
		xm_build_allocspi(buf, sizeof(buf), RK_PROTO_COMP, &s, &d, 1, 0x10000, 0, NULL),
		-EINVAL);
	assert_int_equal(xm_build_allocspi(buf, sizeof(buf), RK_PROTO_ESP, &s, &d, 9, 8, 0, NULL),
			 -EINVAL);
	assert_int_equal(xm_build_allocspi(buf, sizeof(buf), 17, &s, &d, 0, 0, 0, NULL), -EINVAL);
	/* too small a buffer */
	assert_int_equal(xm_build_allocspi(buf, 40, RK_PROTO_ESP, &s, &d, 0, 0, 0, NULL),
			 -EMSGSIZE);
}

static size_t s_policy(void);

static struct rk_policy esp_policy(void)
{
	struct rk_policy p = {0};
	p.sel.src = A("192.0.2.0/24");
	p.sel.dst = A("198.51.100.0/24");
	p.sel.proto = IPPROTO_TCP;
	p.sel.dst.port = 443;
	p.dir = RK_DIR_OUT;
	p.action = RK_ACT_IPSEC;
	p.priority = 1000;
	p.ntmpl = 1;
	p.tmpl[0].proto = RK_PROTO_ESP;
	p.tmpl[0].mode = RK_MODE_TRANSPORT;
	p.tmpl[0].reqid = 3;
	return p;
}

static struct xfrm_userpolicy_info pol_info(void)
{
	struct xfrm_userpolicy_info u;
	memcpy(&u, mnl_nlmsg_get_payload(H()), sizeof(u));
	return u;
}

static void test_policy_transport(void **state)
{
	(void)state;
	struct rk_policy p = esp_policy();
	p.lifetime.hard_add_sec = 60;
	assert_int_equal(xm_build_policy(buf, sizeof(buf), &p, false, NULL), 0);
	assert_int_equal(H()->nlmsg_type, XFRM_MSG_NEWPOLICY);
	struct xfrm_userpolicy_info u = pol_info();
	assert_int_equal(u.sel.family, AF_INET);
	assert_int_equal(u.sel.prefixlen_s, 24);
	assert_int_equal(u.sel.prefixlen_d, 24);
	assert_int_equal(u.sel.proto, IPPROTO_TCP);
	assert_int_equal(u.sel.dport, htons(443));
	assert_int_equal(u.sel.dport_mask, 0xffff);
	assert_int_equal(u.sel.sport_mask, 0);
	assert_int_equal(u.dir, XFRM_POLICY_OUT);
	assert_int_equal(u.action, XFRM_POLICY_ALLOW);
	assert_int_equal(u.priority, 1000);
	assert_true(u.lft.hard_add_expires_seconds == 60);
	struct attrs t;
	attrs_of(sizeof(u), &t);
	assert_int_equal(mnl_attr_get_payload_len(t.a[XFRMA_TMPL]), sizeof(struct xfrm_user_tmpl));
	const struct xfrm_user_tmpl *x = mnl_attr_get_payload(t.a[XFRMA_TMPL]);
	assert_int_equal(x->id.proto, IPPROTO_ESP);
	assert_int_equal(x->family, AF_INET);
	assert_int_equal(x->mode, XFRM_MODE_TRANSPORT);
	assert_int_equal(x->reqid, 3);
	assert_int_equal(x->optional, 0);
	assert_int_equal(x->share, 0);
	assert_int_equal(x->aalgos, ~0u);

	struct rk_policy back;
	bool sock = true;
	assert_int_equal(xm_parse_policy(buf, H()->nlmsg_len, &back, &sock, NULL), 0);
	assert_false(sock);
	assert_int_equal(back.action, RK_ACT_IPSEC);
	assert_int_equal(back.dir, RK_DIR_OUT);
	assert_int_equal(back.ntmpl, 1);
	assert_int_equal(back.tmpl[0].reqid, 3);
	assert_int_equal(back.tmpl[0].level, RK_LEVEL_REQUIRE);
	assert_int_equal(back.sel.dst.port, 443);
	assert_int_equal(back.sel.src.port, 0);
	assert_true(rc_addr_equal(&back.sel.src, &p.sel.src));
	assert_int_equal(back.priority, 1000);

	assert_int_equal(xm_build_policy(buf, sizeof(buf), &p, true, NULL), 0);
	assert_int_equal(H()->nlmsg_type, XFRM_MSG_UPDPOLICY);
}

static void test_policy_bundle_levels(void **state)
{
	(void)state;
	struct rk_policy p = esp_policy();
	p.sel.src = A("2001:db8:1::/48");
	p.sel.dst = A("2001:db8:2::/48");
	p.ntmpl = 3;
	static const uint8_t protos[3] = {RK_PROTO_COMP, RK_PROTO_ESP, RK_PROTO_AH};
	static const enum rk_level levels[3] = {RK_LEVEL_USE, RK_LEVEL_UNIQUE, RK_LEVEL_REQUIRE};
	for (int i = 0; i < 3; i++) {
		p.tmpl[i].proto = protos[i];
		p.tmpl[i].mode = i == 0 ? RK_MODE_TUNNEL : RK_MODE_TRANSPORT;
		p.tmpl[i].level = levels[i];
		p.tmpl[i].reqid = 10 + i;
	}
	/* 6-in-4 tunnel template */
	p.tmpl[0].src = A("192.0.2.1");
	p.tmpl[0].dst = A("192.0.2.2");
	assert_int_equal(xm_build_policy(buf, sizeof(buf), &p, false, NULL), 0);
	struct attrs t;
	attrs_of(sizeof(struct xfrm_userpolicy_info), &t);
	assert_int_equal(mnl_attr_get_payload_len(t.a[XFRMA_TMPL]),
			 3 * sizeof(struct xfrm_user_tmpl));
	const struct xfrm_user_tmpl *x = mnl_attr_get_payload(t.a[XFRMA_TMPL]);
	assert_int_equal(x[0].id.proto, IPPROTO_COMP);
	assert_int_equal(x[0].family, AF_INET);
	assert_int_equal(x[0].mode, XFRM_MODE_TUNNEL);
	assert_int_equal(x[0].optional, 1);
	assert_memory_equal(&x[0].id.daddr, p.tmpl[0].dst.u.bytes, 4);
	assert_int_equal(x[1].share, XFRM_SHARE_UNIQUE);
	assert_int_equal(x[1].family, AF_INET6);
	assert_int_equal(x[2].id.proto, IPPROTO_AH);
	assert_int_equal(x[2].optional, 0);

	struct rk_policy back;
	assert_int_equal(xm_parse_policy(buf, H()->nlmsg_len, &back, NULL, NULL), 0);
	assert_int_equal(back.ntmpl, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(back.tmpl[i].proto, protos[i]);
		assert_int_equal(back.tmpl[i].level, levels[i]);
		assert_int_equal(back.tmpl[i].reqid, 10 + i);
	}
	assert_true(rc_addr_equal(&back.tmpl[0].dst, &p.tmpl[0].dst));
	assert_int_equal(back.tmpl[1].dst.family, AF_UNSPEC);

	/* a kernel policy with 4 templates is well-formed but too deep */
	struct xfrm_user_tmpl four[4];
	memset(four, 0, sizeof(four));
	s_policy();
	struct nlattr *ta = (struct nlattr *)(buf + MNL_NLMSG_HDRLEN +
					      MNL_ALIGN(sizeof(struct xfrm_userpolicy_info)));
	H()->nlmsg_len = (uint32_t)((uint8_t *)ta - buf);
	mnl_attr_put(H(), XFRMA_TMPL, sizeof(four), four);
	assert_int_equal(xm_parse_policy(buf, H()->nlmsg_len, &back, NULL, NULL), -E2BIG);

	/* a tunnel template without endpoints; too many templates */
	p.tmpl[0].dst.family = AF_UNSPEC;
	assert_int_equal(xm_build_policy(buf, sizeof(buf), &p, false, NULL), -EINVAL);
	p = esp_policy();
	p.ntmpl = 4;
	assert_int_equal(xm_build_policy(buf, sizeof(buf), &p, false, NULL), -EINVAL);
	p.ntmpl = 0;
	assert_int_equal(xm_build_policy(buf, sizeof(buf), &p, false, NULL), -EINVAL);
}

static void test_policy_bypass_discard_icmp(void **state)
{
	(void)state;
	struct rk_policy p = esp_policy();
	p.action = RK_ACT_BYPASS;
	p.ntmpl = 0;
	p.dir = RK_DIR_FWD;
	p.sel.proto = IPPROTO_ICMP;
	p.sel.src.port = 8; /* echo request */
	p.sel.dst.port = 0;
	assert_int_equal(xm_build_policy(buf, sizeof(buf), &p, false, NULL), 0);
	struct xfrm_userpolicy_info u = pol_info();
	assert_int_equal(u.action, XFRM_POLICY_ALLOW);
	assert_int_equal(u.dir, XFRM_POLICY_FWD);
	assert_int_equal(u.sel.sport, htons(8));
	assert_int_equal(u.sel.sport_mask, 0xffff);
	struct attrs t;
	attrs_of(sizeof(u), &t);
	assert_int_equal(t.count, 0);
	struct rk_policy back;
	assert_int_equal(xm_parse_policy(buf, H()->nlmsg_len, &back, NULL, NULL), 0);
	assert_int_equal(back.action, RK_ACT_BYPASS);
	assert_int_equal(back.dir, RK_DIR_FWD);
	assert_int_equal(back.sel.src.port, 8);

	p.action = RK_ACT_DISCARD;
	p.dir = RK_DIR_IN;
	assert_int_equal(xm_build_policy(buf, sizeof(buf), &p, false, NULL), 0);
	u = pol_info();
	assert_int_equal(u.action, XFRM_POLICY_BLOCK);
	assert_int_equal(u.dir, XFRM_POLICY_IN);
	assert_int_equal(xm_parse_policy(buf, H()->nlmsg_len, &back, NULL, NULL), 0);
	assert_int_equal(back.action, RK_ACT_DISCARD);

	/* a bypass policy with templates is a contradiction */
	p.action = RK_ACT_BYPASS;
	p.ntmpl = 1;
	p.tmpl[0] = esp_policy().tmpl[0];
	assert_int_equal(xm_build_policy(buf, sizeof(buf), &p, false, NULL), -EINVAL);
	/* selector of two families */
	p = esp_policy();
	p.sel.dst = A("2001:db8::/32");
	assert_int_equal(xm_build_policy(buf, sizeof(buf), &p, false, NULL), -EINVAL);
}

static void test_policy_id(void **state)
{
	(void)state;
	struct rk_policy p = esp_policy();
	assert_int_equal(xm_build_policy_id(buf, sizeof(buf), XFRM_MSG_DELPOLICY, &p.sel, 0,
					    RK_DIR_IN, NULL),
			 0);
	struct xfrm_userpolicy_id u;
	memcpy(&u, mnl_nlmsg_get_payload(H()), sizeof(u));
	assert_int_equal(H()->nlmsg_type, XFRM_MSG_DELPOLICY);
	assert_int_equal(u.dir, XFRM_POLICY_IN);
	assert_int_equal(u.index, 0);
	assert_int_equal(u.sel.family, AF_INET);
	assert_int_equal(u.sel.dport, htons(443));
	assert_int_equal(xm_build_policy_id(buf, sizeof(buf), XFRM_MSG_GETPOLICY, NULL, 0x1009,
					    RK_DIR_OUT, NULL),
			 0);
	memcpy(&u, mnl_nlmsg_get_payload(H()), sizeof(u));
	assert_int_equal(H()->nlmsg_type, XFRM_MSG_GETPOLICY);
	assert_int_equal(u.index, 0x1009);
	assert_int_equal(u.dir, XFRM_POLICY_OUT);
	assert_int_equal(u.sel.family, 0);
	assert_int_equal(
		xm_build_policy_id(buf, sizeof(buf), XFRM_MSG_GETPOLICY, NULL, 0, RK_DIR_OUT, NULL),
		-EINVAL);

	assert_int_equal(xm_build_dump(buf, sizeof(buf), XFRM_MSG_GETPOLICY), 0);
	assert_int_equal(H()->nlmsg_len, MNL_NLMSG_HDRLEN);
	assert_int_equal(H()->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
}

static struct rk_migrate sample_migrate(void)
{
	struct rk_migrate m = {0};
	m.sel.src = A("198.51.100.0/24");
	m.sel.dst = A("203.0.113.0/24");
	m.dir = RK_DIR_OUT;
	m.proto = RK_PROTO_ESP;
	m.mode = RK_MODE_TUNNEL;
	m.reqid = 4;
	m.old_src = A("192.0.2.1");
	m.old_dst = A("192.0.2.2");
	m.new_src = A("2001:db8::1");
	m.new_dst = A("2001:db8::2");
	return m;
}

static void test_migrate(void **state)
{
	(void)state;
	struct rk_migrate m = sample_migrate();
	assert_int_equal(xm_build_migrate(buf, sizeof(buf), &m, NULL), 0);
	assert_int_equal(H()->nlmsg_type, XFRM_MSG_MIGRATE);
	struct attrs t;
	attrs_of(sizeof(struct xfrm_userpolicy_id), &t);
	const struct xfrm_user_migrate *um = mnl_attr_get_payload(t.a[XFRMA_MIGRATE]);
	assert_int_equal(um->old_family, AF_INET);
	assert_int_equal(um->new_family, AF_INET6);
	assert_int_equal(um->mode, XFRM_MODE_TUNNEL);
	assert_int_equal(um->reqid, 4);
	assert_memory_equal(&um->new_daddr, m.new_dst.u.bytes, 16);
	/* The kernel's MIGRATE event has the same layout. */
	struct rk_event ev;
	assert_int_equal(xm_parse_event(buf, H()->nlmsg_len, &ev, NULL), 0);
	assert_int_equal(ev.type, RK_EV_MIGRATE);
	assert_true(rc_addr_equal(&ev.u.migrate.new_dst, &m.new_dst));
	assert_true(rc_addr_equal(&ev.u.migrate.old_src, &m.old_src));
	assert_true(rc_addr_equal(&ev.u.migrate.sel.dst, &m.sel.dst));
	assert_int_equal(ev.u.migrate.reqid, 4);
	assert_int_equal(ev.u.migrate.dir, RK_DIR_OUT);
}

/* ---- kernel-shaped events ---- */

static size_t put_event(uint16_t type, const void *body, size_t bodylen, const void *attr,
			uint16_t attrtype, size_t attrlen)
{
	memset(buf, 0, sizeof(buf));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	memcpy(mnl_nlmsg_put_extra_header(nlh, bodylen), body, bodylen);
	if (attr)
		mnl_attr_put(nlh, attrtype, attrlen, attr);
	return nlh->nlmsg_len;
}

static void x_addr(const char *text, xfrm_address_t *x)
{
	struct rc_addr a = A(text);
	memset(x, 0, sizeof(*x));
	memcpy(x, a.u.bytes, rc_addr_len(a.family));
}

static size_t sample_acquire(void)
{
	struct xfrm_user_acquire u = {0};
	x_addr("192.0.2.2", &u.id.daddr);
	u.id.proto = IPPROTO_ESP;
	x_addr("192.0.2.1", &u.saddr);
	u.sel.family = AF_INET;
	x_addr("192.0.2.1", &u.sel.saddr);
	x_addr("192.0.2.2", &u.sel.daddr);
	u.sel.prefixlen_s = u.sel.prefixlen_d = 32;
	u.sel.proto = IPPROTO_UDP;
	u.sel.dport = htons(9);
	u.sel.dport_mask = 0xffff;
	u.policy.sel.family = AF_INET;
	x_addr("192.0.2.0", &u.policy.sel.saddr);
	x_addr("192.0.2.0", &u.policy.sel.daddr);
	u.policy.sel.prefixlen_s = u.policy.sel.prefixlen_d = 24;
	u.policy.index = 0x1001 * 8 + 1;
	u.policy.dir = XFRM_POLICY_OUT;
	u.seq = 77;
	struct xfrm_user_tmpl t = {0};
	t.id.proto = IPPROTO_ESP;
	t.family = AF_INET;
	t.reqid = 5;
	t.mode = XFRM_MODE_TRANSPORT;
	return put_event(XFRM_MSG_ACQUIRE, &u, sizeof(u), &t, XFRMA_TMPL, sizeof(t));
}

static void test_event_acquire(void **state)
{
	(void)state;
	size_t len = sample_acquire();
	struct rk_event ev;
	const char *why = NULL;
	assert_int_equal(xm_parse_event(buf, len, &ev, &why), 0);
	assert_int_equal(ev.type, RK_EV_ACQUIRE);
	const struct rk_acquire *a = &ev.u.acquire;
	assert_int_equal(a->policy_index, 0x1001 * 8 + 1);
	assert_int_equal(a->dir, RK_DIR_OUT);
	assert_int_equal(a->seq, 77);
	assert_int_equal(a->tmpl.proto, RK_PROTO_ESP);
	assert_int_equal(a->tmpl.reqid, 5);
	assert_int_equal(a->tmpl.mode, RK_MODE_TRANSPORT);
	struct rc_addr d = A("192.0.2.2");
	assert_true(rc_addr_equal(&a->tmpl.dst, &d));
	assert_true(rc_addr_equal(&a->pkt.dst, &d));
	assert_int_equal(a->pkt.dst.port, 9);
	assert_int_equal(a->pkt.proto, IPPROTO_UDP);
	assert_int_equal(a->sel.src.prefixlen, 24);
}

static size_t sample_expire(bool hard)
{
	struct xfrm_user_expire u = {0};
	u.state.family = AF_INET6;
	x_addr("2001:db8::2", &u.state.id.daddr);
	x_addr("2001:db8::1", &u.state.saddr);
	u.state.id.spi = htonl(0xabcdef01);
	u.state.id.proto = IPPROTO_ESP;
	u.state.reqid = 12;
	u.state.curlft.bytes = 123456;
	u.state.curlft.packets = 99;
	u.state.curlft.add_time = 1700000000;
	u.hard = hard;
	return put_event(XFRM_MSG_EXPIRE, &u, sizeof(u), NULL, 0, 0);
}

static void test_event_expire(void **state)
{
	(void)state;
	for (int hard = 0; hard < 2; hard++) {
		size_t len = sample_expire(hard);
		struct rk_event ev;
		assert_int_equal(xm_parse_event(buf, len, &ev, NULL), 0);
		assert_int_equal(ev.type, RK_EV_EXPIRE);
		assert_int_equal(ev.u.expire.hard, hard);
		assert_int_equal(ev.u.expire.id.spi, 0xabcdef01);
		assert_int_equal(ev.u.expire.id.proto, RK_PROTO_ESP);
		assert_int_equal(ev.u.expire.reqid, 12);
		assert_true(ev.u.expire.cur.bytes == 123456);
		assert_true(ev.u.expire.cur.packets == 99);
		struct rc_addr s = A("2001:db8::1");
		assert_true(rc_addr_equal(&ev.u.expire.id.src, &s));
	}
}

static size_t sample_polexpire(void)
{
	struct xfrm_user_polexpire u = {0};
	u.pol.sel.family = AF_INET;
	x_addr("203.0.113.0", &u.pol.sel.saddr);
	u.pol.sel.prefixlen_s = 24;
	u.pol.index = 0x2002;
	u.pol.dir = XFRM_POLICY_IN;
	u.pol.action = XFRM_POLICY_ALLOW;
	u.hard = 1;
	struct xfrm_user_tmpl t = {0};
	t.id.proto = IPPROTO_AH;
	t.family = AF_INET;
	return put_event(XFRM_MSG_POLEXPIRE, &u, sizeof(u), &t, XFRMA_TMPL, sizeof(t));
}

static void test_event_polexpire(void **state)
{
	(void)state;
	size_t len = sample_polexpire();
	struct rk_event ev;
	assert_int_equal(xm_parse_event(buf, len, &ev, NULL), 0);
	assert_int_equal(ev.type, RK_EV_POLICY_EXPIRE);
	assert_int_equal(ev.u.policy_expire.index, 0x2002);
	assert_int_equal(ev.u.policy_expire.dir, RK_DIR_IN);
	assert_true(ev.u.policy_expire.hard);
	assert_int_equal(ev.u.policy_expire.sel.src.prefixlen, 24);

	/* SA and policy notifications are well-formed but no event. */
	struct rk_sa sa = esp_sa();
	assert_int_equal(xm_build_sa(buf, sizeof(buf), &sa, false, NULL), 0);
	assert_int_equal(xm_parse_event(buf, H()->nlmsg_len, &ev, NULL), 1);
	H()->nlmsg_type = 0x7f;
	assert_int_equal(xm_parse_event(buf, H()->nlmsg_len, &ev, NULL), -EBADMSG);
}

/* A NEWSA as the kernel dumps it: both the plain and the truncated
 * integrity attribute, keys, current lifetime, replay state, attributes
 * this codec does not know, and a cipher it has no name for. */
static void put_algo(struct nlmsghdr *nlh, uint16_t type, const char *name, unsigned key_bits,
		     size_t hdr, unsigned len2)
{
	uint8_t tmp[sizeof(struct xfrm_algo_aead) + 64] = {0};
	struct xfrm_algo_aead a = {0};
	strcpy(a.alg_name, name);
	a.alg_key_len = key_bits;
	a.alg_icv_len = len2;
	memcpy(tmp, &a, hdr);
	memset(tmp + hdr, 0x11, key_bits / 8);
	mnl_attr_put(nlh, type, hdr + key_bits / 8, tmp);
}

static size_t s_sa(void);

static void test_kernel_newsa(void **state)
{
	(void)state;
	memset(buf, 0, sizeof(buf));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = XFRM_MSG_NEWSA;
	nlh->nlmsg_flags = NLM_F_MULTI;
	struct xfrm_usersa_info u = {0};
	u.family = AF_INET;
	x_addr("192.0.2.2", &u.id.daddr);
	x_addr("192.0.2.1", &u.saddr);
	u.id.spi = htonl(0xdeadbeef);
	u.id.proto = IPPROTO_ESP;
	u.mode = XFRM_MODE_TUNNEL;
	u.reqid = 42;
	u.flags = XFRM_STATE_ESN;
	u.sel.family = AF_INET6;
	u.lft.soft_byte_limit = XFRM_INF;
	u.lft.hard_byte_limit = 5000000;
	u.lft.soft_packet_limit = XFRM_INF;
	u.lft.hard_packet_limit = XFRM_INF;
	u.curlft.bytes = 777;
	u.curlft.packets = 7;
	u.curlft.add_time = 1700000000;
	u.curlft.use_time = 1700000005;
	memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(u)), &u, sizeof(u));
	put_algo(nlh, XFRMA_ALG_AUTH, "hmac(sha512)", 512, sizeof(struct xfrm_algo), 0);
	put_algo(nlh, XFRMA_ALG_AUTH_TRUNC, "hmac(sha512)", 512, sizeof(struct xfrm_algo_auth),
		 256);
	put_algo(nlh, XFRMA_ALG_CRYPT, "cbc(serpent)", 128, sizeof(struct xfrm_algo), 0);
	struct xfrm_lifetime_cur cur = {.bytes = 777};
	mnl_attr_put(nlh, XFRMA_LTIME_VAL, sizeof(cur), &cur);
	uint8_t rs[sizeof(struct xfrm_replay_state_esn) + 8] = {0};
	struct xfrm_replay_state_esn r = {.bmp_len = 2, .replay_window = 64, .oseq = 9};
	memcpy(rs, &r, sizeof(r));
	mnl_attr_put(nlh, XFRMA_REPLAY_ESN_VAL, sizeof(rs), rs);
	mnl_attr_put_u32(nlh, XFRMA_SA_EXTRA_FLAGS, 0);
	mnl_attr_put_u32(nlh, 250, 1);

	struct rk_sa_info info;
	const char *why = NULL;
	assert_int_equal(xm_parse_sa(buf, nlh->nlmsg_len, &info, &why), 0);
	assert_int_equal(info.sa.spi, 0xdeadbeef);
	assert_int_equal(info.sa.reqid, 42);
	assert_int_equal(info.sa.mode, RK_MODE_TUNNEL);
	assert_int_equal(info.sa.auth, RK_AUTH_HMAC_SHA2_512_256);
	assert_int_equal(info.sa.enc, RK_ENC_NONE); /* serpent: no name here */
	assert_true(info.sa.esn);
	assert_int_equal(info.sa.replay_window, 64);
	assert_true(info.sa.lifetime.hard_bytes == 5000000);
	assert_true(info.sa.lifetime.soft_bytes == 0);
	assert_true(info.cur.bytes == 777);
	assert_true(info.cur.packets == 7);
	assert_true(info.cur.use_time == 1700000005);
	assert_int_equal(info.sa.sel.src.family, AF_INET6);
	assert_int_equal(info.sa.enc_keylen, 0);
	assert_int_equal(info.sa.auth_keylen, 0);

	/* a replay state whose bitmap length disagrees with its size */
	r.bmp_len = 3;
	struct nlattr *a = (struct nlattr *)(buf + MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(u)));
	while (mnl_attr_get_type(a) != XFRMA_REPLAY_ESN_VAL)
		a = (struct nlattr *)((uint8_t *)a + MNL_ALIGN(a->nla_len));
	memcpy(mnl_attr_get_payload(a), &r, sizeof(r));
	assert_int_equal(xm_parse_sa(buf, nlh->nlmsg_len, &info, &why), -EBADMSG);
	/* an algorithm name without its terminating NUL is no known name */
	s_sa();
	a = (struct nlattr *)(buf + MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(u)));
	memset(mnl_attr_get_payload(a), 'a', 64);
	assert_int_equal(xm_parse_sa(buf, H()->nlmsg_len, &info, &why), 0);
	assert_int_equal(info.sa.enc, RK_ENC_NONE);
}

/* ---- errors and dumps ---- */

static size_t sample_error(int error, bool capped, const char *text)
{
	memset(buf, 0, sizeof(buf));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_ERROR;
	struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = error;
	e->msg.nlmsg_type = XFRM_MSG_NEWSA;
	e->msg.nlmsg_len = MNL_NLMSG_HDRLEN + 8;
	if (!capped) {
		/* the echoed request body */
		mnl_nlmsg_put_extra_header(nlh, 8);
	} else {
		nlh->nlmsg_flags |= NLM_F_CAPPED;
	}
	if (text) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, text);
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, 20);
	}
	return nlh->nlmsg_len;
}

static void test_error(void **state)
{
	(void)state;
	int err = 1;
	char text[128];
	size_t len = sample_error(0, true, NULL);
	assert_int_equal(xm_parse_error(buf, len, &err, text, sizeof(text), NULL), 0);
	assert_int_equal(err, 0);
	assert_string_equal(text, "");
	len = sample_error(-ENOENT, false, NULL);
	assert_int_equal(xm_parse_error(buf, len, &err, text, sizeof(text), NULL), 0);
	assert_int_equal(err, -ENOENT);
	len = sample_error(-EINVAL, true, "Invalid key length");
	assert_int_equal(xm_parse_error(buf, len, &err, text, sizeof(text), NULL), 0);
	assert_int_equal(err, -EINVAL);
	assert_string_equal(text, "Invalid key length");
	len = sample_error(-EINVAL, false, "Unsupported mode");
	assert_int_equal(xm_parse_error(buf, len, &err, text, sizeof(text), NULL), 0);
	assert_string_equal(text, "Unsupported mode");
	/* a text without its NUL */
	len = sample_error(-EINVAL, true, "x");
	struct nlattr *a = (struct nlattr *)(buf + MNL_NLMSG_HDRLEN + sizeof(struct nlmsgerr));
	a->nla_len = MNL_ATTR_HDRLEN + 1;
	memset(buf + MNL_NLMSG_HDRLEN + sizeof(struct nlmsgerr) + MNL_ATTR_HDRLEN, 'x', 4);
	const char *why = NULL;
	assert_int_equal(xm_parse_error(buf, len, &err, text, sizeof(text), &why), -EBADMSG);
	assert_non_null(why);
	/* positive error codes do not exist */
	len = sample_error(5, true, NULL);
	assert_int_equal(xm_parse_error(buf, len, &err, text, sizeof(text), NULL), -EBADMSG);
	/* an echoed request longer than the error message */
	len = sample_error(-EINVAL, false, "y");
	struct nlmsgerr *e = mnl_nlmsg_get_payload(H());
	e->msg.nlmsg_len = 4000;
	assert_int_equal(xm_parse_error(buf, len, &err, text, sizeof(text), NULL), -EBADMSG);

	/* NLMSG_DONE with and without its error code */
	memset(buf, 0, sizeof(buf));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_DONE;
	assert_int_equal(xm_parse_done(buf, nlh->nlmsg_len, &err, NULL), 0);
	assert_int_equal(err, 0);
	int *v = mnl_nlmsg_put_extra_header(nlh, sizeof(int));
	*v = -EINTR;
	assert_int_equal(xm_parse_done(buf, nlh->nlmsg_len, &err, NULL), 0);
	assert_int_equal(err, -EINTR);
}

static void test_dump_iter(void **state)
{
	(void)state;
	/* Three NEWSA messages back to back, as a dump part arrives. */
	static _Alignas(8) uint8_t dgram[3 * 1024];
	size_t off = 0;
	for (int i = 0; i < 3; i++) {
		struct rk_sa sa = esp_sa();
		sa.spi = 0x1000 + i;
		assert_int_equal(xm_build_sa(dgram + off, sizeof(dgram) - off, &sa, false, NULL),
				 0);
		struct nlmsghdr *nlh = (struct nlmsghdr *)(dgram + off);
		nlh->nlmsg_flags = NLM_F_MULTI;
		off += MNL_ALIGN(nlh->nlmsg_len);
	}
	struct xm_iter it;
	const struct nlmsghdr *m;
	size_t len;
	xm_iter_init(&it, dgram, off);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(xm_next(&it, &m, &len), 1);
		struct rk_sa_info info;
		assert_int_equal(xm_parse_sa(m, len, &info, NULL), 0);
		assert_int_equal(info.sa.spi, 0x1000 + i);
	}
	assert_int_equal(xm_next(&it, &m, &len), 0);
	/* a datagram cut in the middle of its last message */
	xm_iter_init(&it, dgram, off - 10);
	for (int i = 0; i < 2; i++)
		assert_int_equal(xm_next(&it, &m, &len), 1);
	assert_int_equal(xm_next(&it, &m, &len), -EBADMSG);
	/* a header claiming less than itself */
	((struct nlmsghdr *)dgram)->nlmsg_len = 8;
	xm_iter_init(&it, dgram, off);
	assert_int_equal(xm_next(&it, &m, &len), -EBADMSG);
	xm_iter_init(&it, dgram, 7);
	assert_int_equal(xm_next(&it, &m, &len), -EBADMSG);
}

/* ---- truncation and mutation ---- */

/* Every parser on a copy of exactly len bytes, so a read past the end is a
 * heap overflow the sanitizers catch.  Returns how many accepted it. */
static int parse_all(const uint8_t *msg, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	assert_non_null(copy);
	memcpy(copy, msg, len);
	int ok = 0, err;
	char text[64];
	struct rk_sa_info sa;
	struct rk_policy pol;
	struct rk_event ev;
	const char *why = NULL;
	ok += xm_parse_sa(copy, len, &sa, &why) == 0;
	ok += xm_parse_policy(copy, len, &pol, NULL, &why) == 0;
	ok += xm_parse_event(copy, len, &ev, &why) >= 0;
	ok += xm_parse_error(copy, len, &err, text, sizeof(text), &why) == 0;
	ok += xm_parse_done(copy, len, &err, &why) == 0;
	struct xm_iter it;
	const struct nlmsghdr *m;
	size_t mlen;
	xm_iter_init(&it, copy, len);
	while (xm_next(&it, &m, &mlen) > 0)
		;
	free(copy);
	return ok;
}

typedef size_t (*sample_fn)(void);

static size_t s_sa(void)
{
	struct rk_sa sa = esp_sa();
	sa.encap.enabled = true;
	sa.encap.sport = sa.encap.dport = 4500;
	sa.esn = true;
	sa.replay_window = 64;
	assert_int_equal(xm_build_sa(buf, sizeof(buf), &sa, false, NULL), 0);
	return H()->nlmsg_len;
}

static size_t s_policy(void)
{
	struct rk_policy p = esp_policy();
	assert_int_equal(xm_build_policy(buf, sizeof(buf), &p, false, NULL), 0);
	return H()->nlmsg_len;
}

static size_t s_migrate(void)
{
	struct rk_migrate m = sample_migrate();
	assert_int_equal(xm_build_migrate(buf, sizeof(buf), &m, NULL), 0);
	return H()->nlmsg_len;
}

static size_t s_expire(void)
{
	return sample_expire(true);
}

static size_t s_error(void)
{
	return sample_error(-EINVAL, false, "Invalid key length");
}

static const sample_fn samples[] = {s_sa,     s_policy,		s_migrate, sample_acquire,
				    s_expire, sample_polexpire, s_error};
#define NSAMPLES (sizeof(samples) / sizeof(samples[0]))

static void test_truncated(void **state)
{
	(void)state;
	static _Alignas(8) uint8_t msg[XM_MSG_MAX];
	for (size_t s = 0; s < NSAMPLES; s++) {
		size_t full = samples[s]();
		memcpy(msg, buf, full);
		assert_true(parse_all(msg, full) >= 1);
		/* A short read: the header still claims the full length. */
		for (size_t n = 0; n < full; n++)
			assert_int_equal(parse_all(msg, n), 0);
		/* A short message whose header agrees: accepted only when the
		 * cut falls between attributes (then it is a valid message with
		 * fewer attributes). */
		for (size_t n = sizeof(struct nlmsghdr); n < full; n++) {
			memcpy(buf, msg, n);
			((struct nlmsghdr *)buf)->nlmsg_len = (uint32_t)n;
			(void)parse_all(buf, n);
		}
	}
}

static void test_truncated_attr_rejected(void **state)
{
	(void)state;
	/* Cut 4 bytes off the last attribute of an SA and fix up both lengths
	 * the netlink header has: the attribute now claims more than is left. */
	size_t full = s_sa();
	size_t n = full - 4;
	H()->nlmsg_len = (uint32_t)n;
	struct rk_sa_info info;
	const char *why = NULL;
	assert_int_equal(xm_parse_sa(buf, n, &info, &why), -EBADMSG);
	assert_string_equal(why, "attribute runs past the end of the message");
	/* An algorithm attribute whose key length claims more than it holds. */
	struct rk_sa sa = esp_sa();
	assert_int_equal(xm_build_sa(buf, sizeof(buf), &sa, false, NULL), 0);
	struct xfrm_algo *c =
		(struct xfrm_algo *)(buf + MNL_NLMSG_HDRLEN +
				     MNL_ALIGN(sizeof(struct xfrm_usersa_info)) + MNL_ATTR_HDRLEN);
	assert_string_equal(c->alg_name, "cbc(aes)");
	c->alg_key_len = 4096;
	assert_int_equal(xm_parse_sa(buf, H()->nlmsg_len, &info, &why), -EBADMSG);
	/* An encapsulation attribute of the wrong size. */
	sa.encap.enabled = true;
	sa.encap.sport = sa.encap.dport = 4500;
	sa.auth = RK_AUTH_NONE;
	assert_int_equal(xm_build_sa(buf, sizeof(buf), &sa, false, NULL), 0);
	struct nlattr *last =
		(struct nlattr *)(buf + H()->nlmsg_len -
				  MNL_ALIGN(MNL_ATTR_HDRLEN + sizeof(struct xfrm_encap_tmpl)));
	assert_int_equal(last->nla_type, XFRMA_ENCAP);
	last->nla_len -= 4;
	assert_int_equal(xm_parse_sa(buf, H()->nlmsg_len, &info, &why), -EBADMSG);
	/* A message of the wrong type for the parser. */
	s_policy();
	assert_int_equal(xm_parse_sa(buf, H()->nlmsg_len, &info, &why), -EBADMSG);
	/* Unknown attribute types are skipped. */
	s_sa();
	assert_true(mnl_attr_put_check(H(), sizeof(buf), 200, 3, "abc"));
	assert_int_equal(xm_parse_sa(buf, H()->nlmsg_len, &info, &why), 0);
	/* ...but a template attribute that is not whole templates is not. */
	s_policy();
	struct nlattr *t = (struct nlattr *)(buf + MNL_NLMSG_HDRLEN +
					     MNL_ALIGN(sizeof(struct xfrm_userpolicy_info)));
	t->nla_len -= 8;
	H()->nlmsg_len -= 8;
	struct rk_policy p;
	assert_int_equal(xm_parse_policy(buf, H()->nlmsg_len, &p, NULL, &why), -EBADMSG);
}

static void test_mutations(void **state)
{
	(void)state;
	static _Alignas(8) uint8_t msg[XM_MSG_MAX];
	uint32_t seed = 12345;
	for (size_t s = 0; s < NSAMPLES; s++) {
		size_t full = samples[s]();
		for (int round = 0; round < 3000; round++) {
			memcpy(msg, buf, full);
			int flips = 1 + round % 4;
			for (int f = 0; f < flips; f++) {
				seed = seed * 1103515245u + 12345u;
				size_t at = (seed >> 8) % full;
				seed = seed * 1103515245u + 12345u;
				msg[at] = (uint8_t)(seed >> 16);
			}
			(void)parse_all(msg, full);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sa_esp_cbc_sha256),
		cmocka_unit_test(test_sa_auth_truncation),
		cmocka_unit_test(test_sa_aead),
		cmocka_unit_test(test_sa_ipcomp),
		cmocka_unit_test(test_sa_mixed_family_tunnel),
		cmocka_unit_test(test_sa_encap),
		cmocka_unit_test(test_sa_replay_esn),
		cmocka_unit_test(test_sa_id_and_allocspi),
		cmocka_unit_test(test_policy_transport),
		cmocka_unit_test(test_policy_bundle_levels),
		cmocka_unit_test(test_policy_bypass_discard_icmp),
		cmocka_unit_test(test_policy_id),
		cmocka_unit_test(test_migrate),
		cmocka_unit_test(test_kernel_newsa),
		cmocka_unit_test(test_event_acquire),
		cmocka_unit_test(test_event_expire),
		cmocka_unit_test(test_event_polexpire),
		cmocka_unit_test(test_error),
		cmocka_unit_test(test_dump_iter),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_truncated_attr_rejected),
		cmocka_unit_test(test_mutations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
