/* IKEv2 message encoder (see ikev2_msg.h).  Lengths that count their own
 * header (payloads, proposals, transforms, selectors) are written as zero
 * and patched when the structure is complete. */
#include <string.h>

#include "ikev2_msg.h"

#define NO_NP ((size_t)-1) /* SKF: no next-payload field to patch */

static bool patch_len16(struct rc_writer *w, size_t at)
{
	size_t len = rc_writer_len(w) - at;

	if (len > UINT16_MAX)
		return false;
	return rc_writer_patch_u16(w, at + 2, (uint16_t)len);
}

bool ikev2_enc_begin(struct ikev2_enc *e, struct rc_writer *w, const struct ikev2_hdr *h)
{
	memset(e, 0, sizeof(*e));
	e->w = w;
	e->start = rc_writer_len(w);
	e->np_at = e->start + 16;
	return rc_put_u64(w, h->spi_i) && rc_put_u64(w, h->spi_r) && rc_put_u8(w, IKEV2_PL_NONE) &&
	       rc_put_u8(w, h->version) && rc_put_u8(w, h->exchange) && rc_put_u8(w, h->flags) &&
	       rc_put_u32(w, h->msgid) && rc_put_u32(w, 0);
}

/* Link a new payload into the chain and write its generic header. */
static bool pl_open(struct ikev2_enc *e, uint8_t type, bool critical, size_t *at)
{
	struct rc_writer *w = e->w;

	if (e->done || e->bad || (e->in_sk && (type == IKEV2_PL_SK || type == IKEV2_PL_SKF)) ||
	    (e->in_sk && e->np_at == NO_NP)) {
		e->bad = true;
		return false;
	}
	if (!rc_writer_patch_u8(w, e->np_at, type))
		return false;
	*at = rc_writer_len(w);
	e->np_at = *at;
	return rc_put_u8(w, IKEV2_PL_NONE) && rc_put_u8(w, critical ? IKEV2_CRITICAL : 0) &&
	       rc_put_u16(w, 0);
}

static bool pl_close(struct ikev2_enc *e, size_t at)
{
	if (!patch_len16(e->w, at)) {
		e->bad = true;
		return false;
	}
	return true;
}

/* A failed payload leaves half its bytes behind: the message is lost. */
static bool sticky(struct ikev2_enc *e, bool ok)
{
	if (!ok)
		e->bad = true;
	return ok;
}

static bool put_span(struct rc_writer *w, struct ikev2_span s)
{
	return s.len == 0 || rc_put_bytes(w, s.p, s.len);
}

static bool enc_bytes(struct ikev2_enc *e, uint8_t type, bool crit, const uint8_t *p, size_t n)
{
	size_t at;

	return pl_open(e, type, crit, &at) && (n == 0 || rc_put_bytes(e->w, p, n)) &&
	       pl_close(e, at);
}

static bool enc_transform(struct rc_writer *w, const struct ikev2_transform *t, bool last)
{
	size_t at = rc_writer_len(w);

	if (!rc_put_u8(w, last ? 0 : 3) || !rc_put_u8(w, 0) || !rc_put_u16(w, 0) ||
	    !rc_put_u8(w, t->type) || !rc_put_u8(w, 0) || !rc_put_u16(w, t->id))
		return false;
	if (t->key_len &&
	    (!rc_put_u16(w, IKEV2_ATTR_TV | IKEV2_ATTR_KEY_LENGTH) || !rc_put_u16(w, t->key_len)))
		return false;
	return patch_len16(w, at);
}

static bool enc_proposal(struct rc_writer *w, const struct ikev2_proposal *p, bool last)
{
	size_t at = rc_writer_len(w);

	if (p->spi.len > UINT8_MAX || p->n_xf == 0)
		return false;
	if (!rc_put_u8(w, last ? 0 : 2) || !rc_put_u8(w, 0) || !rc_put_u16(w, 0) ||
	    !rc_put_u8(w, p->num) || !rc_put_u8(w, p->proto) ||
	    !rc_put_u8(w, (uint8_t)p->spi.len) || !rc_put_u8(w, p->n_xf) || !put_span(w, p->spi))
		return false;
	for (unsigned i = 0; i < p->n_xf; i++)
		if (!enc_transform(w, &p->xf[i], i + 1u == p->n_xf))
			return false;
	return patch_len16(w, at);
}

static bool enc_sa(struct ikev2_enc *e, bool crit, const struct ikev2_sa *sa)
{
	size_t at;

	if (sa->n_prop == 0 || !pl_open(e, IKEV2_PL_SA, crit, &at))
		return false;
	for (unsigned i = 0; i < sa->n_prop; i++)
		if (!enc_proposal(e->w, &sa->prop[i], i + 1u == sa->n_prop))
			return false;
	return pl_close(e, at);
}

bool ikev2_enc_sa(struct ikev2_enc *e, const struct ikev2_sa *sa)
{
	return sticky(e, enc_sa(e, false, sa));
}

static bool enc_ke(struct ikev2_enc *e, bool crit, const struct ikev2_ke *ke)
{
	size_t at;

	return pl_open(e, IKEV2_PL_KE, crit, &at) && rc_put_u16(e->w, ke->group) &&
	       rc_put_u16(e->w, 0) && put_span(e->w, ke->data) && pl_close(e, at);
}

bool ikev2_enc_ke(struct ikev2_enc *e, const struct ikev2_ke *ke)
{
	return sticky(e, enc_ke(e, false, ke));
}

static bool enc_id(struct ikev2_enc *e, uint8_t type, bool crit, const struct ikev2_id *id)
{
	size_t at;

	if (type != IKEV2_PL_IDI && type != IKEV2_PL_IDR)
		return false;
	return pl_open(e, type, crit, &at) && rc_put_u8(e->w, id->type) && rc_put_zeros(e->w, 3) &&
	       put_span(e->w, id->data) && pl_close(e, at);
}

bool ikev2_enc_id(struct ikev2_enc *e, uint8_t type, const struct ikev2_id *id)
{
	return sticky(e, enc_id(e, type, false, id));
}

static bool enc_cert(struct ikev2_enc *e, uint8_t type, bool crit, const struct ikev2_cert *c)
{
	size_t at;

	if (type != IKEV2_PL_CERT && type != IKEV2_PL_CERTREQ)
		return false;
	return pl_open(e, type, crit, &at) && rc_put_u8(e->w, c->encoding) &&
	       put_span(e->w, c->data) && pl_close(e, at);
}

bool ikev2_enc_cert(struct ikev2_enc *e, uint8_t type, const struct ikev2_cert *c)
{
	return sticky(e, enc_cert(e, type, false, c));
}

/* RFC 7427 signatures may be given as their two parts */
static bool put_auth_data(struct rc_writer *w, const struct ikev2_auth *a)
{
	if (a->data.len > 0 || a->method != IKEV2_AUTH_DIGITAL_SIG)
		return put_span(w, a->data);
	if (a->sig_alg.len == 0 || a->sig_alg.len > UINT8_MAX)
		return false;
	return rc_put_u8(w, (uint8_t)a->sig_alg.len) && put_span(w, a->sig_alg) &&
	       put_span(w, a->sig);
}

static bool enc_auth(struct ikev2_enc *e, bool crit, const struct ikev2_auth *a)
{
	size_t at;

	return pl_open(e, IKEV2_PL_AUTH, crit, &at) && rc_put_u8(e->w, a->method) &&
	       rc_put_zeros(e->w, 3) && put_auth_data(e->w, a) && pl_close(e, at);
}

bool ikev2_enc_auth(struct ikev2_enc *e, const struct ikev2_auth *a)
{
	return sticky(e, enc_auth(e, false, a));
}

bool ikev2_enc_nonce(struct ikev2_enc *e, const uint8_t *nonce, size_t len)
{
	return sticky(e, enc_bytes(e, IKEV2_PL_NONCE, false, nonce, len));
}

static bool enc_notify(struct ikev2_enc *e, bool crit, const struct ikev2_notify *n)
{
	size_t at;

	if (n->spi.len > UINT8_MAX)
		return false;
	return pl_open(e, IKEV2_PL_NOTIFY, crit, &at) && rc_put_u8(e->w, n->proto) &&
	       rc_put_u8(e->w, (uint8_t)n->spi.len) && rc_put_u16(e->w, n->type) &&
	       put_span(e->w, n->spi) && put_span(e->w, n->data) && pl_close(e, at);
}

bool ikev2_enc_notify(struct ikev2_enc *e, const struct ikev2_notify *n)
{
	return sticky(e, enc_notify(e, false, n));
}

static bool enc_delete(struct ikev2_enc *e, bool crit, const struct ikev2_delete *d)
{
	size_t at;

	if (d->spis.len != (size_t)d->n_spi * d->spi_size)
		return false;
	return pl_open(e, IKEV2_PL_DELETE, crit, &at) && rc_put_u8(e->w, d->proto) &&
	       rc_put_u8(e->w, d->spi_size) && rc_put_u16(e->w, d->n_spi) &&
	       put_span(e->w, d->spis) && pl_close(e, at);
}

bool ikev2_enc_delete(struct ikev2_enc *e, const struct ikev2_delete *d)
{
	return sticky(e, enc_delete(e, false, d));
}

bool ikev2_enc_vendor(struct ikev2_enc *e, const uint8_t *vid, size_t len)
{
	return sticky(e, enc_bytes(e, IKEV2_PL_VENDOR, false, vid, len));
}

static bool enc_one_ts(struct rc_writer *w, const struct ikev2_ts *ts)
{
	size_t at = rc_writer_len(w), alen = 0;

	if (ts->type == IKEV2_TS_IPV4_ADDR_RANGE)
		alen = 4;
	else if (ts->type == IKEV2_TS_IPV6_ADDR_RANGE)
		alen = 16;
	if (!rc_put_u8(w, ts->type) || !rc_put_u8(w, ts->ip_proto) || !rc_put_u16(w, 0) ||
	    !rc_put_u16(w, ts->start_port) || !rc_put_u16(w, ts->end_port))
		return false;
	if (alen == 0)
		return put_span(w, ts->raw) && patch_len16(w, at);
	return rc_put_bytes(w, ts->start, alen) && rc_put_bytes(w, ts->end, alen) &&
	       patch_len16(w, at);
}

static bool enc_ts(struct ikev2_enc *e, uint8_t type, bool crit, const struct ikev2_ts_set *set)
{
	size_t at;

	if ((type != IKEV2_PL_TSI && type != IKEV2_PL_TSR) || set->n_ts == 0 ||
	    !pl_open(e, type, crit, &at) || !rc_put_u8(e->w, set->n_ts) || !rc_put_zeros(e->w, 3))
		return false;
	for (unsigned i = 0; i < set->n_ts; i++)
		if (!enc_one_ts(e->w, &set->ts[i]))
			return false;
	return pl_close(e, at);
}

bool ikev2_enc_ts(struct ikev2_enc *e, uint8_t type, const struct ikev2_ts_set *ts)
{
	return sticky(e, enc_ts(e, type, false, ts));
}

static bool enc_cp(struct ikev2_enc *e, bool crit, const struct ikev2_cp *cp)
{
	size_t at;

	if (!pl_open(e, IKEV2_PL_CP, crit, &at) || !rc_put_u8(e->w, cp->cfg_type) ||
	    !rc_put_zeros(e->w, 3))
		return false;
	for (unsigned i = 0; i < cp->n_attr; i++) {
		const struct ikev2_cp_attr *a = &cp->attr[i];

		if (a->value.len > UINT16_MAX || !rc_put_u16(e->w, a->type & 0x7fff) ||
		    !rc_put_u16(e->w, (uint16_t)a->value.len) || !put_span(e->w, a->value))
			return false;
	}
	return pl_close(e, at);
}

bool ikev2_enc_cp(struct ikev2_enc *e, const struct ikev2_cp *cp)
{
	return sticky(e, enc_cp(e, false, cp));
}

bool ikev2_enc_eap(struct ikev2_enc *e, const uint8_t *eap, size_t len)
{
	return sticky(e, enc_bytes(e, IKEV2_PL_EAP, false, eap, len));
}

bool ikev2_enc_payload(struct ikev2_enc *e, const struct ikev2_payload *p)
{
	bool c = p->critical;

	switch (p->type) {
	case IKEV2_PL_SA:
		return sticky(e, enc_sa(e, c, &p->u.sa));
	case IKEV2_PL_KE:
		return sticky(e, enc_ke(e, c, &p->u.ke));
	case IKEV2_PL_IDI:
	case IKEV2_PL_IDR:
		return sticky(e, enc_id(e, p->type, c, &p->u.id));
	case IKEV2_PL_CERT:
	case IKEV2_PL_CERTREQ:
		return sticky(e, enc_cert(e, p->type, c, &p->u.cert));
	case IKEV2_PL_AUTH:
		return sticky(e, enc_auth(e, c, &p->u.auth));
	case IKEV2_PL_NOTIFY:
		return sticky(e, enc_notify(e, c, &p->u.notify));
	case IKEV2_PL_DELETE:
		return sticky(e, enc_delete(e, c, &p->u.del));
	case IKEV2_PL_TSI:
	case IKEV2_PL_TSR:
		return sticky(e, enc_ts(e, p->type, c, &p->u.ts));
	case IKEV2_PL_CP:
		return sticky(e, enc_cp(e, c, &p->u.cp));
	case IKEV2_PL_SK:
	case IKEV2_PL_SKF:
		return sticky(e, ikev2_enc_sk_raw(e, p));
	default:
		/* nonce, vendor ID, EAP and unknown types: the body as is */
		return sticky(e, enc_bytes(e, p->type, c, p->body.p, p->body.len));
	}
}

static bool container_open(struct ikev2_enc *e, uint8_t type, size_t *at)
{
	if (e->in_sk || !pl_open(e, type, false, at))
		return false;
	e->sk_at = *at;
	e->in_sk = true;
	return true;
}

bool ikev2_enc_sk_open(struct ikev2_enc *e, size_t iv_len)
{
	size_t at;

	if (!container_open(e, IKEV2_PL_SK, &at))
		return false;
	e->aad_end = rc_writer_len(e->w);
	if (!rc_put_zeros(e->w, iv_len))
		return false;
	e->sk_inner = rc_writer_len(e->w);
	return true;
}

bool ikev2_enc_skf_open(struct ikev2_enc *e, uint16_t frag_num, uint16_t frag_total,
			uint8_t inner_first, size_t iv_len)
{
	size_t at;

	if (frag_num == 0 || frag_num > frag_total || !container_open(e, IKEV2_PL_SKF, &at))
		return false;
	if (!rc_writer_patch_u8(e->w, at, frag_num == 1 ? inner_first : 0))
		return false;
	e->np_at = NO_NP;
	if (!rc_put_u16(e->w, frag_num) || !rc_put_u16(e->w, frag_total))
		return false;
	/* RFC 7383 §2.5.3: the fragment header is associated data too */
	e->aad_end = rc_writer_len(e->w);
	if (!rc_put_zeros(e->w, iv_len))
		return false;
	e->sk_inner = rc_writer_len(e->w);
	return true;
}

bool ikev2_enc_sk_plain(struct ikev2_enc *e, const uint8_t *data, size_t len)
{
	/* in an SK payload the inner chain is made of payloads, whose types
	 * the next-payload fields must name */
	if (!e->in_sk || e->np_at != NO_NP || e->bad) {
		e->bad = true;
		return false;
	}
	return len == 0 || rc_put_bytes(e->w, data, len);
}

size_t ikev2_enc_sk_inner_len(const struct ikev2_enc *e)
{
	return e->in_sk ? rc_writer_len(e->w) - e->sk_inner : 0;
}

static bool patch_msg_len(struct ikev2_enc *e)
{
	size_t len = rc_writer_len(e->w) - e->start;

	if (len > UINT32_MAX)
		return false;
	return rc_writer_patch_u32(e->w, e->start + 24, (uint32_t)len);
}

bool ikev2_enc_sk_close(struct ikev2_enc *e, size_t pad_len, size_t icv_len,
			struct ikev2_sk_layout *out)
{
	struct rc_writer *w = e->w;
	size_t plain_len;

	if (!e->in_sk || e->bad || pad_len > UINT8_MAX) {
		e->bad = true;
		return false;
	}
	plain_len = ikev2_enc_sk_inner_len(e) + pad_len + 1;
	if (!rc_put_zeros(w, pad_len) || !rc_put_u8(w, (uint8_t)pad_len) ||
	    !rc_put_zeros(w, icv_len) || !pl_close(e, e->sk_at) || !patch_msg_len(e))
		return false;
	e->in_sk = false;
	e->done = true;
	if (out) {
		out->aad_len = e->aad_end - e->start;
		out->iv_off = out->aad_len;
		out->iv_len = e->sk_inner - e->aad_end;
		out->plain_off = e->sk_inner - e->start;
		out->plain_len = plain_len;
		out->pad_len = pad_len;
		out->icv_off = out->plain_off + plain_len;
		out->icv_len = icv_len;
		out->msg_len = rc_writer_len(w) - e->start;
	}
	return true;
}

bool ikev2_enc_sk_raw(struct ikev2_enc *e, const struct ikev2_payload *p)
{
	size_t at;
	uint8_t inner = p->type == IKEV2_PL_SK ? p->u.sk.inner_first : p->u.skf.inner_first;

	if (p->type != IKEV2_PL_SK && p->type != IKEV2_PL_SKF)
		return false;
	if (e->in_sk || !pl_open(e, p->type, p->critical, &at) ||
	    !rc_writer_patch_u8(e->w, at, inner) || !put_span(e->w, p->body) || !pl_close(e, at))
		return false;
	e->done = true;
	return true;
}

bool ikev2_enc_end(struct ikev2_enc *e)
{
	if (e->in_sk || e->bad || !rc_writer_ok(e->w))
		return false;
	return patch_msg_len(e) && rc_writer_ok(e->w);
}
