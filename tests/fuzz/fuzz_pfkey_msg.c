/* libFuzzer target for the PF_KEY v2 codec (lib/pfkey_msg.c): the input is
 * one kernel message.  Decoding must never read outside the input; a
 * message that decodes is encoded again and must decode to the same
 * extensions (what the backend re-sends is well-formed). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pfkey_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a copy of exactly size bytes, so any overread is reported */
	uint8_t *copy = malloc(size ? size : 1);
	struct pfk_msg *m = calloc(1, sizeof(*m)), *again = calloc(1, sizeof(*again));
	struct rc_writer w;
	const char *why;

	if (!copy || !m || !again)
		abort();
	memcpy(copy, data, size);
	if (pfk_decode(copy, size, m, &why) == 0) {
		rc_writer_init(&w, 0);
		/* unmodelled extensions are not re-encoded */
		m->exts &= (1u << SADB_EXT_IDENTITY_SRC) - 1 | 1u << SADB_EXT_SUPPORTED_AUTH |
			   1u << SADB_EXT_SUPPORTED_ENCRYPT | 1u << SADB_EXT_SPIRANGE |
			   ((1u << (SADB_X_EXT_NAT_T_OA + 1)) - (1u << SADB_X_EXT_POLICY));
		if (pfk_encode(m, &w) == 0 &&
		    pfk_decode(rc_writer_data(&w), rc_writer_len(&w), again, &why) != 0)
			abort();
		rc_writer_free(&w);
	}
	free(copy);
	free(m);
	free(again);
	return 0;
}
