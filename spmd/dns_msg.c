/* DNS message codec on bytebuf (see dns_msg.h). */
#include "dns_msg.h"

#include <ctype.h>
#include <string.h>
#include <sys/socket.h>

#include "bytebuf.h"

#define DNS_PTR_MASK 0xc0
#define DNS_MAX_CNAME_HOPS 8

const char *dns_strerror(enum dns_err e)
{
	switch (e) {
	case DNS_OK:
		return "no error";
	case DNS_ETRUNC:
		return "message truncated";
	case DNS_ENAME:
		return "malformed name";
	case DNS_EPTR:
		return "bad compression pointer";
	case DNS_ECOUNT:
		return "too many questions";
	case DNS_ERDATA:
		return "bad record data length";
	}
	return "unknown error";
}

/* Append one label as text; labels with a '.' or odd bytes are kept as
 * they are except for case, which is enough to compare names we built. */
static enum dns_err put_label(char *out, size_t outlen, size_t *pos, const uint8_t *lab, uint8_t n)
{
	/* label + '.' + NUL; a name is at most DNS_NAME_MAX text bytes */
	if (*pos + n + 1 > DNS_NAME_MAX || *pos + n + 2 > outlen)
		return DNS_ENAME;
	for (uint8_t i = 0; i < n; i++)
		out[(*pos)++] = (char)tolower(lab[i]);
	out[(*pos)++] = '.';
	out[*pos] = '\0';
	return DNS_OK;
}

/* Labels are read through a second reader `cur` that jumps on pointers;
 * the caller's reader only moves past the name's bytes in place.  A pointer
 * must point strictly before the pointer itself and before the previous
 * jump target, so every jump goes backwards and the walk ends. */
enum dns_err dns_read_name(const uint8_t *msg, size_t msglen, struct rc_reader *r, char *out,
			   size_t outlen)
{
	struct rc_reader cur = *r;
	size_t pos = 0, limit = (size_t)(rc_reader_ptr(r) - msg);
	bool jumped = false;

	if (outlen < 2)
		return DNS_ENAME;
	out[0] = '\0';
	for (;;) {
		size_t here = (size_t)(rc_reader_ptr(&cur) - msg);
		uint8_t len;

		if (!rc_get_u8(&cur, &len))
			return DNS_ETRUNC;
		if ((len & DNS_PTR_MASK) == DNS_PTR_MASK) {
			uint8_t lo;
			if (!rc_get_u8(&cur, &lo))
				return DNS_ETRUNC;
			size_t target = ((size_t)(len & 0x3f) << 8) | lo;
			if (target >= here || target >= limit || target >= msglen)
				return DNS_EPTR;
			if (!jumped)
				*r = cur;
			jumped = true;
			limit = target;
			rc_reader_init(&cur, msg + target, msglen - target);
			continue;
		}
		if (len & DNS_PTR_MASK)
			return DNS_ENAME; /* 0x40/0x80: extended label types, obsolete */
		if (len == 0)
			break;
		const uint8_t *lab;
		if (!rc_get_span(&cur, &lab, len))
			return DNS_ETRUNC;
		enum dns_err e = put_label(out, outlen, &pos, lab, len);
		if (e != DNS_OK)
			return e;
	}
	if (!jumped)
		*r = cur;
	if (pos == 0) {
		out[0] = '.';
		out[1] = '\0';
	}
	return DNS_OK;
}

static enum dns_err parse_question(const uint8_t *msg, size_t len, struct rc_reader *r,
				   struct dns_question *q)
{
	enum dns_err e = dns_read_name(msg, len, r, q->name, sizeof(q->name));
	if (e != DNS_OK)
		return e;
	if (!rc_get_u16(r, &q->qtype) || !rc_get_u16(r, &q->qclass))
		return DNS_ETRUNC;
	return DNS_OK;
}

static enum dns_err parse_rdata(const uint8_t *msg, size_t len, struct rc_reader *rd,
				struct dns_rr *rr)
{
	size_t n = rc_reader_remaining(rd);

	if (rr->rclass != DNS_CLASS_IN)
		return DNS_OK;
	switch (rr->type) {
	case DNS_TYPE_A:
		if (n != 4)
			return DNS_ERDATA;
		rr->addr.family = AF_INET;
		rr->addr.prefixlen = 32;
		return rc_get_bytes(rd, &rr->addr.u.v4, 4) ? DNS_OK : DNS_ETRUNC;
	case DNS_TYPE_AAAA:
		if (n != 16)
			return DNS_ERDATA;
		rr->addr.family = AF_INET6;
		rr->addr.prefixlen = 128;
		return rc_get_bytes(rd, &rr->addr.u.v6, 16) ? DNS_OK : DNS_ETRUNC;
	case DNS_TYPE_CNAME: {
		/* the name may point back into the message, so read it
		 * against the whole message, then insist it filled rdata */
		enum dns_err e = dns_read_name(msg, len, rd, rr->target, sizeof(rr->target));
		if (e != DNS_OK)
			return e;
		return rc_reader_done(rd) ? DNS_OK : DNS_ERDATA;
	}
	default:
		return DNS_OK;
	}
}

static enum dns_err parse_rr(const uint8_t *msg, size_t len, struct rc_reader *r, struct dns_rr *rr)
{
	struct rc_reader rd;
	enum dns_err e;

	memset(rr, 0, sizeof(*rr));
	e = dns_read_name(msg, len, r, rr->name, sizeof(rr->name));
	if (e != DNS_OK)
		return e;
	if (!rc_get_u16(r, &rr->type) || !rc_get_u16(r, &rr->rclass) || !rc_get_u32(r, &rr->ttl) ||
	    !rc_get_sub_u16(r, &rd))
		return DNS_ETRUNC;
	if (rr->ttl > 0x7fffffffu)
		rr->ttl = 0; /* RFC 2181 §8: treat as zero */
	return parse_rdata(msg, len, &rd, rr);
}

enum dns_err dns_parse(const uint8_t *msg, size_t len, struct dns_msg *out)
{
	struct rc_reader r;

	memset(out, 0, sizeof(*out));
	rc_reader_init(&r, msg, len);
	if (!rc_get_u16(&r, &out->id) || !rc_get_u16(&r, &out->flags) ||
	    !rc_get_u16(&r, &out->qdcount) || !rc_get_u16(&r, &out->ancount) ||
	    !rc_get_u16(&r, &out->nscount) || !rc_get_u16(&r, &out->arcount))
		return DNS_ETRUNC;
	if (out->qdcount > DNS_MAX_QUESTIONS)
		return DNS_ECOUNT;
	for (size_t i = 0; i < out->qdcount; i++) {
		enum dns_err e = parse_question(msg, len, &r, &out->q[i]);
		if (e != DNS_OK)
			return e;
		out->nq++;
	}
	for (size_t i = 0; i < out->ancount; i++) {
		struct dns_rr tmp, *rr = i < DNS_MAX_ANSWERS ? &out->an[i] : &tmp;
		enum dns_err e = parse_rr(msg, len, &r, rr);
		if (e != DNS_OK)
			return e;
		if (i < DNS_MAX_ANSWERS)
			out->nan++;
	}
	return DNS_OK;
}

bool dns_put_name(struct rc_writer *w, const char *name)
{
	size_t total = strlen(name);

	if (total == 0 || total > DNS_NAME_MAX)
		return false;
	if (strcmp(name, ".") == 0)
		return rc_put_u8(w, 0);
	while (*name) {
		const char *dot = strchr(name, '.');
		size_t n = dot ? (size_t)(dot - name) : strlen(name);
		if (n == 0 || n > 63)
			return false;
		if (!rc_put_u8(w, (uint8_t)n) || !rc_put_bytes(w, name, n))
			return false;
		name += n;
		if (*name == '.')
			name++;
	}
	return rc_put_u8(w, 0);
}

bool dns_build_query(struct rc_writer *w, uint16_t id, const char *name, uint16_t qtype)
{
	return rc_put_u16(w, id) && rc_put_u16(w, 0x0100 /* RD */) && rc_put_u16(w, 1) &&
	       rc_put_u16(w, 0) && rc_put_u16(w, 0) && rc_put_u16(w, 0) && dns_put_name(w, name) &&
	       rc_put_u16(w, qtype) && rc_put_u16(w, DNS_CLASS_IN);
}

size_t dns_answer_addrs(const struct dns_msg *m, const char *qname, int family, struct rc_addr *out,
			size_t max, uint32_t *ttl)
{
	uint16_t want = family == AF_INET ? DNS_TYPE_A : DNS_TYPE_AAAA;
	const char *name = qname;
	uint32_t minttl = UINT32_MAX;
	size_t n = 0;

	for (int hop = 0; hop <= DNS_MAX_CNAME_HOPS; hop++) {
		const char *next = NULL;
		for (size_t i = 0; i < m->nan; i++) {
			const struct dns_rr *rr = &m->an[i];
			if (rr->rclass != DNS_CLASS_IN || strcmp(rr->name, name) != 0)
				continue;
			if (rr->type == DNS_TYPE_CNAME && !next) {
				next = rr->target;
				if (rr->ttl < minttl)
					minttl = rr->ttl;
			} else if (rr->type == want && n < max) {
				out[n++] = rr->addr;
				if (rr->ttl < minttl)
					minttl = rr->ttl;
			}
		}
		if (n > 0 || !next)
			break;
		name = next;
	}
	*ttl = minttl == UINT32_MAX ? 0 : minttl;
	return n;
}
