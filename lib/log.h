/* The process-wide logger (compat §6.5).
 *
 * Lines look like "[TAG]: message" (with rc_log_at: "[TAG]: file:line:
 * message").  Syslog gets them with facility daemon and the program name as
 * ident; stderr and a log file get a timestamp in front.  DEBUG lines are
 * dropped unless the verbosity (or a debug category) asks for them.
 *
 * Each daemon keeps its historical -d/-D semantics (§6.1-§6.3); the
 * parsers below turn those options into the two knobs the logger has: a
 * numeric verbosity and a bitmask of debug categories. */
#ifndef RC_LOG_H
#define RC_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* In order of severity. */
enum rc_log_tag {
	RC_LOG_CRITICAL,
	RC_LOG_INTERNAL_ERR,
	RC_LOG_PROTO_ERR,
	RC_LOG_INTERNAL_WARN,
	RC_LOG_PROTO_WARN,
	RC_LOG_INFO,
	RC_LOG_DEBUG,
};

enum rc_log_dest {
	RC_LOGDEST_SYSLOG,
	RC_LOGDEST_STDERR,
	RC_LOGDEST_FILE,
};

/* Start logging.  For RC_LOGDEST_FILE, file is opened for appending (0600
 * when created).  Returns 0, or -1 with err (the logger then keeps its
 * previous destination, stderr at first). */
int rc_log_open(const char *progname, enum rc_log_dest dest, const char *file, char *err,
		size_t errlen);
/* Reopen the log file (after rotation, on SIGHUP).  No-op for the other
 * destinations.  On failure the old file stays in use and -1 is returned. */
int rc_log_reopen(void);
void rc_log_close(void);
/* iked -v: copy every line to stderr as well. */
void rc_log_set_also_stderr(bool on);

/* 0 = normal (DEBUG dropped); each step up shows debug lines of that
 * detail level (rc_log_debug(level, ...)). */
void rc_log_set_verbosity(int level);
int rc_log_verbosity(void);
/* Debug categories; a line of a category in the mask is shown whatever the
 * verbosity. */
void rc_log_set_debug_mask(uint32_t mask);
uint32_t rc_log_debug_mask(void);
bool rc_log_debug_enabled(uint32_t category);

void rc_log(enum rc_log_tag tag, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rc_vlog(enum rc_log_tag tag, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
void rc_log_loc(enum rc_log_tag tag, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#define rc_log_at(tag, ...) rc_log_loc((tag), __FILE__, __LINE__, __VA_ARGS__)
/* A DEBUG line shown when verbosity >= level. */
void rc_log_debug(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A DEBUG line shown when the category is in the debug mask. */
void rc_log_debugcat(uint32_t category, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Rate-limited logging of bad input from the network: at most `burst`
 * lines per key (a peer address, say) per `interval` seconds; the rest are
 * counted and reported as one "suppressed N similar messages from KEY" line
 * when the key logs again after its window, or at rc_log_ratelimit_flush().
 * The table of keys is bounded: an old key may be evicted (its count is
 * reported then). */
void rc_log_ratelimited(const char *key, enum rc_log_tag tag, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void rc_log_ratelimit_config(unsigned burst, unsigned interval_sec);
/* Report and forget every key whose window has ended (call from a timer). */
void rc_log_ratelimit_flush(void);

/* Tests and tools: every formatted line (tag and message, without the
 * timestamp) goes to sink instead of the destination.  NULL restores. */
typedef void rc_log_sink_fn(enum rc_log_tag tag, const char *line, void *arg);
void rc_log_set_sink(rc_log_sink_fn *sink, void *arg);
/* Tests: the clock used by rate limiting (NULL = CLOCK_MONOTONIC). */
void rc_log_set_clock(time_t (*now)(void));

const char *rc_log_tag_name(enum rc_log_tag tag);

/* ---- the daemons' debug options ---- */

/* spmd (§6.1): base level INFO = 7; each -d adds 1 and -D N adds N; the
 * total must stay below 11. */
#define RC_SPMD_LOG_BASE 7
#define RC_SPMD_LOG_LIMIT 11
/* Parse a -D argument: a non-negative decimal number added to *extra.  Then
 * rc_log_spmd_check() rejects totals that are too big with "Debug level is
 * too big". */
int rc_log_spmd_parse(const char *arg, int *extra, char *err, size_t errlen);
int rc_log_spmd_check(int extra, char *err, size_t errlen);

/* iked (§6.2): flag bits. */
#define RC_IKED_DEBUG 0x1
#define RC_IKED_TRACE 0x2
#define RC_IKED_PARSER 0x4
#define RC_IKED_DRYRUN 0x8
/* -D N: a number in C notation (decimal, 0x hex, 0 octal) into *flags. */
int rc_log_iked_parse(const char *arg, uint32_t *flags, char *err, size_t errlen);
/* -d: the next flag bit (-d 0x1, -dd 0x3, -ddd 0x7). */
uint32_t rc_log_iked_add_d(uint32_t flags);

/* kinkd (§6.3): categories. */
#define RC_KINK_DBG_KRB5 0x001
#define RC_KINK_DBG_TICKETING 0x002
#define RC_KINK_DBG_PACKET 0x004
#define RC_KINK_DBG_CRYPT 0x008
#define RC_KINK_DBG_PEER 0x010
#define RC_KINK_DBG_PAYLOAD 0x020
#define RC_KINK_DBG_PFKEY 0x040
#define RC_KINK_DBG_SPMIF 0x080
#define RC_KINK_DBG_PARSE 0x100
#define RC_KINK_DBG_ISAKMP 0x200
/* The categories a debug level turns on (level 1: debug lines only). */
uint32_t rc_log_kinkd_level_mask(int level);
/* -D X: a category name or a level (1, 2, 3, all).  Adds to *mask and
 * raises *level. */
int rc_log_kinkd_parse(const char *arg, uint32_t *mask, int *level, char *err, size_t errlen);

#endif
