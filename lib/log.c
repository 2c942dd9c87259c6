#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

static struct {
	char ident[64];
	enum rc_log_dest dest;
	char *path;
	FILE *file;
	bool also_stderr;
	bool syslog_open;
	int verbosity;
	uint32_t debug_mask;
	rc_log_sink_fn *sink;
	void *sink_arg;
	time_t (*now)(void);
} logger = {
	.ident = "racoon2",
	.dest = RC_LOGDEST_STDERR,
};

static const char *const tag_names[] = {
	[RC_LOG_CRITICAL] = "CRITICAL",	    [RC_LOG_INTERNAL_ERR] = "INTERNAL_ERR",
	[RC_LOG_PROTO_ERR] = "PROTO_ERR",   [RC_LOG_INTERNAL_WARN] = "INTERNAL_WARN",
	[RC_LOG_PROTO_WARN] = "PROTO_WARN", [RC_LOG_INFO] = "INFO",
	[RC_LOG_DEBUG] = "DEBUG",
};

const char *rc_log_tag_name(enum rc_log_tag tag)
{
	if ((unsigned)tag >= RC_ARRAY_SIZE(tag_names))
		return "INFO";
	return tag_names[tag];
}

static int syslog_priority(enum rc_log_tag tag)
{
	switch (tag) {
	case RC_LOG_CRITICAL:
		return LOG_CRIT;
	case RC_LOG_INTERNAL_ERR:
	case RC_LOG_PROTO_ERR:
		return LOG_ERR;
	case RC_LOG_INTERNAL_WARN:
	case RC_LOG_PROTO_WARN:
		return LOG_WARNING;
	case RC_LOG_DEBUG:
		return LOG_DEBUG;
	default:
		return LOG_INFO;
	}
}


static FILE *open_logfile(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0) {
		rc_set_err(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	FILE *f = fdopen(fd, "a");
	if (!f) {
		rc_set_err(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	setvbuf(f, NULL, _IOLBF, 0);
	return f;
}

int rc_log_open(const char *progname, enum rc_log_dest dest, const char *file, char *err,
		size_t errlen)
{
	FILE *f = NULL;

	if (dest == RC_LOGDEST_FILE) {
		if (!file || !*file)
			return rc_set_err(err, errlen, "no log file name");
		f = open_logfile(file, err, errlen);
		if (!f)
			return -1;
	}
	rc_log_close();
	if (progname) {
		const char *base = strrchr(progname, '/');
		snprintf(logger.ident, sizeof(logger.ident), "%s", base ? base + 1 : progname);
	}
	logger.dest = dest;
	if (f) {
		logger.file = f;
		logger.path = rc_xstrdup(file);
	}
	if (dest == RC_LOGDEST_SYSLOG) {
		openlog(logger.ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
		logger.syslog_open = true;
	}
	return 0;
}

int rc_log_reopen(void)
{
	char err[256];

	if (logger.dest != RC_LOGDEST_FILE || !logger.path)
		return 0;
	FILE *f = open_logfile(logger.path, err, sizeof(err));
	if (!f) {
		rc_log(RC_LOG_INTERNAL_ERR, "cannot reopen log file: %s", err);
		return -1;
	}
	fclose(logger.file);
	logger.file = f;
	return 0;
}

void rc_log_close(void)
{
	if (logger.file)
		fclose(logger.file);
	logger.file = NULL;
	free(logger.path);
	logger.path = NULL;
	if (logger.syslog_open)
		closelog();
	logger.syslog_open = false;
	logger.dest = RC_LOGDEST_STDERR;
}

void rc_log_set_also_stderr(bool on)
{
	logger.also_stderr = on;
}

void rc_log_set_verbosity(int level)
{
	logger.verbosity = level < 0 ? 0 : level;
}

int rc_log_verbosity(void)
{
	return logger.verbosity;
}

void rc_log_set_debug_mask(uint32_t mask)
{
	logger.debug_mask = mask;
}

uint32_t rc_log_debug_mask(void)
{
	return logger.debug_mask;
}

bool rc_log_debug_enabled(uint32_t category)
{
	return (logger.debug_mask & category) != 0;
}

void rc_log_set_sink(rc_log_sink_fn *sink, void *arg)
{
	logger.sink = sink;
	logger.sink_arg = arg;
}

static void write_stamped(FILE *f, const char *line)
{
	struct timespec ts;
	struct tm tm;
	char stamp[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(f, "%s.%03ld %s\n", stamp, ts.tv_nsec / 1000000, line);
	fflush(f);
}

static void emit(enum rc_log_tag tag, const char *line)
{
	if (logger.sink) {
		logger.sink(tag, line, logger.sink_arg);
		return;
	}
	switch (logger.dest) {
	case RC_LOGDEST_SYSLOG:
		syslog(syslog_priority(tag), "%s", line);
		break;
	case RC_LOGDEST_FILE:
		if (logger.file) {
			write_stamped(logger.file, line);
			break;
		}
		/* fall through */
	case RC_LOGDEST_STDERR:
		write_stamped(stderr, line);
		return;
	}
	if (logger.also_stderr)
		write_stamped(stderr, line);
}

/* Control characters from the network must not forge log lines. */
static void sanitise(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

static void vlog_loc(enum rc_log_tag tag, const char *file, int line, const char *fmt, va_list ap)
{
	char msg[1024], out[1200];
	int saved_errno = errno;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	sanitise(msg);
	if (file)
		snprintf(out, sizeof(out), "[%s]: %s:%d: %s", rc_log_tag_name(tag), file, line,
			 msg);
	else
		snprintf(out, sizeof(out), "[%s]: %s", rc_log_tag_name(tag), msg);
	emit(tag, out);
	errno = saved_errno;
}

static bool shown(enum rc_log_tag tag)
{
	return tag != RC_LOG_DEBUG || logger.verbosity > 0 || logger.debug_mask != 0;
}

void rc_vlog(enum rc_log_tag tag, const char *fmt, va_list ap)
{
	if (shown(tag))
		vlog_loc(tag, NULL, 0, fmt, ap);
}

void rc_log(enum rc_log_tag tag, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	rc_vlog(tag, fmt, ap);
	va_end(ap);
}

void rc_log_loc(enum rc_log_tag tag, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	if (!shown(tag))
		return;
	va_start(ap, fmt);
	vlog_loc(tag, file, line, fmt, ap);
	va_end(ap);
}

void rc_log_debug(int level, const char *fmt, ...)
{
	va_list ap;
	if (logger.verbosity < level || level <= 0)
		return;
	va_start(ap, fmt);
	vlog_loc(RC_LOG_DEBUG, NULL, 0, fmt, ap);
	va_end(ap);
}

void rc_log_debugcat(uint32_t category, const char *fmt, ...)
{
	va_list ap;
	if (!rc_log_debug_enabled(category))
		return;
	va_start(ap, fmt);
	vlog_loc(RC_LOG_DEBUG, NULL, 0, fmt, ap);
	va_end(ap);
}

/* ---- rate limiting ---- */

#define RL_SLOTS 256
#define RL_PROBE 8
#define RL_KEYLEN 64

struct rl_slot {
	char key[RL_KEYLEN];
	bool used;
	time_t window_start;
	unsigned count;	     /* lines in this window */
	unsigned suppressed; /* lines dropped in this window */
	enum rc_log_tag tag;
};

static struct {
	struct rl_slot slot[RL_SLOTS];
	unsigned burst;
	unsigned interval;
} rl = {.burst = 5, .interval = 60};

void rc_log_set_clock(time_t (*now)(void))
{
	logger.now = now;
}

static time_t mono_now(void)
{
	struct timespec ts;
	if (logger.now)
		return logger.now();
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

void rc_log_ratelimit_config(unsigned burst, unsigned interval_sec)
{
	rl.burst = burst ? burst : 1;
	rl.interval = interval_sec ? interval_sec : 1;
}

static uint32_t key_hash(const char *key)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; key[i] && i < RL_KEYLEN - 1; i++)
		h = (h ^ (unsigned char)key[i]) * 16777619u;
	return h;
}

static void report_suppressed(struct rl_slot *s)
{
	if (s->suppressed)
		rc_log(s->tag, "suppressed %u similar messages from %s", s->suppressed, s->key);
	s->suppressed = 0;
}

static void release(struct rl_slot *s)
{
	report_suppressed(s);
	s->used = false;
}

/* The slot of key, or a fresh one (evicting the oldest of the probed slots
 * when all are busy). */
static struct rl_slot *rl_lookup(const char *key, time_t now)
{
	uint32_t h = key_hash(key);
	struct rl_slot *free_slot = NULL, *oldest = NULL;

	for (unsigned i = 0; i < RL_PROBE; i++) {
		struct rl_slot *s = &rl.slot[(h + i) % RL_SLOTS];
		if (!s->used) {
			if (!free_slot)
				free_slot = s;
			continue;
		}
		if (strncmp(s->key, key, RL_KEYLEN - 1) == 0)
			return s;
		if (!oldest || s->window_start < oldest->window_start)
			oldest = s;
	}
	struct rl_slot *s = free_slot ? free_slot : oldest;
	if (s->used)
		release(s);
	memset(s, 0, sizeof(*s));
	snprintf(s->key, sizeof(s->key), "%s", key);
	s->used = true;
	s->window_start = now;
	return s;
}

void rc_log_ratelimited(const char *key, enum rc_log_tag tag, const char *fmt, ...)
{
	va_list ap;
	time_t now;

	if (!shown(tag))
		return;
	char k[RL_KEYLEN];
	snprintf(k, sizeof(k), "%s", key ? key : "");
	sanitise(k);
	now = mono_now();
	struct rl_slot *s = rl_lookup(k, now);
	if (now - s->window_start >= (time_t)rl.interval) {
		report_suppressed(s);
		s->window_start = now;
		s->count = 0;
	}
	if (s->count >= rl.burst) {
		s->suppressed++;
		s->tag = tag;
		return;
	}
	s->count++;
	va_start(ap, fmt);
	vlog_loc(tag, NULL, 0, fmt, ap);
	va_end(ap);
}

void rc_log_ratelimit_flush(void)
{
	time_t now = mono_now();

	for (unsigned i = 0; i < RL_SLOTS; i++) {
		struct rl_slot *s = &rl.slot[i];
		if (s->used && now - s->window_start >= (time_t)rl.interval)
			release(s);
	}
}

/* ---- the daemons' debug options ---- */

static int parse_ulong(const char *arg, int base, unsigned long max, unsigned long *v)
{
	char *end;

	if (!arg || !*arg || *arg == '-' || *arg == '+')
		return -1;
	errno = 0;
	unsigned long n = strtoul(arg, &end, base);
	if (errno || *end || n > max)
		return -1;
	*v = n;
	return 0;
}

int rc_log_spmd_parse(const char *arg, int *extra, char *err, size_t errlen)
{
	unsigned long n;

	if (parse_ulong(arg, 10, INT_MAX / 2, &n) != 0)
		return rc_set_err(err, errlen, "invalid debug level '%s': expected a number",
			       arg ? arg : "");
	if (*extra > INT_MAX / 2)
		return rc_set_err(err, errlen, "Debug level is too big");
	*extra += (int)n;
	return 0;
}

int rc_log_spmd_check(int extra, char *err, size_t errlen)
{
	if (extra < 0 || RC_SPMD_LOG_BASE + extra >= RC_SPMD_LOG_LIMIT)
		return rc_set_err(err, errlen, "Debug level is too big");
	return 0;
}

int rc_log_iked_parse(const char *arg, uint32_t *flags, char *err, size_t errlen)
{
	unsigned long n;

	if (parse_ulong(arg, 0, UINT32_MAX, &n) != 0)
		return rc_set_err(err, errlen,
			       "invalid debug flags '%s': expected a number such as 0x3 "
			       "(0x1 debug, 0x2 trace, 0x4 parser, 0x8 dry run)",
			       arg ? arg : "");
	*flags = (uint32_t)n;
	return 0;
}

uint32_t rc_log_iked_add_d(uint32_t flags)
{
	return (flags << 1) | 1;
}

static const struct {
	const char *name;
	uint32_t bit;
} kink_categories[] = {
	{"krb5", RC_KINK_DBG_KRB5},	{"ticketing", RC_KINK_DBG_TICKETING},
	{"packet", RC_KINK_DBG_PACKET}, {"crypt", RC_KINK_DBG_CRYPT},
	{"peer", RC_KINK_DBG_PEER},	{"payload", RC_KINK_DBG_PAYLOAD},
	{"pfkey", RC_KINK_DBG_PFKEY},	{"spmif", RC_KINK_DBG_SPMIF},
	{"parse", RC_KINK_DBG_PARSE},	{"isakmp", RC_KINK_DBG_ISAKMP},
};

uint32_t rc_log_kinkd_level_mask(int level)
{
	uint32_t mask = 0;

	if (level >= 2)
		mask |= RC_KINK_DBG_KRB5 | RC_KINK_DBG_TICKETING | RC_KINK_DBG_PEER |
			RC_KINK_DBG_PAYLOAD | RC_KINK_DBG_PFKEY | RC_KINK_DBG_SPMIF;
	if (level >= 3)
		mask |= RC_KINK_DBG_ISAKMP;
	return mask;
}

int rc_log_kinkd_parse(const char *arg, uint32_t *mask, int *level, char *err, size_t errlen)
{
	int lvl = 0;

	if (!arg)
		arg = "";
	for (size_t i = 0; i < RC_ARRAY_SIZE(kink_categories); i++) {
		if (strcmp(arg, kink_categories[i].name) == 0) {
			*mask |= kink_categories[i].bit;
			if (*level < 1)
				*level = 1;
			return 0;
		}
	}
	if (strcmp(arg, "all") == 0)
		lvl = 3;
	else if (strcmp(arg, "1") == 0 || strcmp(arg, "2") == 0 || strcmp(arg, "3") == 0)
		lvl = arg[0] - '0';
	else
		return rc_set_err(
			err, errlen,
			"unknown debug category '%s' (known: krb5, ticketing, packet, crypt, "
			"peer, payload, pfkey, spmif, parse, isakmp, or a level 1, 2, 3, all)",
			arg);
	*mask |= rc_log_kinkd_level_mask(lvl);
	if (*level < lvl)
		*level = lvl;
	return 0;
}
