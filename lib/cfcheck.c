#include "config.h"

#include <stdio.h>

#include "cfcheck.h"
#include "kernel.h"
#include "kernel_conf.h"
#include "rcf_model.h"

static const char *plural(int n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* iked and kinkd install SAs: check the algorithms against the kernel.
 * spmd only installs policies, which every backend supports. */
static void check_kernel(const struct rcf_config *cfg, enum rcf_daemon daemon,
			 const char *backend, struct rc_diag *diag)
{
	char err[256];
	struct rk *k;

	if (daemon != RCF_FOR_IKED && daemon != RCF_FOR_KINKD)
		return;
	k = rk_open(backend, NULL, NULL, NULL, err, sizeof(err));
	if (!k) {
		rc_diag_error(diag, &cfg->main_loc, "kernel backend %s: %s",
			      backend ? backend : RC_DEFAULT_KERNEL, err);
		return;
	}
	rk_check_config(k, cfg, diag);
	rk_close(k);
}

int rc_config_test(const char *prog, const char *path, enum rcf_daemon daemon,
		   const char *backend)
{
	struct rc_diag diag;
	struct rcf_load_opts opts = {.path = path, .daemon = daemon, .check_safe = true};
	struct rcf_config *cfg;
	int rc = 1;

	rc_diag_init(&diag);
	cfg = rcf_load(&opts, &diag);
	if (cfg) {
		switch (daemon) {
		case RCF_FOR_IKED:
			rcf_check_iked(cfg, &diag);
			break;
		case RCF_FOR_SPMD:
			rcf_check_spmd(cfg, &diag);
			break;
		case RCF_FOR_KINKD:
			rcf_check_kinkd(cfg, &diag);
			break;
		case RCF_FOR_SPMDCTL:
			break;
		}
		check_kernel(cfg, daemon, backend, &diag);
	}
	rc_diag_sort(&diag);
	rc_diag_print(&diag, stderr, 1);
	if (cfg && diag.nerrors == 0) {
		struct rcf_summary s;
		rcf_summarize(cfg, &s);
		printf("%s: %s: configuration OK: %d %s, %d %s, %d %s, %d ipsec, %d sa, "
		       "%d address %s; %d %s\n",
		       prog, path, s.remotes, plural(s.remotes, "remote", "remotes"), s.selectors,
		       plural(s.selectors, "selector", "selectors"), s.policies,
		       plural(s.policies, "policy", "policies"), s.ipsecs, s.sas, s.pools,
		       plural(s.pools, "pool", "pools"), diag.nwarnings,
		       plural(diag.nwarnings, "warning", "warnings"));
		rc = 0;
	} else {
		fprintf(stderr, "%s: %s: configuration has %d %s, %d %s\n", prog, path,
			diag.nerrors, plural(diag.nerrors, "error", "errors"), diag.nwarnings,
			plural(diag.nwarnings, "warning", "warnings"));
	}
	if (cfg)
		rcf_free(cfg);
	rc_diag_free(&diag);
	return rc;
}
