/* Hook scripts (compat §5.2, §5.3), run without blocking the event loop.
 *
 * A hook is execve(path, [path, event_name], envp) where envp holds only
 * the variables the caller set plus
 *   PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
 * (our documented extension; racoon2 passed no PATH at all).
 *
 * Hooks with the same key (say, the SA they describe) run one after the
 * other in submission order, so "up" always finishes before "down" starts;
 * hooks with different keys run concurrently, up to a cap on children.  A
 * script running longer than the timeout is killed with its process group.
 * Every failure (fork, exec, non-zero exit, timeout) is logged and never
 * stops the daemon.
 *
 * Children are watched through a pidfd (Linux >= 5.3) or, failing that, by
 * polling waitpid() on their own pids, so other children of the daemon are
 * never reaped here.  The daemon must not reap with waitpid(-1) or set
 * SIGCHLD to SIG_IGN (the exit status would then be lost; the hook is still
 * reported, as exited with status -1). */
#ifndef RC_HOOK_H
#define RC_HOOK_H

#include <stdbool.h>
#include <stddef.h>

struct event_base;

#define RC_HOOK_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* The argv[1] a configuration event keyword gives its script (§5.1):
 * "ike_sa_up" and "phase1_up" -> "phase1_up", "child_down" ->
 * "phase2_down", "migration" -> "migration"; NULL for anything else. */
const char *rc_hook_event_name(const char *config_keyword);

/* ---- the environment ---- */

struct rc_hook_env {
	char **vars; /* "NAME=value" */
	size_t n, cap;
};

void rc_hook_env_init(struct rc_hook_env *env);
void rc_hook_env_free(struct rc_hook_env *env);
#define RC_HOOK_VALUE_MAX 65536
/* Set (or replace) NAME=value.  Names are [A-Z0-9_]+; a value is any text
 * without NUL, at most RC_HOOK_VALUE_MAX bytes.  -1 with err otherwise. */
int rc_hook_env_set(struct rc_hook_env *env, const char *name, const char *value, char *err,
		    size_t errlen);
/* The same for a value given with its length (rejects embedded NULs). */
int rc_hook_env_setn(struct rc_hook_env *env, const char *name, const char *value, size_t len,
		     char *err, size_t errlen);
int rc_hook_env_setf(struct rc_hook_env *env, const char *name, char *err, size_t errlen,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* The value of NAME, or NULL. */
const char *rc_hook_env_get(const struct rc_hook_env *env, const char *name);

/* ---- the runner ---- */

struct rc_hook_opts {
	unsigned max_children; /* concurrent scripts; 0 = 8 */
	unsigned timeout_ms;   /* 0 = 60000 */
	unsigned max_queued;   /* waiting hooks; more are dropped; 0 = 65536 */
	bool poll_children;    /* watch children by polling waitpid, not pidfd */
};

enum rc_hook_outcome {
	RC_HOOK_EXITED,	     /* status = exit code (-1: unknown, reaped elsewhere) */
	RC_HOOK_SIGNALED,    /* status = signal number */
	RC_HOOK_TIMEOUT,     /* killed by us */
	RC_HOOK_EXEC_FAILED, /* status = errno of execve */
	RC_HOOK_FORK_FAILED, /* status = errno of fork or pipe; the hook is dropped */
};

struct rc_hook_result {
	const char *key, *path, *event;
	enum rc_hook_outcome outcome;
	int status;
};

typedef void rc_hook_done_fn(const struct rc_hook_result *res, void *arg);

struct rc_hook_runner;

struct rc_hook_runner *rc_hook_runner_new(struct event_base *base, const struct rc_hook_opts *opts);
/* Called in the loop after each hook has finished (and been logged).  The
 * strings in res are valid only during the call. */
void rc_hook_runner_set_done(struct rc_hook_runner *r, rc_hook_done_fn *fn, void *arg);
/* Queue a hook.  key serialises (NULL: no ordering with other hooks).  The
 * variables of env move into the runner (env is left empty and may be
 * reused or freed).  The script starts from the event loop, never inside
 * this call.  Returns 0, or -1 when the queue is full or the arguments are
 * invalid (logged; the hook is dropped). */
int rc_hook_run(struct rc_hook_runner *r, const char *key, const char *path, const char *event,
		struct rc_hook_env *env);
/* Hooks queued or running. */
size_t rc_hook_runner_busy(const struct rc_hook_runner *r);
/* Kill the running scripts, wait for them, drop the queue. */
void rc_hook_runner_free(struct rc_hook_runner *r);

#endif
