#include "config.h"

#include <stdarg.h>

#include "kernel_conf.h"

struct kcheck {
	const struct rk *k;
	const struct rk_caps *caps;
	struct rc_diag *diag;
	int errors;
};

static void problem(struct kcheck *c, bool used, const struct rc_loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Blocks no selector uses are reported as warnings, as everywhere else in
 * the configuration check: racoon2 never looked at them. */
static void problem(struct kcheck *c, bool used, const struct rc_loc *loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	rc_diag_verror(c->diag, used ? RC_DIAG_ERROR : RC_DIAG_WARNING, loc, fmt, ap);
	va_end(ap);
	if (used)
		c->errors++;
}

enum alg_kind { K_ENC, K_AUTH, K_COMP };

static void check_list(struct kcheck *c, const struct rcf_sa *sa, const struct rcf_alglist *l,
		       enum alg_kind kind, const char *directive)
{
	const char *be = rk_backend_name(c->k);

	for (size_t i = 0; i < l->n; i++) {
		const struct rcf_alg *a = &l->v[i];
		const char *kw = a->info->name;
		bool ok = false;
		int mapped = -1;
		const char *kname = NULL;

		if (kind == K_ENC) {
			enum rk_enc e;
			if ((mapped = rk_enc_from_keyword(kw, &e)) == 0) {
				ok = c->caps->enc[e];
				kname = rk_enc_name(e);
			}
		} else if (kind == K_AUTH) {
			enum rk_auth au;
			if ((mapped = rk_auth_from_keyword(kw, &au)) == 0) {
				ok = c->caps->auth[au];
				kname = rk_auth_name(au);
			}
		} else {
			enum rk_comp co;
			if ((mapped = rk_comp_from_keyword(kw, &co)) == 0) {
				ok = c->caps->comp[co];
				kname = rk_comp_name(co);
			}
		}
		if (mapped != 0) {
			/* keywords no kernel can use were already rejected by the
			 * model; this catches the two tables disagreeing */
			if (a->info->use & RCF_USE_KERNEL)
				problem(c, sa->used, &a->loc,
					"sa '%s': %s '%s' has no kernel transform", sa->name,
					directive, kw);
		}
		else if (!ok)
			problem(c, sa->used, &a->loc,
				"sa '%s': %s '%s' (%s) is not supported by the %s kernel backend "
				"on this system",
				sa->name, directive, kw, kname, be);
	}
}

static void check_sa(struct kcheck *c, const struct rcf_sa *sa)
{
	const char *be = rk_backend_name(c->k);
	static const char *const pname[] = {"ESP", "AH", "IPComp"};
	int proto = (int)sa->sa_protocol.v;
	bool have = proto == RCF_SAP_ESP ? c->caps->esp :
		    proto == RCF_SAP_AH	 ? c->caps->ah :
					   c->caps->ipcomp;

	if (!rcf_isset(sa->sa_protocol) || proto < RCF_SAP_ESP || proto > RCF_SAP_IPCOMP)
		return; /* the model already reported it */
	if (!have) {
		problem(c, sa->used, &sa->loc,
			"sa '%s': %s is not supported by the %s kernel backend on this system",
			sa->name, pname[proto], be);
		return;
	}
	if (proto == RCF_SAP_ESP) {
		check_list(c, sa, &sa->esp_enc_alg, K_ENC, "esp_enc_alg");
		check_list(c, sa, &sa->esp_auth_alg, K_AUTH, "esp_auth_alg");
	} else if (proto == RCF_SAP_AH) {
		check_list(c, sa, &sa->ah_auth_alg, K_AUTH, "ah_auth_alg");
	} else {
		check_list(c, sa, &sa->ipcomp_alg, K_COMP, "ipcomp_alg");
	}
}

int rk_check_config(const struct rk *k, const struct rcf_config *cfg, struct rc_diag *diag)
{
	struct kcheck c = {.k = k, .caps = rk_caps(k), .diag = diag};

	for (size_t i = 0; i < cfg->nsas; i++)
		check_sa(&c, cfg->sas[i]);
	return c.errors;
}
