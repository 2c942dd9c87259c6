/* Per-daemon configuration checks on top of rcf_load: iked (compat §2),
 * spmd (what it needs to install a policy, §3.5), kinkd (§1.8.4).
 * Problems in blocks no selector uses are warnings (racoon2 never looked
 * at them, so configs that loaded there keep loading). */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "rcf.h"
#include "rcf_model.h"
#include "safefile.h"

struct checker {
	const struct rcf_config *cfg;
	struct rc_diag *diag;
	int errors;
};

static void problem(struct checker *c, bool is_error, const struct rc_loc *loc, const char *fmt,
		    ...) __attribute__((format(printf, 4, 5)));
static void problem(struct checker *c, bool is_error, const struct rc_loc *loc, const char *fmt,
		    ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (!loc || !loc->file)
		loc = &c->cfg->main_loc;
	rc_diag_verror(c->diag, is_error ? RC_DIAG_ERROR : RC_DIAG_WARNING, loc, fmt, ap);
	va_end(ap);
	if (is_error)
		c->errors++;
}

static const struct rc_loc *kmp_loc(const struct rcf_remote *rm, const struct rcf_kmp *k)
{
	return k->present ? &k->loc : &rm->loc;
}

/* ---- iked ---- */
static bool is_weak(const struct rcf_alg_info *a)
{
	static const char *const weak[] = { "des_cbc", "md5", "hmac_md5", "modp768", "modp1024" };
	for (size_t i = 0; i < sizeof(weak) / sizeof(weak[0]); i++)
		if (strcmp(a->name, weak[i]) == 0)
			return true;
	return false;
}

static void check_algs(struct checker *c, const struct rcf_remote *rm,
		       const struct rcf_alglist *l, unsigned use, const char *what)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct rcf_alg *a = &l->v[i];
		if (!(a->info->use & use)) {
			problem(c, true, &a->loc, "remote '%s': %s '%s' is not supported by IKEv2",
				rm->name, what, a->info->name);
			continue;
		}
		if (a->info->keylen < 0 && a->keylen <= 0)
			problem(c, true, &a->loc,
				"remote '%s': '%s' needs a key length (e.g. %s,256)", rm->name,
				a->info->name, a->info->name);
		if (a->info->keylen < 0 && a->keylen > 0 && a->keylen != 128 &&
		    a->keylen != 192 && a->keylen != 256)
			problem(c, true, &a->loc, "remote '%s': key length %d is not valid for '%s'",
				rm->name, a->keylen, a->info->name);
		if (is_weak(a->info))
			problem(c, false, &a->loc, "remote '%s': '%s' is weak; consider a stronger algorithm",
				rm->name, a->info->name);
		if (a->key)
			problem(c, false, &a->loc, "remote '%s': the key given for '%s' is ignored",
				rm->name, a->info->name);
		if (a->info->cls == RCF_ALGC_DH && a->keylen != 0)
			problem(c, false, &a->loc,
				"remote '%s': a key length on DH group '%s' is ignored", rm->name,
				a->info->name);
	}
}

static void ni_warn(struct checker *c, const struct rcf_meta *m, const char *name)
{
	if (m->origin == RCF_EXPLICIT)
		problem(c, false, &m->loc,
			"'%s': configuration field support is unimplemented, ignored", name);
}

static void check_psk(struct checker *c, const struct rcf_remote *rm, const struct rcf_kmp *k)
{
	if (!rcf_isset(k->pre_shared_key)) {
		problem(c, !rm->is_default, kmp_loc(rm, k),
			"remote '%s': kmp_auth_method psk needs pre_shared_key", rm->name);
		return;
	}
	char err[128];
	if (c->cfg->check_safe && rc_safefile_check(k->pre_shared_key.v, true, err, sizeof(err)))
		problem(c, true, &k->pre_shared_key.m.loc, "pre-shared key file %s: %s",
			k->pre_shared_key.v, err);
}

static void check_ikev2(struct checker *c, const struct rcf_remote *rm)
{
	const struct rcf_kmp *k = rcf_ikev2_get(rm);
	bool strict = !rm->is_default; /* the default remote is checked loosely */

	if (!rcf_isset(k->my_id))
		problem(c, strict, kmp_loc(rm, k), "remote '%s': IKEv2 needs my_id", rm->name);
	if (!rcf_isset(k->kmp_auth_method))
		problem(c, strict, kmp_loc(rm, k), "remote '%s': IKEv2 needs kmp_auth_method",
			rm->name);
	for (size_t i = 0; i < k->kmp_auth_method.n; i++) {
		const struct rcf_alg *a = &k->kmp_auth_method.v[i];
		const char *m = a->info->name;
		if (!(a->info->use & RCF_USE_V2_AUTHM))
			problem(c, true, &a->loc,
				"remote '%s': auth method '%s' is not supported by IKEv2 (psk, rsasig, dss)",
				rm->name, m);
		else if (strcmp(m, "psk") == 0)
			check_psk(c, rm, k);
		else if (!rcf_isset(k->peers_public_key))
			problem(c, strict, &a->loc, "remote '%s': auth method %s needs peers_public_key",
				rm->name, m);
	}
	check_algs(c, rm, &k->kmp_enc_alg, RCF_USE_V2_ENC, "encryption algorithm");
	check_algs(c, rm, &k->kmp_hash_alg, RCF_USE_V2_INTEG, "integrity algorithm");
	check_algs(c, rm, &k->kmp_prf_alg, RCF_USE_V2_PRF, "PRF");
	check_algs(c, rm, &k->kmp_dh_group, RCF_USE_DH, "DH group");
	if (k->nonce_size.v < 16 || k->nonce_size.v > 256)
		problem(c, true, &k->nonce_size.m.loc,
			"remote '%s': nonce_size %lld is out of range (16-256)", rm->name,
			k->nonce_size.v);
	ni_warn(c, &k->verify_pubkey.m, "verify_pubkey");
	ni_warn(c, &k->send_cert.m, "send_cert");
	ni_warn(c, &k->send_cert_req.m, "send_cert_req");
	ni_warn(c, &k->support_proxy.m, "support_proxy");
	ni_warn(c, &k->proposal_check.m, "proposal_check");
	ni_warn(c, &k->kmp_sa_lifetime_byte.m, "kmp_sa_lifetime_byte");
	ni_warn(c, &k->ipsec_sa_nego_time_limit.m, "ipsec_sa_nego_time_limit");
	ni_warn(c, &k->peers_kmp_port.m, "peers_kmp_port");
}

static bool lists(const struct rcf_remote *rm, enum rcf_kmp_proto p)
{
	for (size_t i = 0; i < rm->acceptable_kmp.n; i++)
		if (rm->acceptable_kmp.v[i] == (int)p)
			return true;
	return false;
}

static void check_remote_iked(struct checker *c, const struct rcf_remote *rm)
{
	static const char *const names[] = { "ikev1", "ikev2", "kink" };
	if (rm->acceptable_kmp.m.origin == RCF_EXPLICIT)
		for (size_t i = 0; i < rm->acceptable_kmp.n; i++) {
			int p = rm->acceptable_kmp.v[i];
			if (p != RCF_KMP_KINK && !rm->kmp[p].present)
				problem(c, !rm->is_default, &rm->acceptable_kmp.m.loc,
					"remote '%s': acceptable_kmp lists %s but there is no %s block",
					rm->name, names[p], names[p]);
		}
	if (rm->kmp[RCF_KMP_IKEV1].present || lists(rm, RCF_KMP_IKEV1))
		problem(c, false, kmp_loc(rm, &rm->kmp[RCF_KMP_IKEV1]),
			"remote '%s': IKEv1 is not supported yet; its settings are ignored", rm->name);
	if (rm->kmp[RCF_KMP_IKEV2].present) {
		const struct rcf_addrlist *pa = &rm->kmp[RCF_KMP_IKEV2].peers_ipaddr;
		check_ikev2(c, rm);
		if (pa->n > 0 && pa->v[0].kind == RCF_ADDR_FQDN)
			problem(c, false, &pa->v[0].loc,
				"remote '%s': iked cannot initiate to an FQDN peers_ipaddr ('%s'); "
				"only numeric addresses and macros are used",
				rm->name, pa->v[0].text);
	}
}

/* An auto_ipsec policy a selector uses needs at least one proposal. */
static void check_proposals(struct checker *c, const struct rcf_policy *p)
{
	if (p->used && rcf_isset(p->action) && p->action.v == RCF_ACT_AUTO_IPSEC &&
	    p->ipsec_index.n == 0)
		problem(c, true, &p->loc, "policy '%s' is auto_ipsec but has no ipsec_index", p->name);
}

static void check_sa_iked(struct checker *c, const struct rcf_sa *sa)
{
	bool err = sa->used;
	if (!rcf_isset(sa->sa_protocol))
		return; /* reported by rcf_load when used */
	switch (sa->sa_protocol.v) {
	case RCF_SAP_ESP: {
		bool aead = sa->esp_enc_alg.n > 0;
		if (!rcf_isset(sa->esp_enc_alg))
			problem(c, err, &sa->loc, "sa '%s': esp needs esp_enc_alg", sa->name);
		for (size_t i = 0; i < sa->esp_enc_alg.n; i++) {
			const struct rcf_alg *a = &sa->esp_enc_alg.v[i];
			aead = aead && a->info->aead;
			if (!(a->info->use & RCF_USE_V2_ESP_ENC))
				problem(c, err, &a->loc, "sa '%s': '%s' is not supported for ESP",
					sa->name, a->info->name);
			else if (a->info->keylen < 0 && a->keylen <= 0)
				problem(c, err, &a->loc, "sa '%s': '%s' needs a key length", sa->name,
					a->info->name);
		}
		if (!aead && !rcf_isset(sa->esp_auth_alg))
			problem(c, err, &sa->loc, "sa '%s' does not have auth_alg list (esp_auth_alg)",
				sa->name);
		for (size_t i = 0; i < sa->esp_auth_alg.n; i++) {
			const struct rcf_alg *a = &sa->esp_auth_alg.v[i];
			if (!(a->info->use & RCF_USE_V2_AUTH) || !(a->info->use & RCF_USE_KERNEL))
				problem(c, err, &a->loc, "sa '%s': '%s' is not supported for ESP",
					sa->name, a->info->name);
		}
		break;
	}
	case RCF_SAP_AH:
		if (!rcf_isset(sa->ah_auth_alg))
			problem(c, err, &sa->loc, "sa '%s': ah needs ah_auth_alg", sa->name);
		for (size_t i = 0; i < sa->ah_auth_alg.n; i++) {
			const struct rcf_alg *a = &sa->ah_auth_alg.v[i];
			if (!(a->info->use & RCF_USE_V2_AUTH) || !(a->info->use & RCF_USE_KERNEL))
				problem(c, err, &a->loc, "sa '%s': '%s' is not supported for AH",
					sa->name, a->info->name);
		}
		break;
	default:
		problem(c, false, &sa->loc, "sa '%s': IKEv2 does not negotiate IPComp; ignored",
			sa->name);
		break;
	}
}

static void check_sa_addr(struct checker *c, const struct rcf_policy *p,
			  const struct rcf_addrlist *l, const char *what)
{
	if (l->n > 0 && l->v[0].kind != RCF_ADDR_NUMERIC && l->v[0].kind != RCF_ADDR_MACRO)
		problem(c, p->used, &l->v[0].loc,
			"policy '%s': %s must be a numeric address or a macro, not '%s'", p->name,
			what, l->v[0].text);
}

int rcf_check_iked(const struct rcf_config *cfg, struct rc_diag *diag)
{
	struct checker c = { .cfg = cfg, .diag = diag };
	if (!cfg)
		return 0;
	for (size_t i = 0; i < cfg->nremotes; i++)
		if (rcf_remote_find(cfg, cfg->remotes[i]->name) == cfg->remotes[i])
			check_remote_iked(&c, cfg->remotes[i]);
	if (cfg->has_default_remote)
		check_remote_iked(&c, &cfg->default_remote);
	for (size_t i = 0; i < cfg->npolicies; i++) {
		check_proposals(&c, cfg->policies[i]);
		check_sa_addr(&c, cfg->policies[i], &cfg->policies[i]->my_sa_ipaddr, "my_sa_ipaddr");
		check_sa_addr(&c, cfg->policies[i], &cfg->policies[i]->peers_sa_ipaddr,
			      "peers_sa_ipaddr");
	}
	for (size_t i = 0; i < cfg->nipsecs; i++)
		if (cfg->ipsecs[i]->ext_sequence.m.origin != RCF_BUILTIN &&
		    cfg->ipsecs[i]->ext_sequence.v)
			problem(&c, false, &cfg->ipsecs[i]->ext_sequence.m.loc,
				"ipsec '%s': ext_sequence is not supported, ignored",
				cfg->ipsecs[i]->name);
	for (size_t i = 0; i < cfg->nsas; i++)
		check_sa_iked(&c, cfg->sas[i]);
	return c.errors;
}

/* ---- spmd ---- */
static bool is_macro(const struct rcf_addrlist *l)
{
	return l->n > 0 && l->v[0].kind == RCF_ADDR_MACRO;
}

static void check_selector_spmd(struct checker *c, const struct rcf_selector *s)
{
	const struct rcf_policy *p = s->policy;
	if (!p || !p->install.v)
		return;
	if (!rcf_isset(s->direction))
		problem(c, true, &s->loc, "selector '%s' has no direction (inbound or outbound)",
			s->name);
	for (int side = 0; side < 2; side++) {
		const struct rcf_addrlist *l = side ? &s->dst : &s->src;
		if (is_macro(l) && l->v[0].macro != RCF_IP_ANY && l->v[0].macro != RCF_IP_RW)
			problem(c, true, &l->v[0].loc,
				"selector '%s': %s %s is not supported in a selector; only IP_ANY and "
				"IP_RW can stand for the address",
				s->name, side ? "dst" : "src", l->v[0].text);
	}
	if (is_macro(&s->src) && is_macro(&s->dst))
		problem(c, true, &s->loc,
			"selector '%s': src and dst are both macros; spmd cannot install that "
			"(one side must be an address)",
			s->name);
	if (!rcf_isset(p->action)) {
		problem(c, true, &s->loc,
			"selector '%s': policy '%s' has no action (and default { policy } has none)",
			s->name, p->name);
		return;
	}
	if (p->action.v != RCF_ACT_AUTO_IPSEC && p->action.v != RCF_ACT_STATIC_IPSEC)
		return;
	if (p->ipsec_index.n == 0)
		problem(c, true, &p->loc,
			"policy '%s' (used by selector '%s') needs ipsec_index to say which SAs to "
			"require",
			p->name, s->name);
	if (!rcf_isset(p->ipsec_mode))
		problem(c, true, &p->loc,
			"policy '%s' (used by selector '%s') has no ipsec_mode, and default { policy } "
			"has none",
			p->name, s->name);
	if (!rcf_isset(p->ipsec_level))
		problem(c, true, &p->loc,
			"policy '%s' (used by selector '%s') has no ipsec_level, and default { policy } "
			"has none",
			p->name, s->name);
	if (rcf_isset(p->ipsec_mode) && p->ipsec_mode.v == RCF_MODE_TUNNEL &&
	    (!rcf_isset(p->my_sa_ipaddr) || !rcf_isset(p->peers_sa_ipaddr)))
		problem(c, true, &p->loc,
			"policy '%s' is tunnel mode but lacks %s (needed to install selector '%s')",
			p->name, !rcf_isset(p->my_sa_ipaddr) ? "my_sa_ipaddr" : "peers_sa_ipaddr",
			s->name);
}

int rcf_check_spmd(const struct rcf_config *cfg, struct rc_diag *diag)
{
	struct checker c = { .cfg = cfg, .diag = diag };
	if (!cfg)
		return 0;
	const struct rc_loc *at = cfg->interface.m.origin ? &cfg->interface.m.loc : NULL;
	if (!rcf_isset(cfg->interface.spmd))
		problem(&c, true, at, "interface { spmd ... } is required (the spmif socket)");
	if (!rcf_isset(cfg->interface.spmd_password))
		problem(&c, true, at, "interface { spmd_password ... } is required");
	for (size_t i = 0; i < cfg->nselectors; i++) {
		const struct rcf_selector *s = cfg->selectors[i];
		check_selector_spmd(&c, s);
		bool fqdn = (s->src.n && s->src.v[0].kind == RCF_ADDR_FQDN) ||
			    (s->dst.n && s->dst.v[0].kind == RCF_ADDR_FQDN);
		if (fqdn && s->policy && s->policy->install.v && !cfg->resolver.resolver.v)
			problem(&c, false, &s->loc,
				"selector '%s' uses an FQDN but the resolver is off; spmd can only "
				"install it if the name is in /etc/hosts",
				s->name);
	}
	return c.errors;
}

/* ---- kinkd ---- */
int rcf_check_kinkd(const struct rcf_config *cfg, struct rc_diag *diag)
{
	struct checker c = { .cfg = cfg, .diag = diag };
	if (!cfg)
		return 0;
	if (!cfg->has_default_remote ||
	    cfg->default_remote.kmp[RCF_KMP_KINK].my_principal.m.origin != RCF_EXPLICIT)
		problem(&c, true, cfg->has_default_remote ? &cfg->default_remote.loc : NULL,
			"specify my principal in default { remote { kink { my_principal \"...\"; }; }; }");
	return c.errors;
}
