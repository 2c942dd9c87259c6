/* The spmif server framework (compat §3.1-§3.3) on the libevent loop.
 *
 * The framework owns transport and session: UNIX stream listeners (and a
 * loopback-only TCP listener for debugging), several clients at once, the
 * `220 <CHALLENGE>` greeting, line framing (one line at a time; pipelined
 * commands, partial reads, CR LF or bare LF), the line length limit, the
 * LOGIN state machine with its failure delay and rate-limited log, QUIT and
 * EXIT, `502 Command not implemented`, and bounded output.  The daemon
 * (spmd) supplies the password and a table of the other commands.
 *
 * Commands are matched in this order (compat §3.1): LOGIN, then the
 * daemon's table in its order (spmd: NS, FQDN, POLICY, MIGRATE, SLID,
 * STAT), then QUIT, EXIT.  A word selects a command when it BEGINS with the
 * command's name, case-insensitively (spmif_word_match).  Before login every
 * table command gets `550 Need Login` (NS) or `550 need login` (the others)
 * without reaching its handler; an unknown word gets 502 whether logged in
 * or not.
 *
 * A client's commands are handled one at a time: the next line is read only
 * after the handler has given the final line of its reply.  A handler may
 * answer at once (synchronously) or later from the loop (a kernel or DNS
 * answer): the request stays open until spmif_reply() is called. */
#ifndef RC_SPMIF_SERVER_H
#define RC_SPMIF_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "addr.h"
#include "spmif.h"

struct event_base;
struct spmif_server;
struct spmif_req; /* one command being answered */
struct spmif_conn;

/* Handle one command.  argv[0] is the command word as received and
 * argv[1..argc-1] its arguments; compat §3.3 argument counts are argc - 1.
 * The strings belong to the framework and live until the final reply (a
 * handler may modify them).  arg is spmif_server_opts.arg.
 *
 * The handler must eventually call spmif_reply() exactly once, now or later
 * from the loop, with spmif_reply_more() before it for multi-line replies.
 * If the client goes away meanwhile, req stays valid and the replies are
 * dropped; spmif_req_alive() tells. */
typedef void spmif_handler_fn(struct spmif_req *req, int argc, char **argv, void *arg);

struct spmif_command {
	const char *name; /* "NS", "FQDN", "POLICY", ... (uppercase) */
	spmif_handler_fn *handler;
};

/* Defaults spmd should use. */
#define SPMIF_LOGIN_DELAY_MS 250     /* first failed login of a peer; doubles */
#define SPMIF_LOGIN_DELAY_MAX_MS 8000
#define SPMIF_OUTPUT_MAX (1u << 20)  /* per-client unsent output before dropping it */
#define SPMIF_MAX_CLIENTS 64

struct spmif_server_opts {
	/* The spmif password: the password file's bytes, all of them.  Copied;
	 * the copy is zeroised when replaced or freed. */
	const unsigned char *password;
	size_t password_len;
	/* Commands besides LOGIN/QUIT/EXIT, in matching order.  The array is
	 * copied (the names are not: use string literals). */
	const struct spmif_command *commands;
	size_t ncommands;
	void *arg; /* for the handlers */
	/* Limits; 0 = the default named after each. */
	size_t max_line;    /* SPMIF_LINE_MAX */
	size_t max_output;  /* SPMIF_OUTPUT_MAX */
	unsigned max_clients; /* SPMIF_MAX_CLIENTS; further connections are closed */
	/* Base delay in ms before answering a failed LOGIN; it doubles with
	 * each further failure of the same peer (UNIX: peer uid; TCP: address)
	 * up to login_delay_max_ms, and is forgotten after a minute without
	 * failure.  0 = no delay (tests); spmd passes SPMIF_LOGIN_DELAY_MS. */
	unsigned login_delay_ms;
	unsigned login_delay_max_ms; /* 0 = SPMIF_LOGIN_DELAY_MAX_MS */
};

/* A server with no listener yet.  NULL with err on failure. */
struct spmif_server *spmif_server_new(struct event_base *base, const struct spmif_server_opts *opts,
				      char *err, size_t errlen);
/* Listen on a UNIX stream socket: the parent directory must pass
 * rc_privdir_check(); a stale socket is unlinked, but a path that is not a
 * socket, or a socket another server answers on, is an error.  The socket
 * is removed again by spmif_server_free().  Returns 0, or -1 with err. */
int spmif_server_listen_unix(struct spmif_server *s, const char *path, char *err, size_t errlen);
/* Listen on TCP (debugging only; a warning is logged).  The address must be
 * loopback (127.0.0.0/8 or ::1); its port is used as given, 0 letting the
 * kernel choose (spmd applies SPMIF_DEFAULT_TCP_PORT itself when the
 * configuration has none).  When bound_port is non-NULL it gets the port
 * actually bound.  Returns 0, or -1 with err. */
int spmif_server_listen_tcp(struct spmif_server *s, const struct rc_addr *addr,
			    unsigned *bound_port, char *err, size_t errlen);
/* Replace the password (spmd reload).  Sessions already logged in stay. */
void spmif_server_set_password(struct spmif_server *s, const unsigned char *password, size_t len);
/* Clients connected now. */
size_t spmif_server_nclients(const struct spmif_server *s);
/* Close listeners (unlinking the UNIX sockets) and every client.  Requests
 * still open stay valid (not alive) until their handler replies. */
void spmif_server_free(struct spmif_server *s);

/* ---- the reply API for handlers ---- */

/* A continuation line "NNN-text". */
void spmif_reply_more(struct spmif_req *req, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The final line "NNN text": the request is finished and freed; req must
 * not be used after this. */
void spmif_reply(struct spmif_req *req, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Is the client still connected? */
bool spmif_req_alive(const struct spmif_req *req);
/* A short name of the peer for log lines ("uid 0 pid 123", "127.0.0.1:4711"). */
const char *spmif_req_peer(const struct spmif_req *req);

/* ---- connections without a socket: tests and the fuzzer ---- */

/* Output of an attached connection, as the bytes a socket would carry.
 * When the session ends outside spmif_conn_feed() (QUIT handled after a
 * deferred reply, server freed) the function is called once more with
 * data NULL and len 0: the connection is then freed. */
typedef void spmif_conn_out_fn(const char *data, size_t len, void *arg);
/* A session fed by spmif_conn_feed() instead of a socket.  The greeting is
 * written to out at once.  Login delays and deferred replies still need the
 * event loop to run. */
struct spmif_conn *spmif_server_attach(struct spmif_server *s, spmif_conn_out_fn *out, void *arg,
				       const char *peer);
/* Feed received bytes (any split).  Returns 0, or -1 once the session has
 * ended (QUIT/EXIT): the connection is then already freed. */
int spmif_conn_feed(struct spmif_conn *c, const void *data, size_t len);
/* The peer went away: the connection is freed (out is not called again). */
void spmif_conn_close(struct spmif_conn *c);

#endif
