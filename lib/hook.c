#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/event.h>

#include "hook.h"
#include "log.h"
#include "util.h"

static const struct {
	const char *keyword, *argv1;
} event_names[] = {
	{"phase1_up", "phase1_up"},	  {"ike_sa_up", "phase1_up"},
	{"phase1_down", "phase1_down"},	  {"ike_sa_down", "phase1_down"},
	{"phase1_rekey", "phase1_rekey"}, {"ike_sa_rekey", "phase1_rekey"},
	{"phase2_up", "phase2_up"},	  {"child_up", "phase2_up"},
	{"phase2_down", "phase2_down"},	  {"child_down", "phase2_down"},
	{"phase2_rekey", "phase2_rekey"}, {"child_rekey", "phase2_rekey"},
	{"migration", "migration"},
};

const char *rc_hook_event_name(const char *config_keyword)
{
	for (size_t i = 0; config_keyword && i < RC_ARRAY_SIZE(event_names); i++)
		if (strcmp(config_keyword, event_names[i].keyword) == 0)
			return event_names[i].argv1;
	return NULL;
}

/* ---- the environment ---- */

void rc_hook_env_init(struct rc_hook_env *env)
{
	memset(env, 0, sizeof(*env));
}

void rc_hook_env_free(struct rc_hook_env *env)
{
	for (size_t i = 0; i < env->n; i++)
		free(env->vars[i]);
	free(env->vars);
	rc_hook_env_init(env);
}


static bool valid_name(const char *name)
{
	if (!name || !*name)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return true;
}

static ssize_t find_var(const struct rc_hook_env *env, const char *name)
{
	size_t nlen = strlen(name);

	for (size_t i = 0; i < env->n; i++)
		if (strncmp(env->vars[i], name, nlen) == 0 && env->vars[i][nlen] == '=')
			return (ssize_t)i;
	return -1;
}

int rc_hook_env_setn(struct rc_hook_env *env, const char *name, const char *value, size_t len,
		     char *err, size_t errlen)
{
	if (!valid_name(name))
		return rc_set_err(err, errlen,
			       "invalid hook variable name '%s': use A-Z, 0-9 and _ only",
			       name ? name : "");
	if (!value || len > RC_HOOK_VALUE_MAX)
		return rc_set_err(err, errlen, "hook variable %s: value missing or too long", name);
	if (memchr(value, '\0', len))
		return rc_set_err(err, errlen, "hook variable %s: value contains a NUL byte", name);
	char *var = rc_xasprintf("%s=%.*s", name, (int)len, value);
	ssize_t at = find_var(env, name);
	if (at >= 0) {
		free(env->vars[at]);
		env->vars[at] = var;
		return 0;
	}
	if (env->n == env->cap) {
		env->cap = env->cap ? env->cap * 2 : 16;
		env->vars = rc_xreallocarray(env->vars, env->cap, sizeof(*env->vars));
	}
	env->vars[env->n++] = var;
	return 0;
}

int rc_hook_env_set(struct rc_hook_env *env, const char *name, const char *value, char *err,
		    size_t errlen)
{
	return rc_hook_env_setn(env, name, value, value ? strlen(value) : 0, err, errlen);
}

int rc_hook_env_setf(struct rc_hook_env *env, const char *name, char *err, size_t errlen,
		     const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *value = rc_xvasprintf(fmt, ap);
	va_end(ap);
	int rc = rc_hook_env_set(env, name, value, err, errlen);
	free(value);
	return rc;
}

const char *rc_hook_env_get(const struct rc_hook_env *env, const char *name)
{
	ssize_t at = find_var(env, name);
	return at < 0 ? NULL : env->vars[at] + strlen(name) + 1;
}

/* ---- the runner ----
 *
 * Each key has its own FIFO of waiting jobs and runs at most one of them
 * at a time.  A key with waiting jobs and nothing running sits on the
 * ready list; starting takes the head job of the first ready key.  Keys
 * live in a hash table while they have jobs, so a burst of many thousand
 * hooks (a restart with every SA going down) costs O(1) per hook. */

#define POLL_MS 50

struct hook_key {
	struct hook_key *hash_next;
	struct hook_key *ready_next;
	char *name; /* NULL: an anonymous key of its own */
	uint32_t hash;
	struct hook_job *head, **tail; /* waiting jobs */
	bool running;
	bool ready;
};

struct hook_job {
	struct hook_job *next; /* in its key's queue, or in the running list */
	struct rc_hook_runner *runner;
	struct hook_key *key;
	char *path, *event;
	char **envp; /* NULL-terminated */
	pid_t pid;
	int pidfd;   /* -1 when polled */
	int errpipe; /* read end: execve's errno if it failed */
	struct event *exit_ev;
	struct event *timeout_ev;
	bool timed_out;
};

struct rc_hook_runner {
	struct event_base *base;
	struct rc_hook_opts opts;
	struct hook_key **buckets;
	size_t nbuckets, nkeys;
	struct hook_key *ready_head, **ready_tail;
	struct hook_job *running;
	size_t nqueued, nrunning, npolled;
	struct event *kick;    /* starts queued hooks from the loop */
	struct event *poll_ev; /* waitpid polling when there is no pidfd */
	rc_hook_done_fn *done;
	void *done_arg;
};

static uint32_t hash_name(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void grow_table(struct rc_hook_runner *r)
{
	size_t n = r->nbuckets ? r->nbuckets * 2 : 64;
	struct hook_key **b = rc_xcalloc(n, sizeof(*b));

	for (size_t i = 0; i < r->nbuckets; i++) {
		struct hook_key *k = r->buckets[i], *next;
		for (; k; k = next) {
			next = k->hash_next;
			k->hash_next = b[k->hash & (n - 1)];
			b[k->hash & (n - 1)] = k;
		}
	}
	free(r->buckets);
	r->buckets = b;
	r->nbuckets = n;
}

static struct hook_key *key_new(const char *name)
{
	struct hook_key *k = rc_xcalloc(1, sizeof(*k));

	k->tail = &k->head;
	if (name) {
		k->name = rc_xstrdup(name);
		k->hash = hash_name(name);
	}
	return k;
}

static struct hook_key *key_get(struct rc_hook_runner *r, const char *name)
{
	if (!name)
		return key_new(NULL);
	uint32_t h = hash_name(name);
	if (r->nbuckets) {
		for (struct hook_key *k = r->buckets[h & (r->nbuckets - 1)]; k; k = k->hash_next)
			if (k->hash == h && strcmp(k->name, name) == 0)
				return k;
	}
	if (r->nkeys >= r->nbuckets)
		grow_table(r);
	struct hook_key *k = key_new(name);
	k->hash_next = r->buckets[h & (r->nbuckets - 1)];
	r->buckets[h & (r->nbuckets - 1)] = k;
	r->nkeys++;
	return k;
}

static void key_free(struct rc_hook_runner *r, struct hook_key *k)
{
	if (k->name) {
		struct hook_key **pp = &r->buckets[k->hash & (r->nbuckets - 1)];
		while (*pp != k)
			pp = &(*pp)->hash_next;
		*pp = k->hash_next;
		r->nkeys--;
	}
	free(k->name);
	free(k);
}

static void ready_push(struct rc_hook_runner *r, struct hook_key *k)
{
	k->ready = true;
	k->ready_next = NULL;
	*r->ready_tail = k;
	r->ready_tail = &k->ready_next;
}

static struct hook_key *ready_pop(struct rc_hook_runner *r)
{
	struct hook_key *k = r->ready_head;

	r->ready_head = k->ready_next;
	if (!r->ready_head)
		r->ready_tail = &r->ready_head;
	k->ready = false;
	k->ready_next = NULL;
	return k;
}

/* After a key's job started, finished or was dropped: queue it for its
 * next job, or forget it when it has none. */
static void key_settle(struct rc_hook_runner *r, struct hook_key *k)
{
	if (k->running || k->ready)
		return;
	if (k->head)
		ready_push(r, k);
	else
		key_free(r, k);
}

static const char *key_name(const struct hook_job *j)
{
	return j->key->name;
}

static void job_free(struct hook_job *j)
{
	if (j->exit_ev)
		event_free(j->exit_ev);
	if (j->timeout_ev)
		event_free(j->timeout_ev);
	if (j->pidfd >= 0)
		close(j->pidfd);
	if (j->errpipe >= 0)
		close(j->errpipe);
	for (char **v = j->envp; v && *v; v++)
		free(*v);
	free(j->envp);
	free(j->path);
	free(j->event);
	free(j);
}

static void kick(struct rc_hook_runner *r)
{
	event_active(r->kick, EV_TIMEOUT, 0);
}

static void report(struct rc_hook_runner *r, struct hook_job *j, enum rc_hook_outcome outcome,
		   int status)
{
	struct rc_hook_result res = {
		.key = key_name(j),
		.path = j->path,
		.event = j->event,
		.outcome = outcome,
		.status = status,
	};

	switch (outcome) {
	case RC_HOOK_EXITED:
		rc_log(status == 0 ? RC_LOG_INFO : RC_LOG_INTERNAL_WARN, "script %s (%s) exited %d",
		       j->path, j->event, status);
		break;
	case RC_HOOK_SIGNALED:
		rc_log(RC_LOG_INTERNAL_WARN, "script %s (%s) killed by signal %d", j->path,
		       j->event, status);
		break;
	case RC_HOOK_TIMEOUT:
		rc_log(RC_LOG_INTERNAL_WARN, "script %s (%s) killed after the %u ms timeout",
		       j->path, j->event, r->opts.timeout_ms);
		break;
	case RC_HOOK_EXEC_FAILED:
		rc_log(RC_LOG_INTERNAL_ERR, "execve(%s) failed: %s", j->path, strerror(status));
		break;
	case RC_HOOK_FORK_FAILED:
		rc_log(RC_LOG_INTERNAL_ERR, "cannot start script %s (%s): %s; hook dropped",
		       j->path, j->event, strerror(status));
		break;
	}
	if (r->done)
		r->done(&res, r->done_arg);
}

static void unlink_running(struct rc_hook_runner *r, struct hook_job *j)
{
	for (struct hook_job **pp = &r->running; *pp; pp = &(*pp)->next) {
		if (*pp == j) {
			*pp = j->next;
			r->nrunning--;
			if (j->pidfd < 0)
				r->npolled--;
			return;
		}
	}
}

/* The child has exited and been reaped (status from waitpid, or none). */
static void finish(struct hook_job *j, bool have_status, int wstatus)
{
	struct rc_hook_runner *r = j->runner;
	struct hook_key *k = j->key;
	int exec_errno;

	unlink_running(r, j);
	k->running = false;
	if (read(j->errpipe, &exec_errno, sizeof(exec_errno)) == (ssize_t)sizeof(exec_errno))
		report(r, j, RC_HOOK_EXEC_FAILED, exec_errno);
	else if (j->timed_out)
		report(r, j, RC_HOOK_TIMEOUT, 0);
	else if (!have_status)
		report(r, j, RC_HOOK_EXITED, -1);
	else if (WIFSIGNALED(wstatus))
		report(r, j, RC_HOOK_SIGNALED, WTERMSIG(wstatus));
	else
		report(r, j, RC_HOOK_EXITED, WEXITSTATUS(wstatus));
	job_free(j);
	key_settle(r, k);
	kick(r);
}

/* true when the job's child is gone (and finish() has run). */
static bool try_reap(struct hook_job *j)
{
	int wstatus = 0;
	pid_t got;

	do
		got = waitpid(j->pid, &wstatus, WNOHANG);
	while (got < 0 && errno == EINTR);
	if (got == 0)
		return false;
	finish(j, got == j->pid, wstatus);
	return true;
}

static void on_pidfd(evutil_socket_t fd, short what, void *arg)
{
	struct hook_job *j = arg;

	if (!try_reap(j))
		event_add(j->exit_ev, NULL); /* spurious; keep watching */
}

static void on_poll(evutil_socket_t fd, short what, void *arg)
{
	struct rc_hook_runner *r = arg;
	struct hook_job *j = r->running, *next;

	for (; j; j = next) {
		next = j->next;
		if (j->pidfd < 0)
			try_reap(j);
	}
	if (r->npolled == 0)
		event_del(r->poll_ev);
}

static void on_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct hook_job *j = arg;

	j->timed_out = true;
	/* the script may have started helpers of its own */
	kill(-j->pid, SIGKILL);
	kill(j->pid, SIGKILL);
}

static int open_pidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd >= 0)
		fcntl(fd, F_SETFD, FD_CLOEXEC);
	return fd;
#else
	return -1;
#endif
}

/* In the child: only async-signal-safe calls from here on. */
static void mark_fds_cloexec(void)
{
#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3U, ~0U, 4U /* CLOSE_RANGE_CLOEXEC */) == 0)
		return;
#endif
	long max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > 65536)
		max = 65536;
	for (int fd = 3; fd < max; fd++)
		fcntl(fd, F_SETFD, FD_CLOEXEC);
}

static void __attribute__((noreturn)) child_exec(struct hook_job *j, int errfd)
{
	char *argv[] = {j->path, j->event, NULL};
	sigset_t none;

	setpgid(0, 0);
	/* the daemon's ignored signals and mask must not leak into the script */
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	mark_fds_cloexec();
	execve(j->path, argv, j->envp);
	int e = errno;
	if (write(errfd, &e, sizeof(e)) < 0)
		_exit(126);
	_exit(127);
}

static void watch_child(struct rc_hook_runner *r, struct hook_job *j)
{
	j->pidfd = r->opts.poll_children ? -1 : open_pidfd(j->pid);
	if (j->pidfd >= 0) {
		j->exit_ev = event_new(r->base, j->pidfd, EV_READ, on_pidfd, j);
		if (j->exit_ev && event_add(j->exit_ev, NULL) == 0)
			return;
		if (j->exit_ev)
			event_free(j->exit_ev);
		j->exit_ev = NULL;
		close(j->pidfd);
		j->pidfd = -1;
	}
	r->npolled++;
	if (!event_pending(r->poll_ev, EV_TIMEOUT, NULL)) {
		struct timeval tv = {0, POLL_MS * 1000};
		event_add(r->poll_ev, &tv);
	}
}

/* 0, or the errno of the failed pipe or fork. */
static int start(struct rc_hook_runner *r, struct hook_job *j)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) != 0)
		return errno;
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(p[0]);
		close(p[1]);
		return e;
	}
	if (pid == 0)
		child_exec(j, p[1]);
	close(p[1]);
	setpgid(pid, pid); /* either side may win the race; both set it */
	j->pid = pid;
	j->errpipe = p[0];
	watch_child(r, j);
	j->timeout_ev = evtimer_new(r->base, on_timeout, j);
	if (j->timeout_ev) {
		struct timeval tv = {r->opts.timeout_ms / 1000, (r->opts.timeout_ms % 1000) * 1000};
		evtimer_add(j->timeout_ev, &tv);
	}
	j->next = r->running;
	r->running = j;
	r->nrunning++;
	rc_log_debug(1, "script %s (%s) started, pid %ld", j->path, j->event, (long)pid);
	return 0;
}

static void on_kick(evutil_socket_t fd, short what, void *arg)
{
	struct rc_hook_runner *r = arg;

	while (r->ready_head && r->nrunning < r->opts.max_children) {
		struct hook_key *k = ready_pop(r);
		struct hook_job *j = k->head;
		k->head = j->next;
		if (!k->head)
			k->tail = &k->head;
		j->next = NULL;
		r->nqueued--;
		int e = start(r, j);
		if (e == 0) {
			k->running = true;
			continue;
		}
		report(r, j, RC_HOOK_FORK_FAILED, e);
		job_free(j);
		key_settle(r, k);
	}
}

struct rc_hook_runner *rc_hook_runner_new(struct event_base *base, const struct rc_hook_opts *opts)
{
	struct rc_hook_runner *r = rc_xcalloc(1, sizeof(*r));

	r->base = base;
	if (opts)
		r->opts = *opts;
	if (!r->opts.max_children)
		r->opts.max_children = 8;
	if (!r->opts.timeout_ms)
		r->opts.timeout_ms = 60000;
	if (!r->opts.max_queued)
		r->opts.max_queued = 65536;
	r->ready_tail = &r->ready_head;
	r->kick = event_new(base, -1, 0, on_kick, r);
	r->poll_ev = event_new(base, -1, EV_PERSIST, on_poll, r);
	if (!r->kick || !r->poll_ev) {
		rc_hook_runner_free(r);
		return NULL;
	}
	return r;
}

void rc_hook_runner_set_done(struct rc_hook_runner *r, rc_hook_done_fn *fn, void *arg)
{
	r->done = fn;
	r->done_arg = arg;
}

static char **make_envp(struct rc_hook_env *env)
{
	bool has_path = env && rc_hook_env_get(env, "PATH") != NULL;
	size_t n = env ? env->n : 0;
	char **envp = rc_xcalloc(n + 2, sizeof(*envp));

	for (size_t i = 0; i < n; i++)
		envp[i] = env->vars[i];
	if (!has_path)
		envp[n++] = rc_xstrdup("PATH=" RC_HOOK_PATH);
	envp[n] = NULL;
	if (env) {
		free(env->vars);
		rc_hook_env_init(env);
	}
	return envp;
}

int rc_hook_run(struct rc_hook_runner *r, const char *key, const char *path, const char *event,
		struct rc_hook_env *env)
{
	if (!path || !*path || !event) {
		rc_log(RC_LOG_INTERNAL_ERR, "hook without a script path or event; dropped");
		return -1;
	}
	if (r->nqueued >= r->opts.max_queued) {
		rc_log(RC_LOG_INTERNAL_ERR, "too many hooks waiting (%zu); script %s (%s) dropped",
		       r->nqueued, path, event);
		return -1;
	}
	struct hook_job *j = rc_xcalloc(1, sizeof(*j));
	j->runner = r;
	j->path = rc_xstrdup(path);
	j->event = rc_xstrdup(event);
	j->pidfd = j->errpipe = -1;
	j->envp = make_envp(env);
	struct hook_key *k = key_get(r, key);
	j->key = k;
	*k->tail = j;
	k->tail = &j->next;
	r->nqueued++;
	key_settle(r, k);
	kick(r);
	return 0;
}

size_t rc_hook_runner_busy(const struct rc_hook_runner *r)
{
	return r->nqueued + r->nrunning;
}

static void drop_waiting(struct hook_key *k)
{
	struct hook_job *j, *next;

	for (j = k->head; j; j = next) {
		next = j->next;
		job_free(j);
	}
	k->head = NULL;
	k->tail = &k->head;
}

void rc_hook_runner_free(struct rc_hook_runner *r)
{
	struct hook_job *j, *next;
	struct hook_key *k, *knext;

	if (!r)
		return;
	for (j = r->running; j; j = next) {
		next = j->next;
		kill(-j->pid, SIGKILL);
		kill(j->pid, SIGKILL);
		while (waitpid(j->pid, NULL, 0) < 0 && errno == EINTR)
			;
		k = j->key;
		job_free(j);
		if (!k->name)
			free(k); /* an anonymous key has no other job */
	}
	if (r->nqueued)
		rc_log(RC_LOG_INFO, "%zu queued hooks dropped at shutdown", r->nqueued);
	/* anonymous keys are only on the ready list; named ones in the table */
	for (k = r->ready_head; k; k = knext) {
		knext = k->ready_next;
		if (!k->name) {
			drop_waiting(k);
			free(k);
		}
	}
	for (size_t i = 0; i < r->nbuckets; i++) {
		for (k = r->buckets[i]; k; k = knext) {
			knext = k->hash_next;
			drop_waiting(k);
			free(k->name);
			free(k);
		}
	}
	free(r->buckets);
	if (r->kick)
		event_free(r->kick);
	if (r->poll_ev)
		event_free(r->poll_ev);
	free(r);
}
