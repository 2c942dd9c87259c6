/* The IKEv2 message codec (RFC 7296 §3, RFC 7383 §2.5, RFC 7427 §3,
 * RFC 8598): bytes to a typed message and a typed message to bytes,
 * both through lib/bytebuf.h.  No exchange logic and no crypto here: the
 * SK and SKF payloads are containers whose IV, ciphertext and ICV are
 * opaque bytes.
 *
 * A decoded message points into the datagram it was decoded from (spans)
 * and into its own tables (proposals point at their transforms), so the
 * datagram must outlive it and the struct must not be copied or moved
 * while it is used.  Decoding never allocates; the tables have fixed
 * limits so a hostile packet costs bounded work (and make the struct about
 * 25 KB: allocate it rather than put it on a thread's stack). */
#ifndef IKEV2_MSG_H
#define IKEV2_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bytebuf.h"
#include "ikev2_consts.h"

#define IKEV2_MAX_PROPOSALS 64
#define IKEV2_MAX_TRANSFORMS 64	       /* per proposal */
#define IKEV2_MAX_TRANSFORMS_TOTAL 512 /* per message */
#define IKEV2_MAX_NOTIFIES 64
#define IKEV2_MAX_TS 64 /* per TSi or TSr payload */
#define IKEV2_MAX_CP_ATTRS 64
#define IKEV2_MAX_PAYLOADS 128
#define IKEV2_NONCE_MIN 16
#define IKEV2_NONCE_MAX 256

/* What went wrong, in the terms of the notify the exchange layer answers
 * with (ikev2_err_notify()). */
enum ikev2_err_code {
	IKEV2_OK = 0,
	IKEV2_ERR_SYNTAX,	 /* INVALID_SYNTAX */
	IKEV2_ERR_CRITICAL,	 /* UNSUPPORTED_CRITICAL_PAYLOAD */
	IKEV2_ERR_MAJOR_VERSION, /* INVALID_MAJOR_VERSION */
};

struct ikev2_err {
	enum ikev2_err_code code;
	uint8_t payload; /* payload type being decoded (the unsupported one) */
	size_t offset;	 /* where in the input, for the log */
	char text[112];
};

/* The notify type to answer an error with, 0 for IKEV2_OK. */
uint16_t ikev2_err_notify(enum ikev2_err_code code);

struct ikev2_span {
	const uint8_t *p;
	size_t len;
};

struct ikev2_hdr {
	uint64_t spi_i, spi_r;
	uint8_t next;	 /* first payload */
	uint8_t version; /* major << 4 | minor */
	uint8_t exchange;
	uint8_t flags;
	uint32_t msgid;
	uint32_t length;
};

struct ikev2_transform {
	uint8_t type;
	uint16_t id;
	uint16_t key_len;  /* bits; 0 when the attribute is absent */
	bool unknown_attr; /* an attribute we do not know: reject the proposal */
};

struct ikev2_proposal {
	uint8_t num;
	uint8_t proto;
	struct ikev2_span spi; /* 0, 4 or 8 bytes */
	const struct ikev2_transform *xf;
	uint8_t n_xf;
};

struct ikev2_sa {
	const struct ikev2_proposal *prop;
	uint8_t n_prop;
};

struct ikev2_ke {
	uint16_t group;
	struct ikev2_span data;
};

/* IDi, IDr */
struct ikev2_id {
	uint8_t type;
	struct ikev2_span data;
};

/* CERT, CERTREQ */
struct ikev2_cert {
	uint8_t encoding;
	struct ikev2_span data;
};

struct ikev2_auth {
	uint8_t method;
	struct ikev2_span data;
	/* IKEV2_AUTH_DIGITAL_SIG (RFC 7427 §3): data split into the DER
	 * AlgorithmIdentifier and the signature; empty for other methods */
	struct ikev2_span sig_alg, sig;
};

struct ikev2_notify {
	uint8_t proto;
	struct ikev2_span spi;
	uint16_t type;
	struct ikev2_span data;
};

struct ikev2_delete {
	uint8_t proto;
	uint8_t spi_size;
	uint16_t n_spi;
	struct ikev2_span spis; /* n_spi * spi_size bytes */
};

struct ikev2_ts {
	uint8_t type;
	uint8_t ip_proto;
	uint16_t start_port, end_port;
	uint8_t start[16], end[16]; /* 4 bytes used for IPv4 */
	struct ikev2_span raw;	    /* the selector body of an unknown type */
};

struct ikev2_ts_set {
	const struct ikev2_ts *ts;
	uint8_t n_ts;
};

/* SK: everything after the generic header (IV, ciphertext, ICV) */
struct ikev2_sk {
	uint8_t inner_first;
	struct ikev2_span body;
};

/* SKF (RFC 7383 §2.5) */
struct ikev2_skf {
	uint8_t inner_first; /* 0 in every fragment but the first */
	uint16_t frag_num, frag_total;
	struct ikev2_span body;
};

struct ikev2_cp_attr {
	uint16_t type;
	struct ikev2_span value;
};

struct ikev2_cp {
	uint8_t cfg_type;
	const struct ikev2_cp_attr *attr;
	uint8_t n_attr;
};

struct ikev2_payload {
	uint8_t type;
	bool critical;
	struct ikev2_span body; /* the payload after its generic header */
	union {
		struct ikev2_sa sa;
		struct ikev2_ke ke;
		struct ikev2_id id;
		struct ikev2_cert cert;
		struct ikev2_auth auth;
		struct ikev2_span nonce;
		struct ikev2_notify notify;
		struct ikev2_delete del;
		struct ikev2_span vendor;
		struct ikev2_ts_set ts;
		struct ikev2_sk sk;
		struct ikev2_skf skf;
		struct ikev2_cp cp;
		struct ikev2_span eap;
	} u;
};

struct ikev2_msg {
	struct ikev2_hdr hdr;
	struct ikev2_payload pl[IKEV2_MAX_PAYLOADS];
	size_t n_pl;
	size_t n_unknown; /* non-critical payloads skipped */
	/* the tables the payloads point into */
	struct ikev2_proposal prop[IKEV2_MAX_PROPOSALS];
	size_t n_prop;
	struct ikev2_transform xf[IKEV2_MAX_TRANSFORMS_TOTAL];
	size_t n_xf;
	struct ikev2_ts ts[2 * IKEV2_MAX_TS];
	size_t n_ts;
	struct ikev2_cp_attr cp_attr[IKEV2_MAX_CP_ATTRS];
	size_t n_cp_attr;
	size_t n_notify;
};

/* Decode an IKE datagram (the non-ESP marker already removed): header,
 * then the payload chain up to and including an SK or SKF payload, whose
 * contents stay opaque. */
enum ikev2_err_code ikev2_decode(struct ikev2_msg *m, const uint8_t *data, size_t len,
				 struct ikev2_err *err);
/* Only the header, e.g. to find the SA before anything else; checks the
 * version and that the length field matches len. */
enum ikev2_err_code ikev2_decode_hdr(struct ikev2_hdr *h, const uint8_t *data, size_t len,
				     struct ikev2_err *err);
/* Decode the inner payload chain of a decrypted SK payload (padding and
 * pad length already removed) into m, replacing its payloads and keeping
 * its header.  An SK or SKF payload inside is an error. */
enum ikev2_err_code ikev2_decode_inner(struct ikev2_msg *m, uint8_t first, const uint8_t *data,
				       size_t len, struct ikev2_err *err);

/* The first payload of a type, or NULL; ikev2_next_of() continues after p. */
const struct ikev2_payload *ikev2_find(const struct ikev2_msg *m, uint8_t type);
const struct ikev2_payload *ikev2_next_of(const struct ikev2_msg *m, const struct ikev2_payload *p);
/* The first notify of a type, or NULL. */
const struct ikev2_notify *ikev2_find_notify(const struct ikev2_msg *m, uint16_t type);

/* Encoder.  Payloads are appended in order; each one patches the
 * next-payload field of the one before.  The SK (or SKF) payload opens a
 * container: the payloads added after it are its inner chain, and closing
 * it ends the message. */
struct ikev2_enc {
	struct rc_writer *w;
	size_t start;	 /* offset of the IKE header in w */
	size_t np_at;	 /* offset of the next-payload field to patch */
	size_t sk_at;	 /* offset of the SK generic header, 0 if none */
	size_t sk_inner; /* offset of the first inner payload */
	size_t aad_end;	 /* end of the SK/SKF header (and fragment fields) */
	bool in_sk, done;
	bool bad; /* misuse (payload after the SK closed, ...) */
};

/* Where the crypto layer finds the pieces of the SK payload, as offsets
 * from the start of the IKE header.  The associated data of an AEAD
 * (RFC 5282 §5) is [0, aad_len): IKE header to the end of the SK generic
 * header.  The plaintext (inner payloads, padding, pad length byte) is to
 * be encrypted in place; the IV and ICV are zeros for it to fill. */
struct ikev2_sk_layout {
	size_t aad_len;
	size_t iv_off, iv_len;
	size_t plain_off, plain_len;
	size_t pad_len;
	size_t icv_off, icv_len;
	size_t msg_len;
};

/* Start a message at the writer's current end; h->next and h->length
 * are filled in as the message grows. */
bool ikev2_enc_begin(struct ikev2_enc *e, struct rc_writer *w, const struct ikev2_hdr *h);
/* The message length so far is patched in; false on any error. */
bool ikev2_enc_end(struct ikev2_enc *e);

bool ikev2_enc_sa(struct ikev2_enc *e, const struct ikev2_sa *sa);
bool ikev2_enc_ke(struct ikev2_enc *e, const struct ikev2_ke *ke);
bool ikev2_enc_id(struct ikev2_enc *e, uint8_t type, const struct ikev2_id *id);
bool ikev2_enc_cert(struct ikev2_enc *e, uint8_t type, const struct ikev2_cert *c);
bool ikev2_enc_auth(struct ikev2_enc *e, const struct ikev2_auth *a);
bool ikev2_enc_nonce(struct ikev2_enc *e, const uint8_t *nonce, size_t len);
bool ikev2_enc_notify(struct ikev2_enc *e, const struct ikev2_notify *n);
bool ikev2_enc_delete(struct ikev2_enc *e, const struct ikev2_delete *d);
bool ikev2_enc_vendor(struct ikev2_enc *e, const uint8_t *vid, size_t len);
bool ikev2_enc_ts(struct ikev2_enc *e, uint8_t type, const struct ikev2_ts_set *ts);
bool ikev2_enc_cp(struct ikev2_enc *e, const struct ikev2_cp *cp);
bool ikev2_enc_eap(struct ikev2_enc *e, const uint8_t *eap, size_t len);
/* Any payload as decoded (unknown types are written as opaque bodies). */
bool ikev2_enc_payload(struct ikev2_enc *e, const struct ikev2_payload *p);

/* Open an SK payload with iv_len zero bytes of IV. */
bool ikev2_enc_sk_open(struct ikev2_enc *e, size_t iv_len);
/* Open an SKF payload (RFC 7383): its plaintext is a fragment of an inner
 * chain, given with ikev2_enc_sk_plain(); inner_first is written only in
 * fragment 1.  The associated data includes the fragment fields. */
bool ikev2_enc_skf_open(struct ikev2_enc *e, uint16_t frag_num, uint16_t frag_total,
			uint8_t inner_first, size_t iv_len);
/* Append plaintext bytes to an open SKF payload: its share of an inner
 * chain encoded elsewhere. */
bool ikev2_enc_sk_plain(struct ikev2_enc *e, const uint8_t *data, size_t len);
/* Bytes of inner payloads written so far, to compute the padding. */
size_t ikev2_enc_sk_inner_len(const struct ikev2_enc *e);
/* Append pad_len zero bytes of padding, the pad length byte and icv_len
 * zero bytes, fix the lengths and describe the layout. */
bool ikev2_enc_sk_close(struct ikev2_enc *e, size_t pad_len, size_t icv_len,
			struct ikev2_sk_layout *out);
/* An SK or SKF payload copied as decoded (the ciphertext already there). */
bool ikev2_enc_sk_raw(struct ikev2_enc *e, const struct ikev2_payload *p);

/* Debug text: names of numbers, and one line per payload. */
const char *ikev2_payload_name(uint8_t type);
const char *ikev2_exchange_name(uint8_t exch);
const char *ikev2_notify_name(uint16_t type);
const char *ikev2_proto_name(uint8_t proto);
const char *ikev2_transform_type_name(uint8_t type);
/* Write the header line into buf; returns the length it wanted. */
size_t ikev2_hdr_str(const struct ikev2_hdr *h, char *buf, size_t len);
size_t ikev2_payload_str(const struct ikev2_payload *p, char *buf, size_t len);
/* Call line() for the header and each payload. */
void ikev2_msg_print(const struct ikev2_msg *m, void (*line)(void *ctx, const char *s), void *ctx);

#endif
