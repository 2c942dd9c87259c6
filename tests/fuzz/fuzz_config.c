/* libFuzzer target for the racoon2.conf front end and model: the input is a
 * configuration text, loaded for iked from memory (no file safety checks,
 * which need real files) and, when it loads, put through iked's own checks.
 * Any crash, sanitizer report or leak is a bug: bad configurations must
 * only ever produce diagnostics. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "rcf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* rcf_load_string takes a C string; an embedded NUL ends the text
	 * there, as it would for any caller. */
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	struct rc_diag diag;
	rc_diag_init(&diag);
	struct rcf_load_opts opts = {
		.path = "fuzz.conf",
		.daemon = RCF_FOR_IKED,
		.check_safe = false,
	};
	struct rcf_config *cfg = rcf_load_string("fuzz.conf", text, &opts, &diag);
	if (cfg) {
		rcf_check_iked(cfg, &diag);
		rcf_free(cfg);
	}
	rc_diag_free(&diag);
	free(text);
	return 0;
}
