/* spmif clients (compat §3.4, §4.1).
 *
 * (a) The asynchronous client iked and kinkd use on their event loop: it
 * connects to the first endpoint that works, reads the greeting, logs in,
 * and sends queued commands one at a time (a command is written only when
 * the previous reply is complete), handing each complete reply to that
 * command's callback.  When spmd goes away it fails the commands in flight
 * and queued, calls the up/down callback, and reconnects with a backoff of
 * 1 s doubling to 30 s; after each successful login the up/down callback
 * says "up" again so the daemon can re-announce what it needs.
 *
 * (b) A small blocking API for command-line tools (spmdctl): connect,
 * login, command -> whole reply, QUIT, with a debug hook that shows the
 * traffic the way racoon2's spmdctl -d did.
 *
 * A daemon using (a) must ignore SIGPIPE (spmd going away shows as a write
 * error); (b) sends with MSG_NOSIGNAL and needs nothing. */
#ifndef RC_SPMIF_CLIENT_H
#define RC_SPMIF_CLIENT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "addr.h"
#include "spmif.h"

struct event_base;

/* Where spmd listens: a UNIX socket path, or (debug builds, a warning is
 * logged) a TCP address with its port (0 = SPMIF_DEFAULT_TCP_PORT). */
struct spmif_endpoint {
	const char *unix_path; /* non-NULL: UNIX socket; otherwise tcp */
	struct rc_addr tcp;
};

/* Longest command line a client sends, CR LF excluded (racoon2: 200). */
#define SPMIF_CMD_MAX 1000

/* ---- (a) asynchronous client ---- */

struct spmif_client;

/* Outcome of a command, given to its callback. */
enum spmif_status {
	SPMIF_REPLIED = 0,	  /* reply is complete; check spmif_reply_ok() */
	SPMIF_ERR_DOWN = -1,	  /* the connection to spmd was lost first */
	SPMIF_ERR_PROTO = -2,	  /* malformed reply or over the reply limits; the
				     connection is dropped and re-established */
	SPMIF_ERR_CANCELLED = -3, /* spmif_client_free() */
};

/* Called exactly once per accepted command.  reply is non-NULL only with
 * SPMIF_REPLIED and is freed after the callback returns. */
typedef void spmif_reply_cb(enum spmif_status status, const struct spmif_reply *reply, void *arg);
/* up = true after each successful login; false when a logged-in session is
 * lost (after the failed commands' callbacks have run). */
typedef void spmif_updown_cb(bool up, void *arg);

#define SPMIF_BACKOFF_MIN_MS 1000
#define SPMIF_BACKOFF_MAX_MS 30000
#define SPMIF_IO_TIMEOUT_MS 30000 /* greeting, login or reply overdue: reconnect */

struct spmif_client_opts {
	/* Tried in order on every (re)connect; the array is copied, the
	 * unix_path strings too. */
	const struct spmif_endpoint *endpoints;
	size_t nendpoints;
	/* The password file's bytes (all of them).  Copied; zeroised on free. */
	const unsigned char *password;
	size_t password_len;
	spmif_updown_cb *updown; /* may be NULL */
	void *updown_arg;
	/* 0 = the default named after each. */
	unsigned backoff_min_ms; /* SPMIF_BACKOFF_MIN_MS */
	unsigned backoff_max_ms; /* SPMIF_BACKOFF_MAX_MS */
	unsigned io_timeout_ms;	 /* SPMIF_IO_TIMEOUT_MS */
	size_t max_reply_lines;	 /* SPMIF_REPLY_MAX_LINES */
	size_t max_reply_bytes;	 /* SPMIF_REPLY_MAX_BYTES */
	size_t max_queue;	 /* commands waiting; 0 = 1024 */
};

/* A client; the first connection attempt starts from the loop (no callback
 * runs inside this call).  NULL with err for bad options. */
struct spmif_client *spmif_client_new(struct event_base *base, const struct spmif_client_opts *opts,
				      char *err, size_t errlen);
/* Queue a command (printf format, no CR/LF; the client adds CR LF), e.g.
 * spmif_client_command(c, cb, arg, "SLID %u", spid).  Commands given while
 * connecting or logging in wait for the login.  Returns 0 when queued (cb
 * will be called exactly once, never from inside this call), or -1 with err
 * and no callback when spmd is down (waiting to reconnect), the queue is
 * full, or the command is too long or contains a line break. */
int spmif_client_command(struct spmif_client *c, spmif_reply_cb *cb, void *arg, char *err,
			 size_t errlen, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Logged in and ready. */
bool spmif_client_is_up(const struct spmif_client *c);
/* Logins so far (tests: a reconnect shows as a second login). */
unsigned spmif_client_logins(const struct spmif_client *c);
/* Replace the password (daemon reload); used from the next login on. */
void spmif_client_set_password(struct spmif_client *c, const unsigned char *password, size_t len);
/* Fail every pending command with SPMIF_ERR_CANCELLED (their callbacks
 * run now), send nothing more, close and free.  The up/down callback is not
 * called.  NULL is fine. */
void spmif_client_free(struct spmif_client *c);

/* ---- (b) synchronous client for tools ---- */

struct spmif_sync;

/* What the debug hook is shown. */
enum spmif_debug_kind {
	SPMIF_DBG_TO,	     /* a line sent, without CR LF */
	SPMIF_DBG_FROM,	     /* a line received, without CR LF */
	SPMIF_DBG_PASSWORD,  /* the password as uppercase hex (login) */
	SPMIF_DBG_CHALLENGE, /* the challenge (login) */
	SPMIF_DBG_HASH,	     /* the computed response (login) */
};
typedef void spmif_debug_fn(enum spmif_debug_kind kind, const char *text, void *arg);
/* The stock hook: racoon2 spmdctl -d output on the FILE * given as arg
 * ("[MSG   TO SPMD] line", "[MSG FROM SPMD] line", "password=>...",
 * "challenge=>...", "hash=..."). */
void spmif_debug_print(enum spmif_debug_kind kind, const char *text, void *arg);

#define SPMIF_SYNC_TIMEOUT_MS 10000

/* Connect to the first endpoint that accepts and read the 220 greeting.
 * timeout_ms bounds each wait for spmd (0 = SPMIF_SYNC_TIMEOUT_MS).  debug
 * may be NULL.  NULL with err ("cannot connect to spmd at PATH: ...", "bad
 * greeting from spmd ..."). */
struct spmif_sync *spmif_sync_connect(const struct spmif_endpoint *endpoints, size_t n,
				      unsigned timeout_ms, spmif_debug_fn *debug, void *debug_arg,
				      char *err, size_t errlen);
/* The challenge of the greeting. */
const char *spmif_sync_challenge(const struct spmif_sync *s);
/* LOGIN with the password file's bytes; 0 on `250`, -1 with err
 * ("login refused by spmd: 550 FAILED(Internal Error)", I/O errors). */
int spmif_sync_login(struct spmif_sync *s, const unsigned char *password, size_t len, char *err,
		     size_t errlen);
/* Send one command line (printf format, no CR/LF) and read its whole reply
 * into *reply (spmif_reply_clear() it afterwards).  A 5xx reply is not an
 * error here: the call returns 0 and the caller checks spmif_reply_ok().
 * -1 with err for I/O errors, timeouts, malformed or oversized replies
 * (SPMIF_SYNC_MAX_LINES / _BYTES), or a bad command. */
int spmif_sync_command(struct spmif_sync *s, struct spmif_reply *reply, char *err, size_t errlen,
		       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int spmif_sync_vcommand(struct spmif_sync *s, struct spmif_reply *reply, char *err, size_t errlen,
			const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));
/* Send QUIT and read its one-line reply; 0 on `250`. */
int spmif_sync_quit(struct spmif_sync *s, char *err, size_t errlen);
/* Close and free (without QUIT); NULL is fine. */
void spmif_sync_close(struct spmif_sync *s);

#endif
