/* XFRM netlink message codec (see xfrm_msg.h).
 *
 * Netlink only promises 4-byte alignment, and the XFRM structures hold
 * 64-bit fields, so every structure is copied out with memcpy after its
 * length has been checked instead of being read through a cast pointer. */
#include <errno.h>
#include <string.h>

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/udp.h>
#include <linux/xfrm.h>

#include "xfrm_msg.h"

/* ---- transforms ---- */

struct enc_name {
	const char *kname;
	unsigned icv_bits; /* AEAD */
	size_t probe_keylen;
};

static const struct enc_name enc_names[RK_ENC_COUNT] = {
	[RK_ENC_NULL] = {"ecb(cipher_null)", 0, 0},
	[RK_ENC_DES_CBC] = {"cbc(des)", 0, 8},
	[RK_ENC_3DES_CBC] = {"cbc(des3_ede)", 0, 24},
	[RK_ENC_CAST128_CBC] = {"cbc(cast5)", 0, 16},
	[RK_ENC_BLOWFISH_CBC] = {"cbc(blowfish)", 0, 16},
	[RK_ENC_TWOFISH_CBC] = {"cbc(twofish)", 0, 16},
	[RK_ENC_AES_CBC] = {"cbc(aes)", 0, 16},
	[RK_ENC_AES_CTR] = {"rfc3686(ctr(aes))", 0, 20},
	[RK_ENC_AES_GCM_8] = {"rfc4106(gcm(aes))", 64, 20},
	[RK_ENC_AES_GCM_12] = {"rfc4106(gcm(aes))", 96, 20},
	[RK_ENC_AES_GCM_16] = {"rfc4106(gcm(aes))", 128, 20},
	[RK_ENC_CHACHA20_POLY1305] = {"rfc7539esp(chacha20,poly1305)", 128, 36},
};

struct auth_name {
	const char *kname;
	unsigned trunc_bits;
	size_t probe_keylen;
};

static const struct auth_name auth_names[RK_AUTH_COUNT] = {
	[RK_AUTH_HMAC_MD5_96] = {"hmac(md5)", 96, 16},
	[RK_AUTH_HMAC_SHA1_96] = {"hmac(sha1)", 96, 20},
	[RK_AUTH_HMAC_SHA2_256_128] = {"hmac(sha256)", 128, 32},
	[RK_AUTH_HMAC_SHA2_384_192] = {"hmac(sha384)", 192, 48},
	[RK_AUTH_HMAC_SHA2_512_256] = {"hmac(sha512)", 256, 64},
	[RK_AUTH_AES_XCBC_96] = {"xcbc(aes)", 96, 16},
	[RK_AUTH_AES_CMAC_96] = {"cmac(aes)", 96, 16},
};

/* RK_COMP_OUI (a vendor's private transform) has no kernel implementation. */
static const char *const comp_names[RK_COMP_COUNT] = {
	[RK_COMP_DEFLATE] = "deflate",
	[RK_COMP_LZS] = "lzs",
};

const char *xm_enc_kname(enum rk_enc e)
{
	return (unsigned)e < RK_ENC_COUNT ? enc_names[e].kname : NULL;
}

const char *xm_auth_kname(enum rk_auth a)
{
	return (unsigned)a < RK_AUTH_COUNT ? auth_names[a].kname : NULL;
}

const char *xm_comp_kname(enum rk_comp c)
{
	return (unsigned)c < RK_COMP_COUNT ? comp_names[c] : NULL;
}

unsigned xm_enc_icv_bits(enum rk_enc e)
{
	return (unsigned)e < RK_ENC_COUNT ? enc_names[e].icv_bits : 0;
}

unsigned xm_auth_trunc_bits(enum rk_auth a)
{
	return (unsigned)a < RK_AUTH_COUNT ? auth_names[a].trunc_bits : 0;
}

size_t xm_enc_probe_keylen(enum rk_enc e)
{
	return (unsigned)e < RK_ENC_COUNT ? enc_names[e].probe_keylen : 0;
}

size_t xm_auth_probe_keylen(enum rk_auth a)
{
	return (unsigned)a < RK_AUTH_COUNT ? auth_names[a].probe_keylen : 0;
}

/* Kernel names are NUL-padded in a 64-byte field that a hostile or buggy
 * sender may leave unterminated. */
static bool kname_is(const char name[64], const char *want)
{
	size_t n = strlen(want);
	return n < 64 && memcmp(name, want, n) == 0 && name[n] == '\0';
}

static enum rk_enc enc_from_kname(const char name[64], unsigned icv_bits, bool aead)
{
	for (unsigned e = RK_ENC_NULL; e < RK_ENC_COUNT; e++) {
		if (!enc_names[e].kname || !kname_is(name, enc_names[e].kname))
			continue;
		if ((enc_names[e].icv_bits != 0) != aead)
			continue;
		if (!aead || enc_names[e].icv_bits == icv_bits)
			return e;
	}
	return RK_ENC_NONE;
}

static enum rk_auth auth_from_kname(const char name[64])
{
	for (unsigned a = RK_AUTH_NONE + 1; a < RK_AUTH_COUNT; a++)
		if (kname_is(name, auth_names[a].kname))
			return a;
	return RK_AUTH_NONE;
}

static enum rk_comp comp_from_kname(const char name[64])
{
	for (unsigned c = RK_COMP_NONE + 1; c < RK_COMP_COUNT; c++)
		if (comp_names[c] && kname_is(name, comp_names[c]))
			return c;
	return RK_COMP_NONE;
}

/* ---- common pieces ---- */

static int fail(const char **why, int err, const char *text)
{
	if (why)
		*why = text;
	return err;
}

static bool family_ok(sa_family_t f)
{
	return f == AF_INET || f == AF_INET6;
}

static void addr_to_x(const struct rc_addr *a, xfrm_address_t *x)
{
	memset(x, 0, sizeof(*x));
	if (family_ok(a->family))
		memcpy(x, a->u.bytes, rc_addr_len(a->family));
}

static void addr_from_x(const xfrm_address_t *x, sa_family_t family, uint8_t prefixlen,
			struct rc_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (!family_ok(family))
		return;
	a->family = family;
	memcpy(a->u.bytes, x, rc_addr_len(family));
	a->prefixlen = prefixlen;
}

static int sel_to_x(const struct rk_selector *s, struct xfrm_selector *x, const char **why)
{
	memset(x, 0, sizeof(*x));
	if (!family_ok(s->src.family) || s->src.family != s->dst.family)
		return fail(why, -EINVAL, "selector addresses must be both IPv4 or both IPv6");
	int max = rc_addr_maxprefix(s->src.family);
	if (s->src.prefixlen > max || s->dst.prefixlen > max)
		return fail(why, -EINVAL, "selector prefix length too long for the address family");
	x->family = s->src.family;
	addr_to_x(&s->src, &x->saddr);
	addr_to_x(&s->dst, &x->daddr);
	x->prefixlen_s = s->src.prefixlen;
	x->prefixlen_d = s->dst.prefixlen;
	x->proto = s->proto;
	if (s->src.port) {
		x->sport = htons(s->src.port);
		x->sport_mask = 0xffff;
	}
	if (s->dst.port) {
		x->dport = htons(s->dst.port);
		x->dport_mask = 0xffff;
	}
	return 0;
}

static void sel_from_x(const struct xfrm_selector *x, struct rk_selector *s)
{
	memset(s, 0, sizeof(*s));
	addr_from_x(&x->saddr, x->family, x->prefixlen_s, &s->src);
	addr_from_x(&x->daddr, x->family, x->prefixlen_d, &s->dst);
	s->proto = x->proto;
	if (x->sport_mask)
		s->src.port = ntohs(x->sport);
	if (x->dport_mask)
		s->dst.port = ntohs(x->dport);
}

static uint64_t inf_if_zero(uint64_t v)
{
	return v ? v : XFRM_INF;
}

static uint64_t zero_if_inf(uint64_t v)
{
	return v == XFRM_INF ? 0 : v;
}

static void lft_to_x(const struct rk_lifetime *l, struct xfrm_lifetime_cfg *x)
{
	x->soft_byte_limit = inf_if_zero(l->soft_bytes);
	x->hard_byte_limit = inf_if_zero(l->hard_bytes);
	x->soft_packet_limit = inf_if_zero(l->soft_packets);
	x->hard_packet_limit = inf_if_zero(l->hard_packets);
	x->soft_add_expires_seconds = l->soft_add_sec;
	x->hard_add_expires_seconds = l->hard_add_sec;
	x->soft_use_expires_seconds = l->soft_use_sec;
	x->hard_use_expires_seconds = l->hard_use_sec;
}

static void lft_from_x(const struct xfrm_lifetime_cfg *x, struct rk_lifetime *l)
{
	l->soft_bytes = zero_if_inf(x->soft_byte_limit);
	l->hard_bytes = zero_if_inf(x->hard_byte_limit);
	l->soft_packets = zero_if_inf(x->soft_packet_limit);
	l->hard_packets = zero_if_inf(x->hard_packet_limit);
	l->soft_add_sec = x->soft_add_expires_seconds;
	l->hard_add_sec = x->hard_add_expires_seconds;
	l->soft_use_sec = x->soft_use_expires_seconds;
	l->hard_use_sec = x->hard_use_expires_seconds;
}

static void cur_from_x(const struct xfrm_lifetime_cur *x, struct rk_current *c)
{
	c->bytes = x->bytes;
	c->packets = x->packets;
	c->add_time = x->add_time;
	c->use_time = x->use_time;
}

static bool dir_to_x(enum rk_dir d, uint8_t *x)
{
	switch (d) {
	case RK_DIR_IN:
		*x = XFRM_POLICY_IN;
		return true;
	case RK_DIR_OUT:
		*x = XFRM_POLICY_OUT;
		return true;
	case RK_DIR_FWD:
		*x = XFRM_POLICY_FWD;
		return true;
	}
	return false;
}

static enum rk_dir dir_from_x(uint8_t x)
{
	switch (x % XFRM_POLICY_MAX) {
	case XFRM_POLICY_IN:
		return RK_DIR_IN;
	case XFRM_POLICY_OUT:
		return RK_DIR_OUT;
	default:
		return RK_DIR_FWD;
	}
}

static bool proto_ok(uint8_t p)
{
	return p == RK_PROTO_ESP || p == RK_PROTO_AH || p == RK_PROTO_COMP;
}

/* A message header plus its fixed structure, zeroed, in buf. */
static struct nlmsghdr *put_msg(void *buf, size_t cap, uint16_t type, uint16_t flags, size_t fixed,
				void **body)
{
	if (cap < MNL_NLMSG_HDRLEN + MNL_ALIGN(fixed))
		return NULL;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	*body = mnl_nlmsg_put_extra_header(nlh, fixed);
	return nlh;
}

#define REQ_FLAGS (NLM_F_REQUEST | NLM_F_ACK)
#define TOO_SMALL "message buffer too small"

/* ---- requests ---- */

int xm_build_allocspi(void *buf, size_t cap, uint8_t proto, const struct rc_addr *src,
		      const struct rc_addr *dst, uint32_t min, uint32_t max, uint32_t reqid,
		      const char **why)
{
	if (!proto_ok(proto))
		return fail(why, -EINVAL, "SPI allocation needs ESP, AH or IPComp");
	if (!family_ok(dst->family) || src->family != dst->family)
		return fail(why, -EINVAL, "SA addresses must be both IPv4 or both IPv6");
	if (min == 0 && max == 0) {
		/* 1..255 are reserved (RFC 4303, RFC 3173 well-known CPIs). */
		min = 0x100;
		max = proto == RK_PROTO_COMP ? 0xefff : 0xffffffffu;
	}
	if (min > max || min == 0)
		return fail(why, -EINVAL, "SPI range is empty or starts at 0");
	if (proto == RK_PROTO_COMP && max > 0xffff)
		return fail(why, -EINVAL, "an IPComp CPI has 16 bits");
	void *body;
	struct nlmsghdr *nlh = put_msg(buf, cap, XFRM_MSG_ALLOCSPI, REQ_FLAGS,
				       sizeof(struct xfrm_userspi_info), &body);
	if (!nlh)
		return fail(why, -EMSGSIZE, TOO_SMALL);
	struct xfrm_userspi_info *u = body;
	u->info.family = dst->family;
	u->info.sel.family = dst->family;
	addr_to_x(dst, &u->info.id.daddr);
	addr_to_x(src, &u->info.saddr);
	u->info.id.proto = proto;
	u->info.reqid = reqid;
	u->info.mode = XFRM_MODE_TRANSPORT;
	lft_to_x(&(struct rk_lifetime){0}, &u->info.lft);
	u->min = min;
	u->max = max;
	return 0;
}

static int put_attr(struct nlmsghdr *nlh, size_t cap, uint16_t type, size_t len, const void *data,
		    const char **why)
{
	if (!mnl_attr_put_check(nlh, cap, type, len, data))
		return fail(why, -EMSGSIZE, TOO_SMALL);
	return 0;
}

/* xfrm_algo, xfrm_algo_auth and xfrm_algo_aead share the name and key
 * length fields and differ in one length between them and the key. */
static int put_alg(struct nlmsghdr *nlh, size_t cap, uint16_t type, const char *kname,
		   const uint8_t *key, size_t keylen, bool with_len2, unsigned len2,
		   const char **why)
{
	uint8_t tmp[sizeof(struct xfrm_algo_aead) + RK_MAX_KEY];
	size_t hdr = with_len2 ? sizeof(struct xfrm_algo_aead) : sizeof(struct xfrm_algo);
	if (keylen > RK_MAX_KEY)
		return fail(why, -EINVAL, "key longer than 64 bytes");
	memset(tmp, 0, sizeof(tmp));
	struct xfrm_algo_aead a = {0}; /* same layout as the first fields of all three */
	strncpy(a.alg_name, kname, sizeof(a.alg_name) - 1);
	a.alg_key_len = (unsigned)keylen * 8;
	a.alg_icv_len = len2;
	memcpy(tmp, &a, hdr);
	if (keylen)
		memcpy(tmp + hdr, key, keylen);
	return put_attr(nlh, cap, type, hdr + keylen, tmp, why);
}

static int put_sa_algs(struct nlmsghdr *nlh, size_t cap, const struct rk_sa *sa, const char **why)
{
	int r;
	if ((unsigned)sa->enc >= RK_ENC_COUNT || (unsigned)sa->auth >= RK_AUTH_COUNT ||
	    (unsigned)sa->comp >= RK_COMP_COUNT)
		return fail(why, -EINVAL, "unknown transform");
	if (sa->proto == RK_PROTO_COMP) {
		if (sa->enc != RK_ENC_NONE || sa->auth != RK_AUTH_NONE)
			return fail(why, -EINVAL, "an IPComp SA takes no cipher or integrity");
		if (sa->comp == RK_COMP_NONE)
			return fail(why, -EINVAL, "an IPComp SA needs a compression transform");
		if (!comp_names[sa->comp])
			return fail(why, -EOPNOTSUPP, "this compression has no Linux transform");
		return put_alg(nlh, cap, XFRMA_ALG_COMP, comp_names[sa->comp], NULL, 0, false, 0,
			       why);
	}
	if (sa->comp != RK_COMP_NONE)
		return fail(why, -EINVAL, "compression belongs in an IPComp SA");
	if (sa->proto == RK_PROTO_AH && (sa->enc != RK_ENC_NONE || sa->auth == RK_AUTH_NONE))
		return fail(why, -EINVAL, "an AH SA takes an integrity transform and no cipher");
	if (sa->proto == RK_PROTO_ESP && sa->enc == RK_ENC_NONE)
		return fail(why, -EINVAL, "an ESP SA needs a cipher (null for integrity only)");
	if (sa->enc != RK_ENC_NONE) {
		const struct enc_name *e = &enc_names[sa->enc];
		if (e->icv_bits && sa->auth != RK_AUTH_NONE)
			return fail(why, -EINVAL, "an AEAD cipher takes no separate integrity");
		r = e->icv_bits ? put_alg(nlh, cap, XFRMA_ALG_AEAD, e->kname, sa->enc_key,
					  sa->enc_keylen, true, e->icv_bits, why)
				: put_alg(nlh, cap, XFRMA_ALG_CRYPT, e->kname, sa->enc_key,
					  sa->enc_keylen, false, 0, why);
		if (r < 0)
			return r;
	}
	if (sa->auth != RK_AUTH_NONE) {
		const struct auth_name *a = &auth_names[sa->auth];
		r = put_alg(nlh, cap, XFRMA_ALG_AUTH_TRUNC, a->kname, sa->auth_key, sa->auth_keylen,
			    true, a->trunc_bits, why);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Windows beyond 32 packets and ESN need the variable-size replay state;
 * the kernel then wants replay_window in the fixed part left at 0. */
static int put_replay(struct nlmsghdr *nlh, size_t cap, const struct rk_sa *sa,
		      struct xfrm_usersa_info *info, const char **why)
{
	if (!sa->esn && sa->replay_window <= 32) {
		info->replay_window = (uint8_t)sa->replay_window;
		return 0;
	}
	if (sa->proto == RK_PROTO_COMP)
		return fail(why, -EINVAL, "an IPComp SA has no replay window");
	if (sa->replay_window > XFRMA_REPLAY_ESN_MAX)
		return fail(why, -EINVAL, "replay window larger than 4096 packets");
	uint8_t tmp[sizeof(struct xfrm_replay_state_esn) + XFRMA_REPLAY_ESN_MAX / 8];
	struct xfrm_replay_state_esn rs = {0};
	rs.replay_window = sa->replay_window;
	rs.bmp_len = (sa->replay_window + 31) / 32;
	size_t len = sizeof(rs) + rs.bmp_len * sizeof(uint32_t);
	memset(tmp, 0, len);
	memcpy(tmp, &rs, sizeof(rs));
	if (sa->esn)
		info->flags |= XFRM_STATE_ESN;
	return put_attr(nlh, cap, XFRMA_REPLAY_ESN_VAL, len, tmp, why);
}

static int put_encap(struct nlmsghdr *nlh, size_t cap, const struct rk_sa *sa, const char **why)
{
	if (!sa->encap.enabled)
		return 0;
	if (sa->proto != RK_PROTO_ESP)
		return fail(why, -EINVAL, "UDP encapsulation is for ESP only");
	if (!sa->encap.sport || !sa->encap.dport)
		return fail(why, -EINVAL, "UDP encapsulation needs both ports");
	if (sa->encap.oa.family != AF_UNSPEC && !family_ok(sa->encap.oa.family))
		return fail(why, -EINVAL, "bad NAT original address");
	struct xfrm_encap_tmpl t = {0};
	t.encap_type = UDP_ENCAP_ESPINUDP;
	t.encap_sport = htons(sa->encap.sport);
	t.encap_dport = htons(sa->encap.dport);
	addr_to_x(&sa->encap.oa, &t.encap_oa);
	return put_attr(nlh, cap, XFRMA_ENCAP, sizeof(t), &t, why);
}

static int sa_info_fill(const struct rk_sa *sa, struct xfrm_usersa_info *p, const char **why)
{
	if (!proto_ok(sa->proto))
		return fail(why, -EINVAL, "SA protocol must be ESP, AH or IPComp");
	if (!family_ok(sa->dst.family) || sa->src.family != sa->dst.family)
		return fail(why, -EINVAL, "SA addresses must be both IPv4 or both IPv6");
	if (sa->mode != RK_MODE_TRANSPORT && sa->mode != RK_MODE_TUNNEL)
		return fail(why, -EINVAL, "unknown SA mode");
	if (sa->proto == RK_PROTO_COMP && sa->spi > 0xffff)
		return fail(why, -EINVAL, "an IPComp CPI has 16 bits");
	if (sa->sel.src.family == AF_UNSPEC && sa->sel.dst.family == AF_UNSPEC) {
		/* Any traffic: a tunnel carries either family (6-in-4, 4-in-6)
		 * when its selector has none, which the kernel only keeps with
		 * the AF_UNSPEC flag; transport carries its own family. */
		if (sa->mode == RK_MODE_TUNNEL)
			p->flags |= XFRM_STATE_AF_UNSPEC;
		else
			p->sel.family = sa->dst.family;
	} else {
		int r = sel_to_x(&sa->sel, &p->sel, why);
		if (r < 0)
			return r;
		if (sa->mode == RK_MODE_TRANSPORT && p->sel.family != sa->dst.family)
			return fail(why, -EINVAL,
				    "a transport mode SA carries only its own address family");
	}
	addr_to_x(&sa->dst, &p->id.daddr);
	addr_to_x(&sa->src, &p->saddr);
	p->id.spi = htonl(sa->spi);
	p->id.proto = sa->proto;
	p->family = sa->dst.family;
	p->mode = sa->mode == RK_MODE_TUNNEL ? XFRM_MODE_TUNNEL : XFRM_MODE_TRANSPORT;
	p->reqid = sa->reqid;
	lft_to_x(&sa->lifetime, &p->lft);
	return 0;
}

int xm_build_sa(void *buf, size_t cap, const struct rk_sa *sa, bool update, const char **why)
{
	void *body;
	struct nlmsghdr *nlh = put_msg(buf, cap, update ? XFRM_MSG_UPDSA : XFRM_MSG_NEWSA,
				       REQ_FLAGS, sizeof(struct xfrm_usersa_info), &body);
	if (!nlh)
		return fail(why, -EMSGSIZE, TOO_SMALL);
	struct xfrm_usersa_info info = {0};
	int r = sa_info_fill(sa, &info, why);
	if (r == 0)
		r = put_sa_algs(nlh, cap, sa, why);
	if (r == 0)
		r = put_replay(nlh, cap, sa, &info, why);
	if (r == 0)
		r = put_encap(nlh, cap, sa, why);
	if (r < 0)
		return r;
	memcpy(body, &info, sizeof(info));
	return 0;
}

int xm_build_sa_id(void *buf, size_t cap, uint16_t type, const struct rk_sa_id *id,
		   const char **why)
{
	if (type != XFRM_MSG_DELSA && type != XFRM_MSG_GETSA)
		return fail(why, -EINVAL, "not an SA lookup message");
	if (!proto_ok(id->proto))
		return fail(why, -EINVAL, "SA protocol must be ESP, AH or IPComp");
	if (!family_ok(id->dst.family) ||
	    (id->src.family != AF_UNSPEC && id->src.family != id->dst.family))
		return fail(why, -EINVAL, "SA addresses must be both IPv4 or both IPv6");
	void *body;
	struct nlmsghdr *nlh =
		put_msg(buf, cap, type, REQ_FLAGS, sizeof(struct xfrm_usersa_id), &body);
	if (!nlh)
		return fail(why, -EMSGSIZE, TOO_SMALL);
	struct xfrm_usersa_id u = {0};
	addr_to_x(&id->dst, &u.daddr);
	u.spi = htonl(id->spi);
	u.family = id->dst.family;
	u.proto = id->proto;
	memcpy(body, &u, sizeof(u));
	/* The kernel keys SAs on (dst, SPI, proto); the source narrows it. */
	if (id->src.family == AF_UNSPEC)
		return 0;
	xfrm_address_t src;
	addr_to_x(&id->src, &src);
	return put_attr(nlh, cap, XFRMA_SRCADDR, sizeof(src), &src, why);
}

static int tmpl_to_x(const struct rk_tmpl *t, sa_family_t sel_family, struct xfrm_user_tmpl *x,
		     const char **why)
{
	memset(x, 0, sizeof(*x));
	if (!proto_ok(t->proto))
		return fail(why, -EINVAL, "template protocol must be ESP, AH or IPComp");
	if (t->mode == RK_MODE_TUNNEL) {
		if (!family_ok(t->dst.family) || t->src.family != t->dst.family)
			return fail(why, -EINVAL,
				    "a tunnel template needs both endpoints of one family");
		x->family = t->dst.family;
		x->mode = XFRM_MODE_TUNNEL;
	} else if (t->mode == RK_MODE_TRANSPORT) {
		x->family = sel_family;
		x->mode = XFRM_MODE_TRANSPORT;
	} else {
		return fail(why, -EINVAL, "unknown template mode");
	}
	if (t->src.family == x->family)
		addr_to_x(&t->src, &x->saddr);
	if (t->dst.family == x->family)
		addr_to_x(&t->dst, &x->id.daddr);
	x->id.proto = t->proto;
	x->reqid = t->reqid;
	switch (t->level) {
	case RK_LEVEL_REQUIRE:
		break;
	case RK_LEVEL_USE:
		x->optional = 1;
		break;
	case RK_LEVEL_UNIQUE:
		x->share = XFRM_SHARE_UNIQUE;
		break;
	default:
		return fail(why, -EINVAL, "unknown template level");
	}
	x->aalgos = x->ealgos = x->calgos = ~0u;
	return 0;
}

static int put_tmpls(struct nlmsghdr *nlh, size_t cap, const struct rk_policy *p,
		     sa_family_t sel_family, const char **why)
{
	struct xfrm_user_tmpl t[RK_MAX_TMPL];
	if (p->action != RK_ACT_IPSEC)
		return p->ntmpl ? fail(why, -EINVAL, "only an IPsec policy has templates") : 0;
	if (p->ntmpl == 0 || p->ntmpl > RK_MAX_TMPL)
		return fail(why, -EINVAL, "an IPsec policy needs 1 to 3 templates");
	for (size_t i = 0; i < p->ntmpl; i++) {
		int r = tmpl_to_x(&p->tmpl[i], sel_family, &t[i], why);
		if (r < 0)
			return r;
	}
	return put_attr(nlh, cap, XFRMA_TMPL, p->ntmpl * sizeof(t[0]), t, why);
}

int xm_build_policy(void *buf, size_t cap, const struct rk_policy *p, bool update, const char **why)
{
	void *body;
	struct nlmsghdr *nlh = put_msg(buf, cap, update ? XFRM_MSG_UPDPOLICY : XFRM_MSG_NEWPOLICY,
				       REQ_FLAGS, sizeof(struct xfrm_userpolicy_info), &body);
	if (!nlh)
		return fail(why, -EMSGSIZE, TOO_SMALL);
	struct xfrm_userpolicy_info u = {0};
	int r = sel_to_x(&p->sel, &u.sel, why);
	if (r < 0)
		return r;
	if (!dir_to_x(p->dir, &u.dir))
		return fail(why, -EINVAL, "unknown policy direction");
	switch (p->action) {
	case RK_ACT_IPSEC:
	case RK_ACT_BYPASS:
		u.action = XFRM_POLICY_ALLOW;
		break;
	case RK_ACT_DISCARD:
		u.action = XFRM_POLICY_BLOCK;
		break;
	default:
		return fail(why, -EINVAL, "unknown policy action");
	}
	u.priority = p->priority;
	lft_to_x(&p->lifetime, &u.lft);
	r = put_tmpls(nlh, cap, p, u.sel.family, why);
	if (r < 0)
		return r;
	memcpy(body, &u, sizeof(u));
	return 0;
}

int xm_build_policy_id(void *buf, size_t cap, uint16_t type, const struct rk_selector *sel,
		       uint32_t index, enum rk_dir dir, const char **why)
{
	if (type != XFRM_MSG_DELPOLICY && type != XFRM_MSG_GETPOLICY)
		return fail(why, -EINVAL, "not a policy lookup message");
	void *body;
	struct nlmsghdr *nlh =
		put_msg(buf, cap, type, REQ_FLAGS, sizeof(struct xfrm_userpolicy_id), &body);
	if (!nlh)
		return fail(why, -EMSGSIZE, TOO_SMALL);
	struct xfrm_userpolicy_id u = {0};
	if (!dir_to_x(dir, &u.dir))
		return fail(why, -EINVAL, "unknown policy direction");
	if (sel) {
		int r = sel_to_x(sel, &u.sel, why);
		if (r < 0)
			return r;
	} else if (index == 0) {
		return fail(why, -EINVAL, "policy index 0 names no policy");
	} else {
		u.index = index;
	}
	memcpy(body, &u, sizeof(u));
	return 0;
}

int xm_build_migrate(void *buf, size_t cap, const struct rk_migrate *m, const char **why)
{
	void *body;
	struct nlmsghdr *nlh = put_msg(buf, cap, XFRM_MSG_MIGRATE, REQ_FLAGS,
				       sizeof(struct xfrm_userpolicy_id), &body);
	if (!nlh)
		return fail(why, -EMSGSIZE, TOO_SMALL);
	struct xfrm_userpolicy_id u = {0};
	int r = sel_to_x(&m->sel, &u.sel, why);
	if (r < 0)
		return r;
	if (!dir_to_x(m->dir, &u.dir))
		return fail(why, -EINVAL, "unknown policy direction");
	if (!proto_ok(m->proto))
		return fail(why, -EINVAL, "migrated SA protocol must be ESP, AH or IPComp");
	if (!family_ok(m->old_dst.family) || m->old_src.family != m->old_dst.family ||
	    !family_ok(m->new_dst.family) || m->new_src.family != m->new_dst.family)
		return fail(why, -EINVAL, "old and new endpoints must each be one family");
	memcpy(body, &u, sizeof(u));
	struct xfrm_user_migrate um = {0};
	addr_to_x(&m->old_dst, &um.old_daddr);
	addr_to_x(&m->old_src, &um.old_saddr);
	addr_to_x(&m->new_dst, &um.new_daddr);
	addr_to_x(&m->new_src, &um.new_saddr);
	um.proto = m->proto;
	um.mode = m->mode == RK_MODE_TUNNEL ? XFRM_MODE_TUNNEL : XFRM_MODE_TRANSPORT;
	um.reqid = m->reqid;
	um.old_family = m->old_dst.family;
	um.new_family = m->new_dst.family;
	return put_attr(nlh, cap, XFRMA_MIGRATE, sizeof(um), &um, why);
}

int xm_build_dump(void *buf, size_t cap, uint16_t type)
{
	if (cap < MNL_NLMSG_HDRLEN)
		return -EMSGSIZE;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	return 0;
}

/* ---- parsing ---- */

#define BAD(text) fail(why, -EBADMSG, text)

void xm_iter_init(struct xm_iter *it, const void *buf, size_t len)
{
	it->p = buf;
	it->left = len;
}

int xm_next(struct xm_iter *it, const struct nlmsghdr **msg, size_t *len)
{
	if (it->left == 0)
		return 0;
	struct nlmsghdr h;
	if (it->left < sizeof(h))
		return -EBADMSG;
	memcpy(&h, it->p, sizeof(h));
	if (h.nlmsg_len < sizeof(h) || h.nlmsg_len > it->left)
		return -EBADMSG;
	*msg = (const struct nlmsghdr *)it->p;
	*len = h.nlmsg_len;
	size_t step = MNL_ALIGN(h.nlmsg_len);
	if (step > it->left)
		step = it->left;
	it->p += step;
	it->left -= step;
	return 1;
}

/* The message's header (copied out), fixed structure (copied into body)
 * and the span of its attributes. */
struct parsed {
	struct nlmsghdr h;
	const uint8_t *attrs;
	size_t attrlen;
};

static int open_msg(const void *msg, size_t len, size_t fixed, void *body, struct parsed *p,
		    const char **why)
{
	if (len < sizeof(p->h))
		return BAD("netlink message shorter than its header");
	memcpy(&p->h, msg, sizeof(p->h));
	if (p->h.nlmsg_len != len)
		return BAD("netlink message length does not match what was received");
	if (len < MNL_NLMSG_HDRLEN + fixed)
		return BAD("XFRM message too short for its type");
	if (body)
		memcpy(body, (const uint8_t *)msg + MNL_NLMSG_HDRLEN, fixed);
	size_t off = MNL_NLMSG_HDRLEN + MNL_ALIGN(fixed);
	if (off > len)
		off = len;
	p->attrs = (const uint8_t *)msg + off;
	p->attrlen = len - off;
	return 0;
}

typedef int (*attr_fn)(uint16_t type, const uint8_t *data, size_t len, void *ctx, const char **why);

/* Every attribute must lie inside the message; trailing bytes that are
 * not a whole attribute make the message malformed. */
static int walk_attrs(const struct parsed *p, attr_fn fn, void *ctx, const char **why)
{
	const uint8_t *at = p->attrs;
	size_t left = p->attrlen;
	while (left > 0) {
		struct nlattr a;
		if (left < sizeof(a))
			return BAD("stray bytes after the last attribute");
		memcpy(&a, at, sizeof(a));
		if (a.nla_len < sizeof(a) || a.nla_len > left)
			return BAD("attribute runs past the end of the message");
		int r = fn(a.nla_type & NLA_TYPE_MASK, at + MNL_ATTR_HDRLEN,
			   a.nla_len - MNL_ATTR_HDRLEN, ctx, why);
		if (r < 0)
			return r;
		size_t step = MNL_ALIGN(a.nla_len);
		if (step > left)
			step = left;
		at += step;
		left -= step;
	}
	return 0;
}

struct sa_ctx {
	struct rk_sa *sa;
	bool have_esn;
};

static int alg_key_ok(const uint8_t *data, size_t len, size_t hdr, unsigned key_bits)
{
	return len >= hdr && (len - hdr) >= (key_bits + 7) / 8;
}

static int sa_attr(uint16_t type, const uint8_t *data, size_t len, void *vctx, const char **why)
{
	struct sa_ctx *c = vctx;
	struct rk_sa *sa = c->sa;
	switch (type) {
	case XFRMA_ALG_CRYPT:
	case XFRMA_ALG_COMP: {
		struct xfrm_algo a;
		if (len < sizeof(a))
			return BAD("algorithm attribute too short");
		memcpy(&a, data, sizeof(a));
		if (!alg_key_ok(data, len, sizeof(a), a.alg_key_len))
			return BAD("algorithm key runs past its attribute");
		if (type == XFRMA_ALG_CRYPT)
			sa->enc = enc_from_kname(a.alg_name, 0, false);
		else
			sa->comp = comp_from_kname(a.alg_name);
		return 0;
	}
	case XFRMA_ALG_AUTH_TRUNC:
	case XFRMA_ALG_AEAD: {
		struct xfrm_algo_aead a; /* same layout as xfrm_algo_auth */
		if (len < sizeof(a))
			return BAD("algorithm attribute too short");
		memcpy(&a, data, sizeof(a));
		if (!alg_key_ok(data, len, sizeof(a), a.alg_key_len))
			return BAD("algorithm key runs past its attribute");
		if (type == XFRMA_ALG_AEAD)
			sa->enc = enc_from_kname(a.alg_name, a.alg_icv_len, true);
		else
			sa->auth = auth_from_kname(a.alg_name);
		return 0;
	}
	case XFRMA_ALG_AUTH: {
		/* The kernel sends the untruncated form next to AUTH_TRUNC. */
		struct xfrm_algo a;
		if (len < sizeof(a))
			return BAD("algorithm attribute too short");
		memcpy(&a, data, sizeof(a));
		if (!alg_key_ok(data, len, sizeof(a), a.alg_key_len))
			return BAD("algorithm key runs past its attribute");
		if (sa->auth == RK_AUTH_NONE)
			sa->auth = auth_from_kname(a.alg_name);
		return 0;
	}
	case XFRMA_ENCAP: {
		struct xfrm_encap_tmpl t;
		if (len != sizeof(t))
			return BAD("encapsulation attribute has the wrong length");
		memcpy(&t, data, sizeof(t));
		sa->encap.enabled = true;
		sa->encap.sport = ntohs(t.encap_sport);
		sa->encap.dport = ntohs(t.encap_dport);
		/* The kernel keeps no family for the original address: it is the
		 * SA's, and all zeros means none. */
		struct rc_addr oa;
		addr_from_x(&t.encap_oa, sa->dst.family, 0, &oa);
		oa.prefixlen = (uint8_t)rc_addr_maxprefix(oa.family);
		if (!rc_addr_is_unspecified(&oa))
			sa->encap.oa = oa;
		return 0;
	}
	case XFRMA_REPLAY_ESN_VAL: {
		struct xfrm_replay_state_esn rs;
		if (len < sizeof(rs))
			return BAD("replay state attribute too short");
		memcpy(&rs, data, sizeof(rs));
		if (rs.bmp_len > XFRMA_REPLAY_ESN_MAX / 32 ||
		    len != sizeof(rs) + rs.bmp_len * sizeof(uint32_t))
			return BAD("replay state attribute has the wrong length");
		sa->replay_window = rs.replay_window;
		c->have_esn = true;
		return 0;
	}
	default:
		return 0;
	}
}

static int sa_from_info(const struct xfrm_usersa_info *p, struct rk_sa_info *out, const char **why)
{
	memset(out, 0, sizeof(*out));
	struct rk_sa *sa = &out->sa;
	if (!family_ok(p->family))
		return BAD("SA of an unknown address family");
	sa->proto = p->id.proto;
	sa->spi = ntohl(p->id.spi);
	int full = rc_addr_maxprefix(p->family);
	addr_from_x(&p->saddr, p->family, (uint8_t)full, &sa->src);
	addr_from_x(&p->id.daddr, p->family, (uint8_t)full, &sa->dst);
	sa->mode = p->mode == XFRM_MODE_TUNNEL ? RK_MODE_TUNNEL : RK_MODE_TRANSPORT;
	sa->reqid = p->reqid;
	sa->replay_window = p->replay_window;
	sa->esn = (p->flags & XFRM_STATE_ESN) != 0;
	lft_from_x(&p->lft, &sa->lifetime);
	sel_from_x(&p->sel, &sa->sel);
	cur_from_x(&p->curlft, &out->cur);
	return 0;
}

int xm_parse_sa(const void *msg, size_t len, struct rk_sa_info *out, const char **why)
{
	struct parsed p;
	struct xfrm_usersa_info info;
	int r = open_msg(msg, len, sizeof(info), &info, &p, why);
	if (r < 0)
		return r;
	if (p.h.nlmsg_type != XFRM_MSG_NEWSA && p.h.nlmsg_type != XFRM_MSG_UPDSA)
		return BAD("expected an SA message");
	r = sa_from_info(&info, out, why);
	if (r < 0)
		return r;
	struct sa_ctx c = {.sa = &out->sa};
	return walk_attrs(&p, sa_attr, &c, why);
}

static void tmpl_from_x(const struct xfrm_user_tmpl *x, struct rk_tmpl *t)
{
	memset(t, 0, sizeof(*t));
	t->proto = x->id.proto;
	t->reqid = x->reqid;
	t->mode = x->mode == XFRM_MODE_TUNNEL ? RK_MODE_TUNNEL : RK_MODE_TRANSPORT;
	if (t->mode == RK_MODE_TUNNEL && family_ok(x->family)) {
		int full = rc_addr_maxprefix(x->family);
		addr_from_x(&x->saddr, x->family, (uint8_t)full, &t->src);
		addr_from_x(&x->id.daddr, x->family, (uint8_t)full, &t->dst);
	}
	if (x->share == XFRM_SHARE_UNIQUE)
		t->level = RK_LEVEL_UNIQUE;
	else if (x->optional)
		t->level = RK_LEVEL_USE;
	else
		t->level = RK_LEVEL_REQUIRE;
}

struct tmpl_ctx {
	struct xfrm_user_tmpl t[RK_MAX_TMPL];
	size_t n;
	bool seen;
};

static int tmpl_attr(uint16_t type, const uint8_t *data, size_t len, void *vctx, const char **why)
{
	struct tmpl_ctx *c = vctx;
	if (type != XFRMA_TMPL)
		return 0;
	if (c->seen)
		return BAD("two template attributes");
	c->seen = true;
	if (len % sizeof(struct xfrm_user_tmpl) != 0)
		return BAD("template attribute is not a whole number of templates");
	c->n = len / sizeof(struct xfrm_user_tmpl);
	if (c->n > RK_MAX_TMPL)
		return fail(why, -E2BIG, "policy has more than 3 templates");
	memcpy(c->t, data, len);
	return 0;
}

static int policy_from_x(const struct parsed *p, const struct xfrm_userpolicy_info *u,
			 struct rk_policy *out, const char **why)
{
	memset(out, 0, sizeof(*out));
	struct tmpl_ctx c = {0};
	int r = walk_attrs(p, tmpl_attr, &c, why);
	if (r < 0)
		return r;
	sel_from_x(&u->sel, &out->sel);
	out->dir = dir_from_x(u->dir);
	out->priority = u->priority;
	out->index = u->index;
	lft_from_x(&u->lft, &out->lifetime);
	cur_from_x(&u->curlft, &out->cur);
	if (u->action == XFRM_POLICY_BLOCK)
		out->action = RK_ACT_DISCARD;
	else
		out->action = c.n ? RK_ACT_IPSEC : RK_ACT_BYPASS;
	out->ntmpl = c.n;
	for (size_t i = 0; i < c.n; i++)
		tmpl_from_x(&c.t[i], &out->tmpl[i]);
	return 0;
}

int xm_parse_policy(const void *msg, size_t len, struct rk_policy *out, bool *is_socket,
		    const char **why)
{
	struct parsed p;
	struct xfrm_userpolicy_info u;
	int r = open_msg(msg, len, sizeof(u), &u, &p, why);
	if (r < 0)
		return r;
	if (p.h.nlmsg_type != XFRM_MSG_NEWPOLICY && p.h.nlmsg_type != XFRM_MSG_UPDPOLICY)
		return BAD("expected a policy message");
	if (is_socket)
		*is_socket = u.dir >= XFRM_POLICY_MAX;
	return policy_from_x(&p, &u, out, why);
}

struct err_ctx {
	char *text;
	size_t textlen;
};

static int err_attr(uint16_t type, const uint8_t *data, size_t len, void *vctx, const char **why)
{
	struct err_ctx *c = vctx;
	if (type != NLMSGERR_ATTR_MSG)
		return 0;
	if (len == 0 || memchr(data, '\0', len) == NULL)
		return BAD("error text is not a terminated string");
	if (c->textlen)
		snprintf(c->text, c->textlen, "%s", (const char *)data);
	return 0;
}

int xm_parse_error(const void *msg, size_t len, int *error, char *text, size_t textlen,
		   const char **why)
{
	struct parsed p;
	struct nlmsgerr e;
	if (textlen)
		text[0] = '\0';
	int r = open_msg(msg, len, sizeof(e), &e, &p, why);
	if (r < 0)
		return r;
	if (p.h.nlmsg_type != NLMSG_ERROR)
		return BAD("expected an error message");
	if (e.error > 0 || e.error < -4095)
		return BAD("error code out of range");
	*error = e.error;
	if (!(p.h.nlmsg_flags & NLM_F_ACK_TLVS))
		return 0;
	/* Unless capped, the kernel echoes our whole request before the TLVs. */
	size_t off = MNL_NLMSG_HDRLEN + sizeof(e);
	if (!(p.h.nlmsg_flags & NLM_F_CAPPED)) {
		if (e.msg.nlmsg_len < sizeof(e.msg))
			return BAD("echoed request shorter than its header");
		off += e.msg.nlmsg_len - sizeof(e.msg);
	}
	off = MNL_ALIGN(off);
	if (off > len)
		return BAD("echoed request runs past the end of the error message");
	p.attrs = (const uint8_t *)msg + off;
	p.attrlen = len - off;
	struct err_ctx c = {text, textlen};
	return walk_attrs(&p, err_attr, &c, why);
}

int xm_parse_done(const void *msg, size_t len, int *error, const char **why)
{
	struct parsed p;
	int r = open_msg(msg, len, 0, NULL, &p, why);
	if (r < 0)
		return r;
	if (p.h.nlmsg_type != NLMSG_DONE)
		return BAD("expected the end of a dump");
	*error = 0;
	if (len >= MNL_NLMSG_HDRLEN + sizeof(int)) {
		int e;
		memcpy(&e, (const uint8_t *)msg + MNL_NLMSG_HDRLEN, sizeof(e));
		if (e > 0 || e < -4095)
			return BAD("error code out of range");
		*error = e;
	}
	return 0;
}

static int parse_acquire(const void *msg, size_t len, struct rk_acquire *a, const char **why)
{
	struct parsed p;
	struct xfrm_user_acquire u;
	int r = open_msg(msg, len, sizeof(u), &u, &p, why);
	if (r < 0)
		return r;
	struct rk_policy pol;
	r = policy_from_x(&p, &u.policy, &pol, why);
	if (r < 0)
		return r;
	memset(a, 0, sizeof(*a));
	a->policy_index = u.policy.index;
	a->dir = pol.dir;
	a->sel = pol.sel;
	sel_from_x(&u.sel, &a->pkt);
	a->seq = u.seq;
	/* The missing SA is the policy's template for the acquire's protocol;
	 * its endpoints (the packet's addresses in transport mode) are the
	 * acquire's, of the template's family. */
	sa_family_t fam = u.sel.family;
	a->tmpl.proto = u.id.proto;
	for (size_t i = 0; i < pol.ntmpl; i++) {
		if (pol.tmpl[i].proto != u.id.proto)
			continue;
		a->tmpl = pol.tmpl[i];
		if (pol.tmpl[i].mode == RK_MODE_TUNNEL)
			fam = pol.tmpl[i].dst.family;
		break;
	}
	if (!family_ok(fam))
		return BAD("acquire of an unknown address family");
	int full = rc_addr_maxprefix(fam);
	addr_from_x(&u.saddr, fam, (uint8_t)full, &a->tmpl.src);
	addr_from_x(&u.id.daddr, fam, (uint8_t)full, &a->tmpl.dst);
	return 0;
}

static int parse_expire(const void *msg, size_t len, struct rk_expire *e, const char **why)
{
	struct parsed p;
	struct xfrm_user_expire u;
	int r = open_msg(msg, len, sizeof(u), &u, &p, why);
	if (r < 0)
		return r;
	struct rk_sa_info info;
	r = sa_from_info(&u.state, &info, why);
	if (r < 0)
		return r;
	memset(e, 0, sizeof(*e));
	e->id.proto = info.sa.proto;
	e->id.spi = info.sa.spi;
	e->id.src = info.sa.src;
	e->id.dst = info.sa.dst;
	e->reqid = info.sa.reqid;
	e->hard = u.hard != 0;
	e->cur = info.cur;
	return 0;
}

static int parse_polexpire(const void *msg, size_t len, struct rk_policy_expire *e,
			   const char **why)
{
	struct parsed p;
	struct xfrm_user_polexpire u;
	int r = open_msg(msg, len, sizeof(u), &u, &p, why);
	if (r < 0)
		return r;
	struct rk_policy pol;
	r = policy_from_x(&p, &u.pol, &pol, why);
	if (r < 0)
		return r;
	memset(e, 0, sizeof(*e));
	e->index = pol.index;
	e->dir = pol.dir;
	e->sel = pol.sel;
	e->hard = u.hard != 0;
	return 0;
}

struct mig_ctx {
	struct xfrm_user_migrate m;
	bool seen;
};

static int mig_attr(uint16_t type, const uint8_t *data, size_t len, void *vctx, const char **why)
{
	struct mig_ctx *c = vctx;
	if (type != XFRMA_MIGRATE)
		return 0;
	if (len == 0 || len % sizeof(c->m) != 0)
		return BAD("migrate attribute is not a whole number of entries");
	if (!c->seen)
		memcpy(&c->m, data, sizeof(c->m));
	c->seen = true;
	return 0;
}

static int parse_migrate(const void *msg, size_t len, struct rk_migrate *m, const char **why)
{
	struct parsed p;
	struct xfrm_userpolicy_id u;
	int r = open_msg(msg, len, sizeof(u), &u, &p, why);
	if (r < 0)
		return r;
	struct mig_ctx c = {0};
	r = walk_attrs(&p, mig_attr, &c, why);
	if (r < 0)
		return r;
	if (!c.seen)
		return BAD("migrate message without addresses");
	if (!family_ok(c.m.old_family) || !family_ok(c.m.new_family))
		return BAD("migrate of an unknown address family");
	memset(m, 0, sizeof(*m));
	sel_from_x(&u.sel, &m->sel);
	m->dir = dir_from_x(u.dir);
	m->proto = c.m.proto;
	m->mode = c.m.mode == XFRM_MODE_TUNNEL ? RK_MODE_TUNNEL : RK_MODE_TRANSPORT;
	m->reqid = c.m.reqid;
	uint8_t of = (uint8_t)rc_addr_maxprefix(c.m.old_family);
	uint8_t nf = (uint8_t)rc_addr_maxprefix(c.m.new_family);
	addr_from_x(&c.m.old_saddr, c.m.old_family, of, &m->old_src);
	addr_from_x(&c.m.old_daddr, c.m.old_family, of, &m->old_dst);
	addr_from_x(&c.m.new_saddr, c.m.new_family, nf, &m->new_src);
	addr_from_x(&c.m.new_daddr, c.m.new_family, nf, &m->new_dst);
	return 0;
}

int xm_parse_event(const void *msg, size_t len, struct rk_event *out, const char **why)
{
	struct nlmsghdr h;
	if (len < sizeof(h))
		return BAD("netlink message shorter than its header");
	memcpy(&h, msg, sizeof(h));
	memset(out, 0, sizeof(*out));
	switch (h.nlmsg_type) {
	case XFRM_MSG_ACQUIRE:
		out->type = RK_EV_ACQUIRE;
		return parse_acquire(msg, len, &out->u.acquire, why);
	case XFRM_MSG_EXPIRE:
		out->type = RK_EV_EXPIRE;
		return parse_expire(msg, len, &out->u.expire, why);
	case XFRM_MSG_POLEXPIRE:
		out->type = RK_EV_POLICY_EXPIRE;
		return parse_polexpire(msg, len, &out->u.policy_expire, why);
	case XFRM_MSG_MIGRATE:
		out->type = RK_EV_MIGRATE;
		return parse_migrate(msg, len, &out->u.migrate, why);
	default:
		break;
	}
	if (h.nlmsg_len != len)
		return BAD("netlink message length does not match what was received");
	if (h.nlmsg_type == NLMSG_NOOP || h.nlmsg_type == NLMSG_DONE ||
	    h.nlmsg_type == NLMSG_ERROR ||
	    (h.nlmsg_type >= XFRM_MSG_BASE && h.nlmsg_type <= XFRM_MSG_MAX))
		return 1;
	return BAD("unknown netlink message type");
}
