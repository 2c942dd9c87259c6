/* IKEv2 message decoder and encoder (see ikev2_msg.h).
 *
 * Each payload type has one row in a table: how to decode its body, and
 * whether RFC 7296 allows it more than once in a message.  The chain
 * walker handles the generic header, the critical bit, the limits and the
 * SK container; the per-type decoders see only their body. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ikev2_msg.h"

uint16_t ikev2_err_notify(enum ikev2_err_code code)
{
	switch (code) {
	case IKEV2_OK:
		return 0;
	case IKEV2_ERR_CRITICAL:
		return IKEV2_N_UNSUPPORTED_CRITICAL_PAYLOAD;
	case IKEV2_ERR_MAJOR_VERSION:
		return IKEV2_N_INVALID_MAJOR_VERSION;
	case IKEV2_ERR_SYNTAX:
		break;
	}
	return IKEV2_N_INVALID_SYNTAX;
}

struct dec {
	struct ikev2_msg *m;
	struct ikev2_err *err;
	const uint8_t *base; /* for error offsets */
	uint8_t type;	     /* payload being decoded */
};

__attribute__((format(printf, 3, 4))) static enum ikev2_err_code
fail(struct dec *d, enum ikev2_err_code code, const char *fmt, ...)
{
	va_list ap;

	if (!d->err)
		return code;
	d->err->code = code;
	d->err->payload = d->type;
	va_start(ap, fmt);
	vsnprintf(d->err->text, sizeof(d->err->text), fmt, ap);
	va_end(ap);
	return code;
}

#define SYNTAX(d, ...) fail((d), IKEV2_ERR_SYNTAX, __VA_ARGS__)

static void set_offset(struct dec *d, const struct rc_reader *r)
{
	if (d->err)
		d->err->offset = (size_t)(rc_reader_ptr(r) - d->base);
}

static struct ikev2_span rest(struct rc_reader *r)
{
	struct ikev2_span s = {rc_reader_ptr(r), rc_reader_remaining(r)};

	if (!rc_skip(r, s.len))
		s.len = 0;
	return s;
}

static bool get_span(struct rc_reader *r, size_t n, struct ikev2_span *s)
{
	s->len = n;
	return rc_get_span(r, &s->p, n);
}

/* ---- SA payload (RFC 7296 §3.3) ---- */

static enum ikev2_err_code dec_attrs(struct dec *d, struct rc_reader *r, struct ikev2_transform *t)
{
	bool have_keylen = false;

	while (rc_reader_remaining(r) > 0) {
		uint16_t type, v;
		struct rc_reader val;

		if (!rc_get_u16(r, &type) || !rc_get_u16(r, &v))
			return SYNTAX(d, "transform attribute truncated");
		if (!(type & IKEV2_ATTR_TV)) {
			/* TLV form: v is the length of the value */
			if (!rc_get_sub(r, v, &val))
				return SYNTAX(d, "transform attribute longer than its transform");
		}
		if ((type & ~IKEV2_ATTR_TV) != IKEV2_ATTR_KEY_LENGTH) {
			t->unknown_attr = true;
			continue;
		}
		if (!(type & IKEV2_ATTR_TV))
			return SYNTAX(d, "key length attribute in the long (TLV) form");
		if (have_keylen)
			return SYNTAX(d, "key length attribute twice in one transform");
		if (v == 0)
			return SYNTAX(d, "key length 0");
		have_keylen = true;
		t->key_len = v;
	}
	return IKEV2_OK;
}

static enum ikev2_err_code dec_transform(struct dec *d, struct rc_reader *r, bool *last)
{
	struct ikev2_msg *m = d->m;
	uint8_t more, res, type, res2;
	uint16_t len, id;
	struct rc_reader body;
	struct ikev2_transform *t;

	if (!rc_get_u8(r, &more) || !rc_get_u8(r, &res) || !rc_get_u16(r, &len))
		return SYNTAX(d, "transform header truncated");
	if (more != 0 && more != 3)
		return SYNTAX(d, "transform marked %u, not 0 (last) or 3 (more)", more);
	if (len < 8 || !rc_get_sub(r, len - 4u, &body))
		return SYNTAX(d, "transform length %u does not fit its proposal", len);
	if (!rc_get_u8(&body, &type) || !rc_get_u8(&body, &res2) || !rc_get_u16(&body, &id))
		return SYNTAX(d, "transform truncated");
	if (m->n_xf >= IKEV2_MAX_TRANSFORMS_TOTAL)
		return SYNTAX(d, "more than %d transforms in the message",
			      IKEV2_MAX_TRANSFORMS_TOTAL);
	t = &m->xf[m->n_xf++];
	memset(t, 0, sizeof(*t));
	t->type = type;
	t->id = id;
	*last = more == 0;
	return dec_attrs(d, &body, t);
}

static enum ikev2_err_code check_spi_size(struct dec *d, uint8_t proto, uint8_t size)
{
	switch (proto) {
	case IKEV2_PROTO_IKE:
		if (size == 0 || size == IKEV2_SPI_SIZE)
			return IKEV2_OK;
		break;
	case IKEV2_PROTO_AH:
	case IKEV2_PROTO_ESP:
		if (size == 4)
			return IKEV2_OK;
		break;
	default:
		return IKEV2_OK; /* unknown protocols: the proposal is not chosen */
	}
	return SYNTAX(d, "SPI size %u for protocol %u", size, proto);
}

static enum ikev2_err_code dec_proposal(struct dec *d, struct rc_reader *r, uint8_t want_num,
					bool *last)
{
	struct ikev2_msg *m = d->m;
	uint8_t more, res, num, proto, spi_size, n_xf;
	uint16_t len;
	struct rc_reader body;
	struct ikev2_proposal *p;
	enum ikev2_err_code rc;
	bool xlast = false;

	if (!rc_get_u8(r, &more) || !rc_get_u8(r, &res) || !rc_get_u16(r, &len))
		return SYNTAX(d, "proposal header truncated");
	if (more != 0 && more != 2)
		return SYNTAX(d, "proposal marked %u, not 0 (last) or 2 (more)", more);
	if (len < 8 || !rc_get_sub(r, len - 4u, &body))
		return SYNTAX(d, "proposal length %u does not fit the SA payload", len);
	if (!rc_get_u8(&body, &num) || !rc_get_u8(&body, &proto) || !rc_get_u8(&body, &spi_size) ||
	    !rc_get_u8(&body, &n_xf))
		return SYNTAX(d, "proposal truncated");
	if (num != want_num)
		return SYNTAX(d, "proposal number %u where %u was due", num, want_num);
	if ((rc = check_spi_size(d, proto, spi_size)) != IKEV2_OK)
		return rc;
	if (n_xf == 0 || n_xf > IKEV2_MAX_TRANSFORMS)
		return SYNTAX(d, "proposal %u has %u transforms (1 to %d allowed)", num, n_xf,
			      IKEV2_MAX_TRANSFORMS);
	p = &m->prop[m->n_prop++];
	p->num = num;
	p->proto = proto;
	if (!get_span(&body, spi_size, &p->spi))
		return SYNTAX(d, "proposal %u SPI truncated", num);
	p->xf = &m->xf[m->n_xf];
	p->n_xf = n_xf;
	for (unsigned i = 0; i < n_xf; i++) {
		if (xlast)
			return SYNTAX(d, "proposal %u: transform after the last one", num);
		if ((rc = dec_transform(d, &body, &xlast)) != IKEV2_OK)
			return rc;
	}
	if (!xlast || !rc_reader_done(&body))
		return SYNTAX(d, "proposal %u: %u transforms announced, its length says otherwise",
			      num, n_xf);
	*last = more == 0;
	return IKEV2_OK;
}

static enum ikev2_err_code dec_sa(struct dec *d, struct rc_reader *r, struct ikev2_payload *pl)
{
	struct ikev2_msg *m = d->m;
	enum ikev2_err_code rc;
	bool last = false;

	pl->u.sa.prop = &m->prop[m->n_prop];
	while (!last) {
		if (rc_reader_remaining(r) == 0)
			return SYNTAX(d, "SA payload ends before its last proposal");
		if (pl->u.sa.n_prop >= IKEV2_MAX_PROPOSALS || m->n_prop >= IKEV2_MAX_PROPOSALS)
			return SYNTAX(d, "more than %d proposals", IKEV2_MAX_PROPOSALS);
		rc = dec_proposal(d, r, (uint8_t)(pl->u.sa.n_prop + 1), &last);
		if (rc != IKEV2_OK)
			return rc;
		pl->u.sa.n_prop++;
	}
	if (!rc_reader_done(r))
		return SYNTAX(d, "bytes after the last proposal");
	return IKEV2_OK;
}

/* ---- simple payloads ---- */

static enum ikev2_err_code dec_ke(struct dec *d, struct rc_reader *r, struct ikev2_payload *pl)
{
	if (!rc_get_u16(r, &pl->u.ke.group) || !rc_skip(r, 2))
		return SYNTAX(d, "KE payload truncated");
	pl->u.ke.data = rest(r);
	if (pl->u.ke.data.len == 0)
		return SYNTAX(d, "KE payload without key exchange data");
	return IKEV2_OK;
}

static enum ikev2_err_code dec_id(struct dec *d, struct rc_reader *r, struct ikev2_payload *pl)
{
	if (!rc_get_u8(r, &pl->u.id.type) || !rc_skip(r, 3))
		return SYNTAX(d, "ID payload truncated");
	pl->u.id.data = rest(r);
	return IKEV2_OK;
}

static enum ikev2_err_code dec_cert(struct dec *d, struct rc_reader *r, struct ikev2_payload *pl)
{
	if (!rc_get_u8(r, &pl->u.cert.encoding))
		return SYNTAX(d, "certificate payload without its encoding");
	pl->u.cert.data = rest(r);
	return IKEV2_OK;
}

/* RFC 7427 §3: a length byte, the DER AlgorithmIdentifier, the signature */
static enum ikev2_err_code dec_digital_sig(struct dec *d, struct ikev2_auth *a)
{
	struct rc_reader r;
	uint8_t alen;

	rc_reader_init(&r, a->data.p, a->data.len);
	if (!rc_get_u8(&r, &alen) || alen == 0 || !get_span(&r, alen, &a->sig_alg))
		return SYNTAX(d, "signature AlgorithmIdentifier does not fit the AUTH payload");
	a->sig = rest(&r);
	if (a->sig.len == 0)
		return SYNTAX(d, "AUTH payload without a signature");
	return IKEV2_OK;
}

static enum ikev2_err_code dec_auth(struct dec *d, struct rc_reader *r, struct ikev2_payload *pl)
{
	struct ikev2_auth *a = &pl->u.auth;

	if (!rc_get_u8(r, &a->method) || !rc_skip(r, 3))
		return SYNTAX(d, "AUTH payload truncated");
	a->data = rest(r);
	if (a->data.len == 0)
		return SYNTAX(d, "AUTH payload without authentication data");
	if (a->method == IKEV2_AUTH_DIGITAL_SIG)
		return dec_digital_sig(d, a);
	return IKEV2_OK;
}

static enum ikev2_err_code dec_nonce(struct dec *d, struct rc_reader *r, struct ikev2_payload *pl)
{
	pl->u.nonce = rest(r);
	if (pl->u.nonce.len < IKEV2_NONCE_MIN || pl->u.nonce.len > IKEV2_NONCE_MAX)
		return SYNTAX(d, "nonce of %zu bytes (%d to %d allowed)", pl->u.nonce.len,
			      IKEV2_NONCE_MIN, IKEV2_NONCE_MAX);
	return IKEV2_OK;
}

/* Notify data whose size RFC 7296 (and RFC 7427 §4) fixes; the others
 * are the exchange layer's business. */
static enum ikev2_err_code check_notify(struct dec *d, const struct ikev2_notify *n)
{
	size_t len = n->data.len;
	bool ok = true;

	switch (n->type) {
	case IKEV2_N_NAT_DETECTION_SOURCE_IP:
	case IKEV2_N_NAT_DETECTION_DESTINATION_IP:
		ok = len == 20; /* a SHA-1 hash */
		break;
	case IKEV2_N_COOKIE:
		ok = len >= 1 && len <= 64;
		break;
	case IKEV2_N_INVALID_KE_PAYLOAD:
		ok = len == 2;
		break;
	case IKEV2_N_SET_WINDOW_SIZE:
		ok = len == 4;
		break;
	case IKEV2_N_SIGNATURE_HASH_ALGORITHMS:
		ok = len >= 2 && len % 2 == 0;
		break;
	case IKEV2_N_REKEY_SA:
		if (n->spi.len != 4)
			return SYNTAX(d, "REKEY_SA notify without a 4-byte SPI");
		break;
	default:
		break;
	}
	if (!ok)
		return SYNTAX(d, "%s notify with %zu bytes of data", ikev2_notify_name(n->type),
			      len);
	return IKEV2_OK;
}

static enum ikev2_err_code dec_notify(struct dec *d, struct rc_reader *r, struct ikev2_payload *pl)
{
	struct ikev2_notify *n = &pl->u.notify;
	uint8_t spi_size;

	if (++d->m->n_notify > IKEV2_MAX_NOTIFIES)
		return SYNTAX(d, "more than %d notify payloads", IKEV2_MAX_NOTIFIES);
	if (!rc_get_u8(r, &n->proto) || !rc_get_u8(r, &spi_size) || !rc_get_u16(r, &n->type))
		return SYNTAX(d, "notify payload truncated");
	if (!get_span(r, spi_size, &n->spi))
		return SYNTAX(d, "notify SPI of %u bytes does not fit", spi_size);
	n->data = rest(r);
	return check_notify(d, n);
}

static enum ikev2_err_code dec_delete(struct dec *d, struct rc_reader *r, struct ikev2_payload *pl)
{
	struct ikev2_delete *del = &pl->u.del;

	if (!rc_get_u8(r, &del->proto) || !rc_get_u8(r, &del->spi_size) ||
	    !rc_get_u16(r, &del->n_spi))
		return SYNTAX(d, "delete payload truncated");
	if (del->proto == IKEV2_PROTO_IKE && (del->spi_size != 0 || del->n_spi != 0))
		return SYNTAX(d, "IKE SA delete with SPIs");
	if ((del->proto == IKEV2_PROTO_AH || del->proto == IKEV2_PROTO_ESP) &&
	    (del->spi_size != 4 || del->n_spi == 0))
		return SYNTAX(d, "child SA delete needs 4-byte SPIs");
	if (del->proto != IKEV2_PROTO_IKE && del->proto != IKEV2_PROTO_AH &&
	    del->proto != IKEV2_PROTO_ESP)
		return SYNTAX(d, "delete for protocol %u", del->proto);
	del->spis = rest(r);
	if (del->spis.len != (size_t)del->n_spi * del->spi_size)
		return SYNTAX(d, "delete announces %u SPIs of %u bytes but carries %zu bytes",
			      del->n_spi, del->spi_size, del->spis.len);
	return IKEV2_OK;
}

static enum ikev2_err_code dec_vendor(struct dec *d, struct rc_reader *r, struct ikev2_payload *pl)
{
	pl->u.vendor = rest(r);
	return IKEV2_OK;
}

static enum ikev2_err_code dec_eap(struct dec *d, struct rc_reader *r, struct ikev2_payload *pl)
{
	struct rc_reader peek = *r;
	uint16_t eap_len;

	/* code, identifier, then the EAP length that must cover the payload */
	if (!rc_skip(&peek, 2) || !rc_get_u16(&peek, &eap_len))
		return SYNTAX(d, "EAP message truncated");
	if (eap_len != rc_reader_remaining(r))
		return SYNTAX(d, "EAP length %u but %zu bytes in the payload", eap_len,
			      rc_reader_remaining(r));
	pl->u.eap = rest(r);
	return IKEV2_OK;
}

/* ---- traffic selectors (RFC 7296 §3.13) ---- */

static enum ikev2_err_code dec_one_ts(struct dec *d, struct rc_reader *r, struct ikev2_ts *ts)
{
	uint16_t len;
	struct rc_reader body;
	size_t alen;

	memset(ts, 0, sizeof(*ts));
	if (!rc_get_u8(r, &ts->type) || !rc_get_u8(r, &ts->ip_proto) || !rc_get_u16(r, &len))
		return SYNTAX(d, "traffic selector truncated");
	if (len < 8 || !rc_get_sub(r, len - 4u, &body))
		return SYNTAX(d, "traffic selector length %u does not fit", len);
	if (!rc_get_u16(&body, &ts->start_port) || !rc_get_u16(&body, &ts->end_port))
		return SYNTAX(d, "traffic selector truncated");
	switch (ts->type) {
	case IKEV2_TS_IPV4_ADDR_RANGE:
		alen = 4;
		break;
	case IKEV2_TS_IPV6_ADDR_RANGE:
		alen = 16;
		break;
	default:
		/* an unknown type is kept so the responder can skip it */
		ts->raw = rest(&body);
		return IKEV2_OK;
	}
	if (rc_reader_remaining(&body) != 2 * alen)
		return SYNTAX(d, "traffic selector of type %u with length %u", ts->type, len);
	if (!rc_get_bytes(&body, ts->start, alen) || !rc_get_bytes(&body, ts->end, alen))
		return SYNTAX(d, "traffic selector truncated");
	return IKEV2_OK;
}

static enum ikev2_err_code dec_ts(struct dec *d, struct rc_reader *r, struct ikev2_payload *pl)
{
	struct ikev2_msg *m = d->m;
	uint8_t n;
	enum ikev2_err_code rc;

	if (!rc_get_u8(r, &n) || !rc_skip(r, 3))
		return SYNTAX(d, "traffic selector payload truncated");
	if (n == 0 || n > IKEV2_MAX_TS)
		return SYNTAX(d, "%u traffic selectors (1 to %d allowed)", n, IKEV2_MAX_TS);
	if (m->n_ts + n > 2 * IKEV2_MAX_TS)
		return SYNTAX(d, "too many traffic selectors");
	pl->u.ts.ts = &m->ts[m->n_ts];
	for (unsigned i = 0; i < n; i++) {
		if ((rc = dec_one_ts(d, r, &m->ts[m->n_ts])) != IKEV2_OK)
			return rc;
		m->n_ts++;
		pl->u.ts.n_ts++;
	}
	if (!rc_reader_done(r))
		return SYNTAX(d, "%u traffic selectors announced, more bytes follow", n);
	return IKEV2_OK;
}

/* ---- configuration (RFC 7296 §3.15, RFC 8598) ---- */

/* The lengths RFC 7296 §3.15.1 and RFC 8598 allow; -1: any, -2: a
 * multiple of 2, -3: 0 or at least 5 (DNSSEC trust anchor). */
static int cp_attr_len(uint16_t type)
{
	switch (type) {
	case IKEV2_CFG_INTERNAL_IP4_ADDRESS:
	case IKEV2_CFG_INTERNAL_IP4_NETMASK:
	case IKEV2_CFG_INTERNAL_IP4_DNS:
	case IKEV2_CFG_INTERNAL_IP4_NBNS:
	case IKEV2_CFG_INTERNAL_IP4_DHCP:
		return 4;
	case IKEV2_CFG_INTERNAL_IP6_ADDRESS:
	case IKEV2_CFG_INTERNAL_IP6_SUBNET:
		return 17;
	case IKEV2_CFG_INTERNAL_IP6_DNS:
	case IKEV2_CFG_INTERNAL_IP6_DHCP:
		return 16;
	case IKEV2_CFG_INTERNAL_IP4_SUBNET:
		return 8;
	case IKEV2_CFG_SUPPORTED_ATTRIBUTES:
		return -2;
	case IKEV2_CFG_INTERNAL_DNSSEC_TA:
		return -3;
	default:
		return -1;
	}
}

static bool cp_len_ok(uint16_t type, size_t len)
{
	int want = cp_attr_len(type);

	if (len == 0 || want == -1)
		return true; /* an empty value asks for one */
	if (want == -2)
		return len % 2 == 0;
	if (want == -3)
		return len >= 5;
	return len == (size_t)want;
}

static enum ikev2_err_code dec_cp(struct dec *d, struct rc_reader *r, struct ikev2_payload *pl)
{
	struct ikev2_msg *m = d->m;
	struct ikev2_cp *cp = &pl->u.cp;

	if (!rc_get_u8(r, &cp->cfg_type) || !rc_skip(r, 3))
		return SYNTAX(d, "configuration payload truncated");
	cp->attr = &m->cp_attr[m->n_cp_attr];
	while (rc_reader_remaining(r) > 0) {
		struct ikev2_cp_attr *a;
		uint16_t type, len;

		if (m->n_cp_attr >= IKEV2_MAX_CP_ATTRS)
			return SYNTAX(d, "more than %d configuration attributes",
				      IKEV2_MAX_CP_ATTRS);
		a = &m->cp_attr[m->n_cp_attr];
		if (!rc_get_u16(r, &type) || !rc_get_u16(r, &len) || !get_span(r, len, &a->value))
			return SYNTAX(d, "configuration attribute truncated");
		a->type = type & 0x7fff; /* the top bit is reserved */
		if (!cp_len_ok(a->type, len))
			return SYNTAX(d, "configuration attribute %u of %u bytes", a->type, len);
		m->n_cp_attr++;
		cp->n_attr++;
	}
	return IKEV2_OK;
}

/* ---- SK and SKF (opaque containers) ---- */

static enum ikev2_err_code dec_sk(struct dec *d, struct rc_reader *r, struct ikev2_payload *pl)
{
	pl->u.sk.body = rest(r);
	if (pl->u.sk.body.len == 0)
		return SYNTAX(d, "empty encrypted payload");
	return IKEV2_OK;
}

static enum ikev2_err_code dec_skf(struct dec *d, struct rc_reader *r, struct ikev2_payload *pl)
{
	struct ikev2_skf *f = &pl->u.skf;

	if (!rc_get_u16(r, &f->frag_num) || !rc_get_u16(r, &f->frag_total))
		return SYNTAX(d, "encrypted fragment truncated");
	if (f->frag_num == 0 || f->frag_total == 0 || f->frag_num > f->frag_total)
		return SYNTAX(d, "fragment %u of %u", f->frag_num, f->frag_total);
	/* RFC 7383 §2.5: only fragment 1 names the first inner payload; the
	 * field of the others is for the sender to clear, not for us to check */
	if (f->frag_num != 1)
		f->inner_first = IKEV2_PL_NONE;
	f->body = rest(r);
	if (f->body.len == 0)
		return SYNTAX(d, "empty encrypted fragment");
	return IKEV2_OK;
}

/* ---- the table and the chain ---- */

typedef enum ikev2_err_code (*dec_fn)(struct dec *d, struct rc_reader *r, struct ikev2_payload *pl);

struct pl_desc {
	uint8_t type;
	bool once; /* RFC 7296 allows at most one per message */
	dec_fn dec;
};

static const struct pl_desc pl_table[] = {
	{IKEV2_PL_SA, true, dec_sa},	      {IKEV2_PL_KE, true, dec_ke},
	{IKEV2_PL_IDI, true, dec_id},	      {IKEV2_PL_IDR, true, dec_id},
	{IKEV2_PL_CERT, false, dec_cert},     {IKEV2_PL_CERTREQ, false, dec_cert},
	{IKEV2_PL_AUTH, true, dec_auth},      {IKEV2_PL_NONCE, true, dec_nonce},
	{IKEV2_PL_NOTIFY, false, dec_notify}, {IKEV2_PL_DELETE, false, dec_delete},
	{IKEV2_PL_VENDOR, false, dec_vendor}, {IKEV2_PL_TSI, true, dec_ts},
	{IKEV2_PL_TSR, true, dec_ts},	      {IKEV2_PL_SK, true, dec_sk},
	{IKEV2_PL_CP, true, dec_cp},	      {IKEV2_PL_EAP, true, dec_eap},
	{IKEV2_PL_SKF, true, dec_skf},
};

static const struct pl_desc *pl_lookup(uint8_t type)
{
	for (size_t i = 0; i < sizeof(pl_table) / sizeof(pl_table[0]); i++)
		if (pl_table[i].type == type)
			return &pl_table[i];
	return NULL;
}

static bool is_container(uint8_t type)
{
	return type == IKEV2_PL_SK || type == IKEV2_PL_SKF;
}

static bool seen(const struct ikev2_msg *m, uint8_t type)
{
	for (size_t i = 0; i < m->n_pl; i++)
		if (m->pl[i].type == type)
			return true;
	return false;
}

/* One payload: generic header, then the body through its decoder. */
static enum ikev2_err_code dec_payload(struct dec *d, struct rc_reader *r, uint8_t type,
				       uint8_t *next)
{
	struct ikev2_msg *m = d->m;
	const struct pl_desc *desc = pl_lookup(type);
	struct ikev2_payload *pl;
	struct rc_reader body;
	uint8_t flags;
	uint16_t len;
	enum ikev2_err_code rc;

	d->type = type;
	set_offset(d, r);
	if (!rc_get_u8(r, next) || !rc_get_u8(r, &flags) || !rc_get_u16(r, &len))
		return SYNTAX(d, "payload header truncated");
	if (len < IKEV2_GEN_HDR_LEN || !rc_get_sub(r, len - IKEV2_GEN_HDR_LEN, &body))
		return SYNTAX(d, "payload length %u does not fit the message", len);
	if (!desc) {
		if (flags & IKEV2_CRITICAL)
			return fail(d, IKEV2_ERR_CRITICAL, "unsupported critical payload type %u",
				    type);
		m->n_unknown++;
		return IKEV2_OK;
	}
	if (desc->once && seen(m, type))
		return SYNTAX(d, "%s payload twice", ikev2_payload_name(type));
	if (m->n_pl >= IKEV2_MAX_PAYLOADS)
		return SYNTAX(d, "more than %d payloads", IKEV2_MAX_PAYLOADS);
	pl = &m->pl[m->n_pl];
	memset(pl, 0, sizeof(*pl));
	pl->type = type;
	pl->critical = flags & IKEV2_CRITICAL;
	pl->body.p = rc_reader_ptr(&body);
	pl->body.len = rc_reader_remaining(&body);
	if (type == IKEV2_PL_SK)
		pl->u.sk.inner_first = *next;
	else if (type == IKEV2_PL_SKF)
		pl->u.skf.inner_first = *next;
	if ((rc = desc->dec(d, &body, pl)) != IKEV2_OK)
		return rc;
	m->n_pl++;
	return IKEV2_OK;
}

static enum ikev2_err_code dec_chain(struct dec *d, struct rc_reader *r, uint8_t type, bool inner)
{
	enum ikev2_err_code rc;
	size_t hops = 0;

	while (type != IKEV2_PL_NONE) {
		uint8_t next;

		/* skipped unknown payloads count too: bounded work */
		if (++hops > 2 * IKEV2_MAX_PAYLOADS)
			return SYNTAX(d, "more than %d payloads", 2 * IKEV2_MAX_PAYLOADS);
		if (inner && is_container(type))
			return SYNTAX(d, "encrypted payload inside an encrypted payload");
		if ((rc = dec_payload(d, r, type, &next)) != IKEV2_OK)
			return rc;
		if (is_container(type)) {
			/* its next-payload field names the inner chain; it ends
			 * the message */
			if (!rc_reader_done(r))
				return SYNTAX(d, "payloads after the encrypted payload");
			return IKEV2_OK;
		}
		type = next;
	}
	d->type = IKEV2_PL_NONE;
	if (!rc_reader_done(r)) {
		set_offset(d, r);
		return SYNTAX(d, "%zu bytes after the last payload", rc_reader_remaining(r));
	}
	return IKEV2_OK;
}

static void reset_payloads(struct ikev2_msg *m)
{
	m->n_pl = m->n_unknown = m->n_prop = m->n_xf = m->n_ts = m->n_cp_attr = 0;
	m->n_notify = 0;
}

static void clear_err(struct ikev2_err *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

enum ikev2_err_code ikev2_decode_hdr(struct ikev2_hdr *h, const uint8_t *data, size_t len,
				     struct ikev2_err *err)
{
	struct dec d = {.err = err, .base = data};
	struct rc_reader r;

	clear_err(err);
	rc_reader_init(&r, data, len);
	if (!rc_get_u64(&r, &h->spi_i) || !rc_get_u64(&r, &h->spi_r) || !rc_get_u8(&r, &h->next) ||
	    !rc_get_u8(&r, &h->version) || !rc_get_u8(&r, &h->exchange) ||
	    !rc_get_u8(&r, &h->flags) || !rc_get_u32(&r, &h->msgid) || !rc_get_u32(&r, &h->length))
		return SYNTAX(&d, "IKE header truncated (%zu bytes)", len);
	/* a newer minor version is fine (RFC 7296 §2.5), a major one is not */
	if (h->version >> 4 != IKEV2_MAJOR_VERSION)
		return fail(&d, IKEV2_ERR_MAJOR_VERSION, "IKE major version %u", h->version >> 4);
	if (h->length != len)
		return SYNTAX(&d, "IKE header says %u bytes, the datagram has %zu", h->length, len);
	return IKEV2_OK;
}

enum ikev2_err_code ikev2_decode(struct ikev2_msg *m, const uint8_t *data, size_t len,
				 struct ikev2_err *err)
{
	struct dec d = {.m = m, .err = err, .base = data};
	struct rc_reader r;
	enum ikev2_err_code rc;

	reset_payloads(m);
	if ((rc = ikev2_decode_hdr(&m->hdr, data, len, err)) != IKEV2_OK)
		return rc;
	rc_reader_init(&r, data, len);
	if (!rc_skip(&r, IKEV2_HDR_LEN))
		return SYNTAX(&d, "IKE header truncated");
	return dec_chain(&d, &r, m->hdr.next, false);
}

enum ikev2_err_code ikev2_decode_inner(struct ikev2_msg *m, uint8_t first, const uint8_t *data,
				       size_t len, struct ikev2_err *err)
{
	struct dec d = {.m = m, .err = err, .base = data};
	struct rc_reader r;

	clear_err(err);
	reset_payloads(m);
	rc_reader_init(&r, data, len);
	return dec_chain(&d, &r, first, true);
}

const struct ikev2_payload *ikev2_next_of(const struct ikev2_msg *m, const struct ikev2_payload *p)
{
	for (size_t i = (size_t)(p - m->pl) + 1; i < m->n_pl; i++)
		if (m->pl[i].type == p->type)
			return &m->pl[i];
	return NULL;
}

const struct ikev2_payload *ikev2_find(const struct ikev2_msg *m, uint8_t type)
{
	for (size_t i = 0; i < m->n_pl; i++)
		if (m->pl[i].type == type)
			return &m->pl[i];
	return NULL;
}

const struct ikev2_notify *ikev2_find_notify(const struct ikev2_msg *m, uint16_t type)
{
	for (size_t i = 0; i < m->n_pl; i++)
		if (m->pl[i].type == IKEV2_PL_NOTIFY && m->pl[i].u.notify.type == type)
			return &m->pl[i].u.notify;
	return NULL;
}
