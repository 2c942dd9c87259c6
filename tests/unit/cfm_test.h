/* Helpers shared by the config model tests. */
#ifndef CFM_TEST_H
#define CFM_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "rcf.h"
#include "rcf_model.h"

/* Loads text as "t.conf" for daemon; diag is initialised here. */
static inline struct rcf_config *cfm_load(const char *text, enum rcf_daemon daemon,
					  struct rc_diag *d)
{
	struct rcf_load_opts o = { .path = "t.conf", .daemon = daemon };
	rc_diag_init(d);
	return rcf_load_string("t.conf", text, &o, d);
}

/* Is there an entry of this level whose message contains `sub`, at
 * line:col (0 = any)? */
static inline bool cfm_has(const struct rc_diag *d, enum rc_diag_level lvl, int line, int col,
			   const char *sub)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct rc_diag_entry *e = &d->v[i];
		if (e->level == lvl && strstr(e->msg, sub) && (!line || e->loc.line == line) &&
		    (!col || e->loc.col == col))
			return true;
	}
	return false;
}

static inline void cfm_dump(const struct rc_diag *d)
{
	rc_diag_print(d, stderr, 0);
}

#define assert_diag(d, lvl, line, col, sub)                                         \
	do {                                                                        \
		if (!cfm_has(d, lvl, line, col, sub)) {                             \
			cfm_dump(d);                                                \
			fail_msg("no %s at %d:%d containing \"%s\"",                \
				 (lvl) == RC_DIAG_ERROR ? "error" : "warning", line, col, \
				 sub);                                              \
		}                                                                   \
	} while (0)

#define assert_loaded(cfg, d)                                                       \
	do {                                                                        \
		if (!(cfg)) {                                                       \
			cfm_dump(d);                                                \
			fail_msg("config did not load");                            \
		}                                                                   \
	} while (0)

#endif
