/* From racoon2.conf selectors to kernel policies (compat §1.7, §3.5). */
#include "config.h"

#include <string.h>

#include "spd.h"
#include "util.h"

#define ICMP_PROTO 1
#define ICMPV6_PROTO 58
#define MH_PROTO 135

static enum rk_level level_of(long long v)
{
	switch (v) {
	case RCF_LEVEL_UNIQUE:
		return RK_LEVEL_UNIQUE;
	case RCF_LEVEL_USE:
		return RK_LEVEL_USE;
	default:
		return RK_LEVEL_REQUIRE;
	}
}

/* A full-length unspecified address is the wildcard (compat §3.3 prefix
 * rules), and host bits are cleared so equal selectors compare equal. */
static void normalise_addr(struct rc_addr *a)
{
	if (rc_addr_is_unspecified(a))
		a->prefixlen = 0;
	a->scope_id = 0;
	rc_addr_mask(a);
}

static void set_ports(const struct rcf_selector *s, struct rk_selector *sel)
{
	sel->src.port = s->src.n ? s->src.v[0].port : 0;
	sel->dst.port = s->dst.n ? s->dst.v[0].port : 0;
	if (!rcf_isset(s->ulp) || s->ulp.proto == RCF_ULP_ANY)
		return;
	sel->proto = (uint8_t)s->ulp.proto;
	/* compat §1.7: ICMP type and code (MH type) travel as the ports */
	if (s->ulp.proto == ICMP_PROTO || s->ulp.proto == ICMPV6_PROTO) {
		if (s->ulp.nparams >= 1)
			sel->src.port = (uint16_t)s->ulp.params[0];
		if (s->ulp.nparams >= 2)
			sel->dst.port = (uint16_t)s->ulp.params[1];
	} else if (s->ulp.proto == MH_PROTO && s->ulp.nparams >= 1) {
		sel->src.port = (uint16_t)s->ulp.params[0];
	}
}

static void add_tmpl(struct rk_policy *p, uint8_t proto, enum rk_mode mode, uint32_t reqid,
		     enum rk_level level, const struct rc_addr *src, const struct rc_addr *dst)
{
	struct rk_tmpl *t = &p->tmpl[p->ntmpl++];

	memset(t, 0, sizeof(*t));
	t->proto = proto;
	t->mode = mode;
	t->reqid = reqid;
	t->level = level;
	if (mode == RK_MODE_TUNNEL) {
		t->src = *src;
		t->dst = *dst;
		t->src.port = t->dst.port = 0;
		t->src.prefixlen = (uint8_t)rc_addr_maxprefix(src->family);
		t->dst.prefixlen = (uint8_t)rc_addr_maxprefix(dst->family);
	}
}

/* The bundle of the first proposal, innermost first (IPComp, ESP, AH).
 * In tunnel mode only the innermost transform makes the tunnel; the
 * others protect its outer packet in transport mode. */
static int add_bundle(const struct rcf_selector *s, struct rk_policy *p, enum rk_mode mode,
		      const struct rc_addr *sa_src, const struct rc_addr *sa_dst, char *err,
		      size_t errlen)
{
	const struct rcf_policy *pl = s->policy;
	if (pl->nipsec == 0 || !pl->ipsec[0])
		return rc_set_err(err, errlen, "policy '%s' has no ipsec_index", pl->name);
	const struct rcf_ipsec *ip = pl->ipsec[0];
	const struct {
		const struct rcf_sa *sa;
		uint8_t proto;
	} slots[] = {{ip->ipcomp, RK_PROTO_COMP}, {ip->esp, RK_PROTO_ESP}, {ip->ah, RK_PROTO_AH}};
	uint32_t reqid = rcf_isset(s->reqid) ? (uint32_t)s->reqid.v : 0;
	enum rk_level level =
		level_of(rcf_isset(pl->ipsec_level) ? pl->ipsec_level.v : RCF_LEVEL_REQUIRE);
	enum rk_mode m = mode;

	if (mode == RK_MODE_TUNNEL &&
	    (!sa_src || !sa_dst || sa_src->family == AF_UNSPEC || sa_dst->family == AF_UNSPEC))
		return rc_set_err(err, errlen, "tunnel mode needs both SA endpoints");
	for (size_t i = 0; i < RC_ARRAY_SIZE(slots); i++) {
		if (!slots[i].sa)
			continue;
		/* IPComp leaves small packets uncompressed: it must be optional */
		add_tmpl(p, slots[i].proto, m, reqid,
			 slots[i].proto == RK_PROTO_COMP ? RK_LEVEL_USE : level, sa_src, sa_dst);
		m = RK_MODE_TRANSPORT;
	}
	if (p->ntmpl == 0)
		return rc_set_err(err, errlen, "ipsec '%s' names no SA (sa_index)", ip->name);
	return 0;
}

int spd_build_policy(const struct rcf_selector *s, enum rk_dir dir, const struct rc_addr *src,
		     const struct rc_addr *dst, enum rk_mode mode, const struct rc_addr *sa_src,
		     const struct rc_addr *sa_dst, struct rk_policy *out, char *err, size_t errlen)
{
	const struct rcf_policy *pl = s->policy;

	memset(out, 0, sizeof(*out));
	if (!pl)
		return rc_set_err(err, errlen, "selector '%s' has no policy", s->name);
	if (src->family != dst->family)
		return rc_set_err(err, errlen, "src and dst are of different address families");
	out->dir = dir;
	out->sel.src = *src;
	out->sel.dst = *dst;
	set_ports(s, &out->sel);
	normalise_addr(&out->sel.src);
	normalise_addr(&out->sel.dst);
	if (!rcf_isset(pl->action))
		return rc_set_err(err, errlen, "policy '%s' has no action", pl->name);
	switch (pl->action.v) {
	case RCF_ACT_NONE:
		out->action = RK_ACT_BYPASS;
		return 0;
	case RCF_ACT_DISCARD:
		out->action = RK_ACT_DISCARD;
		return 0;
	case RCF_ACT_AUTO_IPSEC:
		out->action = RK_ACT_IPSEC;
		return add_bundle(s, out, mode, sa_src, sa_dst, err, errlen);
	default:
		return rc_set_err(err, errlen,
				  "policy '%s': action static_ipsec is not implemented", pl->name);
	}
}
