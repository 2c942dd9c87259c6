/* The directive tables.  One row per directive: its value form and the
 * model field it fills; cf_model.c does the rest generically. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cf_schema.h"
#include "rcf_model.h"
#include "util.h"

/* ---- reserved words (compat Appendix B) ---- */
static const char *const keywords[] = {
	"on", "off", "enable", "disable", "yes", "no", "infinite",
	"sec", "secs", "second", "seconds", "min", "mins", "minute", "minutes", "hour",
	"hours", "day", "days", "B", "byte", "bytes", "KB", "MB", "GB",
	"des_cbc_iv64", "des_cbc", "3des_cbc", "rc5_cbc", "idea_cbc", "cast128_cbc",
	"blowfish_cbc", "3idea_cbc", "des_cbc_iv32", "rc4_cbc", "null_enc", "rijndael_cbc",
	"aes128_cbc", "aes192_cbc", "aes256_cbc", "aes_ctr", "twofish_cbc", "non_auth",
	"hmac_md5", "hmac_sha1", "hmac_sha2_256", "hmac_sha2_384", "hmac_sha2_512",
	"aes_xcbc", "des_mac", "aes_cmac", "kpdk_md5", "md5", "sha1", "tiger", "sha2_256",
	"sha2_384", "sha2_512", "oui", "deflate", "lzs", "modp768", "modp1024", "modp1536",
	"ec2n155", "ec2n185", "modp2048", "modp3072", "modp4096", "modp6144", "modp8192",
	"psk", "dss", "rsasig", "rsaenc", "rsarev", "gssapi_krb",
	"include", "setval", "default", "interface", "ike", "kink", "spmd", "spmd_password",
	"application_bypass", "unix", "port", "resolver", "nameserver", "dns_query",
	"remote", "ikev1", "ikev2", "selector_index", "acceptable_kmp", "logmode", "debug",
	"normal", "logfile", "passive", "use_coa", "peers_ipaddr", "peers_kmp_port",
	"verify_id", "verify_pubkey", "send_cert", "send_cert_req", "nonce_size",
	"initial_contact", "support_proxy", "nat_traversal", "require_config_payload",
	"application_version", "request", "provide", "ip4", "ip6", "ip", "ip4_dns",
	"ip6_dns", "ip4_dhcp", "ip6_dhcp", "dns", "dhcp", "mip6_home_prefix",
	"max_ip4_alloc", "max_ip6_alloc", "script", "phase1_up", "phase1_down",
	"phase1_rekey", "phase2_up", "phase2_down", "phase2_rekey", "ike_sa_up",
	"ike_sa_down", "ike_sa_rekey", "child_up", "child_down", "child_rekey", "migration",
	"my_id", "peers_id", "ipaddr", "email", "fqdn", "keyid", "x509_subject", "file", "tag",
	"selector_check", "proposal_check", "obey", "strict", "claim", "exact",
	"random_pad_content", "random_padlen", "max_padlen", "max_retry_to_send",
	"interval_to_send", "times_per_send", "kmp_sa_lifetime_time", "kmp_sa_lifetime_byte",
	"kmp_sa_nego_time_limit", "kmp_sa_grace_period", "ipsec_sa_nego_time_limit",
	"kmp_enc_alg", "kmp_hash_alg", "kmp_prf_alg", "kmp_auth_method", "kmp_dh_group",
	"exchange_mode", "main", "aggressive", "base", "my_gssapi_id", "dpd", "dpd_delay",
	"dpd_retry", "dpd_maxfail", "cookie_required", "send_peers_id", "my_principal",
	"peers_principal", "need_pfs", "my_public_key", "peers_public_key", "x509pem",
	"pkcs12", "ascii", "pre_shared_key", "mobility_role", "agent", "mobile",
	"correspondent", "selector", "order", "direction", "outbound", "inbound", "src", "dst",
	"upper_layer_protocol", "next_header_including", "tagged", "policy_index", "reqid",
	"policy", "action", "auto_ipsec", "static_ipsec", "discard", "none", "bypass",
	"install", "remote_index", "ipsec_index", "ipsec_mode", "transport", "tunnel", "ipsec",
	"my_sa_ipaddr", "peers_sa_ipaddr", "ipsec_sa_lifetime_time", "ipsec_sa_lifetime_byte",
	"ext_sequence", "sa_index", "ipsec_level", "unique", "require", "use", "sa",
	"esp_enc_alg", "esp_auth_alg", "ah_auth_alg", "ipcomp_alg", "spi", "sa_protocol",
	"esp", "ah", "ipcomp", "addresspool",
};

bool cf_is_keyword(const char *word)
{
	for (size_t i = 0; i < RC_ARRAY_SIZE(keywords); i++)
		if (strcmp(word, keywords[i]) == 0)
			return true;
	return false;
}

/* ---- enum word lists ---- */
#define WORDS(name, ...) static const char *const name[] = { __VA_ARGS__, NULL }
#define VALS(name, ...) static const int name[] = { __VA_ARGS__ }

WORDS(w_logmode, "normal", "debug");
VALS(v_logmode, RCF_LOG_NORMAL, RCF_LOG_DEBUG);
WORDS(w_selchk, "obey", "exact");
VALS(v_selchk, RCF_SELCHK_OBEY, RCF_SELCHK_EXACT);
WORDS(w_propchk, "obey", "strict", "claim", "exact");
VALS(v_propchk, RCF_PROP_OBEY, RCF_PROP_STRICT, RCF_PROP_CLAIM, RCF_PROP_EXACT);
WORDS(w_xmode, "main", "aggressive", "base");
VALS(v_xmode, RCF_XMODE_MAIN, RCF_XMODE_AGGRESSIVE, RCF_XMODE_BASE);
WORDS(w_mob, "agent", "mobile", "correspondent");
VALS(v_mob, RCF_MOB_AGENT, RCF_MOB_MOBILE, RCF_MOB_CORRESPONDENT);
WORDS(w_dir, "inbound", "outbound");
VALS(v_dir, RCF_DIR_INBOUND, RCF_DIR_OUTBOUND);
WORDS(w_action, "auto_ipsec", "static_ipsec", "discard", "none", "bypass");
VALS(v_action, RCF_ACT_AUTO_IPSEC, RCF_ACT_STATIC_IPSEC, RCF_ACT_DISCARD, RCF_ACT_NONE,
     RCF_ACT_NONE);
WORDS(w_mode, "transport", "tunnel");
VALS(v_mode, RCF_MODE_TRANSPORT, RCF_MODE_TUNNEL);
WORDS(w_level, "unique", "require", "use");
VALS(v_level, RCF_LEVEL_UNIQUE, RCF_LEVEL_REQUIRE, RCF_LEVEL_USE);
WORDS(w_saproto, "esp", "ah", "ipcomp");
VALS(v_saproto, RCF_SAP_ESP, RCF_SAP_AH, RCF_SAP_IPCOMP);

#define ENUMW(w, v) .form = CF_F_ENUM, .words = w, .values = v
#define FIELD(type, f) .off = offsetof(type, f), .size = sizeof(((type *)0)->f)
#define KF(f) FIELD(struct rcf_kmp, f)
#define D3(a, b, c) .def = { a, b, c }, .hasdef = 7
#define DV1(a) .def = { a, 0, 0 }, .hasdef = 1
#define DV2(b) .def = { 0, b, 0 }, .hasdef = 2
#define DV12(a, b) .def = { a, b, 0 }, .hasdef = 3
#define END { .name = NULL }

/* ---- protocol blocks ---- */
static const struct cf_directive kmp_common[] = {
	{ "logmode", ENUMW(w_logmode, v_logmode), KF(logmode), D3(0, 0, 0) },
	{ "logfile", CF_F_STR, KF(logfile) },
	{ "passive", CF_F_BOOL, KF(passive), D3(0, 0, 0) },
	{ "use_coa", CF_F_BOOL, KF(use_coa), D3(0, 0, 0) },
	{ "peers_ipaddr", CF_F_ADDRLIST, CF_D_ADDRPORT, KF(peers_ipaddr) },
	{ "peers_kmp_port", CF_F_NUM, KF(peers_kmp_port) },
	{ "verify_id", CF_F_BOOL, KF(verify_id), D3(0, 1, 0) },
	{ "verify_pubkey", CF_F_BOOL, KF(verify_pubkey), D3(1, 0, 1) },
	{ "send_cert", CF_F_BOOL, KF(send_cert), D3(1, 0, 1) },
	{ "send_cert_req", CF_F_BOOL, KF(send_cert_req), D3(1, 0, 1) },
	{ "nonce_size", CF_F_BYTES, KF(nonce_size), D3(16, 32, 16) },
	{ "initial_contact", CF_F_BOOL, KF(initial_contact), D3(1, 0, 1) },
	{ "nat_traversal", CF_F_BOOL, KF(nat_traversal), D3(1, 1, 1) },
	{ "support_proxy", CF_F_BOOL, KF(support_proxy), D3(0, 0, 0) },
	{ "my_id", CF_F_IDLIST, KF(my_id) },
	{ "peers_id", CF_F_IDLIST, KF(peers_id) },
	{ "selector_check", ENUMW(w_selchk, v_selchk), KF(selector_check), DV2(RCF_SELCHK_EXACT) },
	{ "proposal_check", ENUMW(w_propchk, v_propchk), KF(proposal_check),
	  D3(RCF_PROP_STRICT, RCF_PROP_OBEY, RCF_PROP_STRICT) },
	{ "random_pad_content", CF_F_BOOL, KF(random_pad_content), D3(1, 0, 1) },
	{ "random_padlen", CF_F_BOOL, KF(random_padlen), D3(0, 0, 0) },
	{ "padlen_random", CF_F_BOOL, KF(random_padlen), .alias_of = "random_padlen" },
	{ "max_padlen", CF_F_BYTES, KF(max_padlen), D3(0, 0, 0) },
	{ "max_pad_len", CF_F_BYTES, KF(max_padlen), .alias_of = "max_padlen" },
	{ "max_retry_to_send", CF_F_NUM, KF(max_retry_to_send), D3(5, 10, 5) },
	{ "interval_to_send", CF_F_TIME, KF(interval_to_send), D3(1, 1, 1) },
	{ "times_per_send", CF_F_NUM, KF(times_per_send), D3(1, 1, 1) },
	{ "kmp_sa_lifetime_time", CF_F_TIME, KF(kmp_sa_lifetime_time), D3(28800, 86400, 28800) },
	{ "kmp_sa_lifetime_byte", CF_F_BYTES, KF(kmp_sa_lifetime_byte), D3(0, 0, 0) },
	{ "kmp_sa_nego_time_limit", CF_F_TIME, KF(kmp_sa_nego_time_limit), D3(30, 600, 30) },
	{ "kmp_sa_grace_period", CF_F_TIME, KF(kmp_sa_grace_period), D3(0, 0, 0) },
	{ "ipsec_sa_nego_time_limit", CF_F_TIME, KF(ipsec_sa_nego_time_limit), D3(30, 600, 30) },
	{ "kmp_enc_alg", CF_F_ALGLIST, .alg_class = RCF_ALGC_ENC, KF(kmp_enc_alg) },
	{ "kmp_hash_alg", CF_F_ALGLIST, .alg_class = RCF_ALGC_HASH, KF(kmp_hash_alg) },
	{ "kmp_prf_alg", CF_F_ALGLIST, .alg_class = RCF_ALGC_HASH, KF(kmp_prf_alg) },
	{ "kmp_auth_method", CF_F_ALGLIST, .alg_class = RCF_ALGC_AUTHM, KF(kmp_auth_method) },
	{ "kmp_dh_group", CF_F_DHLIST, .alg_class = RCF_ALGC_DH, KF(kmp_dh_group) },
	{ "mobility_role", ENUMW(w_mob, v_mob), KF(mobility_role) },
	{ "script", CF_F_SCRIPT, KF(script) },
	{ "require_config_payload", CF_F_UNSUPPORTED, .flags = 0 },
	{ "max_ip4_alloc", CF_F_UNSUPPORTED, .flags = 0 },
	{ "max_ip6_alloc", CF_F_UNSUPPORTED, .flags = 0 },
	END,
};

static const struct cf_directive kmp_v1v2[] = {
	{ "need_pfs", CF_F_BOOL, KF(need_pfs), DV12(0, 0) },
	{ "my_public_key", CF_F_PUBKEY, KF(my_public_key) },
	{ "peers_public_key", CF_F_PUBKEY, CF_D_OPTVAL, KF(peers_public_key) },
	{ "pre_shared_key", CF_F_STR, KF(pre_shared_key) },
	{ "dpd_delay", CF_F_TIME, KF(dpd_delay), DV12(0, 3600) },
	END,
};

static const struct cf_directive kmp_v1[] = {
	{ "exchange_mode", ENUMW(w_xmode, v_xmode), KF(exchange_mode), DV1(RCF_XMODE_MAIN) },
	{ "my_gssapi_id", CF_F_STR, KF(my_gssapi_id) },
	{ "dpd", CF_F_BOOL, KF(dpd), DV1(1) },
	{ "dpd_retry", CF_F_TIME, KF(dpd_retry), DV1(5) },
	{ "dpd_maxfail", CF_F_NUM, KF(dpd_maxfail), DV1(5) },
	END,
};

static const struct cf_directive kmp_v2[] = {
	{ "cookie_required", CF_F_BOOL, KF(cookie_required), DV2(0) },
	{ "send_peers_id", CF_F_BOOL, KF(send_peers_id), DV2(0) },
	{ "provide", CF_F_BLOCK, CF_D_ONCE, .child = CF_CTX_PROVIDE, KF(provide) },
	{ "request", CF_F_BLOCK, CF_D_ONCE, .child = CF_CTX_REQUEST, KF(request) },
	END,
};

static const struct cf_directive kmp_kink[] = {
	{ "my_principal", CF_F_STR, KF(my_principal) },
	{ "peers_principal", CF_F_STR, KF(peers_principal) },
	END,
};

#define PF(f) FIELD(struct rcf_provide, f)
static const struct cf_directive provide_tab[] = {
	{ "addresspool", CF_F_STR, PF(addresspool) },
	{ "dns", CF_F_ADDRLIST, CF_D_ADDRPORT, PF(dns) },
	{ "dhcp", CF_F_ADDRLIST, CF_D_ADDRPORT, PF(dhcp) },
	{ "application_version", CF_F_STR, PF(application_version) },
	{ "mip6_home_prefix", CF_F_ADDR1, PF(mip6_home_prefix) },
	{ "max_ip4_alloc", CF_F_UNSUPPORTED, .flags = 0 },
	{ "max_ip6_alloc", CF_F_UNSUPPORTED, .flags = 0 },
	END,
};

#define QF FIELD(struct rcf_request, flags)
static const struct cf_directive request_tab[] = {
	{ "ip4", CF_F_FLAG, .value = RCF_REQ_IP4, QF },
	{ "ip6", CF_F_FLAG, .value = RCF_REQ_IP6, QF },
	{ "ip", CF_F_FLAG, .value = RCF_REQ_IP4 | RCF_REQ_IP6, QF },
	{ "ip4_dns", CF_F_FLAG, .value = RCF_REQ_IP4_DNS, QF },
	{ "ip6_dns", CF_F_FLAG, .value = RCF_REQ_IP6_DNS, QF },
	{ "dns", CF_F_FLAG, .value = RCF_REQ_IP4_DNS | RCF_REQ_IP6_DNS, QF },
	{ "ip4_dhcp", CF_F_FLAG, .value = RCF_REQ_IP4_DHCP, QF },
	{ "ip6_dhcp", CF_F_FLAG, .value = RCF_REQ_IP6_DHCP, QF },
	{ "dhcp", CF_F_FLAG, .value = RCF_REQ_IP4_DHCP | RCF_REQ_IP6_DHCP, QF },
	{ "application_version", CF_F_FLAG, .value = RCF_REQ_APP_VERSION, QF },
	{ "mip6_home_prefix", CF_F_FLAG, .value = RCF_REQ_MIP6_HOME_PREFIX, QF },
	{ "require_config_payload", CF_F_UNSUPPORTED, .flags = 0 },
	END,
};

#define RF(f) FIELD(struct rcf_remote, f)
static const struct cf_directive remote_tab[] = {
	{ "ikev1", CF_F_BLOCK, CF_D_ONCE, .child = CF_CTX_IKEV1, RF(kmp[RCF_KMP_IKEV1]) },
	{ "ikev2", CF_F_BLOCK, CF_D_ONCE, .child = CF_CTX_IKEV2, RF(kmp[RCF_KMP_IKEV2]) },
	{ "kink", CF_F_BLOCK, CF_D_ONCE, .child = CF_CTX_KINK, RF(kmp[RCF_KMP_KINK]) },
	{ "acceptable_kmp", CF_F_KMPLIST, RF(acceptable_kmp) },
	{ "selector_index", CF_F_STR, CF_D_NOINHERIT, RF(selector_index) },
	END,
};

#define IF(f) FIELD(struct rcf_interface, f)
static const struct cf_directive interface_tab[] = {
	{ "ike", CF_F_ADDRLIST, CF_D_ONCE | CF_D_ADDRPORT, IF(ike) },
	{ "kink", CF_F_ADDRLIST, CF_D_ONCE | CF_D_ADDRPORT, IF(kink) },
	{ "spmd", CF_F_ADDRLIST, CF_D_ONCE | CF_D_ADDRPORT | CF_D_UNIX, IF(spmd) },
	{ "spmd_password", CF_F_STR, CF_D_ONCE, IF(spmd_password) },
	{ "application_bypass", CF_F_BOOL, IF(application_bypass), D3(1, 1, 1) },
	END,
};

#define RSF(f) FIELD(struct rcf_resolver, f)
static const struct cf_directive resolver_tab[] = {
	{ "resolver", CF_F_BOOL, RSF(resolver), D3(0, 0, 0) },
	{ "nameserver", CF_F_ADDRLIST, CF_D_ONCE | CF_D_ADDRPORT, RSF(nameserver) },
	{ "dns_query", CF_F_ADDRLIST, CF_D_ONCE | CF_D_ADDRPORT, RSF(dns_query) },
	END,
};

#define SF(f) FIELD(struct rcf_selector, f)
static const struct cf_directive selector_tab[] = {
	{ "order", CF_F_NUM, SF(order) },
	{ "direction", ENUMW(w_dir, v_dir), SF(direction) },
	{ "src", CF_F_ADDRLIST, CF_D_ADDRPORT, SF(src) },
	{ "dst", CF_F_ADDRLIST, CF_D_ADDRPORT, SF(dst) },
	{ "upper_layer_protocol", CF_F_ULP, SF(ulp) },
	{ "next_header_including", CF_F_STRLIST, SF(next_header_including) },
	{ "tagged", CF_F_STR, SF(tagged) },
	{ "policy_index", CF_F_STR, SF(policy_index) },
	{ "reqid", CF_F_NUM, SF(reqid), D3(0, 0, 0) },
	END,
};

#define POF(f) FIELD(struct rcf_policy, f)
static const struct cf_directive policy_tab[] = {
	{ "action", ENUMW(w_action, v_action), POF(action) },
	{ "install", CF_F_BOOL, POF(install), D3(1, 1, 1) },
	{ "remote_index", CF_F_STR, POF(remote_index) },
	{ "ipsec_index", CF_F_STRLIST, POF(ipsec_index) },
	{ "ipsec_mode", ENUMW(w_mode, v_mode), POF(ipsec_mode) },
	{ "ipsec_level", ENUMW(w_level, v_level), POF(ipsec_level) },
	{ "my_sa_ipaddr", CF_F_ADDR1, POF(my_sa_ipaddr) },
	{ "peers_sa_ipaddr", CF_F_ADDR1, POF(peers_sa_ipaddr) },
	END,
};

#define ISF(f) FIELD(struct rcf_ipsec, f)
static const struct cf_directive ipsec_tab[] = {
	{ "ipsec_sa_lifetime_time", CF_F_TIME, ISF(ipsec_sa_lifetime_time), D3(0, 0, 0) },
	{ "ipsec_sa_lifetime_byte", CF_F_BYTES, ISF(ipsec_sa_lifetime_byte), D3(0, 0, 0) },
	{ "ext_sequence", CF_F_BOOL, ISF(ext_sequence), D3(0, 0, 0) },
	{ "sa_index", CF_F_STRLIST, ISF(sa_index) },
	END,
};

#define SAF(f) FIELD(struct rcf_sa, f)
static const struct cf_directive sa_tab[] = {
	{ "sa_protocol", ENUMW(w_saproto, v_saproto), SAF(sa_protocol) },
	{ "esp_enc_alg", CF_F_ALGLIST, .alg_class = RCF_ALGC_ENC, SAF(esp_enc_alg) },
	{ "esp_auth_alg", CF_F_ALGLIST, .alg_class = RCF_ALGC_HASH, SAF(esp_auth_alg) },
	{ "ah_auth_alg", CF_F_ALGLIST, .alg_class = RCF_ALGC_HASH, SAF(ah_auth_alg) },
	{ "ipcomp_alg", CF_F_ALGLIST, .alg_class = RCF_ALGC_COMP, SAF(ipcomp_alg) },
	{ "spi", CF_F_NUM, SAF(spi) },
	END,
};

static const struct cf_directive default_tab[] = {
	{ "remote", CF_F_BLOCK, CF_D_ONCE, .child = CF_CTX_REMOTE },
	{ "policy", CF_F_BLOCK, CF_D_ONCE, .child = CF_CTX_POLICY },
	{ "ipsec", CF_F_BLOCK, CF_D_ONCE, .child = CF_CTX_IPSEC },
	{ "sa", CF_F_BLOCK, CF_D_ONCE, .child = CF_CTX_SA },
	END,
};

static const struct cf_directive top_tab[] = {
	{ "setval", CF_F_SECTION, CF_D_ONCE, .child = CF_CTX_SETVAL },
	{ "default", CF_F_SECTION, CF_D_ONCE, .child = CF_CTX_DEFAULT },
	{ "interface", CF_F_SECTION, CF_D_ONCE, .child = CF_CTX_INTERFACE },
	{ "resolver", CF_F_SECTION, CF_D_ONCE, .child = CF_CTX_RESOLVER },
	{ "remote", CF_F_SECTION, CF_D_NAMED, .child = CF_CTX_REMOTE },
	{ "selector", CF_F_SECTION, CF_D_NAMED, .child = CF_CTX_SELECTOR },
	{ "policy", CF_F_SECTION, CF_D_NAMED, .child = CF_CTX_POLICY },
	{ "ipsec", CF_F_SECTION, CF_D_NAMED, .child = CF_CTX_IPSEC },
	{ "sa", CF_F_SECTION, CF_D_NAMED, .child = CF_CTX_SA },
	{ "addresspool", CF_F_SECTION, CF_D_NAMED, .child = CF_CTX_POOL },
	END,
};

#define TABLES(...) (const struct cf_directive *const[]){ __VA_ARGS__, NULL }

static const struct cf_ctx_info ctx_infos[CF_CTX_COUNT] = {
	[CF_CTX_TOP] = { "top level", TABLES(top_tab), false },
	[CF_CTX_SETVAL] = { "setval section", TABLES(NULL), false },
	[CF_CTX_INTERFACE] = { "interface section", TABLES(interface_tab), false },
	[CF_CTX_RESOLVER] = { "resolver section", TABLES(resolver_tab), false },
	[CF_CTX_REMOTE] = { "remote section", TABLES(remote_tab), false },
	[CF_CTX_IKEV1] = { "ikev1 block", TABLES(kmp_common, kmp_v1v2, kmp_v1), false },
	[CF_CTX_IKEV2] = { "ikev2 block", TABLES(kmp_common, kmp_v1v2, kmp_v2), true },
	[CF_CTX_KINK] = { "kink block", TABLES(kmp_common, kmp_kink), false },
	[CF_CTX_PROVIDE] = { "provide block", TABLES(provide_tab), true },
	[CF_CTX_REQUEST] = { "request block", TABLES(request_tab), false },
	[CF_CTX_SCRIPT] = { "script block", TABLES(NULL), false },
	[CF_CTX_SELECTOR] = { "selector section", TABLES(selector_tab), false },
	[CF_CTX_POLICY] = { "policy section", TABLES(policy_tab), false },
	[CF_CTX_IPSEC] = { "ipsec section", TABLES(ipsec_tab), false },
	[CF_CTX_SA] = { "sa section", TABLES(sa_tab), false },
	[CF_CTX_POOL] = { "addresspool section", TABLES(NULL), false },
	[CF_CTX_DEFAULT] = { "default section", TABLES(default_tab), false },
};

const struct cf_ctx_info *cf_ctx_info(enum cf_ctx ctx)
{
	return &ctx_infos[ctx];
}

const struct cf_directive *cf_schema_find(enum cf_ctx ctx, const char *name)
{
	const struct cf_ctx_info *ci = &ctx_infos[ctx];

	for (size_t t = 0; ci->tables[t]; t++)
		for (const struct cf_directive *d = ci->tables[t]; d->name; d++)
			if (strcmp(d->name, name) == 0)
				return d;
	return NULL;
}

const char *cf_schema_suggest(enum cf_ctx ctx, const char *name)
{
	const struct cf_ctx_info *ci = &ctx_infos[ctx];
	const char *best = NULL;
	int best_dist = 3;

	for (size_t t = 0; ci->tables[t]; t++)
		for (const struct cf_directive *d = ci->tables[t]; d->name; d++) {
			if (d->alias_of || d->form == CF_F_UNSUPPORTED)
				continue;
			int dist = rc_edit_distance(name, d->name, best_dist);
			if (dist < best_dist) {
				best_dist = dist;
				best = d->name;
			}
		}
	return best;
}

bool cf_schema_valid_in(const char *name, char *buf, size_t len)
{
	size_t used = 0;
	bool any = false;

	buf[0] = '\0';
	for (int c = 0; c < CF_CTX_COUNT; c++) {
		const struct cf_directive *d = cf_schema_find(c, name);
		if (!d || d->form == CF_F_UNSUPPORTED || d->alias_of)
			continue;
		int w = snprintf(buf + used, len - used, "%s%s", any ? ", " : "",
				 ctx_infos[c].what);
		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
		any = true;
	}
	return any;
}
