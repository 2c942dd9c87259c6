/* spmif clients: see spmif_client.h.
 *
 * The asynchronous client is a small state machine on the loop:
 *   START/WAIT --timer--> connect to each endpoint in turn --> GREETING
 *   --220--> LOGIN --250--> UP (one command in flight, the rest queued)
 * and any failure goes back to WAIT with a doubling backoff, failing what
 * was in flight or queued.  Callbacks may queue commands or free the
 * client; a free during a callback is finished when the callback returns. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "log.h"
#include "spmif_client.h"
#include "util.h"

#define DEFAULT_MAX_QUEUE 1024

/* ---- shared: endpoints and command lines ---- */

static int endpoint_sockaddr(const struct spmif_endpoint *ep, struct sockaddr_storage *ss,
			     socklen_t *len, char *name, size_t namelen)
{
	memset(ss, 0, sizeof(*ss));
	if (ep->unix_path) {
		struct sockaddr_un *sun = (struct sockaddr_un *)ss;
		snprintf(name, namelen, "%s", ep->unix_path);
		if (strlen(ep->unix_path) >= sizeof(sun->sun_path))
			return -1;
		sun->sun_family = AF_UNIX;
		memcpy(sun->sun_path, ep->unix_path, strlen(ep->unix_path) + 1);
		*len = sizeof(*sun);
		return 0;
	}
	struct rc_addr a = ep->tcp;
	char host[RC_ADDR_STRLEN];
	if (a.family != AF_INET && a.family != AF_INET6) {
		snprintf(name, namelen, "(no address)");
		return -1;
	}
	if (!a.port)
		a.port = SPMIF_DEFAULT_TCP_PORT;
	snprintf(name, namelen, "%s port %u", rc_addr_ntop(&a, host, sizeof(host)), a.port);
	rc_addr_to_sockaddr(&a, ss, len);
	return 0;
}

/* Format a command line with its CR LF; NULL with err when it is bad. */
static char *command_line(char *err, size_t errlen, const char *fmt, va_list ap, size_t *len)
{
	char *text = rc_xvasprintf(fmt, ap);
	size_t n = strlen(text);

	if (n > SPMIF_CMD_MAX || strpbrk(text, "\r\n")) {
		rc_set_err(err, errlen, n > SPMIF_CMD_MAX ? "spmif command longer than %d bytes"
							  : "spmif command contains a line break",
			   SPMIF_CMD_MAX);
		free(text);
		return NULL;
	}
	text = realloc(text, n + 3);
	if (!text)
		abort();
	memcpy(text + n, "\r\n", 3);
	*len = n + 2;
	return text;
}

/* ---- (a) asynchronous client ---- */

enum cstate { ST_START, ST_WAIT, ST_CONNECTING, ST_GREETING, ST_LOGIN, ST_UP };

struct pending {
	struct pending *next;
	char *line; /* with CR LF */
	size_t len;
	spmif_reply_cb *cb;
	void *arg;
};

struct spmif_client {
	struct event_base *base;
	struct spmif_endpoint *eps;
	size_t neps;
	unsigned char *pw;
	size_t pwlen;
	spmif_updown_cb *updown;
	void *updown_arg;
	unsigned backoff_min, backoff_max, io_timeout;
	size_t max_lines, max_bytes, max_queue;

	enum cstate st;
	size_t ep;		  /* endpoint being tried */
	int cfd;		  /* socket while connecting */
	struct event *conn_ev;	  /* its writability */
	struct bufferevent *bev;  /* the session */
	struct event *timer;	  /* backoff, or the I/O deadline */
	unsigned backoff;	  /* next wait */
	struct pending *head, *tail, *inflight;
	size_t nqueue;
	struct spmif_reply reply;
	unsigned logins;
	bool up;
	int depth;   /* callbacks running */
	bool doomed; /* freed during a callback */
};

static void try_connect(struct spmif_client *c);
static void drop(struct spmif_client *c, enum spmif_status why, const char *reason);

static void arm_timer(struct spmif_client *c, unsigned ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };

	evtimer_add(c->timer, &tv);
}

static void pending_free(struct pending *p)
{
	free(p->line);
	free(p);
}

static void call_reply(struct spmif_client *c, struct pending *p, enum spmif_status st,
		       const struct spmif_reply *r)
{
	c->depth++;
	p->cb(st, r, p->arg);
	c->depth--;
	pending_free(p);
}

static void call_updown(struct spmif_client *c, bool up)
{
	if (!c->updown)
		return;
	c->depth++;
	c->updown(up, c->updown_arg);
	c->depth--;
}

static void client_destroy(struct spmif_client *c)
{
	if (c->bev)
		bufferevent_free(c->bev);
	if (c->conn_ev)
		event_free(c->conn_ev);
	if (c->cfd >= 0)
		close(c->cfd);
	event_free(c->timer);
	spmif_reply_clear(&c->reply);
	for (size_t i = 0; i < c->neps; i++)
		free((char *)c->eps[i].unix_path);
	free(c->eps);
	rc_freezero(c->pw, c->pwlen ? c->pwlen : 1);
	free(c);
}

/* Fail the command in flight and every queued one. */
static void fail_all(struct spmif_client *c, enum spmif_status inflight_st,
		     enum spmif_status queued_st)
{
	struct pending *p = c->inflight;

	c->inflight = NULL;
	if (p)
		call_reply(c, p, inflight_st, NULL);
	while (c->head && !c->doomed) {
		p = c->head;
		c->head = p->next;
		if (!c->head)
			c->tail = NULL;
		c->nqueue--;
		call_reply(c, p, queued_st, NULL);
	}
}

static void send_next(struct spmif_client *c)
{
	if (c->st != ST_UP || c->inflight || !c->head || c->doomed)
		return;
	struct pending *p = c->head;
	c->head = p->next;
	if (!c->head)
		c->tail = NULL;
	c->nqueue--;
	c->inflight = p;
	spmif_reply_clear(&c->reply);
	bufferevent_write(c->bev, p->line, p->len);
	arm_timer(c, c->io_timeout);
}

static void got_greeting(struct spmif_client *c, const char *line, size_t len)
{
	int code;
	bool more;
	const char *text;
	size_t tlen;
	char challenge[80], resp[SPMIF_HASH_BUFLEN], err[128];

	if (spmif_parse_reply_line(line, len, &code, &more, &text, &tlen) < 0 ||
	    code != SPMIF_GREETING || more || tlen == 0 || tlen >= sizeof(challenge)) {
		drop(c, SPMIF_ERR_DOWN, "bad greeting from spmd");
		return;
	}
	memcpy(challenge, text, tlen);
	challenge[tlen] = '\0';
	if (spmif_login_response(challenge, c->pw, c->pwlen, resp, err, sizeof(err)) < 0) {
		drop(c, SPMIF_ERR_DOWN, err);
		return;
	}
	char login[8 + SPMIF_HASH_BUFLEN];
	int n = snprintf(login, sizeof(login), "LOGIN %s\r\n", resp);
	rc_memzero(resp, sizeof(resp));
	c->st = ST_LOGIN;
	spmif_reply_clear(&c->reply);
	bufferevent_write(c->bev, login, (size_t)n);
	rc_memzero(login, sizeof(login));
	arm_timer(c, c->io_timeout);
}

static void got_login_reply(struct spmif_client *c)
{
	if (!spmif_reply_ok(&c->reply)) {
		rc_log_ratelimited("spmif client login", RC_LOG_INTERNAL_ERR,
				   "spmif: spmd refused our login (%d %s): check spmd_password",
				   c->reply.code, spmif_reply_first(&c->reply));
		drop(c, SPMIF_ERR_DOWN, NULL);
		return;
	}
	spmif_reply_clear(&c->reply);
	c->st = ST_UP;
	c->up = true;
	c->logins++;
	c->backoff = c->backoff_min;
	evtimer_del(c->timer);
	rc_log_debug(1, "spmif: logged in to spmd");
	call_updown(c, true);
	send_next(c);
}

static void got_reply(struct spmif_client *c)
{
	struct pending *p = c->inflight;
	struct spmif_reply r = c->reply;

	c->inflight = NULL;
	spmif_reply_init(&c->reply);
	evtimer_del(c->timer);
	call_reply(c, p, SPMIF_REPLIED, &r);
	spmif_reply_clear(&r);
	send_next(c);
}

/* One received line; false when the session was dropped. */
static bool got_line(struct spmif_client *c, const char *line, size_t len)
{
	char err[128];

	if (c->st == ST_GREETING) {
		got_greeting(c, line, len);
		return c->bev != NULL;
	}
	if (c->st == ST_UP && !c->inflight) {
		drop(c, SPMIF_ERR_PROTO, "spmd sent a line nobody asked for");
		return false;
	}
	int r = spmif_reply_add_line(&c->reply, line, len, c->max_lines, c->max_bytes, err,
				     sizeof(err));
	if (r < 0) {
		drop(c, SPMIF_ERR_PROTO, err);
		return false;
	}
	if (r == 1) {
		if (c->st == ST_LOGIN)
			got_login_reply(c);
		else
			got_reply(c);
	}
	return c->bev != NULL && !c->doomed;
}

static void on_read(struct bufferevent *bev, void *arg)
{
	struct spmif_client *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);

	c->depth++;
	for (;;) {
		struct evbuffer_ptr eol = evbuffer_search_eol(in, NULL, NULL, EVBUFFER_EOL_LF);
		if (eol.pos < 0) {
			if (evbuffer_get_length(in) > c->max_bytes)
				drop(c, SPMIF_ERR_PROTO, "reply line from spmd too long");
			break;
		}
		size_t len = (size_t)eol.pos;
		if (len + 1 > c->max_bytes) {
			drop(c, SPMIF_ERR_PROTO, "reply line from spmd too long");
			break;
		}
		char *line = rc_xmalloc(len + 1);
		evbuffer_remove(in, line, len);
		evbuffer_drain(in, 1);
		line[len] = '\0';
		bool more = got_line(c, line, len);
		free(line);
		if (!more)
			break;
	}
	c->depth--;
	if (c->doomed && !c->depth)
		client_destroy(c);
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
	struct spmif_client *c = arg;

	(void)bev;
	if (!(what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)))
		return;
	c->depth++;
	drop(c, SPMIF_ERR_DOWN, what & BEV_EVENT_EOF ? "spmd closed the connection"
						       : "spmif connection error");
	c->depth--;
	if (c->doomed && !c->depth)
		client_destroy(c);
}

static void start_session(struct spmif_client *c, int fd)
{
	c->bev = bufferevent_socket_new(c->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!c->bev) {
		close(fd);
		drop(c, SPMIF_ERR_DOWN, "out of resources");
		return;
	}
	bufferevent_setcb(c->bev, on_read, NULL, on_event, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	c->st = ST_GREETING;
	arm_timer(c, c->io_timeout);
}

static void on_connect_ready(evutil_socket_t fd, short what, void *arg)
{
	struct spmif_client *c = arg;
	int soerr = 0;
	socklen_t len = sizeof(soerr);

	event_free(c->conn_ev);
	c->conn_ev = NULL;
	c->cfd = -1;
	c->depth++;
	if ((what & EV_TIMEOUT) || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0 ||
	    soerr) {
		close(fd);
		c->ep++;
		try_connect(c);
	} else {
		start_session(c, fd);
	}
	c->depth--;
	if (c->doomed && !c->depth)
		client_destroy(c);
}

/* Try the endpoints from c->ep on; when none works, wait and retry. */
static void try_connect(struct spmif_client *c)
{
	c->st = ST_CONNECTING;
	for (; c->ep < c->neps; c->ep++) {
		const struct spmif_endpoint *ep = &c->eps[c->ep];
		struct sockaddr_storage ss;
		socklen_t sslen;
		char name[128];
		if (endpoint_sockaddr(ep, &ss, &sslen, name, sizeof(name)) < 0)
			continue;
		int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0)
			continue;
		if (connect(fd, (struct sockaddr *)&ss, sslen) == 0) {
			start_session(c, fd);
			return;
		}
		if (errno == EINPROGRESS) {
			c->cfd = fd;
			c->conn_ev = event_new(c->base, fd, EV_WRITE, on_connect_ready, c);
			struct timeval tv = { .tv_sec = c->io_timeout / 1000,
					      .tv_usec = (c->io_timeout % 1000) * 1000 };
			if (c->conn_ev && event_add(c->conn_ev, &tv) == 0)
				return;
			if (c->conn_ev)
				event_free(c->conn_ev);
			c->conn_ev = NULL;
			c->cfd = -1;
		}
		rc_log_debug(2, "spmif: cannot connect to spmd at %s: %s", name, strerror(errno));
		close(fd);
	}
	drop(c, SPMIF_ERR_DOWN, "no spmd endpoint answers");
}

/* Session over: fail the commands, say "down", and wait for the retry. */
static void drop(struct spmif_client *c, enum spmif_status why, const char *reason)
{
	bool was_up = c->up;

	if (reason)
		rc_log_debug(1, "spmif: %s", reason);
	if (c->bev) {
		bufferevent_free(c->bev);
		c->bev = NULL;
	}
	if (c->conn_ev) {
		event_free(c->conn_ev);
		c->conn_ev = NULL;
	}
	if (c->cfd >= 0) {
		close(c->cfd);
		c->cfd = -1;
	}
	spmif_reply_clear(&c->reply);
	c->up = false;
	c->st = ST_WAIT;
	arm_timer(c, c->backoff);
	if (was_up)
		rc_log(RC_LOG_INTERNAL_WARN, "spmif: lost the connection to spmd; retrying in %u ms",
		       c->backoff);
	c->backoff = c->backoff >= c->backoff_max / 2 ? c->backoff_max : c->backoff * 2;
	fail_all(c, why, SPMIF_ERR_DOWN);
	if (was_up && !c->doomed)
		call_updown(c, false);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct spmif_client *c = arg;

	(void)fd;
	(void)what;
	c->depth++;
	if (c->st == ST_START || c->st == ST_WAIT) {
		c->ep = 0;
		try_connect(c);
	} else {
		drop(c, SPMIF_ERR_DOWN, "spmd did not answer in time");
	}
	c->depth--;
	if (c->doomed && !c->depth)
		client_destroy(c);
}

struct spmif_client *spmif_client_new(struct event_base *base, const struct spmif_client_opts *o,
				      char *err, size_t errlen)
{
	if (!base || !o || !o->nendpoints || !o->endpoints) {
		rc_set_err(err, errlen, "spmif client: no event loop or no spmd endpoint");
		return NULL;
	}
	struct spmif_client *c = rc_xcalloc(1, sizeof(*c));
	c->base = base;
	c->cfd = -1;
	c->timer = evtimer_new(base, on_timer, c);
	if (!c->timer) {
		free(c);
		rc_set_err(err, errlen, "spmif client: cannot create a timer");
		return NULL;
	}
	c->eps = rc_xcalloc(o->nendpoints, sizeof(*c->eps));
	for (size_t i = 0; i < o->nendpoints; i++) {
		c->eps[i] = o->endpoints[i];
		if (o->endpoints[i].unix_path)
			c->eps[i].unix_path = rc_xstrdup(o->endpoints[i].unix_path);
		else
			rc_log(RC_LOG_INTERNAL_WARN,
			       "spmif: talking to spmd over TCP is meant for debugging only");
	}
	c->neps = o->nendpoints;
	c->pwlen = o->password_len;
	c->pw = rc_xmalloc(c->pwlen ? c->pwlen : 1);
	if (c->pwlen)
		memcpy(c->pw, o->password, c->pwlen);
	c->updown = o->updown;
	c->updown_arg = o->updown_arg;
	c->backoff_min = o->backoff_min_ms ? o->backoff_min_ms : SPMIF_BACKOFF_MIN_MS;
	c->backoff_max = o->backoff_max_ms ? o->backoff_max_ms : SPMIF_BACKOFF_MAX_MS;
	if (c->backoff_max < c->backoff_min)
		c->backoff_max = c->backoff_min;
	c->io_timeout = o->io_timeout_ms ? o->io_timeout_ms : SPMIF_IO_TIMEOUT_MS;
	c->max_lines = o->max_reply_lines ? o->max_reply_lines : SPMIF_REPLY_MAX_LINES;
	c->max_bytes = o->max_reply_bytes ? o->max_reply_bytes : SPMIF_REPLY_MAX_BYTES;
	c->max_queue = o->max_queue ? o->max_queue : DEFAULT_MAX_QUEUE;
	c->backoff = c->backoff_min;
	c->st = ST_START;
	spmif_reply_init(&c->reply);
	arm_timer(c, 0);
	return c;
}

int spmif_client_command(struct spmif_client *c, spmif_reply_cb *cb, void *arg, char *err,
			 size_t errlen, const char *fmt, ...)
{
	if (c->doomed)
		return rc_set_err(err, errlen, "spmif client is being freed");
	if (c->st == ST_WAIT)
		return rc_set_err(err, errlen, "not connected to spmd (reconnecting)");
	if (c->nqueue >= c->max_queue)
		return rc_set_err(err, errlen, "too many spmif commands waiting (%zu)", c->nqueue);
	va_list ap;
	size_t len;
	va_start(ap, fmt);
	char *line = command_line(err, errlen, fmt, ap, &len);
	va_end(ap);
	if (!line)
		return -1;
	struct pending *p = rc_xcalloc(1, sizeof(*p));
	p->line = line;
	p->len = len;
	p->cb = cb;
	p->arg = arg;
	if (c->tail)
		c->tail->next = p;
	else
		c->head = p;
	c->tail = p;
	c->nqueue++;
	/* a synchronous reply is impossible: the write only starts the exchange */
	send_next(c);
	return 0;
}

bool spmif_client_is_up(const struct spmif_client *c)
{
	return c->st == ST_UP;
}

unsigned spmif_client_logins(const struct spmif_client *c)
{
	return c->logins;
}

void spmif_client_set_password(struct spmif_client *c, const unsigned char *password, size_t len)
{
	rc_freezero(c->pw, c->pwlen ? c->pwlen : 1);
	c->pwlen = len;
	c->pw = rc_xmalloc(len ? len : 1);
	if (len)
		memcpy(c->pw, password, len);
}

void spmif_client_free(struct spmif_client *c)
{
	if (!c || c->doomed)
		return;
	c->doomed = true;
	evtimer_del(c->timer);
	if (c->bev)
		bufferevent_disable(c->bev, EV_READ | EV_WRITE);
	c->depth++;
	struct pending *p = c->inflight;
	c->inflight = NULL;
	if (p)
		call_reply(c, p, SPMIF_ERR_CANCELLED, NULL);
	while (c->head) {
		p = c->head;
		c->head = p->next;
		c->nqueue--;
		call_reply(c, p, SPMIF_ERR_CANCELLED, NULL);
	}
	c->tail = NULL;
	c->depth--;
	if (!c->depth)
		client_destroy(c);
}

/* ---- (b) synchronous client ---- */

#define SYNC_LINE_MAX 65536

struct spmif_sync {
	int fd;
	unsigned timeout;
	spmif_debug_fn *debug;
	void *debug_arg;
	char challenge[80];
	char *buf; /* received, not yet consumed */
	size_t len, cap;
};

void spmif_debug_print(enum spmif_debug_kind kind, const char *text, void *arg)
{
	FILE *out = arg ? arg : stdout;

	switch (kind) {
	case SPMIF_DBG_TO:
		fprintf(out, "[MSG   TO SPMD] %s\n", text);
		break;
	case SPMIF_DBG_FROM:
		fprintf(out, "[MSG FROM SPMD] %s\n", text);
		break;
	case SPMIF_DBG_PASSWORD:
		fprintf(out, "password=>%s\n", text);
		break;
	case SPMIF_DBG_CHALLENGE:
		fprintf(out, "challenge=>%s\n", text);
		break;
	case SPMIF_DBG_HASH:
		fprintf(out, "hash=%s\n", text);
		break;
	}
	fflush(out);
}

static void sync_debug(struct spmif_sync *s, enum spmif_debug_kind kind, const char *text)
{
	if (s->debug)
		s->debug(kind, text, s->debug_arg);
}

static int wait_fd(struct spmif_sync *s, short events, char *err, size_t errlen)
{
	struct pollfd p = { .fd = s->fd, .events = events };
	int r;

	do
		r = poll(&p, 1, (int)s->timeout);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return rc_set_err(err, errlen, "spmif: poll: %s", strerror(errno));
	if (r == 0)
		return rc_set_err(err, errlen, "spmd did not answer within %u ms", s->timeout);
	return 0;
}

static int sync_send(struct spmif_sync *s, const char *data, size_t len, char *err, size_t errlen)
{
	while (len) {
		ssize_t n = send(s->fd, data, len, MSG_NOSIGNAL);
		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			if (wait_fd(s, POLLOUT, err, errlen) < 0)
				return -1;
			continue;
		}
		if (n <= 0)
			return rc_set_err(err, errlen, "cannot write to spmd: %s",
					  n < 0 ? strerror(errno) : "closed");
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* One line without its LF (a CR before it is kept: the parsers ignore
 * it); *line is valid until the next read. */
static int sync_readline(struct spmif_sync *s, char **line, size_t *linelen, char *err,
			 size_t errlen)
{
	static const size_t chunk = 4096;

	for (;;) {
		char *lf = s->len ? memchr(s->buf, '\n', s->len) : NULL;
		if (lf) {
			*lf = '\0';
			*line = s->buf;
			*linelen = (size_t)(lf - s->buf);
			return 0;
		}
		if (s->len >= SYNC_LINE_MAX)
			return rc_set_err(err, errlen, "line from spmd longer than %d bytes",
					  SYNC_LINE_MAX);
		if (s->cap - s->len < chunk) {
			s->cap = s->len + chunk;
			s->buf = rc_xreallocarray(s->buf, s->cap + 1, 1);
		}
		ssize_t n = recv(s->fd, s->buf + s->len, chunk, 0);
		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			if (wait_fd(s, POLLIN, err, errlen) < 0)
				return -1;
			continue;
		}
		if (n <= 0)
			return rc_set_err(err, errlen, "spmd closed the connection%s%s",
					  n < 0 ? ": " : "", n < 0 ? strerror(errno) : "");
		s->len += (size_t)n;
	}
}

/* Forget the line sync_readline() returned. */
static void sync_consume(struct spmif_sync *s, size_t linelen)
{
	memmove(s->buf, s->buf + linelen + 1, s->len - linelen - 1);
	s->len -= linelen + 1;
}

static int sync_read_reply(struct spmif_sync *s, struct spmif_reply *reply, char *err,
			   size_t errlen)
{
	spmif_reply_init(reply);
	for (;;) {
		char *line = NULL;
		size_t len = 0;
		if (sync_readline(s, &line, &len, err, errlen) < 0)
			goto fail;
		char *shown = rc_xstrndup(line, len && line[len - 1] == '\r' ? len - 1 : len);
		sync_debug(s, SPMIF_DBG_FROM, shown);
		free(shown);
		int r = spmif_reply_add_line(reply, line, len, SPMIF_SYNC_MAX_LINES,
					     SPMIF_SYNC_MAX_BYTES, err, errlen);
		sync_consume(s, len);
		if (r < 0)
			goto fail;
		if (r == 1)
			return 0;
	}
fail:
	spmif_reply_clear(reply);
	return -1;
}

static int sync_connect_one(const struct spmif_endpoint *ep, unsigned timeout, char *err,
			    size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	char name[128];

	if (endpoint_sockaddr(ep, &ss, &sslen, name, sizeof(name)) < 0)
		return rc_set_err(err, errlen, "bad spmd endpoint %s", name);
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return rc_set_err(err, errlen, "socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&ss, sslen) == 0)
		return fd;
	if (errno == EINPROGRESS) {
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		int soerr = 0;
		socklen_t len = sizeof(soerr);
		if (poll(&p, 1, (int)timeout) == 1 &&
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == 0 && soerr == 0)
			return fd;
		errno = soerr ? soerr : ETIMEDOUT;
	}
	rc_set_err(err, errlen, "cannot connect to spmd at %s: %s", name, strerror(errno));
	close(fd);
	return -1;
}

struct spmif_sync *spmif_sync_connect(const struct spmif_endpoint *endpoints, size_t n,
				      unsigned timeout_ms, spmif_debug_fn *debug, void *debug_arg,
				      char *err, size_t errlen)
{
	int fd = -1;

	if (!n)
		rc_set_err(err, errlen, "no spmd endpoint configured");
	for (size_t i = 0; i < n && fd < 0; i++) {
		timeout_ms = timeout_ms ? timeout_ms : SPMIF_SYNC_TIMEOUT_MS;
		fd = sync_connect_one(&endpoints[i], timeout_ms, err, errlen);
		if (fd >= 0 && !endpoints[i].unix_path)
			rc_log(RC_LOG_INTERNAL_WARN,
			       "spmif: talking to spmd over TCP is meant for debugging only");
	}
	if (fd < 0)
		return NULL;
	struct spmif_sync *s = rc_xcalloc(1, sizeof(*s));
	s->fd = fd;
	s->timeout = timeout_ms;
	s->debug = debug;
	s->debug_arg = debug_arg;

	struct spmif_reply r;
	if (sync_read_reply(s, &r, err, errlen) < 0)
		goto fail;
	if (r.code != SPMIF_GREETING || r.nlines != 1 || !*r.lines[0] ||
	    strlen(r.lines[0]) >= sizeof(s->challenge)) {
		rc_set_err(err, errlen, "bad greeting from spmd (%d %.40s)", r.code,
			   spmif_reply_first(&r));
		spmif_reply_clear(&r);
		goto fail;
	}
	snprintf(s->challenge, sizeof(s->challenge), "%s", r.lines[0]);
	spmif_reply_clear(&r);
	return s;
fail:
	spmif_sync_close(s);
	return NULL;
}

const char *spmif_sync_challenge(const struct spmif_sync *s)
{
	return s->challenge;
}

int spmif_sync_login(struct spmif_sync *s, const unsigned char *password, size_t len, char *err,
		     size_t errlen)
{
	char resp[SPMIF_HASH_BUFLEN];

	if (s->debug) {
		char *hex = rc_xmalloc(2 * len + 1);
		spmif_hex_upper(password, len, hex);
		sync_debug(s, SPMIF_DBG_PASSWORD, hex);
		rc_freezero(hex, 2 * len + 1);
		sync_debug(s, SPMIF_DBG_CHALLENGE, s->challenge);
	}
	if (spmif_login_response(s->challenge, password, len, resp, err, errlen) < 0)
		return -1;
	sync_debug(s, SPMIF_DBG_HASH, resp);

	struct spmif_reply r;
	int ret = spmif_sync_command(s, &r, err, errlen, "LOGIN %s", resp);
	rc_memzero(resp, sizeof(resp));
	if (ret < 0)
		return -1;
	if (!spmif_reply_ok(&r))
		ret = rc_set_err(err, errlen, "login refused by spmd: %d %s", r.code,
				 spmif_reply_first(&r));
	spmif_reply_clear(&r);
	return ret;
}

int spmif_sync_vcommand(struct spmif_sync *s, struct spmif_reply *reply, char *err, size_t errlen,
			const char *fmt, va_list ap)
{
	size_t len;
	char *line = command_line(err, errlen, fmt, ap, &len);

	spmif_reply_init(reply);
	if (!line)
		return -1;
	line[len - 2] = '\0';
	sync_debug(s, SPMIF_DBG_TO, line);
	line[len - 2] = '\r';
	int r = sync_send(s, line, len, err, errlen);
	rc_freezero(line, len + 1);
	if (r < 0)
		return -1;
	return sync_read_reply(s, reply, err, errlen);
}

int spmif_sync_command(struct spmif_sync *s, struct spmif_reply *reply, char *err, size_t errlen,
		       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int r = spmif_sync_vcommand(s, reply, err, errlen, fmt, ap);
	va_end(ap);
	return r;
}

int spmif_sync_quit(struct spmif_sync *s, char *err, size_t errlen)
{
	struct spmif_reply r;

	if (spmif_sync_command(s, &r, err, errlen, "QUIT") < 0)
		return -1;
	int ret = spmif_reply_ok(&r) ? 0
				     : rc_set_err(err, errlen, "QUIT refused by spmd: %d %s", r.code,
						  spmif_reply_first(&r));
	spmif_reply_clear(&r);
	return ret;
}

void spmif_sync_close(struct spmif_sync *s)
{
	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	free(s->buf);
	free(s);
}
