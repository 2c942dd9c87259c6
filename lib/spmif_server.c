/* spmif server framework: see spmif_server.h.
 *
 * Each connection is a session fed from a bufferevent (or, for tests and
 * the fuzzer, from spmif_conn_feed()).  Input is cut into lines one at a
 * time; a line is only taken when no request is open and no login delay
 * runs, so pipelined commands are answered in order and a slow handler
 * applies back-pressure through the read watermark.  Connections are never
 * freed from inside a handler or a write: a dying connection is marked and
 * freed from the next top-level callback. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "log.h"
#include "safefile.h"
#include "spmif_server.h"
#include "util.h"

#define PEER_LEN 64
#define LOGIN_PEERS 64		 /* failed-login memory; the oldest is evicted */
#define LOGIN_FORGET_SEC 60	 /* failures older than this are forgiven */
#define LISTEN_BACKLOG 16
#define REPLY_LINE_MAX 4096	 /* one formatted reply line */

enum cmd_kind { CMD_LOGIN, CMD_USER, CMD_QUIT };

struct cmd {
	const char *name;
	enum cmd_kind kind;
	spmif_handler_fn *handler;
};

struct login_peer {
	char key[PEER_LEN];
	unsigned failures;
	time_t last;
};

struct listener {
	struct evconnlistener *l;
	char *unix_path; /* set for UNIX sockets: unlinked on free */
	dev_t dev;
	ino_t ino;
};

struct spmif_conn {
	struct spmif_server *s;
	struct spmif_conn *prev, *next;
	struct bufferevent *bev;  /* socket; NULL when attached */
	struct evbuffer *in;	  /* attached input */
	spmif_conn_out_fn *out;	  /* attached output */
	void *out_arg;
	struct event *wake;	  /* process input again / free when dead */
	struct event *delay;	  /* failed-login delay */
	struct spmif_req *req;	  /* open request, if any */
	char peer[PEER_LEN];
	char peer_key[PEER_LEN];
	char challenge[SPMIF_HASH_BUFLEN];
	bool have_challenge;
	bool logged_in;
	bool discarding; /* inside an over-long line */
	bool closing;	 /* QUIT answered; close once flushed */
	bool dead;	 /* free at the next top-level callback */
	bool in_feed;	 /* spmif_conn_feed() is on the stack */
	bool eof;	 /* the peer has stopped sending */
};

struct spmif_req {
	struct spmif_conn *conn; /* NULL once the client is gone */
	char *line;		 /* argv points into it */
	char peer[PEER_LEN];
};

struct spmif_server {
	struct event_base *base;
	unsigned char *pw;
	size_t pwlen;
	struct cmd *cmds;
	size_t ncmds;
	void *arg;
	size_t max_line, max_output;
	unsigned max_clients, delay_ms, delay_max_ms;
	struct listener *ls;
	size_t nls;
	struct spmif_conn *conns;
	size_t nconns;
	struct login_peer peers[LOGIN_PEERS];
};

static void process(struct spmif_conn *c);

/* ---- output ---- */

static void conn_kill(struct spmif_conn *c)
{
	if (c->dead)
		return;
	c->dead = true;
	if (c->bev)
		bufferevent_disable(c->bev, EV_READ | EV_WRITE);
	event_active(c->wake, EV_TIMEOUT, 1);
}

static void conn_write(struct spmif_conn *c, const char *buf, size_t len)
{
	if (c->dead)
		return;
	if (!c->bev) {
		c->out(buf, len, c->out_arg);
		return;
	}
	struct evbuffer *out = bufferevent_get_output(c->bev);
	if (bufferevent_write(c->bev, buf, len) < 0 ||
	    evbuffer_get_length(out) > c->s->max_output) {
		rc_log_ratelimited(c->peer_key, RC_LOG_PROTO_WARN,
				   "spmif: dropping client %s: it does not read its replies (%zu bytes "
				   "waiting)",
				   c->peer, evbuffer_get_length(out));
		conn_kill(c);
	}
}

static void conn_vprintf(struct spmif_conn *c, int code, bool more, const char *fmt, va_list ap)
{
	char text[REPLY_LINE_MAX], line[REPLY_LINE_MAX + 8];

	vsnprintf(text, sizeof(text), fmt, ap);
	int n = spmif_format_reply_line(line, sizeof(line), code, more, text);
	if (n < 0) {
		rc_log(RC_LOG_INTERNAL_ERR, "spmif: bad reply code %d from a handler", code);
		n = spmif_format_reply_line(line, sizeof(line), SPMIF_FAILED, more,
					    "Internal Error");
	}
	conn_write(c, line, (size_t)n);
}

static void conn_printf(struct spmif_conn *c, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void conn_printf(struct spmif_conn *c, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conn_vprintf(c, code, false, fmt, ap);
	va_end(ap);
}

/* ---- connection life ---- */

static void conn_free(struct spmif_conn *c)
{
	struct spmif_server *s = c->s;

	if (c->req)
		c->req->conn = NULL;
	if (c->prev)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	s->nconns--;
	if (c->bev)
		bufferevent_free(c->bev);
	if (c->in)
		evbuffer_free(c->in);
	event_free(c->wake);
	event_free(c->delay);
	rc_memzero(c->challenge, sizeof(c->challenge));
	free(c);
}

/* End an attached session from the loop: tell its owner. */
static void conn_free_notify(struct spmif_conn *c)
{
	spmif_conn_out_fn *out = c->bev ? NULL : c->out;
	void *arg = c->out_arg;

	conn_free(c);
	if (out)
		out(NULL, 0, arg);
}

/* After the peer's EOF, the lines it sent before are still answered; then
 * the connection closes once its output is out.  True when it can be freed
 * now. */
static bool finish_eof(struct spmif_conn *c)
{
	if (!c->eof || c->dead || c->req || evtimer_pending(c->delay, NULL))
		return false;
	c->closing = true;
	return !c->bev || evbuffer_get_length(bufferevent_get_output(c->bev)) == 0;
}

static void on_wake(evutil_socket_t fd, short what, void *arg)
{
	struct spmif_conn *c = arg;

	(void)fd;
	(void)what;
	if (!c->dead)
		process(c);
	if (c->dead || (c->closing && !c->bev) || finish_eof(c))
		conn_free_notify(c);
}

static void on_login_delay(evutil_socket_t fd, short what, void *arg)
{
	struct spmif_conn *c = arg;

	conn_printf(c, SPMIF_FAILED, "FAILED(Internal Error)");
	on_wake(fd, what, arg);
}

static void conn_wake(struct spmif_conn *c)
{
	event_active(c->wake, EV_TIMEOUT, 1);
}

static void send_greeting(struct spmif_conn *c)
{
	char err[128];

	if (spmif_challenge_new(c->challenge, err, sizeof(err)) < 0) {
		rc_log(RC_LOG_INTERNAL_ERR, "spmif: %s", err);
		conn_kill(c);
		return;
	}
	c->have_challenge = true;
	conn_printf(c, SPMIF_GREETING, "%s", c->challenge);
}

static struct spmif_conn *conn_new(struct spmif_server *s, const char *peer, const char *key)
{
	struct spmif_conn *c = rc_xcalloc(1, sizeof(*c));

	c->s = s;
	c->wake = event_new(s->base, -1, 0, on_wake, c);
	c->delay = evtimer_new(s->base, on_login_delay, c);
	if (!c->wake || !c->delay) {
		event_free(c->wake);
		event_free(c->delay);
		free(c);
		return NULL;
	}
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
	snprintf(c->peer_key, sizeof(c->peer_key), "%s", key);
	c->next = s->conns;
	if (s->conns)
		s->conns->prev = c;
	s->conns = c;
	s->nconns++;
	return c;
}

/* ---- login ---- */

static time_t mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static struct login_peer *login_peer(struct spmif_server *s, const char *key, bool create)
{
	struct login_peer *oldest = &s->peers[0];

	for (size_t i = 0; i < LOGIN_PEERS; i++) {
		struct login_peer *p = &s->peers[i];
		if (p->key[0] && strcmp(p->key, key) == 0)
			return p;
		if (!p->key[0] || (oldest->key[0] && p->last < oldest->last))
			oldest = p;
	}
	if (!create)
		return NULL;
	memset(oldest, 0, sizeof(*oldest));
	snprintf(oldest->key, sizeof(oldest->key), "%s", key);
	return oldest;
}

/* Record a failure; the delay in ms before answering it. */
static unsigned login_failed(struct spmif_server *s, const char *key)
{
	struct login_peer *p = login_peer(s, key, true);
	time_t now = mono_now();

	if (p->failures && now - p->last > LOGIN_FORGET_SEC)
		p->failures = 0;
	p->failures++;
	p->last = now;
	if (!s->delay_ms)
		return 0;
	unsigned long d = s->delay_ms;
	for (unsigned i = 1; i < p->failures && d < s->delay_max_ms; i++)
		d *= 2;
	return d > s->delay_max_ms ? s->delay_max_ms : (unsigned)d;
}

static void handle_login(struct spmif_conn *c, int argc, char **argv)
{
	struct spmif_server *s = c->s;
	bool had = c->have_challenge;
	bool ok = had && argc == 2 && spmif_login_check(c->challenge, s->pw, s->pwlen, argv[1]);

	/* one attempt per challenge: a second LOGIN cannot guess again */
	c->have_challenge = false;
	rc_memzero(c->challenge, sizeof(c->challenge));
	if (ok) {
		struct login_peer *p = login_peer(s, c->peer_key, false);
		if (p)
			p->failures = 0;
		c->logged_in = true;
		rc_log_debug(1, "spmif: %s logged in", c->peer);
		conn_printf(c, SPMIF_OK, "OK");
		return;
	}
	if (!had) {
		conn_printf(c, SPMIF_FAILED, "FAILED(Internal Error)");
		return;
	}
	rc_log_ratelimited(c->peer_key, RC_LOG_PROTO_WARN,
			   "spmif: failed login from %s (wrong password hash)", c->peer);
	unsigned ms = login_failed(s, c->peer_key);
	if (!ms) {
		conn_printf(c, SPMIF_FAILED, "FAILED(Internal Error)");
		return;
	}
	/* The reply waits; so does every later line of this client. */
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
	evtimer_add(c->delay, &tv);
}

/* ---- dispatch ---- */

static const struct cmd *find_cmd(const struct spmif_server *s, const char *word)
{
	for (size_t i = 0; i < s->ncmds; i++)
		if (spmif_word_match(word, s->cmds[i].name))
			return &s->cmds[i];
	return NULL;
}

static void run_user(struct spmif_conn *c, const struct cmd *cmd, char *line, int argc,
		     char **argv)
{
	if (!c->logged_in) {
		/* racoon2 spelled it differently for NS (compat §3.2) */
		bool ns = strcasecmp(cmd->name, "NS") == 0;
		conn_printf(c, SPMIF_FAILED, "%s", ns ? "Need Login" : "need login");
		free(line);
		return;
	}
	struct spmif_req *req = rc_xcalloc(1, sizeof(*req));
	req->conn = c;
	req->line = line;
	snprintf(req->peer, sizeof(req->peer), "%s", c->peer);
	c->req = req;
	rc_log_debug(2, "spmif: %s: %s", c->peer, cmd->name);
	cmd->handler(req, argc, argv, c->s->arg);
}

static void handle_line(struct spmif_conn *c, char *line)
{
	char *argv[SPMIF_MAX_WORDS];
	int argc = spmif_tokenize(line, argv, SPMIF_MAX_WORDS);

	if (argc <= 0) {
		conn_printf(c, SPMIF_SYNTAX_ERROR, "Syntax Error");
		free(line);
		return;
	}
	const struct cmd *cmd = find_cmd(c->s, argv[0]);
	if (!cmd) {
		conn_printf(c, SPMIF_NOT_IMPLEMENTED, "Command not implemented");
		free(line);
		return;
	}
	switch (cmd->kind) {
	case CMD_LOGIN:
		handle_login(c, argc, argv);
		break;
	case CMD_QUIT:
		conn_printf(c, SPMIF_OK, "BYE");
		c->closing = true;
		if (c->bev)
			bufferevent_disable(c->bev, EV_READ);
		break;
	case CMD_USER:
		run_user(c, cmd, line, argc, argv);
		return; /* the request owns line */
	}
	rc_memzero(line, strlen(line));
	free(line);
}

static struct evbuffer *conn_input(struct spmif_conn *c)
{
	return c->bev ? bufferevent_get_input(c->bev) : c->in;
}

static bool conn_idle(const struct spmif_conn *c)
{
	return !c->dead && !c->closing && !c->req && !evtimer_pending(c->delay, NULL);
}

static void line_too_long(struct spmif_conn *c)
{
	rc_log_ratelimited(c->peer_key, RC_LOG_PROTO_WARN,
			   "spmif: line from %s longer than %zu bytes, discarded", c->peer,
			   c->s->max_line);
	conn_printf(c, SPMIF_SYNTAX_ERROR, "Line too long");
}

/* Take one line from the input; false when no whole line is there yet. */
static bool next_line(struct spmif_conn *c)
{
	struct evbuffer *in = conn_input(c);
	size_t avail = evbuffer_get_length(in);
	size_t max = c->s->max_line;
	struct evbuffer_ptr eol = evbuffer_search_eol(in, NULL, NULL, EVBUFFER_EOL_LF);

	if (eol.pos < 0) {
		/* even a CR at the end could not bring it under the limit */
		if (c->discarding || avail > max + 1) {
			if (!c->discarding)
				line_too_long(c);
			c->discarding = true;
			evbuffer_drain(in, avail);
		}
		return false;
	}
	size_t len = (size_t)eol.pos;
	if (c->discarding) {
		c->discarding = false;
		evbuffer_drain(in, len + 1);
		return true;
	}
	char *line = rc_xmalloc(len + 1);
	evbuffer_remove(in, line, len);
	evbuffer_drain(in, 1);
	line[len] = '\0';
	if (len && line[len - 1] == '\r')
		line[--len] = '\0';
	if (len > max) {
		line_too_long(c);
		free(line);
		return true;
	}
	handle_line(c, line);
	return true;
}

static void process(struct spmif_conn *c)
{
	while (conn_idle(c) && next_line(c))
		;
}

/* ---- the reply API ---- */

void spmif_reply_more(struct spmif_req *req, int code, const char *fmt, ...)
{
	va_list ap;

	if (!req->conn)
		return;
	va_start(ap, fmt);
	conn_vprintf(req->conn, code, true, fmt, ap);
	va_end(ap);
}

void spmif_reply(struct spmif_req *req, int code, const char *fmt, ...)
{
	struct spmif_conn *c = req->conn;
	va_list ap;

	if (c) {
		va_start(ap, fmt);
		conn_vprintf(c, code, false, fmt, ap);
		va_end(ap);
		c->req = NULL;
		/* the next line waits for the loop, so handlers never recurse */
		if (!c->in_feed)
			conn_wake(c);
	}
	free(req->line);
	free(req);
}

bool spmif_req_alive(const struct spmif_req *req)
{
	return req->conn && !req->conn->dead;
}

const char *spmif_req_peer(const struct spmif_req *req)
{
	return req->peer;
}

/* ---- sockets ---- */

static void on_read(struct bufferevent *bev, void *arg)
{
	struct spmif_conn *c = arg;

	(void)bev;
	process(c);
	if (c->dead)
		conn_free(c);
}

static void on_write(struct bufferevent *bev, void *arg)
{
	struct spmif_conn *c = arg;

	if (c->closing && evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		conn_free(c);
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
	struct spmif_conn *c = arg;

	(void)bev;
	if (what & BEV_EVENT_ERROR) {
		if (c->req)
			rc_log_debug(1, "spmif: %s went away during a command", c->peer);
		conn_free(c);
		return;
	}
	if (what & BEV_EVENT_EOF) {
		c->eof = true;
		bufferevent_disable(c->bev, EV_READ);
		process(c);
		if (c->dead || finish_eof(c))
			conn_free(c);
	}
}

static void peer_names(int fd, const struct sockaddr *sa, char *peer, char *key)
{
	if (sa->sa_family == AF_UNIX) {
		struct ucred cr;
		socklen_t len = sizeof(cr);
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) == 0) {
			snprintf(peer, PEER_LEN, "uid %u pid %d", (unsigned)cr.uid, (int)cr.pid);
			snprintf(key, PEER_LEN, "spmif uid %u", (unsigned)cr.uid);
		} else {
			snprintf(peer, PEER_LEN, "local client");
			snprintf(key, PEER_LEN, "spmif local");
		}
		return;
	}
	char host[64] = "?";
	unsigned port = 0;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		port = ntohs(in->sin_port);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		port = ntohs(in6->sin6_port);
	}
	snprintf(peer, PEER_LEN, "%s port %u", host, port);
	snprintf(key, PEER_LEN, "spmif %s", host);
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int salen,
		      void *arg)
{
	struct spmif_server *s = arg;
	char peer[PEER_LEN], key[PEER_LEN];

	(void)l;
	(void)salen;
	peer_names(fd, sa, peer, key);
	if (s->nconns >= s->max_clients) {
		rc_log_ratelimited("spmif clients", RC_LOG_INTERNAL_WARN,
				   "spmif: %u clients already, refusing %s", s->max_clients, peer);
		close(fd);
		return;
	}
	struct spmif_conn *c = conn_new(s, peer, key);
	if (c)
		c->bev = bufferevent_socket_new(s->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!c || !c->bev) {
		rc_log(RC_LOG_INTERNAL_ERR, "spmif: out of resources for client %s", peer);
		if (c)
			conn_free(c);
		else
			close(fd);
		return;
	}
	/* a busy session stops reading at this mark: back-pressure, and the
	 * mark is above the line limit so a long line is always seen whole */
	size_t mark = s->max_line * 4 + 16;
	bufferevent_setwatermark(c->bev, EV_READ, 0, mark < 16384 ? 16384 : mark);
	bufferevent_setcb(c->bev, on_read, on_write, on_event, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	rc_log_debug(1, "spmif: client %s connected", peer);
	send_greeting(c);
}

static int add_listener(struct spmif_server *s, int fd, const char *unix_path, char *err,
			size_t errlen)
{
	struct evconnlistener *l =
		evconnlistener_new(s->base, on_accept, s, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC,
				   0, fd);
	if (!l) {
		close(fd);
		return rc_set_err(err, errlen, "cannot watch the spmif socket");
	}
	s->ls = rc_xreallocarray(s->ls, s->nls + 1, sizeof(*s->ls));
	struct listener *e = &s->ls[s->nls++];
	memset(e, 0, sizeof(*e));
	e->l = l;
	if (unix_path) {
		struct stat st;
		e->unix_path = rc_xstrdup(unix_path);
		if (stat(unix_path, &st) == 0) {
			e->dev = st.st_dev;
			e->ino = st.st_ino;
		}
	}
	return 0;
}

/* A socket file left by a previous spmd may go; a live one or another
 * kind of file may not. */
static int remove_stale(const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : rc_set_err(err, errlen, "%s: %s", path, strerror(errno));
	if (!S_ISSOCK(st.st_mode))
		return rc_set_err(err, errlen, "%s exists and is not a socket", path);

	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0) {
		int r = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
		close(fd);
		if (r == 0)
			return rc_set_err(err, errlen, "another server is listening on %s", path);
	}
	if (unlink(path) < 0 && errno != ENOENT)
		return rc_set_err(err, errlen, "cannot remove the stale socket %s: %s", path,
				  strerror(errno));
	return 0;
}

int spmif_server_listen_unix(struct spmif_server *s, const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	if (!path || !*path || strlen(path) >= sizeof(sun.sun_path))
		return rc_set_err(err, errlen, "spmif socket path is empty or too long");
	char *dir = rc_xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, strlen(path) + 1, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	char why[256];
	int r = rc_privdir_check(dir, why, sizeof(why));
	if (r < 0)
		rc_set_err(err, errlen, "spmif socket directory %s: %s", dir, why);
	free(dir);
	if (r < 0 || remove_stale(path, err, errlen) < 0)
		return -1;

	memcpy(sun.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return rc_set_err(err, errlen, "cannot create a UNIX socket: %s", strerror(errno));
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || chmod(path, 0600) < 0 ||
	    listen(fd, LISTEN_BACKLOG) < 0) {
		rc_set_err(err, errlen, "cannot listen on %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return add_listener(s, fd, path, err, errlen);
}

static bool is_loopback(const struct rc_addr *a)
{
	static const unsigned char v6lo[16] = { [15] = 1 };

	if (a->family == AF_INET)
		return a->u.bytes[0] == 127;
	return a->family == AF_INET6 && memcmp(a->u.bytes, v6lo, 16) == 0;
}

int spmif_server_listen_tcp(struct spmif_server *s, const struct rc_addr *addr,
			    unsigned *bound_port, char *err, size_t errlen)
{
	char host[RC_ADDR_STRLEN];

	rc_addr_ntop(addr, host, sizeof(host));
	if (!is_loopback(addr))
		return rc_set_err(err, errlen,
				  "spmif over TCP is for debugging and only on loopback, not on %s",
				  host);
	struct sockaddr_storage ss;
	socklen_t sslen;
	rc_addr_to_sockaddr(addr, &ss, &sslen);
	int fd = socket(addr->family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return rc_set_err(err, errlen, "cannot create a TCP socket: %s", strerror(errno));
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sslen) < 0 || listen(fd, LISTEN_BACKLOG) < 0) {
		rc_set_err(err, errlen, "cannot listen on %s port %u: %s", host, addr->port,
			   strerror(errno));
		close(fd);
		return -1;
	}
	struct rc_addr got;
	sslen = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &sslen) < 0 ||
	    rc_addr_from_sockaddr((struct sockaddr *)&ss, sslen, &got) < 0) {
		close(fd);
		return rc_set_err(err, errlen, "cannot read the bound TCP port");
	}
	if (bound_port)
		*bound_port = got.port;
	rc_log(RC_LOG_INTERNAL_WARN,
	       "spmif: listening on TCP %s port %u; TCP is for debugging only", host, got.port);
	return add_listener(s, fd, NULL, err, errlen);
}

/* ---- server life ---- */

static void set_password(struct spmif_server *s, const unsigned char *pw, size_t len)
{
	if (s->pw)
		rc_freezero(s->pw, s->pwlen);
	s->pw = rc_xmalloc(len ? len : 1);
	if (len)
		memcpy(s->pw, pw, len);
	s->pwlen = len;
}

struct spmif_server *spmif_server_new(struct event_base *base, const struct spmif_server_opts *o,
				      char *err, size_t errlen)
{
	if (!base || !o || (o->ncommands && !o->commands)) {
		rc_set_err(err, errlen, "spmif server: no event loop or command table");
		return NULL;
	}
	for (size_t i = 0; i < o->ncommands; i++)
		if (!o->commands[i].name || !*o->commands[i].name || !o->commands[i].handler) {
			rc_set_err(err, errlen, "spmif server: command %zu has no name or handler",
				   i);
			return NULL;
		}
	struct spmif_server *s = rc_xcalloc(1, sizeof(*s));
	s->base = base;
	set_password(s, o->password, o->password_len);
	s->arg = o->arg;
	s->max_line = o->max_line ? o->max_line : SPMIF_LINE_MAX;
	s->max_output = o->max_output ? o->max_output : SPMIF_OUTPUT_MAX;
	s->max_clients = o->max_clients ? o->max_clients : SPMIF_MAX_CLIENTS;
	s->delay_ms = o->login_delay_ms;
	s->delay_max_ms = o->login_delay_max_ms ? o->login_delay_max_ms : SPMIF_LOGIN_DELAY_MAX_MS;
	if (s->delay_max_ms < s->delay_ms)
		s->delay_max_ms = s->delay_ms;

	/* compat §3.1 order: LOGIN, the daemon's commands, QUIT, EXIT */
	s->cmds = rc_xcalloc(o->ncommands + 3, sizeof(*s->cmds));
	s->cmds[s->ncmds++] = (struct cmd){ "LOGIN", CMD_LOGIN, NULL };
	for (size_t i = 0; i < o->ncommands; i++)
		s->cmds[s->ncmds++] =
			(struct cmd){ o->commands[i].name, CMD_USER, o->commands[i].handler };
	s->cmds[s->ncmds++] = (struct cmd){ "QUIT", CMD_QUIT, NULL };
	s->cmds[s->ncmds++] = (struct cmd){ "EXIT", CMD_QUIT, NULL };
	return s;
}

void spmif_server_set_password(struct spmif_server *s, const unsigned char *password, size_t len)
{
	set_password(s, password, len);
}

size_t spmif_server_nclients(const struct spmif_server *s)
{
	return s->nconns;
}

void spmif_server_free(struct spmif_server *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nls; i++) {
		struct listener *e = &s->ls[i];
		struct stat st;
		evconnlistener_free(e->l);
		/* only our own socket: a new spmd may already own the path */
		if (e->unix_path && stat(e->unix_path, &st) == 0 && st.st_dev == e->dev &&
		    st.st_ino == e->ino)
			unlink(e->unix_path);
		free(e->unix_path);
	}
	free(s->ls);
	while (s->conns)
		conn_free_notify(s->conns);
	rc_freezero(s->pw, s->pwlen ? s->pwlen : 1);
	free(s->cmds);
	free(s);
}

/* ---- attached connections ---- */

struct spmif_conn *spmif_server_attach(struct spmif_server *s, spmif_conn_out_fn *out, void *arg,
				       const char *peer)
{
	struct spmif_conn *c = conn_new(s, peer ? peer : "attached", "spmif attached");

	if (!c)
		return NULL;
	c->in = evbuffer_new();
	if (!c->in) {
		conn_free(c);
		return NULL;
	}
	c->out = out;
	c->out_arg = arg;
	send_greeting(c);
	return c;
}

int spmif_conn_feed(struct spmif_conn *c, const void *data, size_t len)
{
	if (len && evbuffer_add(c->in, data, len) < 0)
		conn_kill(c);
	c->in_feed = true;
	process(c);
	c->in_feed = false;
	if (c->dead || c->closing) {
		conn_free(c);
		return -1;
	}
	return 0;
}

void spmif_conn_close(struct spmif_conn *c)
{
	conn_free(c);
}
