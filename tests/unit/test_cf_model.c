/* The typed model: inheritance, defaults, index resolution, value forms,
 * aliases, duplicates, macros. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>

#include "cfm_test.h"

#define POL_OK "policy p { action auto_ipsec; ipsec_mode transport; ipsec_level require; };\n"

static struct rcf_config *must_load(const char *text, enum rcf_daemon daemon, struct rc_diag *d)
{
	struct rcf_config *c = cfm_load(text, daemon, d);
	assert_loaded(c, d);
	return c;
}

static void done(struct rcf_config *c, struct rc_diag *d)
{
	rcf_free(c);
	rc_diag_free(d);
}

static void inheritance_field_by_field(void **state)
{
	struct rc_diag d;
	struct rcf_config *c = must_load(
		"default {\n remote {\n  acceptable_kmp ikev2;\n  ikev2 {\n"
		"   passive on;\n   kmp_sa_lifetime_time 100 sec;\n   my_id fqdn \"me.example\";\n"
		"   pre_shared_key \"/k/default.psk\";\n   script child_up \"/h/up\";;\n"
		"   kmp_enc_alg aes256_cbc;\n   peers_public_key x509pem \"/c/peer.pem\" \"\";\n"
		"  };\n };\n};\n"
		"remote r {\n ikev2 {\n  kmp_sa_lifetime_time infinite;\n  script child_down "
		"\"/h/down\";;\n };\n};\n",
		RCF_FOR_IKED, &d);
	const struct rcf_remote *rm = rcf_remote_find(c, "r");
	const struct rcf_kmp *k = rcf_ikev2_get(rm);
	assert_true(k->present);
	assert_int_equal(k->passive.v, 1);
	assert_int_equal(k->passive.m.origin, RCF_INHERITED);
	assert_int_equal(k->passive.m.loc.line, 5); /* points at the default's line */
	assert_int_equal(k->kmp_sa_lifetime_time.v, 0);
	assert_int_equal(k->kmp_sa_lifetime_time.m.origin, RCF_EXPLICIT);
	assert_string_equal(k->my_id.v[0].value, "me.example");
	assert_int_equal(k->my_id.m.origin, RCF_INHERITED);
	/* uniform inheritance (fix of §10.2.28): PSK and key paths too */
	assert_string_equal(k->pre_shared_key.v, "/k/default.psk");
	assert_string_equal(k->peers_public_key.cert, "/c/peer.pem");
	assert_string_equal(k->script[RCF_SCR_PHASE2_UP].v, "/h/up");
	assert_int_equal(k->script[RCF_SCR_PHASE2_UP].m.origin, RCF_INHERITED);
	assert_string_equal(k->script[RCF_SCR_PHASE2_DOWN].v, "/h/down");
	assert_string_equal(k->kmp_enc_alg.v[0].info->name, "aes256_cbc");
	assert_int_equal(rm->acceptable_kmp.n, 1);
	assert_int_equal(rcf_initiate_kmp(rm), RCF_KMP_IKEV2);
	/* still built-in where neither says */
	assert_int_equal(k->nonce_size.v, 32);
	assert_int_equal(k->nonce_size.m.origin, RCF_BUILTIN);
	done(c, &d);
}

static void explicit_infinite_overrides_default(void **state)
{
	struct rc_diag d;
	struct rcf_config *c =
		must_load("default { remote { ikev2 { kmp_sa_lifetime_time 1 hour; }; }; };\n"
			  "remote a { ikev2 { kmp_sa_lifetime_time infinite; }; };\n"
			  "remote b { ikev2 { max_padlen 0; }; };\n"
			  "remote c { ikev1 { kmp_sa_lifetime_time infinite; }; };\n",
			  RCF_FOR_IKED, &d);
	assert_int_equal(rcf_ikev2_get(rcf_remote_find(c, "a"))->kmp_sa_lifetime_time.v, 0);
	assert_int_equal(rcf_ikev2_get(rcf_remote_find(c, "b"))->kmp_sa_lifetime_time.v, 3600);
	/* IKEv1 built-in is 28800, explicit infinite wins */
	assert_int_equal(rcf_ikev1_get(rcf_remote_find(c, "c"))->kmp_sa_lifetime_time.v, 0);
	assert_int_equal(rcf_ikev1_get(rcf_remote_find(c, "b"))->kmp_sa_lifetime_time.v, 28800);
	done(c, &d);
}

static void builtin_defaults_per_version(void **state)
{
	struct rc_diag d;
	struct rcf_config *c = must_load(
		"remote r { ikev1 { passive off; }; ikev2 { passive off; }; };", RCF_FOR_IKED, &d);
	const struct rcf_remote *rm = rcf_remote_find(c, "r");
	const struct rcf_kmp *v1 = rcf_ikev1_get(rm), *v2 = rcf_ikev2_get(rm),
			     *kk = rcf_kink_get(rm);
	assert_int_equal(v1->kmp_sa_lifetime_time.v, 28800);
	assert_int_equal(v2->kmp_sa_lifetime_time.v, 86400);
	assert_int_equal(v1->verify_id.v, 0);
	assert_int_equal(v2->verify_id.v, 1);
	assert_int_equal(v1->nonce_size.v, 16);
	assert_int_equal(v2->nonce_size.v, 32);
	assert_int_equal(kk->nonce_size.v, 16);
	assert_int_equal(v1->dpd_delay.v, 0);
	assert_int_equal(v2->dpd_delay.v, 3600);
	assert_int_equal(v1->max_retry_to_send.v, 5);
	assert_int_equal(v2->max_retry_to_send.v, 10);
	assert_int_equal(v1->kmp_sa_nego_time_limit.v, 30);
	assert_int_equal(v2->kmp_sa_nego_time_limit.v, 600);
	assert_int_equal(v1->proposal_check.v, RCF_PROP_STRICT);
	assert_int_equal(v2->proposal_check.v, RCF_PROP_OBEY);
	assert_int_equal(v2->selector_check.v, RCF_SELCHK_EXACT);
	assert_false(rcf_isset(v1->selector_check));
	assert_int_equal(v1->send_cert.v, 1);
	assert_int_equal(v2->send_cert.v, 0);
	assert_int_equal(v1->exchange_mode.v, RCF_XMODE_MAIN);
	assert_int_equal(v1->dpd.v, 1);
	assert_false(rcf_isset(v2->dpd));
	assert_false(kk->present);
	assert_false(rcf_isset(v2->my_id));
	assert_int_equal(c->interface.application_bypass.v, 1);
	assert_int_equal(rcf_initiate_kmp(rm), RCF_KMP_IKEV2);
	done(c, &d);
}

static void policy_defaults_for_every_daemon(void **state)
{
	static const char text[] =
		"default { policy { ipsec_mode transport; ipsec_level require; action auto_ipsec; "
		"};\n"
		" ipsec { ipsec_sa_lifetime_time 10 min; }; sa { esp_auth_alg hmac_sha1; }; };\n"
		"selector s { direction outbound; policy_index p; };\n"
		"policy p { ipsec_index i; };\nipsec i { sa_index e; };\n"
		"sa e { sa_protocol esp; esp_enc_alg aes128_cbc; };\n";
	struct rc_diag d;
	/* fix of §10.2.8: spmd uses default { policy } too */
	struct rcf_config *c = must_load(text, RCF_FOR_SPMD, &d);
	const struct rcf_policy *p = rcf_policy_find(c, "p");
	assert_int_equal(p->ipsec_mode.v, RCF_MODE_TRANSPORT);
	assert_int_equal(p->ipsec_mode.m.origin, RCF_INHERITED);
	assert_int_equal(p->ipsec_level.v, RCF_LEVEL_REQUIRE);
	assert_int_equal(p->action.v, RCF_ACT_AUTO_IPSEC);
	assert_int_equal(p->install.v, 1);
	assert_int_equal(p->install.m.origin, RCF_BUILTIN);
	assert_int_equal(rcf_ipsec_find(c, "i")->ipsec_sa_lifetime_time.v, 600);
	assert_string_equal(rcf_sa_find(c, "e")->esp_auth_alg.v[0].info->name, "hmac_sha1");
	done(c, &d);
	/* iked's own fallback mode is tunnel; spmd has none */
	c = must_load("policy p { action auto_ipsec; };", RCF_FOR_IKED, &d);
	assert_int_equal(rcf_policy_find(c, "p")->ipsec_mode.v, RCF_MODE_TUNNEL);
	assert_int_equal(rcf_policy_find(c, "p")->ipsec_mode.m.origin, RCF_BUILTIN);
	done(c, &d);
	c = must_load("policy p { action auto_ipsec; };", RCF_FOR_SPMD, &d);
	assert_false(rcf_isset(rcf_policy_find(c, "p")->ipsec_mode));
	done(c, &d);
}

static void index_resolution(void **state)
{
	struct rc_diag d;
	struct rcf_config *c = must_load(
		"selector s { direction outbound; policy_index p; };\n"
		"policy p { action auto_ipsec; remote_index r; ipsec_index { i1; i2; }; };\n"
		"remote r { ikev2 { passive on; }; };\n"
		"ipsec i1 { sa_index { c; e; a; }; };\nipsec i2 { sa_index e; };\n"
		"sa a { sa_protocol ah; ah_auth_alg hmac_sha1; };\n"
		"sa e { sa_protocol esp; esp_enc_alg aes128_cbc; esp_auth_alg hmac_sha1; };\n"
		"sa c { sa_protocol ipcomp; ipcomp_alg deflate; };\n"
		/* unused blocks with problems: warnings only (racoon2 never checked them) */
		"policy unused { ipsec_index nothere; remote_index nobody; };\n"
		"ipsec lonely { sa_index { e; e2; nosa; }; };\n"
		"sa e2 { sa_protocol esp; };\n",
		RCF_FOR_IKED, &d);
	const struct rcf_selector *s = rcf_selector_find(c, "s");
	assert_ptr_equal(s->policy, rcf_policy_find(c, "p"));
	assert_ptr_equal(s->policy->remote, rcf_remote_find(c, "r"));
	assert_int_equal(s->policy->nipsec, 2);
	const struct rcf_ipsec *i1 = s->policy->ipsec[0];
	assert_string_equal(i1->name, "i1");
	assert_ptr_equal(i1->ah, rcf_sa_find(c, "a"));
	assert_ptr_equal(i1->esp, rcf_sa_find(c, "e"));
	assert_ptr_equal(i1->ipcomp, rcf_sa_find(c, "c"));
	assert_null(s->policy->ipsec[1]->ah);
	assert_true(rcf_sa_find(c, "e")->used);
	assert_false(rcf_sa_find(c, "e2")->used);
	assert_false(s->iked_ignores);
	assert_diag(&d, RC_DIAG_WARNING, 9, 29, "refers to ipsec 'nothere'");
	assert_diag(&d, RC_DIAG_WARNING, 9, 38, "refers to remote 'nobody'");
	assert_diag(&d, RC_DIAG_WARNING, 10, 30, "two sa of protocol esp");
	assert_diag(&d, RC_DIAG_WARNING, 10, 34, "refers to sa 'nosa'");
	assert_int_equal(d.nerrors, 0);
	struct rcf_summary sum;
	rcf_summarize(c, &sum);
	assert_int_equal(sum.selectors, 1);
	assert_int_equal(sum.policies, 2);
	assert_int_equal(sum.ipsecs, 3);
	assert_int_equal(sum.sas, 4);
	assert_int_equal(sum.remotes, 1);
	done(c, &d);
}

static void iked_ignores_non_auto(void **state)
{
	struct rc_diag d;
	struct rcf_config *c = must_load("selector s { direction outbound; policy_index p; };\n"
					 "policy p { action discard; };\n",
					 RCF_FOR_IKED, &d);
	assert_true(rcf_selector_find(c, "s")->iked_ignores);
	done(c, &d);
}

static void ulp_quirks(void **state)
{
	struct rc_diag d;
	struct rcf_config *c = must_load(
		"selector m { direction outbound; src ::1 port 9; src ::2; dst ::3 port 7;\n"
		" upper_layer_protocol mh 5; policy_index p; };\n"
		"selector t { direction outbound; src 10.0.0.1 port 9; dst 10.0.0.2;\n"
		" upper_layer_protocol tcp 1; policy_index p; };\n"
		"selector i { direction outbound; src ::1; dst ::2 port 99;\n"
		" upper_layer_protocol ipv6-icmp 135 0; policy_index p; };\n"
		"selector n { direction outbound; upper_layer_protocol 47; policy_index p; };\n"
		"selector a { direction outbound; policy_index p; };\n" POL_OK,
		RCF_FOR_IKED, &d);
	const struct rcf_selector *m = rcf_selector_find(c, "m");
	/* `src` repeated: the last wins outside ikev2 (with a warning) */
	assert_int_equal(m->src.n, 1);
	assert_int_equal(m->src.v[0].port, 5);
	assert_int_equal(m->dst.v[0].port, 7);
	const struct rcf_selector *t = rcf_selector_find(c, "t");
	assert_int_equal(t->ulp.proto, 6);
	assert_int_equal(t->src.v[0].port, 9);
	assert_diag(&d, RC_DIAG_WARNING, 4, 2, "spurious extra ulp parameter");
	const struct rcf_selector *i = rcf_selector_find(c, "i");
	assert_int_equal(i->ulp.proto, 58);
	assert_int_equal(i->src.v[0].port, 135);
	assert_int_equal(i->dst.v[0].port, 0);
	assert_int_equal(rcf_selector_find(c, "n")->ulp.proto, 47);
	assert_int_equal(rcf_selector_find(c, "a")->ulp.proto, RCF_ULP_ANY);
	assert_int_equal(rcf_selector_find(c, "a")->ulp.m.origin, RCF_BUILTIN);
	done(c, &d);
}

static void numbers_times_bytes_bools(void **state)
{
	struct rc_diag d;
	struct rcf_config *c = must_load(
		"remote r { ikev1 { dpd_maxfail 0x1f; peers_kmp_port -5; interval_to_send 2 mins;\n"
		"  kmp_sa_nego_time_limit 1 day; dpd_retry 3 seconds; kmp_sa_lifetime_byte 2 MB;\n"
		"  max_padlen 1 KB; nonce_size 20 bytes; passive enable; use_coa yes;\n"
		"  nat_traversal disable; initial_contact no; };\n"
		" ikev2 { kmp_sa_lifetime_byte infinite; kmp_sa_grace_period 3 hours; }; };\n"
		"ipsec i { ipsec_sa_lifetime_byte 1 GB; ipsec_sa_lifetime_time 2 days; };\n",
		RCF_FOR_IKED, &d);
	const struct rcf_kmp *k = rcf_ikev1_get(rcf_remote_find(c, "r"));
	assert_int_equal(k->dpd_maxfail.v, 31);
	assert_int_equal(k->peers_kmp_port.v, -5);
	assert_int_equal(k->interval_to_send.v, 120);
	assert_int_equal(k->kmp_sa_nego_time_limit.v, 86400);
	assert_int_equal(k->dpd_retry.v, 3);
	assert_int_equal(k->kmp_sa_lifetime_byte.v, 2 * 1024 * 1024);
	assert_int_equal(k->max_padlen.v, 1024);
	assert_int_equal(k->nonce_size.v, 20);
	assert_int_equal(k->passive.v, 1);
	assert_int_equal(k->use_coa.v, 1);
	assert_int_equal(k->nat_traversal.v, 0);
	assert_int_equal(k->initial_contact.v, 0);
	const struct rcf_kmp *k2 = rcf_ikev2_get(rcf_remote_find(c, "r"));
	assert_int_equal(k2->kmp_sa_lifetime_byte.v, 0);
	assert_int_equal(k2->kmp_sa_lifetime_byte.m.origin, RCF_EXPLICIT);
	assert_int_equal(k2->kmp_sa_grace_period.v, 10800);
	assert_int_equal(rcf_ipsec_find(c, "i")->ipsec_sa_lifetime_byte.v, 1024LL * 1024 * 1024);
	assert_int_equal(rcf_ipsec_find(c, "i")->ipsec_sa_lifetime_time.v, 172800);
	done(c, &d);
	/* 2^31 seconds does not fit */
	c = cfm_load("ipsec i { ipsec_sa_lifetime_time 30000 days; };", RCF_FOR_IKED, &d);
	assert_null(c);
	assert_diag(&d, RC_DIAG_ERROR, 1, 40, "too large");
	rc_diag_free(&d);
}

static void addresses_and_lists(void **state)
{
	struct rc_diag d;
	struct rcf_config *c = must_load(
		"interface { ike { MY_IP port 500; MY_IPV6_GLOBAL%eth0 port 4500; };\n"
		" spmd { unix \"/run/spmif\"; 127.0.0.1 port 9555; }; spmd_password \"/p\";\n"
		" application_bypass off; };\n"
		"resolver { resolver on; nameserver { 192.0.2.53 port 53; 2001:db8::53; };\n"
		" dns_query 127.0.0.1 port domain; };\n"
		"policy p { my_sa_ipaddr IP_RW; peers_sa_ipaddr 192.0.2.1; ipsec_index { x; y; }; "
		"};\n"
		"selector s { policy_index p; next_header_including { 6; 17; }; tagged \"t\"; "
		"order 3;\n"
		" reqid 7; direction inbound; };\nipsec x { };\nipsec y { };\n",
		RCF_FOR_SPMD, &d);
	const struct rcf_addrlist *ike = &c->interface.ike;
	assert_int_equal(ike->n, 2);
	assert_int_equal(ike->v[0].macro, RCF_MY_IP);
	assert_null(ike->v[0].ifname);
	assert_int_equal(ike->v[0].port, 500);
	assert_int_equal(ike->v[1].macro, RCF_MY_IPV6_GLOBAL);
	assert_string_equal(ike->v[1].ifname, "eth0");
	assert_int_equal(c->interface.spmd.v[0].kind, RCF_ADDR_UNIX);
	assert_string_equal(c->interface.spmd.v[0].text, "/run/spmif");
	assert_int_equal(c->interface.spmd.v[1].port, 9555);
	assert_int_equal(c->interface.application_bypass.v, 0);
	assert_int_equal(c->resolver.resolver.v, 1);
	assert_int_equal(c->resolver.nameserver.n, 2);
	assert_int_equal(c->resolver.nameserver.v[1].addr.family, AF_INET6);
	assert_int_equal(c->resolver.dns_query.v[0].port, 53);
	const struct rcf_policy *p = rcf_policy_find(c, "p");
	assert_int_equal(p->my_sa_ipaddr.v[0].macro, RCF_IP_RW);
	assert_int_equal(p->peers_sa_ipaddr.v[0].kind, RCF_ADDR_NUMERIC);
	assert_int_equal(p->ipsec_index.n, 2);
	assert_string_equal(p->ipsec_index.v[1], "y");
	const struct rcf_selector *s = rcf_selector_find(c, "s");
	assert_int_equal(s->next_header_including.n, 2);
	assert_string_equal(s->tagged.v, "t");
	assert_int_equal(s->order.v, 3);
	assert_int_equal(s->reqid.v, 7);
	done(c, &d);
}

static void ids_keys_scripts(void **state)
{
	struct rc_diag d;
	struct rcf_config *c = must_load(
		"remote r { ikev2 {\n"
		" my_id { keyid file \"/k/id\"; keyid tag \"abc\"; email \"a@b.example\"; };\n"
		" peers_id fqdn tag \"peer.example\";\n"
		" my_public_key x509pem \"/c/me.pem\" \"/c/me.key\";\n"
		" peers_public_key x509pem \"/c/peer.pem\";\n"
		" script { ike_sa_up \"/u\"; phase1_down \"/d\"; migration \"/m\"; child_rekey "
		"\"/r\"; };\n"
		" }; };\n",
		RCF_FOR_IKED, &d);
	const struct rcf_kmp *k = rcf_ikev2_get(rcf_remote_find(c, "r"));
	assert_int_equal(k->my_id.n, 3);
	assert_int_equal(k->my_id.v[0].type, RCF_ID_KEYID);
	assert_int_equal(k->my_id.v[0].qual, RCF_IDQ_FILE);
	assert_int_equal(k->my_id.v[1].qual, RCF_IDQ_TAG);
	assert_int_equal(k->my_id.v[2].type, RCF_ID_EMAIL);
	assert_int_equal(k->peers_id.v[0].qual, RCF_IDQ_NONE);
	assert_diag(&d, RC_DIAG_WARNING, 3, 16, "'tag' qualifier ignored");
	assert_string_equal(k->my_public_key.priv, "/c/me.key");
	assert_null(k->peers_public_key.priv);
	assert_string_equal(k->script[RCF_SCR_PHASE1_UP].v, "/u");
	assert_string_equal(k->script[RCF_SCR_PHASE1_DOWN].v, "/d");
	assert_string_equal(k->script[RCF_SCR_MIGRATION].v, "/m");
	assert_string_equal(k->script[RCF_SCR_PHASE2_REKEY].v, "/r");
	assert_string_equal(rcf_script_event_name(RCF_SCR_PHASE2_REKEY), "phase2_rekey");
	done(c, &d);
}

static void algorithms_and_extensions(void **state)
{
	struct rc_diag d;
	struct rcf_config *c = must_load(
		"remote r {\n ikev2 {\n  kmp_hash_alg { sha2_256; hmac_sha2_512; };\n"
		"  kmp_enc_alg { aes256_gcm16; chacha20_poly1305; rijndael_cbc, 192; };\n"
		"  kmp_dh_group { 19; 31; 14; };\n };\n"
		" ikev1 { kmp_hash_alg sha2_256; kmp_dh_group { curve25519; ecp384; modp2048; }; "
		"};\n};\n"
		"sa s { sa_protocol esp; esp_enc_alg { aes128_gcm8; aes_ctr, 256 byte; }; };\n",
		RCF_FOR_IKED, &d);
	const struct rcf_kmp *k = rcf_ikev2_get(rcf_remote_find(c, "r"));
	/* doc spelling accepted for IKEv2 integrity, with a warning */
	assert_string_equal(k->kmp_hash_alg.v[0].info->name, "hmac_sha2_256");
	assert_diag(&d, RC_DIAG_WARNING, 3, 18, "IKEv2 calls it 'hmac_sha2_256'");
	assert_true(k->kmp_enc_alg.v[0].info->aead);
	assert_true(k->kmp_enc_alg.v[0].info->extension);
	assert_string_equal(k->kmp_enc_alg.v[1].info->name, "chacha20_poly1305");
	assert_int_equal(k->kmp_enc_alg.v[2].keylen, 192);
	assert_string_equal(k->kmp_dh_group.v[0].info->name, "ecp256");
	assert_string_equal(k->kmp_dh_group.v[1].info->name, "curve25519");
	assert_int_equal(k->kmp_dh_group.v[2].info->dh_group, 14);
	const struct rcf_kmp *k1 = rcf_ikev1_get(rcf_remote_find(c, "r"));
	assert_string_equal(k1->kmp_hash_alg.v[0].info->name, "sha2_256");
	assert_int_equal(k1->kmp_dh_group.v[1].info->dh_group, 20);
	const struct rcf_sa *sa = rcf_sa_find(c, "s");
	assert_int_equal(sa->esp_enc_alg.v[1].keylen, 256);
	done(c, &d);
	/* extension words are not reserved: usable as names */
	c = must_load("sa aes128_gcm16 { sa_protocol esp; };\nremote curve25519 { };\n",
		      RCF_FOR_IKED, &d);
	assert_non_null(rcf_sa_find(c, "aes128_gcm16"));
	done(c, &d);
}

static void provide_request_and_pools(void **state)
{
	struct rc_diag d;
	struct rcf_config *c =
		must_load("addresspool pool4 { 10.1.0.10 - 10.1.0.20; 10.2.0.1 - 10.2.0.1; };\n"
			  "addresspool pool6 { 2001:db8::1 - 2001:db8::ff; };\n"
			  "remote r { ikev2 {\n provide { addresspool pool4; dns { 192.0.2.53; };\n"
			  "  application_version \"v1\"; addresspool pool6; };\n"
			  " request { ip4; dns; application_version; }; }; };\n",
			  RCF_FOR_IKED, &d);
	const struct rcf_kmp *k = rcf_ikev2_get(rcf_remote_find(c, "r"));
	/* first wins in provide{} (compat), with a warning */
	assert_string_equal(k->provide.addresspool.v, "pool4");
	assert_diag(&d, RC_DIAG_WARNING, 5, 29, "the first one is used");
	assert_ptr_equal(k->provide.pool, rcf_pool_find(c, "pool4"));
	assert_int_equal(k->provide.pool->n, 2);
	assert_int_equal(k->provide.dns.n, 1);
	assert_string_equal(k->provide.application_version.v, "v1");
	assert_int_equal(k->request.flags,
			 RCF_REQ_IP4 | RCF_REQ_IP4_DNS | RCF_REQ_IP6_DNS | RCF_REQ_APP_VERSION);
	assert_int_equal(rcf_pool_find(c, "pool6")->v[0].end.u.bytes[15], 0xff);
	done(c, &d);
}

static void setval_forms(void **state)
{
	struct rc_diag d;
	setenv("RCF_TEST_HOME", "/home/r2", 1);
	/* names are strings too: expanded */
	struct rcf_config *c =
		must_load("setval DIR \"$[RCF_TEST_HOME]/etc\";\n"
			  "selector \"${DIR}\" { direction outbound; policy_index p; };\n" POL_OK,
			  RCF_FOR_IKED, &d);
	assert_string_equal(rcf_setval_get(c, "DIR"), "$[RCF_TEST_HOME]/etc");
	assert_non_null(rcf_selector_find(c, "/home/r2/etc"));
	done(c, &d);
	/* FILE is not defined above: that load fails at the use */
	c = cfm_load("setval DIR \"/x\";\nremote r { ikev2 { logfile \"${DIR}/${FILE}\"; }; };\n",
		     RCF_FOR_IKED, &d);
	assert_null(c);
	assert_diag(&d, RC_DIAG_ERROR, 2, 28, "undefined variable ${FILE}");
	rc_diag_free(&d);
	c = must_load("setval DIR \"$[RCF_TEST_HOME]/etc\";\n"
		      "remote r { ikev2 { pre_shared_key \"${DIR}/k.psk\"; }; };\n",
		      RCF_FOR_IKED, &d);
	assert_string_equal(rcf_ikev2_get(rcf_remote_find(c, "r"))->pre_shared_key.v,
			    "/home/r2/etc/k.psk");
	done(c, &d);
}

/* 100000 setvals, each used once: names go through an index (a list
 * searched on every definition and use took some 15 s here) */
static void many_setvals(void **state)
{
	enum { N = 100000 };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct rc_diag d;

	fputs("setval {\n", f);
	for (int i = 0; i < N; i++)
		fprintf(f, " V%d \"v%d\";\n", i, i);
	fputs(" V0 \"again\";\n};\nremote r { ikev2 { peers_id {\n", f);
	for (int i = N - 1; i >= 0; i--)
		fprintf(f, " fqdn \"${V%d}\";\n", i);
	fputs("}; }; };\n", f);
	fclose(f);
	alarm(20); /* 0.4 s here, 2 s under ASan; some 30 s before the index */
	struct rcf_config *c = must_load(text, RCF_FOR_IKED, &d);
	alarm(0);
	assert_int_equal(c->nsetvals, N);
	assert_string_equal(rcf_setval_get(c, "V0"), "v0");
	assert_string_equal(rcf_setval_get(c, "V99999"), "v99999");
	assert_null(rcf_setval_get(c, "V100000"));
	const struct rcf_kmp *k = rcf_ikev2_get(rcf_remote_find(c, "r"));
	assert_int_equal(k->peers_id.n, N);
	assert_string_equal(k->peers_id.v[0].value, "v99999");
	assert_string_equal(k->peers_id.v[N - 1].value, "v0");
	assert_diag(&d, RC_DIAG_WARNING, N + 2, 2, "already defined at t.conf:2:2");
	done(c, &d);
	free(text);
}

static void duplicates(void **state)
{
	struct rc_diag d;
	struct rcf_config *c = must_load(
		"remote r { ikev2 { passive on; }; };\n"
		"remote r { ikev2 { passive off; }; };\n"
		"sa s { sa_protocol esp; sa_protocol ah; };\n"
		"remote q { ikev2 { script child_up \"/a\";; script child_up \"/b\";; }; };\n",
		RCF_FOR_IKED, &d);
	assert_diag(&d, RC_DIAG_WARNING, 2, 8, "the first one (t.conf:1:8) is used");
	assert_int_equal(rcf_sa_find(c, "s")->sa_protocol.v, RCF_SAP_AH);
	assert_diag(&d, RC_DIAG_WARNING, 3, 25, "duplicate 'sa_protocol' (first at t.conf:3:8)");
	assert_string_equal(rcf_ikev2_get(rcf_remote_find(c, "q"))->script[RCF_SCR_PHASE2_UP].v,
			    "/a");
	done(c, &d);
}

static void psk_file_safety(void **state)
{
	struct rc_diag d;
	char path[] = "/tmp/rcf_psk_XXXXXX", text[512];
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "secret\n", 7), 7);
	close(fd);
	snprintf(text, sizeof(text),
		 "remote r {\n ikev2 { my_id fqdn \"a.example\"; kmp_auth_method psk;\n"
		 "  pre_shared_key \"%s\"; }; };\n",
		 path);
	struct rcf_load_opts o = {.path = "t.conf", .daemon = RCF_FOR_IKED, .check_safe = true};
	chmod(path, 0644);
	rc_diag_init(&d);
	struct rcf_config *c = rcf_load_string("t.conf", text, &o, &d);
	assert_loaded(c, &d);
	assert_int_equal(rcf_check_iked(c, &d), 1);
	assert_diag(&d, RC_DIAG_ERROR, 3, 3, "weak file permission");
	done(c, &d);
	chmod(path, 0600);
	rc_diag_init(&d);
	c = rcf_load_string("t.conf", text, &o, &d);
	assert_loaded(c, &d);
	assert_int_equal(rcf_check_iked(c, &d), 0);
	done(c, &d);
	unlink(path);
}

static void key_and_password_file_safety(void **state)
{
	struct rc_diag d;
	char pw[] = "/tmp/rcf_pw_XXXXXX", text[1024];
	int fd = mkstemp(pw);
	assert_true(fd >= 0);
	close(fd);
	chmod(pw, 0640);
	snprintf(text, sizeof(text),
		 "interface {\n spmd { unix \"/s\"; };\n spmd_password \"%s\";\n};\n"
		 "remote r {\n ikev2 { my_id keyid file \"/nonexistent/keyid\";\n"
		 "  kmp_auth_method rsasig; peers_public_key x509pem \"%s\" \"\"; }; };\n",
		 pw, pw);
	struct rcf_load_opts o = {.path = "t.conf", .daemon = RCF_FOR_SPMD, .check_safe = true};
	rc_diag_init(&d);
	struct rcf_config *c = rcf_load_string("t.conf", text, &o, &d);
	assert_loaded(c, &d);
	assert_int_equal(rcf_check_spmd(c, &d), 1);
	assert_diag(&d, RC_DIAG_ERROR, 3, 2, "weak file permission");
	/* iked: the keyid file is missing; the certificate is a safe file */
	assert_int_equal(rcf_check_iked(c, &d), 1);
	assert_diag(&d, RC_DIAG_ERROR, 6, 16, "keyid file /nonexistent/keyid");
	done(c, &d);
	unlink(pw);
}

static void ikev1_is_a_warning_for_now(void **state)
{
	struct rc_diag d;
	struct rcf_config *c =
		must_load("remote r {\n ikev1 { passive on; };\n};\n", RCF_FOR_IKED, &d);
	assert_int_equal(rcf_check_iked(c, &d), 0);
	assert_diag(&d, RC_DIAG_WARNING, 2, 2, "IKEv1 is not supported yet");
	done(c, &d);
}

static void ni_fields_warn(void **state)
{
	struct rc_diag d;
	struct rcf_config *c =
		must_load("remote r { ikev2 { my_id fqdn \"a\"; kmp_auth_method rsasig;\n"
			  " peers_public_key x509pem \"/p\" \"\";\n send_cert on; proposal_check "
			  "strict; }; };\n",
			  RCF_FOR_IKED, &d);
	assert_int_equal(rcf_check_iked(c, &d), 0);
	assert_diag(&d, RC_DIAG_WARNING, 3, 2,
		    "'send_cert': configuration field support is unimplemented, ignored");
	assert_diag(&d, RC_DIAG_WARNING, 3, 16, "'proposal_check'");
	done(c, &d);
}

static void macro_expansion(void **state)
{
	struct rcf_addrspec spec = {.kind = RCF_ADDR_MACRO, .macro = RCF_IP_ANY, .port = 500};
	struct rc_addr *a;
	char err[128];
	int n = rcf_macro_expand(&spec, &a, err, sizeof(err));
	assert_int_equal(n, 2);
	assert_int_equal(a[0].family, AF_INET6);
	assert_int_equal(a[0].prefixlen, 128);
	assert_int_equal(a[1].family, AF_INET);
	assert_int_equal(a[1].port, 500);
	free(a);
	spec = (struct rcf_addrspec){.kind = RCF_ADDR_MACRO, .macro = RCF_MY_IPV4, .ifname = "lo"};
	n = rcf_macro_expand(&spec, &a, err, sizeof(err));
	assert_true(n >= 0);
	for (int i = 0; i < n; i++) {
		assert_int_equal(a[i].family, AF_INET);
		assert_int_equal(a[i].u.bytes[0], 127);
	}
	free(a);
	spec = (struct rcf_addrspec){.kind = RCF_ADDR_FQDN, .text = "x.example"};
	assert_int_equal(rcf_macro_expand(&spec, &a, err, sizeof(err)), -1);
}

/* Road-warrior tunnels and address-pool remotes are generated at run time,
 * so spmd does not hold them to the startup install rules (compat §3.5). */
static void spmd_skips_dynamic_policies(void **state)
{
	struct rc_diag d;
	struct rcf_config *c = must_load(
		"interface { spmd { unix \"/s\"; }; spmd_password \"/p\"; };\n"
		"selector rw { direction inbound; src IP_ANY; dst IP_RW; policy_index p; };\n"
		"policy p { action auto_ipsec; ipsec_mode tunnel; my_sa_ipaddr 192.0.2.1;\n"
		" peers_sa_ipaddr IP_RW; ipsec_index i; };\nipsec i { };\n"
		"selector cp { direction inbound; src 10.0.0.0/8; dst IP_ANY; policy_index q; };\n"
		"policy q { action auto_ipsec; remote_index r; };\n"
		"remote r { ikev2 { provide { addresspool pool; }; }; };\n"
		"addresspool pool { 10.9.0.1 - 10.9.0.9; };\n"
		"selector noinst { src IP_ANY; dst IP_ANY; policy_index o; };\n"
		"policy o { install off; };\n",
		RCF_FOR_SPMD, &d);
	assert_int_equal(rcf_check_spmd(c, &d), 0);
	done(c, &d);
	struct rcf_load_opts o = {.path = NULL};
	rc_diag_init(&d);
	assert_null(rcf_load(&o, &d));
	assert_int_equal(d.nerrors, 1);
	rc_diag_free(&d);
}

static void kinkd_principal(void **state)
{
	struct rc_diag d;
	struct rcf_config *c =
		must_load("default { remote { kink { my_principal \"kink/me@EXAMPLE\"; }; }; };\n"
			  "remote r { kink { peers_principal \"kink/peer@EXAMPLE\"; }; };\n",
			  RCF_FOR_KINKD, &d);
	assert_int_equal(rcf_check_kinkd(c, &d), 0);
	const struct rcf_kmp *k = rcf_kink_get(rcf_remote_find(c, "r"));
	assert_string_equal(k->my_principal.v, "kink/me@EXAMPLE");
	assert_string_equal(k->peers_principal.v, "kink/peer@EXAMPLE");
	done(c, &d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(inheritance_field_by_field),
		cmocka_unit_test(explicit_infinite_overrides_default),
		cmocka_unit_test(builtin_defaults_per_version),
		cmocka_unit_test(policy_defaults_for_every_daemon),
		cmocka_unit_test(index_resolution),
		cmocka_unit_test(iked_ignores_non_auto),
		cmocka_unit_test(ulp_quirks),
		cmocka_unit_test(numbers_times_bytes_bools),
		cmocka_unit_test(addresses_and_lists),
		cmocka_unit_test(ids_keys_scripts),
		cmocka_unit_test(algorithms_and_extensions),
		cmocka_unit_test(provide_request_and_pools),
		cmocka_unit_test(setval_forms),
		cmocka_unit_test(many_setvals),
		cmocka_unit_test(duplicates),
		cmocka_unit_test(psk_file_safety),
		cmocka_unit_test(key_and_password_file_safety),
		cmocka_unit_test(ikev1_is_a_warning_for_now),
		cmocka_unit_test(ni_fields_warn),
		cmocka_unit_test(macro_expansion),
		cmocka_unit_test(spmd_skips_dynamic_policies),
		cmocka_unit_test(kinkd_principal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
