/* libFuzzer target: the IKEv2 message codec (iked/ikev2_*.c).  The first
 * input byte picks the mode: even, the rest is an IKE datagram as it comes
 * off the socket; odd, the second byte is the first payload type and the
 * rest a decrypted SK inner chain.  Whatever decodes must re-encode to
 * bytes that decode to as many payloads, and print; an inner chain must
 * also survive a trip through the SK encoder and its layout.  The codec lives in
 * iked/, not in libracoon, so its sources are compiled in here. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "../../iked/ikev2_msg.c"
#include "../../iked/ikev2_enc.c"
#include "../../iked/ikev2_print.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void ignore_line(void *ctx, const char *s)
{
	(void)ctx;
	(void)s;
}

/* Encode m's payloads after its header; false when the encoder refused. */
static bool reencode(const struct ikev2_msg *m, struct rc_writer *w)
{
	struct ikev2_enc e;

	if (!ikev2_enc_begin(&e, w, &m->hdr))
		return false;
	for (size_t i = 0; i < m->n_pl; i++)
		if (!ikev2_enc_payload(&e, &m->pl[i]))
			return false;
	return ikev2_enc_end(&e);
}

/* An inner chain goes back into an SK payload with the IV, padding and
 * ICV sizes picked by sel; the crypto layer's offsets must lead back to
 * the same chain. */
static void check_sk(const struct ikev2_msg *m, uint8_t sel)
{
	static struct ikev2_msg outer, inner;
	struct ikev2_sk_layout lay;
	struct ikev2_err err;
	struct ikev2_enc e;
	struct rc_writer w;
	size_t iv = sel & 0x0f, pad = (sel >> 4) & 0x07, icv = (sel & 0x80) ? 16 : 12;
	size_t n;

	rc_writer_init(&w, 0);
	if (!ikev2_enc_begin(&e, &w, &m->hdr) || !ikev2_enc_sk_open(&e, iv))
		abort();
	for (size_t i = 0; i < m->n_pl; i++)
		if (!ikev2_enc_payload(&e, &m->pl[i]))
			abort();
	n = ikev2_enc_sk_inner_len(&e);
	if (!ikev2_enc_sk_close(&e, pad, icv, &lay) || !ikev2_enc_end(&e))
		abort();
	if (ikev2_decode(&outer, rc_writer_data(&w), rc_writer_len(&w), &err) != IKEV2_OK ||
	    outer.n_pl != 1 || outer.pl[0].u.sk.inner_first != m->pl[0].type ||
	    lay.plain_len != n + pad + 1 || lay.icv_off + icv != lay.msg_len)
		abort();
	if (ikev2_decode_inner(&inner, m->pl[0].type, rc_writer_data(&w) + lay.plain_off, n,
			       &err) != IKEV2_OK ||
	    inner.n_pl != m->n_pl)
		abort();
	rc_writer_free(&w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ikev2_msg m, m2;
	struct ikev2_err err;
	struct rc_writer w;
	enum ikev2_err_code rc;
	bool inner;

	if (size < 2)
		return 0;
	inner = data[0] & 1;
	if (inner) {
		memset(&m.hdr, 0, sizeof(m.hdr));
		m.hdr.version = 0x20;
		rc = ikev2_decode_inner(&m, data[1], data + 2, size - 2, &err);
	} else {
		rc = ikev2_decode(&m, data + 1, size - 1, &err);
	}
	if (rc != IKEV2_OK)
		return 0;
	ikev2_msg_print(&m, ignore_line, NULL);
	if (m.n_pl == 0)
		return 0;
	rc_writer_init(&w, 0);
	if (!reencode(&m, &w))
		abort();
	if (inner && m.n_pl > 0)
		check_sk(&m, data[0]);
	if (inner)
		rc = ikev2_decode_inner(&m2, m.pl[0].type, rc_writer_data(&w) + IKEV2_HDR_LEN,
					rc_writer_len(&w) - IKEV2_HDR_LEN, &err);
	else
		rc = ikev2_decode(&m2, rc_writer_data(&w), rc_writer_len(&w), &err);
	if (rc != IKEV2_OK || m2.n_pl != m.n_pl)
		abort();
	rc_writer_free(&w);
	return 0;
}
