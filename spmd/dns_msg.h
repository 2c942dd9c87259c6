/* DNS messages (RFC 1035) for the resolver's proxy: parse the header, the
 * questions and the answer section of a query or a reply; build a query.
 *
 * Parsing is checked end to end on lib/bytebuf.h: every length is checked,
 * a compression pointer must point strictly before the name that uses it
 * (so chains cannot loop) and a name is at most 255 bytes; a message that
 * breaks any rule is rejected whole.  Only what the proxy needs is kept;
 * authority and additional records are not parsed (the proxy relays the
 * bytes unchanged). */
#ifndef SPMD_DNS_MSG_H
#define SPMD_DNS_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

struct rc_reader;
struct rc_writer;

#define DNS_NAME_MAX 255 /* text form with the trailing '.' */
#define DNS_HDR_LEN 12
#define DNS_MAX_QUESTIONS 4
#define DNS_MAX_ANSWERS 64

#define DNS_TYPE_A 1
#define DNS_TYPE_CNAME 5
#define DNS_TYPE_AAAA 28
#define DNS_CLASS_IN 1

#define DNS_FLAG_QR 0x8000
#define DNS_FLAG_TC 0x0200
#define DNS_RCODE(flags) ((flags)&0x000f)

struct dns_question {
	char name[DNS_NAME_MAX + 1]; /* lower case, trailing '.' */
	uint16_t qtype, qclass;
};

struct dns_rr {
	char name[DNS_NAME_MAX + 1];
	uint16_t type, rclass;
	uint32_t ttl;
	/* A / AAAA: the address; CNAME: the target name */
	struct rc_addr addr;
	char target[DNS_NAME_MAX + 1];
};

struct dns_msg {
	uint16_t id, flags;
	uint16_t qdcount, ancount, nscount, arcount; /* as in the header */
	size_t nq, nan; /* parsed (answers beyond DNS_MAX_ANSWERS are skipped) */
	struct dns_question q[DNS_MAX_QUESTIONS];
	struct dns_rr an[DNS_MAX_ANSWERS];
};

/* Why a message was refused (for the garbage log). */
enum dns_err {
	DNS_OK = 0,
	DNS_ETRUNC, /* ends inside a field */
	DNS_ENAME,  /* bad label, name too long */
	DNS_EPTR,   /* compression pointer forward, to itself or out of range */
	DNS_ECOUNT, /* more questions than we accept */
	DNS_ERDATA, /* A/AAAA/CNAME rdata of the wrong length */
};
const char *dns_strerror(enum dns_err e);

/* Parse msg[0..len).  Returns DNS_OK and fills *out, or an error. */
enum dns_err dns_parse(const uint8_t *msg, size_t len, struct dns_msg *out);

/* Read one possibly compressed name at r (which walks msg) into out as
 * lower-case text with a trailing '.' ("." for the root). */
enum dns_err dns_read_name(const uint8_t *msg, size_t msglen, struct rc_reader *r, char *out,
			   size_t outlen);

/* Append a name in wire form (no compression).  False when it is not a
 * valid name. */
bool dns_put_name(struct rc_writer *w, const char *name);
/* A recursive query with one question. */
bool dns_build_query(struct rc_writer *w, uint16_t id, const char *name, uint16_t qtype);

/* The addresses of `family` the answer gives for qname, following CNAMEs
 * in the answer section (at most 8 hops).  Returns the count (at most
 * max), and the smallest TTL on the way in *ttl. */
size_t dns_answer_addrs(const struct dns_msg *m, const char *qname, int family, struct rc_addr *out,
			size_t max, uint32_t *ttl);

#endif
