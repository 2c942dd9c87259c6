/* libFuzzer target: the IKEv2 message codec (iked/ikev2_*.c).  The first
 * input byte picks the mode: even, the rest is an IKE datagram as it comes
 * off the socket; odd, the second byte is the first payload type and the
 * rest a decrypted SK inner chain.  Whatever decodes must re-encode to
 * bytes that decode to as many payloads, and print.  The codec lives in
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
