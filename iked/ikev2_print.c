/* Debug text for IKEv2 messages: one line for the header and one per
 * payload, for the log at debug level. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ikev2_msg.h"

struct name {
	unsigned v;
	const char *s;
};

static const char *lookup(const struct name *t, size_t n, unsigned v)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].v == v)
			return t[i].s;
	return NULL;
}

#define LOOKUP(t, v) lookup((t), sizeof(t) / sizeof((t)[0]), (v))

static const struct name payload_names[] = {
	{IKEV2_PL_NONE, "none"},       {IKEV2_PL_SA, "SA"},	{IKEV2_PL_KE, "KE"},
	{IKEV2_PL_IDI, "IDi"},	       {IKEV2_PL_IDR, "IDr"},	{IKEV2_PL_CERT, "CERT"},
	{IKEV2_PL_CERTREQ, "CERTREQ"}, {IKEV2_PL_AUTH, "AUTH"}, {IKEV2_PL_NONCE, "Nonce"},
	{IKEV2_PL_NOTIFY, "N"},	       {IKEV2_PL_DELETE, "D"},	{IKEV2_PL_VENDOR, "V"},
	{IKEV2_PL_TSI, "TSi"},	       {IKEV2_PL_TSR, "TSr"},	{IKEV2_PL_SK, "SK"},
	{IKEV2_PL_CP, "CP"},	       {IKEV2_PL_EAP, "EAP"},	{IKEV2_PL_SKF, "SKF"},
};

static const struct name exchange_names[] = {
	{IKEV2_EXCH_IKE_SA_INIT, "IKE_SA_INIT"},
	{IKEV2_EXCH_IKE_AUTH, "IKE_AUTH"},
	{IKEV2_EXCH_CREATE_CHILD_SA, "CREATE_CHILD_SA"},
	{IKEV2_EXCH_INFORMATIONAL, "INFORMATIONAL"},
	{IKEV2_EXCH_IKE_SESSION_RESUME, "IKE_SESSION_RESUME"},
	{IKEV2_EXCH_IKE_INTERMEDIATE, "IKE_INTERMEDIATE"},
};

#define N(x)                                                                                       \
	{                                                                                          \
		IKEV2_N_##x, #x                                                                    \
	}
static const struct name notify_names[] = {
	N(UNSUPPORTED_CRITICAL_PAYLOAD),
	N(INVALID_IKE_SPI),
	N(INVALID_MAJOR_VERSION),
	N(INVALID_SYNTAX),
	N(INVALID_MESSAGE_ID),
	N(INVALID_SPI),
	N(NO_PROPOSAL_CHOSEN),
	N(INVALID_KE_PAYLOAD),
	N(AUTHENTICATION_FAILED),
	N(SINGLE_PAIR_REQUIRED),
	N(NO_ADDITIONAL_SAS),
	N(INTERNAL_ADDRESS_FAILURE),
	N(FAILED_CP_REQUIRED),
	N(TS_UNACCEPTABLE),
	N(INVALID_SELECTORS),
	N(TEMPORARY_FAILURE),
	N(CHILD_SA_NOT_FOUND),
	N(INITIAL_CONTACT),
	N(SET_WINDOW_SIZE),
	N(ADDITIONAL_TS_POSSIBLE),
	N(IPCOMP_SUPPORTED),
	N(NAT_DETECTION_SOURCE_IP),
	N(NAT_DETECTION_DESTINATION_IP),
	N(COOKIE),
	N(USE_TRANSPORT_MODE),
	N(HTTP_CERT_LOOKUP_SUPPORTED),
	N(REKEY_SA),
	N(ESP_TFC_PADDING_NOT_SUPPORTED),
	N(NON_FIRST_FRAGMENTS_ALSO),
	N(MOBIKE_SUPPORTED),
	N(MULTIPLE_AUTH_SUPPORTED),
	N(ANOTHER_AUTH_FOLLOWS),
	N(REDIRECT_SUPPORTED),
	N(IKEV2_FRAGMENTATION_SUPPORTED),
	N(SIGNATURE_HASH_ALGORITHMS),
};
#undef N

static const struct name proto_names[] = {
	{IKEV2_PROTO_NONE, "none"},
	{IKEV2_PROTO_IKE, "IKE"},
	{IKEV2_PROTO_AH, "AH"},
	{IKEV2_PROTO_ESP, "ESP"},
};

static const struct name xf_type_names[] = {
	{IKEV2_TRANS_ENCR, "ENCR"}, {IKEV2_TRANS_PRF, "PRF"}, {IKEV2_TRANS_INTEG, "INTEG"},
	{IKEV2_TRANS_DH, "KE"},	    {IKEV2_TRANS_ESN, "ESN"},
};

static const char *or_unknown(const char *s)
{
	return s ? s : "?";
}

const char *ikev2_payload_name(uint8_t type)
{
	return or_unknown(LOOKUP(payload_names, type));
}

const char *ikev2_exchange_name(uint8_t exch)
{
	return or_unknown(LOOKUP(exchange_names, exch));
}

const char *ikev2_notify_name(uint16_t type)
{
	return or_unknown(LOOKUP(notify_names, type));
}

const char *ikev2_proto_name(uint8_t proto)
{
	return or_unknown(LOOKUP(proto_names, proto));
}

const char *ikev2_transform_type_name(uint8_t type)
{
	return or_unknown(LOOKUP(xf_type_names, type));
}

/* A bounded string builder: snprintf's return value tells what it wanted,
 * the position is clamped so the next append cannot run past the end. */
struct sb {
	char *buf;
	size_t len, pos;
};

__attribute__((format(printf, 2, 3))) static void add(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	size_t room = b->pos < b->len ? b->len - b->pos : 0;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? b->buf + b->pos : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->pos += (size_t)n;
}

static void add_hex(struct sb *b, struct ikev2_span s, size_t max)
{
	for (size_t i = 0; i < s.len && i < max; i++)
		add(b, "%02x", s.p[i]);
	if (s.len > max)
		add(b, "..");
}

static void add_sa(struct sb *b, const struct ikev2_sa *sa)
{
	for (unsigned i = 0; i < sa->n_prop; i++) {
		const struct ikev2_proposal *p = &sa->prop[i];

		add(b, " #%u %s", p->num, ikev2_proto_name(p->proto));
		if (p->spi.len) {
			add(b, " spi=");
			add_hex(b, p->spi, 8);
		}
		for (unsigned j = 0; j < p->n_xf; j++) {
			const struct ikev2_transform *t = &p->xf[j];

			add(b, "%s%s=%u", j ? "," : " ", ikev2_transform_type_name(t->type), t->id);
			if (t->key_len)
				add(b, "/%u", t->key_len);
		}
	}
}

static void add_addr(struct sb *b, uint8_t type, const uint8_t *a)
{
	char s[INET6_ADDRSTRLEN];
	int af = type == IKEV2_TS_IPV4_ADDR_RANGE ? AF_INET : AF_INET6;

	add(b, "%s", inet_ntop(af, a, s, sizeof(s)) ? s : "?");
}

static void add_ts(struct sb *b, const struct ikev2_ts_set *set)
{
	for (unsigned i = 0; i < set->n_ts; i++) {
		const struct ikev2_ts *t = &set->ts[i];

		if (t->type != IKEV2_TS_IPV4_ADDR_RANGE && t->type != IKEV2_TS_IPV6_ADDR_RANGE) {
			add(b, " type%u", t->type);
			continue;
		}
		add(b, " ");
		add_addr(b, t->type, t->start);
		add(b, "-");
		add_addr(b, t->type, t->end);
		add(b, " proto %u port %u-%u", t->ip_proto, t->start_port, t->end_port);
	}
}

static void add_body(struct sb *b, const struct ikev2_payload *p)
{
	switch (p->type) {
	case IKEV2_PL_SA:
		add_sa(b, &p->u.sa);
		break;
	case IKEV2_PL_KE:
		add(b, " group %u, %zu bytes", p->u.ke.group, p->u.ke.data.len);
		break;
	case IKEV2_PL_IDI:
	case IKEV2_PL_IDR:
		add(b, " type %u, %zu bytes", p->u.id.type, p->u.id.data.len);
		break;
	case IKEV2_PL_CERT:
	case IKEV2_PL_CERTREQ:
		add(b, " encoding %u, %zu bytes", p->u.cert.encoding, p->u.cert.data.len);
		break;
	case IKEV2_PL_AUTH:
		add(b, " method %u, %zu bytes", p->u.auth.method, p->u.auth.data.len);
		break;
	case IKEV2_PL_NOTIFY:
		add(b, " %s (%u) %s, %zu bytes", ikev2_notify_name(p->u.notify.type),
		    p->u.notify.type, ikev2_proto_name(p->u.notify.proto), p->u.notify.data.len);
		break;
	case IKEV2_PL_DELETE:
		add(b, " %s, %u SPIs", ikev2_proto_name(p->u.del.proto), p->u.del.n_spi);
		break;
	case IKEV2_PL_TSI:
	case IKEV2_PL_TSR:
		add_ts(b, &p->u.ts);
		break;
	case IKEV2_PL_SK:
		add(b, " first %s, %zu bytes", ikev2_payload_name(p->u.sk.inner_first),
		    p->u.sk.body.len);
		break;
	case IKEV2_PL_SKF:
		add(b, " %u/%u, first %s, %zu bytes", p->u.skf.frag_num, p->u.skf.frag_total,
		    ikev2_payload_name(p->u.skf.inner_first), p->u.skf.body.len);
		break;
	case IKEV2_PL_CP:
		add(b, " type %u, %u attributes", p->u.cp.cfg_type, p->u.cp.n_attr);
		break;
	default:
		add(b, " %zu bytes", p->body.len);
		break;
	}
}

size_t ikev2_payload_str(const struct ikev2_payload *p, char *buf, size_t len)
{
	struct sb b = {buf, len, 0};

	if (len)
		buf[0] = '\0';
	add(&b, "%s%s", ikev2_payload_name(p->type), p->critical ? "!" : "");
	add_body(&b, p);
	return b.pos;
}

size_t ikev2_hdr_str(const struct ikev2_hdr *h, char *buf, size_t len)
{
	struct sb b = {buf, len, 0};

	if (len)
		buf[0] = '\0';
	add(&b, "%s %s%s%s id %" PRIu32 " spi %016" PRIx64 "/%016" PRIx64 " len %" PRIu32,
	    ikev2_exchange_name(h->exchange),
	    h->flags & IKEV2_FLAG_RESPONSE ? "response" : "request",
	    h->flags & IKEV2_FLAG_INITIATOR ? " from initiator" : "",
	    h->flags & IKEV2_FLAG_VERSION ? " V" : "", h->msgid, h->spi_i, h->spi_r, h->length);
	return b.pos;
}

void ikev2_msg_print(const struct ikev2_msg *m, void (*line)(void *ctx, const char *s), void *ctx)
{
	char buf[512];

	ikev2_hdr_str(&m->hdr, buf, sizeof(buf));
	line(ctx, buf);
	for (size_t i = 0; i < m->n_pl; i++) {
		ikev2_payload_str(&m->pl[i], buf, sizeof(buf));
		line(ctx, buf);
	}
}
