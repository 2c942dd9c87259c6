/* PF_KEY v2 message codec: see pfkey_msg.h. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "pfkey_msg.h"

#define PFK_HDR_LEN 16
#define PFK_EXT_HDR_LEN 4
#define PFK_IREQ_LEN 16

void pfk_init(struct pfk_msg *m, uint8_t type, uint8_t satype, uint32_t seq, uint32_t pid)
{
	memset(m, 0, sizeof(*m));
	m->type = type;
	m->satype = satype;
	m->seq = seq;
	m->pid = pid;
}

static size_t sockaddr_len(sa_family_t family)
{
	if (family == AF_INET)
		return 16;
	if (family == AF_INET6)
		return 28;
	return 0;
}

static size_t pad8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* ---- encoding ---- */

static bool put_sockaddr(struct rc_writer *w, const struct rc_addr *a)
{
	bool ok;

#ifdef __linux__
	ok = rc_put_u16he(w, a->family);
#else
	/* BSD sockaddrs start with their own length */
	ok = rc_put_u8(w, (uint8_t)sockaddr_len(a->family)) && rc_put_u8(w, (uint8_t)a->family);
#endif
	ok = ok && rc_put_u16(w, a->port);
	if (a->family == AF_INET)
		return ok && rc_put_bytes(w, &a->u.v4, 4) && rc_put_zeros(w, 8);
	return ok && rc_put_u32(w, 0) && rc_put_bytes(w, &a->u.v6, 16) &&
	       rc_put_u32he(w, a->scope_id);
}

/* Starts an extension: its length is patched by ext_end(). */
static size_t ext_begin(struct rc_writer *w, uint16_t type)
{
	size_t at = rc_writer_len(w);

	/* a failure is sticky: pfk_encode sees it at the end */
	(void)(rc_put_u16he(w, 0) && rc_put_u16he(w, type));
	return at;
}

static int ext_end(struct rc_writer *w, size_t at)
{
	size_t len = rc_writer_len(w) - at;
	size_t padded = pad8(len);

	if (!rc_put_zeros(w, padded - len))
		return -ENOMEM;
	if (padded / 8 > UINT16_MAX)
		return -EMSGSIZE;
	if (!rc_writer_patch_u16he(w, at, (uint16_t)(padded / 8)))
		return -ENOMEM;
	return 0;
}

static int put_address(struct rc_writer *w, uint16_t type, const struct pfk_addr *pa)
{
	size_t at;

	if (!sockaddr_len(pa->a.family))
		return -EINVAL;
	at = ext_begin(w, type);
	if (!rc_put_u8(w, pa->proto) || !rc_put_u8(w, pa->prefixlen) || !rc_put_u16he(w, 0) ||
	    !put_sockaddr(w, &pa->a))
		return -ENOMEM;
	return ext_end(w, at);
}

static int put_sa(struct rc_writer *w, const struct pfk_sa *sa)
{
	size_t at = ext_begin(w, SADB_EXT_SA);

	if (!rc_put_u32(w, sa->spi) || !rc_put_u8(w, sa->replay) || !rc_put_u8(w, sa->state) ||
	    !rc_put_u8(w, sa->auth) || !rc_put_u8(w, sa->encrypt) || !rc_put_u32he(w, sa->flags))
		return -ENOMEM;
	return ext_end(w, at);
}

static int put_lifetime(struct rc_writer *w, uint16_t type, const struct pfk_lifetime *lt)
{
	size_t at = ext_begin(w, type);

	if (!rc_put_u32he(w, lt->allocations) || !rc_put_u64he(w, lt->bytes) ||
	    !rc_put_u64he(w, lt->addtime) || !rc_put_u64he(w, lt->usetime))
		return -ENOMEM;
	return ext_end(w, at);
}

static int put_key(struct rc_writer *w, uint16_t type, const struct pfk_key *k)
{
	size_t at;

	if (k->len > UINT16_MAX / 8 || (k->len && !k->data))
		return -EINVAL;
	at = ext_begin(w, type);
	if (!rc_put_u16he(w, (uint16_t)(k->bits ? k->bits : k->len * 8)) || !rc_put_u16he(w, 0) ||
	    !rc_put_bytes(w, k->data, k->len))
		return -ENOMEM;
	return ext_end(w, at);
}

static int put_supported(struct rc_writer *w, uint16_t type, const struct pfk_alg *algs, size_t n)
{
	size_t at = ext_begin(w, type);

	if (n > PFK_MAX_ALGS || !rc_put_u32he(w, 0))
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!rc_put_u8(w, algs[i].id) || !rc_put_u8(w, algs[i].ivlen) ||
		    !rc_put_u16he(w, algs[i].minbits) || !rc_put_u16he(w, algs[i].maxbits) ||
		    !rc_put_u16he(w, 0))
			return -ENOMEM;
	return ext_end(w, at);
}

static int put_ireq(struct rc_writer *w, const struct pfk_ireq *rq)
{
	size_t at = rc_writer_len(w);
	bool addrs = rq->src.family != AF_UNSPEC;

	if (addrs && (!sockaddr_len(rq->src.family) || rq->dst.family != rq->src.family))
		return -EINVAL;
	if (!rc_put_u16he(w, 0) || !rc_put_u16he(w, rq->proto) || !rc_put_u8(w, rq->mode) ||
	    !rc_put_u8(w, rq->level) || !rc_put_u16he(w, 0) || !rc_put_u32he(w, rq->reqid) ||
	    !rc_put_u32he(w, 0))
		return -ENOMEM;
	if (addrs && (!put_sockaddr(w, &rq->src) || !put_sockaddr(w, &rq->dst)))
		return -ENOMEM;
	/* the request length is in bytes, kept a multiple of 8 */
	size_t len = rc_writer_len(w) - at;
	if (!rc_put_zeros(w, pad8(len) - len) || !rc_writer_patch_u16he(w, at, (uint16_t)pad8(len)))
		return -ENOMEM;
	return 0;
}

static int put_policy(struct rc_writer *w, const struct pfk_policy *p)
{
	size_t at;
	int rc;

	if (p->nreq > PFK_MAX_IREQ)
		return -EINVAL;
	at = ext_begin(w, SADB_X_EXT_POLICY);
	if (!rc_put_u16he(w, p->type) || !rc_put_u8(w, p->dir) || !rc_put_u8(w, 0) ||
	    !rc_put_u32he(w, p->id) || !rc_put_u32he(w, p->priority))
		return -ENOMEM;
	for (size_t i = 0; i < p->nreq; i++)
		if ((rc = put_ireq(w, &p->req[i])) < 0)
			return rc;
	return ext_end(w, at);
}

static int put_fixed(struct rc_writer *w, const struct pfk_msg *m, unsigned type)
{
	size_t at = ext_begin(w, (uint16_t)type);
	bool ok;

	switch (type) {
	case SADB_EXT_SPIRANGE:
		ok = rc_put_u32he(w, m->spi_min) && rc_put_u32he(w, m->spi_max) &&
		     rc_put_u32he(w, 0);
		break;
	case SADB_X_EXT_SA2:
		ok = rc_put_u8(w, m->sa2_mode) && rc_put_zeros(w, 3) &&
		     rc_put_u32he(w, m->sa2_seq) && rc_put_u32he(w, m->sa2_reqid);
		break;
	case SADB_X_EXT_NAT_T_TYPE:
		ok = rc_put_u8(w, m->natt_type) && rc_put_zeros(w, 3);
		break;
	case SADB_X_EXT_NAT_T_SPORT:
	case SADB_X_EXT_NAT_T_DPORT:
		ok = rc_put_u16(w,
				type == SADB_X_EXT_NAT_T_SPORT ? m->natt_sport : m->natt_dport) &&
		     rc_put_u16he(w, 0);
		break;
	default:
		return -EINVAL;
	}
	return ok ? ext_end(w, at) : -ENOMEM;
}

static int put_ext(struct rc_writer *w, const struct pfk_msg *m, unsigned type)
{
	switch (type) {
	case SADB_EXT_SA:
		return put_sa(w, &m->sa);
	case SADB_EXT_LIFETIME_CURRENT:
		return put_lifetime(w, SADB_EXT_LIFETIME_CURRENT, &m->cur);
	case SADB_EXT_LIFETIME_HARD:
		return put_lifetime(w, SADB_EXT_LIFETIME_HARD, &m->hard);
	case SADB_EXT_LIFETIME_SOFT:
		return put_lifetime(w, SADB_EXT_LIFETIME_SOFT, &m->soft);
	case SADB_EXT_ADDRESS_SRC:
		return put_address(w, SADB_EXT_ADDRESS_SRC, &m->src);
	case SADB_EXT_ADDRESS_DST:
		return put_address(w, SADB_EXT_ADDRESS_DST, &m->dst);
	case SADB_EXT_ADDRESS_PROXY:
		return put_address(w, SADB_EXT_ADDRESS_PROXY, &m->proxy);
	case SADB_EXT_KEY_AUTH:
		return put_key(w, SADB_EXT_KEY_AUTH, &m->key_auth);
	case SADB_EXT_KEY_ENCRYPT:
		return put_key(w, SADB_EXT_KEY_ENCRYPT, &m->key_enc);
	case SADB_EXT_SUPPORTED_AUTH:
		return put_supported(w, SADB_EXT_SUPPORTED_AUTH, m->auth, m->nauth);
	case SADB_EXT_SUPPORTED_ENCRYPT:
		return put_supported(w, SADB_EXT_SUPPORTED_ENCRYPT, m->enc, m->nenc);
	case SADB_X_EXT_POLICY:
		return put_policy(w, &m->policy);
	case SADB_X_EXT_NAT_T_OA:
		return put_address(w, SADB_X_EXT_NAT_T_OA, &m->natt_oa);
	default:
		return put_fixed(w, m, type);
	}
}

int pfk_encode(const struct pfk_msg *m, struct rc_writer *w)
{
	size_t at = rc_writer_len(w);
	int rc;

	if (!rc_put_u8(w, PF_KEY_V2) || !rc_put_u8(w, m->type) || !rc_put_u8(w, m->err) ||
	    !rc_put_u8(w, m->satype) || !rc_put_u16he(w, 0) || !rc_put_u16he(w, 0) ||
	    !rc_put_u32he(w, m->seq) || !rc_put_u32he(w, m->pid))
		return -ENOMEM;
	for (unsigned t = 1; t < PFK_EXT_LIMIT; t++)
		if (pfk_has(m, t) && (rc = put_ext(w, m, t)) < 0)
			return rc;
	size_t len = rc_writer_len(w) - at;
	if (len / 8 > UINT16_MAX)
		return -EMSGSIZE;
	if (!rc_writer_patch_u16he(w, at + 4, (uint16_t)(len / 8)) || !rc_writer_ok(w))
		return -ENOMEM;
	return 0;
}

/* ---- decoding ---- */

#define FAIL(text)                                                                                 \
	do {                                                                                       \
		*why = (text);                                                                     \
		return false;                                                                      \
	} while (0)

static bool get_sockaddr(struct rc_reader *r, struct rc_addr *a, const char **why)
{
	uint16_t family, port;
	size_t need;

	memset(a, 0, sizeof(*a));
#ifdef __linux__
	if (!rc_get_u16he(r, &family))
		FAIL("sockaddr truncated");
#else
	uint8_t salen, fam8;
	if (!rc_get_u8(r, &salen) || !rc_get_u8(r, &fam8))
		FAIL("sockaddr truncated");
	family = fam8;
	if (salen != sockaddr_len(family))
		FAIL("sockaddr length does not match its family");
#endif
	need = sockaddr_len(family);
	if (!need)
		FAIL("address family is neither IPv4 nor IPv6");
	if (rc_reader_remaining(r) < need - 2)
		FAIL("sockaddr shorter than its family needs");
	a->family = family;
	if (!rc_get_u16(r, &port))
		FAIL("sockaddr truncated");
	a->port = port;
	if (family == AF_INET) {
		if (!rc_get_bytes(r, &a->u.v4, 4) || !rc_skip(r, 8))
			FAIL("sockaddr truncated");
		a->prefixlen = 32;
		return true;
	}
	if (!rc_skip(r, 4) || !rc_get_bytes(r, &a->u.v6, 16) || !rc_get_u32he(r, &a->scope_id))
		FAIL("sockaddr truncated");
	a->prefixlen = 128;
	return true;
}

static bool get_address(struct rc_reader *r, struct pfk_addr *pa, const char **why)
{
	if (!rc_get_u8(r, &pa->proto) || !rc_get_u8(r, &pa->prefixlen) || !rc_skip(r, 2))
		FAIL("address extension truncated");
	if (!get_sockaddr(r, &pa->a, why))
		return false;
	if (pa->prefixlen > rc_addr_maxprefix(pa->a.family))
		FAIL("address prefix length larger than the address");
	return true;
}

/* Linux af_key writes an SA's proxy address (its selector) in the family
 * of the outer addresses but with the selector's prefix length, so a
 * 6-in-4 SA comes back as an IPv4 proxy with a /128 (and its address bytes
 * cut): keep the message, clamp the prefix. */
static bool get_proxy(struct rc_reader *r, struct pfk_addr *pa, const char **why)
{
	uint8_t max;

	if (!rc_get_u8(r, &pa->proto) || !rc_get_u8(r, &pa->prefixlen) || !rc_skip(r, 2))
		FAIL("address extension truncated");
	if (!get_sockaddr(r, &pa->a, why))
		return false;
	max = (uint8_t)rc_addr_maxprefix(pa->a.family);
	if (pa->prefixlen > max)
		pa->prefixlen = max;
	return true;
}

static bool get_sa(struct rc_reader *r, struct pfk_sa *sa, const char **why)
{
	if (!rc_get_u32(r, &sa->spi) || !rc_get_u8(r, &sa->replay) || !rc_get_u8(r, &sa->state) ||
	    !rc_get_u8(r, &sa->auth) || !rc_get_u8(r, &sa->encrypt) || !rc_get_u32he(r, &sa->flags))
		FAIL("SA extension truncated");
	return true;
}

static bool get_lifetime(struct rc_reader *r, struct pfk_lifetime *lt, const char **why)
{
	if (!rc_get_u32he(r, &lt->allocations) || !rc_get_u64he(r, &lt->bytes) ||
	    !rc_get_u64he(r, &lt->addtime) || !rc_get_u64he(r, &lt->usetime))
		FAIL("lifetime extension truncated");
	return true;
}

static bool get_key(struct rc_reader *r, struct pfk_key *k, const char **why)
{
	if (!rc_get_u16he(r, &k->bits) || !rc_skip(r, 2))
		FAIL("key extension truncated");
	k->len = ((size_t)k->bits + 7) / 8;
	if (!rc_get_span(r, &k->data, k->len))
		FAIL("key extension shorter than its key bits");
	return true;
}

static bool get_supported(struct rc_reader *r, struct pfk_alg *algs, size_t *n, const char **why)
{
	if (!rc_skip(r, 4))
		FAIL("supported-algorithms extension truncated");
	*n = 0;
	while (rc_reader_remaining(r) >= 8) {
		struct pfk_alg *a = &algs[*n];
		if (*n == PFK_MAX_ALGS)
			FAIL("too many supported algorithms");
		if (!rc_get_u8(r, &a->id) || !rc_get_u8(r, &a->ivlen) ||
		    !rc_get_u16he(r, &a->minbits) || !rc_get_u16he(r, &a->maxbits) ||
		    !rc_skip(r, 2))
			FAIL("algorithm entry truncated");
		(*n)++;
	}
	return true;
}

static bool get_ireq(struct rc_reader *r, struct pfk_ireq *rq, const char **why)
{
	struct rc_reader body;
	uint16_t len;

	if (!rc_get_u16he(r, &len))
		FAIL("IPsec request truncated");
	if (len < PFK_IREQ_LEN)
		FAIL("IPsec request length shorter than its header");
	if (!rc_get_sub(r, len - 2, &body))
		FAIL("IPsec request longer than its policy");
	memset(rq, 0, sizeof(*rq));
	if (!rc_get_u16he(&body, &rq->proto) || !rc_get_u8(&body, &rq->mode) ||
	    !rc_get_u8(&body, &rq->level) || !rc_skip(&body, 2) ||
	    !rc_get_u32he(&body, &rq->reqid) || !rc_skip(&body, 4))
		FAIL("IPsec request truncated");
	if (rc_reader_remaining(&body) < 8)
		return true; /* no endpoints (transport mode), maybe padding */
	if (!get_sockaddr(&body, &rq->src, why) || !get_sockaddr(&body, &rq->dst, why))
		return false;
	if (rq->src.family != rq->dst.family)
		FAIL("IPsec request endpoints of different families");
	return true;
}

static bool get_policy(struct rc_reader *r, struct pfk_policy *p, const char **why)
{
	if (!rc_get_u16he(r, &p->type) || !rc_get_u8(r, &p->dir) || !rc_skip(r, 1) ||
	    !rc_get_u32he(r, &p->id) || !rc_get_u32he(r, &p->priority))
		FAIL("policy extension truncated");
	p->nreq = 0;
	while (rc_reader_remaining(r) >= PFK_IREQ_LEN) {
		if (p->nreq == PFK_MAX_IREQ)
			FAIL("too many IPsec requests in a policy");
		if (!get_ireq(r, &p->req[p->nreq], why))
			return false;
		p->nreq++;
	}
	return true;
}

static bool get_fixed(struct rc_reader *r, struct pfk_msg *m, unsigned type, const char **why)
{
	uint16_t port;
	bool ok = true;

	switch (type) {
	case SADB_EXT_SPIRANGE:
		ok = rc_get_u32he(r, &m->spi_min) && rc_get_u32he(r, &m->spi_max);
		break;
	case SADB_X_EXT_SA2:
		ok = rc_get_u8(r, &m->sa2_mode) && rc_skip(r, 3) && rc_get_u32he(r, &m->sa2_seq) &&
		     rc_get_u32he(r, &m->sa2_reqid);
		break;
	case SADB_X_EXT_NAT_T_TYPE:
		ok = rc_get_u8(r, &m->natt_type);
		break;
	case SADB_X_EXT_NAT_T_SPORT:
	case SADB_X_EXT_NAT_T_DPORT:
		ok = rc_get_u16(r, &port);
		if (type == SADB_X_EXT_NAT_T_SPORT)
			m->natt_sport = port;
		else
			m->natt_dport = port;
		break;
	default:
		break; /* carried but not interpreted (identities, proposals, ...) */
	}
	if (!ok)
		FAIL("extension shorter than its type needs");
	return true;
}

static bool get_ext(struct rc_reader *r, struct pfk_msg *m, unsigned type, const char **why)
{
	switch (type) {
	case SADB_EXT_SA:
		return get_sa(r, &m->sa, why);
	case SADB_EXT_LIFETIME_CURRENT:
		return get_lifetime(r, &m->cur, why);
	case SADB_EXT_LIFETIME_HARD:
		return get_lifetime(r, &m->hard, why);
	case SADB_EXT_LIFETIME_SOFT:
		return get_lifetime(r, &m->soft, why);
	case SADB_EXT_ADDRESS_SRC:
		return get_address(r, &m->src, why);
	case SADB_EXT_ADDRESS_DST:
		return get_address(r, &m->dst, why);
	case SADB_EXT_ADDRESS_PROXY:
		return get_proxy(r, &m->proxy, why);
	case SADB_EXT_KEY_AUTH:
		return get_key(r, &m->key_auth, why);
	case SADB_EXT_KEY_ENCRYPT:
		return get_key(r, &m->key_enc, why);
	case SADB_EXT_SUPPORTED_AUTH:
		return get_supported(r, m->auth, &m->nauth, why);
	case SADB_EXT_SUPPORTED_ENCRYPT:
		return get_supported(r, m->enc, &m->nenc, why);
	case SADB_X_EXT_POLICY:
		return get_policy(r, &m->policy, why);
	case SADB_X_EXT_NAT_T_OA:
		return get_address(r, &m->natt_oa, why);
	default:
		return get_fixed(r, m, type, why);
	}
}

static bool get_header(struct rc_reader *r, size_t len, struct pfk_msg *m, const char **why)
{
	uint8_t version;
	uint16_t units, reserved;

	if (!rc_get_u8(r, &version) || !rc_get_u8(r, &m->type) || !rc_get_u8(r, &m->err) ||
	    !rc_get_u8(r, &m->satype) || !rc_get_u16he(r, &units) || !rc_get_u16he(r, &reserved) ||
	    !rc_get_u32he(r, &m->seq) || !rc_get_u32he(r, &m->pid))
		FAIL("message shorter than the PF_KEY header");
	if (version != PF_KEY_V2)
		FAIL("not a PF_KEY v2 message");
	if (m->type == SADB_RESERVED || m->type > SADB_MAX)
		FAIL("unknown PF_KEY message type");
	if ((size_t)units * 8 < PFK_HDR_LEN)
		FAIL("message length field shorter than the header");
	if ((size_t)units * 8 > len)
		FAIL("message length field larger than the message received");
	if ((size_t)units * 8 < len)
		FAIL("message length field smaller than the message received");
	return true;
}

static bool get_exts(struct rc_reader *r, struct pfk_msg *m, const char **why)
{
	while (!rc_reader_done(r)) {
		uint16_t units, type;
		struct rc_reader body;

		if (!rc_get_u16he(r, &units) || !rc_get_u16he(r, &type))
			FAIL("extension header truncated");
		if (units == 0)
			FAIL("extension length of zero");
		if (!rc_get_sub(r, (size_t)units * 8 - PFK_EXT_HDR_LEN, &body))
			FAIL("extension longer than the message");
		if (type == SADB_EXT_RESERVED || type > SADB_EXT_MAX || type >= PFK_EXT_LIMIT)
			FAIL("unknown extension type");
		if (pfk_has(m, type))
			FAIL("duplicate extension");
		pfk_set(m, type);
		if (!get_ext(&body, m, type, why))
			return false;
	}
	return true;
}

int pfk_decode(const void *buf, size_t len, struct pfk_msg *m, const char **why)
{
	struct rc_reader r;
	const char *dummy;

	if (!why)
		why = &dummy;
	memset(m, 0, sizeof(*m));
	rc_reader_init(&r, buf, len);
	if (!get_header(&r, len, m, why) || !get_exts(&r, m, why)) {
		m->exts = 0;
		return -EBADMSG;
	}
	return 0;
}

const char *pfk_type_name(uint8_t type)
{
	static const char *const names[] = {
		[SADB_GETSPI] = "SADB_GETSPI",
		[SADB_UPDATE] = "SADB_UPDATE",
		[SADB_ADD] = "SADB_ADD",
		[SADB_DELETE] = "SADB_DELETE",
		[SADB_GET] = "SADB_GET",
		[SADB_ACQUIRE] = "SADB_ACQUIRE",
		[SADB_REGISTER] = "SADB_REGISTER",
		[SADB_EXPIRE] = "SADB_EXPIRE",
		[SADB_FLUSH] = "SADB_FLUSH",
		[SADB_DUMP] = "SADB_DUMP",
		[SADB_X_PROMISC] = "SADB_X_PROMISC",
		[SADB_X_PCHANGE] = "SADB_X_PCHANGE",
		[SADB_X_SPDUPDATE] = "SADB_X_SPDUPDATE",
		[SADB_X_SPDADD] = "SADB_X_SPDADD",
		[SADB_X_SPDDELETE] = "SADB_X_SPDDELETE",
		[SADB_X_SPDGET] = "SADB_X_SPDGET",
		[SADB_X_SPDACQUIRE] = "SADB_X_SPDACQUIRE",
		[SADB_X_SPDDUMP] = "SADB_X_SPDDUMP",
		[SADB_X_SPDFLUSH] = "SADB_X_SPDFLUSH",
		[SADB_X_SPDSETIDX] = "SADB_X_SPDSETIDX",
		[SADB_X_SPDEXPIRE] = "SADB_X_SPDEXPIRE",
		[SADB_X_SPDDELETE2] = "SADB_X_SPDDELETE2",
#ifdef SADB_X_MIGRATE
		[SADB_X_MIGRATE] = "SADB_X_MIGRATE",
#endif
	};

	if (type < sizeof(names) / sizeof(names[0]) && names[type])
		return names[type];
	return "SADB_?";
}
