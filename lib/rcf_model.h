/* The typed racoon2.conf model built by rcf_load() (rcf.h).
 *
 * Immutable after load: daemons only read it, and a reload builds a new one.
 * All memory belongs to the struct rcf_config and goes with rcf_free().
 *
 * Every value carries a struct rcf_meta: where it was written (so later
 * consumers can report errors with positions) and where its value came from.
 * RCF_UNSET is the only "not set" state, so an explicit `infinite` (0) is a
 * set value and overrides a non-zero default (fix of compat §10.2.16).
 *
 * Inheritance is already applied (compat §1.7, made uniform per §10.2.28):
 *   remote KMP block -> same block of `default { remote {...} }` -> built-in
 *   defaults of §1.8.4 (per IKE version); policy/ipsec/sa fields from
 *   `default { policy/ipsec/sa }` for every daemon.
 * Use rcf_kmp_get() & co. instead of reading the remote's blocks raw.
 *
 * Where we differ from racoon2's language on purpose (for racoon2.conf(5)):
 *   - a setval value may use another setval ("${OTHER}"); a reference
 *     cycle is an error naming the chain.  Duplicate setval names warn.
 *   - expansion is bounded: 64 KiB per string, and per configuration
 *     65536 substitutions plus 4 per token and 64 MiB written in all
 *     (values that repeat each other could otherwise run for hours).
 *   - a NUL byte inside a quoted string is an error (it used to cut the
 *     string short).
 *   - the documentation's spellings padlen_random, max_pad_len and (IKEv2
 *     integrity/PRF) sha2_256/384/512 are accepted with a warning.
 *   - new unreserved algorithm words: aes{128,192,256}_gcm{16,12,8},
 *     chacha20_poly1305 (AEAD: no esp_auth_alg needed), DH groups ecp256,
 *     ecp384, ecp521, curve25519, curve448 (also as numbers 19-21, 31, 32).
 *   - upper_layer_protocol names come from a built-in table (icmp6 works
 *     everywhere).
 *   - duplicate scalars warn (ikev2{} and provide{} keep the first, as
 *     racoon2 did; other blocks the last); duplicate section names warn.
 *   - `infinite` written in a remote overrides the default section.
 *   - default { policy/ipsec/sa } applies to spmd too; pre_shared_key and
 *     the public key paths inherit like every other field.
 *   - policy/ipsec/sa blocks no selector uses are checked, with warnings.
 *   - policy.remote_index is resolved at load time. */
#ifndef RC_RCF_MODEL_H
#define RC_RCF_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "diag.h"
#include "rcf.h"

enum rcf_origin {
	RCF_UNSET = 0,
	RCF_BUILTIN,   /* built-in default (compat §1.8) */
	RCF_INHERITED, /* from the default section; meta.loc points there */
	RCF_EXPLICIT,  /* written in this block */
};

struct rcf_meta {
	enum rcf_origin origin;
	struct rc_loc loc; /* of the directive keyword (unset: zero) */
};

#define rcf_isset(field) ((field).m.origin != RCF_UNSET)

/* numbers, times (seconds), byte counts, booleans (1/0) and enums */
struct rcf_int {
	struct rcf_meta m;
	long long v;
};

struct rcf_str {
	struct rcf_meta m;
	const char *v; /* variables expanded */
};

struct rcf_strlist {
	struct rcf_meta m;
	size_t n;
	const char **v;
	struct rc_loc *locs;
};

struct rcf_intlist {
	struct rcf_meta m;
	size_t n;
	int *v;
};

/* ---- addresses (compat §1.5) ---- */
enum rcf_addr_kind { RCF_ADDR_NUMERIC, RCF_ADDR_MACRO, RCF_ADDR_FQDN, RCF_ADDR_UNIX };

enum rcf_macro {
	RCF_MACRO_NONE,
	RCF_MY_IP,
	RCF_MY_IPV4,
	RCF_MY_IPV6,
	RCF_MY_IPV6_GLOBAL,
	RCF_MY_IPV6_LINKLOCAL,
	RCF_MY_HOA,
	RCF_IP_ANY,
	RCF_IP_RW,
	RCF_IP_UNSPECIFIED,
};

struct rcf_addrspec {
	enum rcf_addr_kind kind;
	struct rc_addr addr;  /* NUMERIC; its .port is the port too */
	enum rcf_macro macro; /* MACRO */
	const char *ifname;   /* MACRO%ifname, or NULL */
	const char *text;     /* as written (expanded): FQDN, macro, UNIX path */
	uint16_t port;	      /* host order, 0 = any */
	bool port_set;	      /* `port` was written */
	struct rc_loc loc;
};

struct rcf_addrlist {
	struct rcf_meta m;
	size_t n;
	struct rcf_addrspec *v;
};

/* ---- algorithms (compat §8.1 plus extensions) ---- */
enum rcf_alg_class {
	RCF_ALGC_ENC = 1 << 0,
	RCF_ALGC_HASH = 1 << 1,	 /* IKEv1 hash, IKEv2 integrity/PRF, ESP/AH auth */
	RCF_ALGC_AUTHM = 1 << 2, /* kmp_auth_method */
	RCF_ALGC_DH = 1 << 3,
	RCF_ALGC_COMP = 1 << 4,
};

/* where an algorithm may be used (compat §8.1 columns) */
enum rcf_alg_use {
	RCF_USE_V1_ENC = 1 << 0,
	RCF_USE_V2_ENC = 1 << 1,
	RCF_USE_V2_ESP_ENC = 1 << 2,
	RCF_USE_V1_ESP_ENC = 1 << 3, /* IKEv1/KINK ESP */
	RCF_USE_V1_HASH = 1 << 4,
	RCF_USE_V2_INTEG = 1 << 5,
	RCF_USE_V2_PRF = 1 << 6,
	RCF_USE_V2_AUTH = 1 << 7, /* ESP/AH auth, IKEv2 child */
	RCF_USE_V1_AUTH = 1 << 8, /* ESP/AH auth, IKEv1/KINK */
	RCF_USE_V2_AUTHM = 1 << 9,
	RCF_USE_V1_AUTHM = 1 << 10,
	RCF_USE_DH = 1 << 11, /* supported DH group */
	RCF_USE_COMP = 1 << 12,
	RCF_USE_KERNEL = 1 << 13, /* has a kernel (PF_KEY/XFRM) mapping */
};

struct rcf_alg_info {
	const char *name;
	unsigned cls; /* enum rcf_alg_class */
	unsigned use; /* enum rcf_alg_use */
	int dh_group; /* IANA DH number, 0 if not DH */
	int keylen;   /* fixed key length in bits; 0 variable/none; -1 needs one */
	bool aead;
	bool extension; /* not in racoon2: our addition (unreserved word) */
};

struct rcf_alg {
	const struct rcf_alg_info *info;
	int keylen;	 /* 0 = not written, -1 = `ALG,,KEY` (compat "none") */
	const char *key; /* NULL when not written */
	struct rc_loc loc;
};

struct rcf_alglist {
	struct rcf_meta m;
	size_t n;
	struct rcf_alg *v;
};

const struct rcf_alg_info *rcf_alg_lookup(const char *name);
/* The DH group with this IANA number, or NULL. */
const struct rcf_alg_info *rcf_alg_by_dh_group(int group);

/* ---- identities ---- */
enum rcf_id_type { RCF_ID_IPADDR, RCF_ID_EMAIL, RCF_ID_FQDN, RCF_ID_KEYID, RCF_ID_X509_SUBJECT };
enum rcf_id_qual { RCF_IDQ_NONE, RCF_IDQ_FILE, RCF_IDQ_TAG };

struct rcf_id {
	enum rcf_id_type type;
	enum rcf_id_qual qual;
	const char *value;
	struct rc_loc loc;
};

struct rcf_idlist {
	struct rcf_meta m;
	size_t n;
	struct rcf_id *v;
};

enum rcf_pktype { RCF_PK_X509PEM, RCF_PK_PKCS12, RCF_PK_ASCII };
struct rcf_pubkey {
	struct rcf_meta m;
	enum rcf_pktype type;
	const char *cert;
	const char *priv; /* my_public_key: private key; peers_: ignored extra */
};

/* ---- remote and protocol blocks ---- */
enum rcf_kmp_proto { RCF_KMP_IKEV1, RCF_KMP_IKEV2, RCF_KMP_KINK, RCF_KMP_COUNT };

/* argv[1] values of compat §5.1; the config's aliases map onto these */
enum rcf_script_event {
	RCF_SCR_PHASE1_UP,
	RCF_SCR_PHASE1_DOWN,
	RCF_SCR_PHASE1_REKEY,
	RCF_SCR_PHASE2_UP,
	RCF_SCR_PHASE2_DOWN,
	RCF_SCR_PHASE2_REKEY,
	RCF_SCR_MIGRATION,
	RCF_SCR_COUNT,
};
const char *rcf_script_event_name(enum rcf_script_event ev);

enum rcf_logmode { RCF_LOG_NORMAL, RCF_LOG_DEBUG };
enum rcf_selector_check { RCF_SELCHK_OBEY, RCF_SELCHK_EXACT };
enum rcf_proposal_check { RCF_PROP_OBEY, RCF_PROP_STRICT, RCF_PROP_CLAIM, RCF_PROP_EXACT };
enum rcf_exchange_mode { RCF_XMODE_MAIN, RCF_XMODE_AGGRESSIVE, RCF_XMODE_BASE };
enum rcf_mobility_role { RCF_MOB_AGENT, RCF_MOB_MOBILE, RCF_MOB_CORRESPONDENT };

enum rcf_request_flag {
	RCF_REQ_IP4 = 1 << 0,
	RCF_REQ_IP6 = 1 << 1,
	RCF_REQ_IP4_DNS = 1 << 2,
	RCF_REQ_IP6_DNS = 1 << 3,
	RCF_REQ_IP4_DHCP = 1 << 4,
	RCF_REQ_IP6_DHCP = 1 << 5,
	RCF_REQ_APP_VERSION = 1 << 6,
	RCF_REQ_MIP6_HOME_PREFIX = 1 << 7,
};

struct rcf_pool;

struct rcf_provide {
	struct rcf_meta m; /* the provide block as a whole */
	struct rcf_str addresspool;
	struct rcf_addrlist dns, dhcp;
	struct rcf_str application_version;
	struct rcf_addrlist mip6_home_prefix; /* one entry */
	const struct rcf_pool *pool;	      /* resolved addresspool */
};

struct rcf_request {
	struct rcf_meta m;
	unsigned flags; /* enum rcf_request_flag */
};

/* One ikev1{}, ikev2{} or kink{} block, with inheritance applied. */
struct rcf_kmp {
	enum rcf_kmp_proto proto;
	bool present;	   /* written in this remote */
	struct rc_loc loc; /* of the block's keyword */
	/* common (compat §1.8.4) */
	struct rcf_int logmode, passive, use_coa, peers_kmp_port, verify_id, verify_pubkey,
		send_cert, send_cert_req, nonce_size, initial_contact, nat_traversal, support_proxy,
		selector_check, proposal_check, random_pad_content, random_padlen, max_padlen,
		max_retry_to_send, interval_to_send, times_per_send, kmp_sa_lifetime_time,
		kmp_sa_lifetime_byte, kmp_sa_nego_time_limit, kmp_sa_grace_period,
		ipsec_sa_nego_time_limit, mobility_role;
	struct rcf_str logfile;
	struct rcf_addrlist peers_ipaddr;
	struct rcf_idlist my_id, peers_id;
	struct rcf_alglist kmp_enc_alg, kmp_hash_alg, kmp_prf_alg, kmp_auth_method, kmp_dh_group;
	struct rcf_str script[RCF_SCR_COUNT];
	/* ikev1 and/or ikev2 */
	struct rcf_int exchange_mode, need_pfs, dpd, dpd_delay, dpd_retry, dpd_maxfail;
	struct rcf_str my_gssapi_id, pre_shared_key;
	struct rcf_pubkey my_public_key, peers_public_key;
	struct rcf_int cookie_required, send_peers_id;
	struct rcf_provide provide;
	struct rcf_request request;
	/* kink */
	struct rcf_str my_principal, peers_principal;
};

struct rcf_remote {
	const char *name;
	struct rc_loc loc;
	bool is_default;		   /* the default { remote {} } clause */
	struct rcf_intlist acceptable_kmp; /* enum rcf_kmp_proto values, in order */
	struct rcf_str selector_index;
	struct rcf_kmp kmp[RCF_KMP_COUNT];
};

/* Effective protocol block (never NULL; check ->present for whether the
 * remote itself has the block). */
const struct rcf_kmp *rcf_kmp_get(const struct rcf_remote *rm, enum rcf_kmp_proto p);
const struct rcf_kmp *rcf_ikev1_get(const struct rcf_remote *rm);
const struct rcf_kmp *rcf_ikev2_get(const struct rcf_remote *rm);
const struct rcf_kmp *rcf_kink_get(const struct rcf_remote *rm);
/* The protocol used when initiating (first of acceptable_kmp; IKEv2 when
 * nothing is set anywhere). */
enum rcf_kmp_proto rcf_initiate_kmp(const struct rcf_remote *rm);

/* ---- selector, policy, ipsec, sa ---- */
enum rcf_direction { RCF_DIR_INBOUND, RCF_DIR_OUTBOUND };
enum rcf_action { RCF_ACT_AUTO_IPSEC, RCF_ACT_STATIC_IPSEC, RCF_ACT_DISCARD, RCF_ACT_NONE };
enum rcf_ipsec_mode { RCF_MODE_TRANSPORT, RCF_MODE_TUNNEL };
enum rcf_ipsec_level { RCF_LEVEL_UNIQUE, RCF_LEVEL_REQUIRE, RCF_LEVEL_USE };
enum rcf_sa_protocol { RCF_SAP_ESP, RCF_SAP_AH, RCF_SAP_IPCOMP };

#define RCF_ULP_ANY 255

struct rcf_sa {
	const char *name;
	struct rc_loc loc;
	bool used;
	struct rcf_int sa_protocol, spi;
	struct rcf_alglist esp_enc_alg, esp_auth_alg, ah_auth_alg, ipcomp_alg;
};

struct rcf_ipsec {
	const char *name;
	struct rc_loc loc;
	bool used;
	struct rcf_int ipsec_sa_lifetime_time, ipsec_sa_lifetime_byte, ext_sequence;
	struct rcf_strlist sa_index;
	/* sa_index sorted into slots; NULL when absent */
	const struct rcf_sa *ah, *esp, *ipcomp;
};

struct rcf_policy {
	const char *name;
	struct rc_loc loc;
	bool used;
	struct rcf_int action, install, ipsec_mode, ipsec_level;
	struct rcf_str remote_index;
	struct rcf_strlist ipsec_index;
	struct rcf_addrlist my_sa_ipaddr, peers_sa_ipaddr; /* one entry each */
	const struct rcf_remote *remote;		   /* resolved remote_index, or NULL */
	size_t nipsec;
	const struct rcf_ipsec **ipsec; /* resolved ipsec_index, in order */
};

struct rcf_ulp {
	struct rcf_meta m;
	int proto; /* 0..255; RCF_ULP_ANY = any */
	const char *name;
	int nparams;
	int params[2];
};

struct rcf_selector {
	const char *name;
	struct rc_loc loc;
	struct rcf_int order, direction, reqid;
	struct rcf_addrlist src, dst;
	struct rcf_ulp ulp;
	struct rcf_strlist next_header_including;
	struct rcf_str tagged, policy_index;
	const struct rcf_policy *policy; /* resolved */
	bool iked_ignores;		 /* action is not auto_ipsec (compat §2) */
};

/* ---- interface, resolver, pools, setval ---- */
struct rcf_interface {
	struct rcf_meta m; /* the section */
	struct rcf_addrlist ike, kink, spmd;
	struct rcf_str spmd_password;
	struct rcf_int application_bypass;
};

struct rcf_resolver {
	struct rcf_meta m;
	struct rcf_int resolver;
	struct rcf_addrlist nameserver, dns_query;
};

struct rcf_pool_range {
	struct rc_addr start, end;
	struct rc_loc loc;
};

struct rcf_pool {
	const char *name;
	struct rc_loc loc;
	size_t n;
	struct rcf_pool_range *v;
};

struct rcf_setval {
	const char *name, *value; /* value as written (not expanded) */
	struct rc_loc loc;
};

struct rcf_config {
	enum rcf_daemon daemon;
	bool check_safe;	/* from rcf_load_opts: secret files are checked */
	struct rc_loc main_loc; /* the main file, for errors about what is missing */
	struct rcf_interface interface;
	struct rcf_resolver resolver;
	struct rcf_remote default_remote; /* default { remote {} }; see has_default_remote */
	bool has_default_remote;
	struct rcf_policy default_policy;
	struct rcf_ipsec default_ipsec;
	struct rcf_sa default_sa;
	size_t nremotes, nselectors, npolicies, nipsecs, nsas, npools, nsetvals;
	struct rcf_remote **remotes; /* file order; duplicates kept */
	struct rcf_selector **selectors;
	struct rcf_policy **policies;
	struct rcf_ipsec **ipsecs;
	struct rcf_sa **sas;
	struct rcf_pool **pools;
	struct rcf_setval *setvals;
	void *arena;      /* private */
	void *name_index; /* private: hash index for the *_find functions */
};

/* Lookups by name: the first in file order (compat §1.6). */
const struct rcf_remote *rcf_remote_find(const struct rcf_config *cfg, const char *name);
const struct rcf_selector *rcf_selector_find(const struct rcf_config *cfg, const char *name);
const struct rcf_policy *rcf_policy_find(const struct rcf_config *cfg, const char *name);
const struct rcf_ipsec *rcf_ipsec_find(const struct rcf_config *cfg, const char *name);
const struct rcf_sa *rcf_sa_find(const struct rcf_config *cfg, const char *name);
const struct rcf_pool *rcf_pool_find(const struct rcf_config *cfg, const char *name);
const char *rcf_setval_get(const struct rcf_config *cfg, const char *name);

/* Expand an address macro against the host's current interfaces
 * (getifaddrs).  IP_ANY/IP_RW/IP_UNSPECIFIED give :: and 0.0.0.0 with a
 * full-length prefix (compat quirk).  Port taken from spec.  Returns the
 * number of addresses (may be 0) with a malloc'ed array in *out, or -1
 * and a reason in err. */
int rcf_macro_expand(const struct rcf_addrspec *spec, struct rc_addr **out, char *err,
		     size_t errlen);

#endif
