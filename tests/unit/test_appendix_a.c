/* One test per row of compat Appendix A (the parser rows), run through
 * rcf_load_string.  Where we deliberately differ from racoon2 the test
 * asserts the new behaviour and says so. */
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>

#include "cfm_test.h"

#define SEL_POL_OK                                                                 \
	"policy p { action auto_ipsec; ipsec_mode transport; ipsec_level require; };\n"

static const struct rcf_kmp *remote_kmp(const struct rcf_config *c, const char *name,
					enum rcf_kmp_proto p)
{
	const struct rcf_remote *rm = rcf_remote_find(c, name);
	assert_non_null(rm);
	return rcf_kmp_get(rm, p);
}

static void first_wins_in_ikev2(void **state)
{
	struct rc_diag d;
	struct rcf_config *c = cfm_load("remote r {\n ikev2 { passive on; passive off; };\n};\n",
					RCF_FOR_IKED, &d);
	assert_loaded(c, &d);
	assert_int_equal(remote_kmp(c, "r", RCF_KMP_IKEV2)->passive.v, 1);
	/* we also warn, naming both places */
	assert_diag(&d, RC_DIAG_WARNING, 2, 22, "first at t.conf:2:10");
	rcf_free(c);
	rc_diag_free(&d);
}

static void last_wins_in_ikev1(void **state)
{
	struct rc_diag d;
	struct rcf_config *c = cfm_load("remote r {\n ikev1 { passive on; passive off; };\n};\n",
					RCF_FOR_IKED, &d);
	assert_loaded(c, &d);
	assert_int_equal(remote_kmp(c, "r", RCF_KMP_IKEV1)->passive.v, 0);
	assert_diag(&d, RC_DIAG_WARNING, 2, 22, "this later one is used");
	rcf_free(c);
	rc_diag_free(&d);
}

static void my_id_first_wins_in_ikev2(void **state)
{
	struct rc_diag d;
	struct rcf_config *c = cfm_load(
		"remote r { ikev2 { my_id fqdn \"a\"; my_id fqdn \"b\"; }; };", RCF_FOR_IKED, &d);
	assert_loaded(c, &d);
	const struct rcf_kmp *k = remote_kmp(c, "r", RCF_KMP_IKEV2);
	assert_int_equal(k->my_id.n, 1);
	assert_string_equal(k->my_id.v[0].value, "a");
	rcf_free(c);
	rc_diag_free(&d);
}

/* racoon2 needed `script phase1_up "/y";;`.  Our parser drops empty
 * statements, so both forms work (relaxation, documented). */
static void script_single_semicolon(void **state)
{
	struct rc_diag d;
	struct rcf_config *c = cfm_load(
		"remote r { ikev1 { script phase1_up \"/y\"; }; ikev2 { script child_up \"/z\";; }; };",
		RCF_FOR_IKED, &d);
	assert_loaded(c, &d);
	assert_string_equal(remote_kmp(c, "r", RCF_KMP_IKEV1)->script[RCF_SCR_PHASE1_UP].v, "/y");
	assert_string_equal(remote_kmp(c, "r", RCF_KMP_IKEV2)->script[RCF_SCR_PHASE2_UP].v, "/z");
	rcf_free(c);
	rc_diag_free(&d);
}

static void unquoted_variable(void **state)
{
	struct rc_diag d;
	struct rcf_config *c =
		cfm_load("remote r {\n ikev2 {\n  pre_shared_key ${A};\n };\n};\n", RCF_FOR_IKED, &d);
	assert_null(c);
	assert_diag(&d, RC_DIAG_ERROR, 3, 18, "'$'");
	rc_diag_free(&d);
}

static void duplicate_setval_section(void **state)
{
	struct rc_diag d;
	struct rcf_config *c = cfm_load("setval { A \"1\"; };\nsetval { B2 \"2\"; };\n",
					RCF_FOR_IKED, &d);
	assert_null(c);
	assert_diag(&d, RC_DIAG_ERROR, 2, 1, "duplicate setval section");
	rc_diag_free(&d);
}

/* Fix (compat §10.2.17 / our extension): a setval value may use another
 * setval; racoon2 said "the string was not defined". */
static void setval_uses_setval(void **state)
{
	struct rc_diag d;
	struct rcf_config *c = cfm_load("setval { AA \"1\"; BB \"${AA}2\"; };\n"
					"remote r { ikev2 { logfile \"${BB}\"; }; };",
					RCF_FOR_IKED, &d);
	assert_loaded(c, &d);
	assert_string_equal(remote_kmp(c, "r", RCF_KMP_IKEV2)->logfile.v, "12");
	rcf_free(c);
	rc_diag_free(&d);
}

static void setval_first_definition_wins(void **state)
{
	struct rc_diag d;
	struct rcf_config *c = cfm_load("setval {\n A \"1\";\n A \"2\";\n};\n"
					"remote r { ikev2 { logfile \"${A}\"; }; };",
					RCF_FOR_IKED, &d);
	assert_loaded(c, &d);
	assert_string_equal(remote_kmp(c, "r", RCF_KMP_IKEV2)->logfile.v, "1");
	/* fix of §10.2.18: a warning naming both definitions */
	assert_diag(&d, RC_DIAG_WARNING, 3, 2, "already defined at t.conf:2:2");
	rcf_free(c);
	rc_diag_free(&d);
}

static void setval_named_B(void **state)
{
	struct rc_diag d;
	struct rcf_config *c = cfm_load("setval {\n B \"1\";\n};\n", RCF_FOR_IKED, &d);
	assert_null(c);
	assert_diag(&d, RC_DIAG_ERROR, 2, 2, "'B' is a reserved word");
	rc_diag_free(&d);
}

static void use_before_definition(void **state)
{
	struct rc_diag d;
	struct rcf_config *c = cfm_load("remote r { ikev2 { logfile \"${ZZ}\"; }; };\n"
					"setval { ZZ \"late\"; };\n",
					RCF_FOR_IKED, &d);
	assert_loaded(c, &d);
	assert_string_equal(remote_kmp(c, "r", RCF_KMP_IKEV2)->logfile.v, "late");
	rcf_free(c);
	rc_diag_free(&d);
}

static void unterminated_variable(void **state)
{
	struct rc_diag d;
	struct rcf_config *c =
		cfm_load("remote r {\n ikev2 { logfile \"${ZZ\"; };\n};\n", RCF_FOR_IKED, &d);
	assert_null(c);
	assert_diag(&d, RC_DIAG_ERROR, 2, 18, "unterminated");
	rc_diag_free(&d);
}

static void unset_environment(void **state)
{
	struct rc_diag d;
	unsetenv("RCF_TEST_UNSET_ENV");
	struct rcf_config *c = cfm_load(
		"remote r {\n ikev2 { logfile \"$[RCF_TEST_UNSET_ENV]\"; };\n};\n", RCF_FOR_IKED, &d);
	assert_null(c);
	assert_diag(&d, RC_DIAG_ERROR, 2, 18, "RCF_TEST_UNSET_ENV is not set");
	rc_diag_free(&d);
}

static void include_with_setval(void **state)
{
	struct rc_diag d;
	struct rcf_config *c = cfm_load("setval { D \"/tmp\"; };\ninclude \"${D}/x.conf\";\n",
					RCF_FOR_IKED, &d);
	assert_null(c);
	assert_diag(&d, RC_DIAG_ERROR, 2, 0, "${D}");
	rc_diag_free(&d);
}

static char tmpdir[64];

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void include_env_and_glob(void **state)
{
	struct rc_diag d;
	char text[512];
	strcpy(tmpdir, "/tmp/rcf_appA_XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	write_file(tmpdir, "a.conf", "selector s1 { policy_index p; direction outbound; };\n");
	write_file(tmpdir, "b.conf", "selector s2 { policy_index p; direction inbound; };\n");
	setenv("RCF_TEST_ENVDIR", tmpdir, 1);
	snprintf(text, sizeof(text), "include \"$[RCF_TEST_ENVDIR]/a.conf\";\ninclude \"%s/*.conf\";\n"
		 SEL_POL_OK, tmpdir);
	struct rcf_config *c = cfm_load(text, RCF_FOR_IKED, &d);
	assert_loaded(c, &d);
	/* a.conf twice (once by name, once by glob) and b.conf */
	assert_int_equal(c->nselectors, 3);
	assert_non_null(rcf_selector_find(c, "s2"));
	rcf_free(c);
	rc_diag_free(&d);
	snprintf(text, sizeof(text), "include \"%s/nothing-*.conf\";\n", tmpdir);
	c = cfm_load(text, RCF_FOR_IKED, &d);
	assert_null(c);
	assert_diag(&d, RC_DIAG_ERROR, 1, 0, "glob found no matches");
	rc_diag_free(&d);
	char path[256];
	snprintf(path, sizeof(path), "%s/a.conf", tmpdir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/b.conf", tmpdir);
	unlink(path);
	rmdir(tmpdir);
}

static void algorithm_list_twice(void **state)
{
	struct rc_diag d;
	struct rcf_config *c = cfm_load(
		"remote r { ikev2 {\n kmp_enc_alg aes128_cbc;\n kmp_enc_alg 3des_cbc;\n}; };",
		RCF_FOR_IKED, &d);
	assert_null(c);
	assert_diag(&d, RC_DIAG_ERROR, 3, 2, "algorithm list 'kmp_enc_alg' already defined");
	rc_diag_free(&d);
}

static void dh_names_and_numbers_mixed(void **state)
{
	struct rc_diag d;
	struct rcf_config *c = cfm_load("remote r { ikev2 {\n kmp_dh_group { modp1024; 14; };\n}; };",
					RCF_FOR_IKED, &d);
	assert_null(c);
	assert_diag(&d, RC_DIAG_ERROR, 2, 27, "cannot be mixed");
	rc_diag_free(&d);
}

static void algorithm_keylen_and_key(void **state)
{
	struct rc_diag d;
	struct rcf_config *c = cfm_load(
		"remote r { ikev2 { kmp_enc_alg { aes_ctr,256; aes128_cbc,,0x1234; }; }; };",
		RCF_FOR_IKED, &d);
	assert_loaded(c, &d);
	const struct rcf_alglist *l = &remote_kmp(c, "r", RCF_KMP_IKEV2)->kmp_enc_alg;
	assert_int_equal(l->n, 2);
	assert_string_equal(l->v[0].info->name, "aes_ctr");
	assert_int_equal(l->v[0].keylen, 256);
	assert_null(l->v[0].key);
	assert_int_equal(l->v[1].keylen, -1);
	assert_string_equal(l->v[1].key, "0x1234");
	rcf_free(c);
	rc_diag_free(&d);
}

static void time_values(void **state)
{
	struct rc_diag d;
	struct rcf_config *c = cfm_load("remote r {\n ikev2 { kmp_sa_lifetime_time 2 hours; };\n"
					" ikev1 { kmp_sa_lifetime_time 0x10 min; };\n};",
					RCF_FOR_IKED, &d);
	assert_loaded(c, &d);
	assert_int_equal(remote_kmp(c, "r", RCF_KMP_IKEV2)->kmp_sa_lifetime_time.v, 7200);
	assert_int_equal(remote_kmp(c, "r", RCF_KMP_IKEV1)->kmp_sa_lifetime_time.v, 960);
	rcf_free(c);
	rc_diag_free(&d);
	c = cfm_load("remote r {\n ikev2 { kmp_sa_lifetime_time 10sec; };\n};", RCF_FOR_IKED, &d);
	assert_null(c);
	assert_diag(&d, RC_DIAG_ERROR, 2, 31,
		    "'10sec' is not a number (write the unit as a separate word: 10 sec)");
	rc_diag_free(&d);
}

static void negative_nonce_size(void **state)
{
	struct rc_diag d;
	struct rcf_config *c = cfm_load("remote r {\n ikev2 { nonce_size -5; };\n};",
					RCF_FOR_IKED, &d);
	assert_loaded(c, &d);
	assert_int_equal(remote_kmp(c, "r", RCF_KMP_IKEV2)->nonce_size.v, -5);
	assert_true(rcf_check_iked(c, &d) > 0);
	assert_diag(&d, RC_DIAG_ERROR, 2, 10, "nonce_size -5 is out of range");
	rcf_free(c);
	rc_diag_free(&d);
}

static void icmp_type_code_ports(void **state)
{
	struct rc_diag d;
	struct rcf_config *c = cfm_load("selector s { direction outbound; src 10.0.0.1 port 80;"
					" dst 10.0.0.2; upper_layer_protocol \"icmp\" 8 0;"
					" policy_index p; };\n" SEL_POL_OK,
					RCF_FOR_IKED, &d);
	assert_loaded(c, &d);
	const struct rcf_selector *s = rcf_selector_find(c, "s");
	assert_int_equal(s->ulp.proto, 1);
	assert_int_equal(s->src.v[0].port, 8);
	assert_int_equal(s->src.v[0].addr.port, 8);
	assert_int_equal(s->dst.v[0].port, 0);
	rcf_free(c);
	rc_diag_free(&d);
}

static void repeated_names_first_wins(void **state)
{
	struct rc_diag d;
	struct rcf_config *c = cfm_load(
		"selector s { direction outbound; policy_index p; };\n"
		"selector s { direction inbound; policy_index p; };\n"
		"policy p { action discard; };\npolicy p { action none; };\n"
		"remote r { selector_index s; ikev2 { passive on; }; };\n"
		"remote r { selector_index s; ikev2 { passive off; }; };\n",
		RCF_FOR_IKED, &d);
	assert_loaded(c, &d);
	assert_int_equal(c->nselectors, 2);
	assert_int_equal(rcf_selector_find(c, "s")->direction.v, RCF_DIR_OUTBOUND);
	assert_int_equal(rcf_policy_find(c, "p")->action.v, RCF_ACT_DISCARD);
	assert_int_equal(rcf_ikev2_get(rcf_remote_find(c, "r"))->passive.v, 1);
	/* ours: warnings naming both places */
	assert_diag(&d, RC_DIAG_WARNING, 4, 8, "the first one (t.conf:3:8) is used");
	assert_diag(&d, RC_DIAG_WARNING, 6, 8, "the first one (t.conf:5:8) is used");
	rcf_free(c);
	rc_diag_free(&d);
}

static void undefined_policy(void **state)
{
	struct rc_diag d;
	struct rcf_config *c =
		cfm_load("selector x {\n direction outbound;\n policy_index nope;\n};\n", RCF_FOR_IKED, &d);
	assert_null(c);
	assert_diag(&d, RC_DIAG_ERROR, 3, 2,
		    "selector 'x' (t.conf:1:10) refers to policy 'nope', which is not defined");
	rc_diag_free(&d);
}

static void action_bypass(void **state)
{
	struct rc_diag d;
	struct rcf_config *c = cfm_load("policy p { action bypass; };", RCF_FOR_IKED, &d);
	assert_loaded(c, &d);
	assert_int_equal(rcf_policy_find(c, "p")->action.v, RCF_ACT_NONE);
	rcf_free(c);
	rc_diag_free(&d);
}

static void keyword_as_name(void **state)
{
	struct rc_diag d;
	struct rcf_config *c = cfm_load("selector ike { policy_index p; };\n", RCF_FOR_IKED, &d);
	assert_null(c);
	assert_diag(&d, RC_DIAG_ERROR, 1, 10,
		    "'ike' is a reserved word; write \"ike\" to use it as a name");
	rc_diag_free(&d);
	c = cfm_load("selector \"ike\" { direction outbound; policy_index p; };\n" SEL_POL_OK,
		     RCF_FOR_IKED, &d);
	assert_loaded(c, &d);
	assert_non_null(rcf_selector_find(c, "ike"));
	rcf_free(c);
	rc_diag_free(&d);
}

static void pool_range_without_spaces(void **state)
{
	struct rc_diag d;
	struct rcf_config *c =
		cfm_load("addresspool p {\n 10.0.0.1-10.0.0.9;\n};\n", RCF_FOR_IKED, &d);
	assert_null(c);
	assert_diag(&d, RC_DIAG_ERROR, 2, 2, "write spaces around '-'");
	rc_diag_free(&d);
}

/* Fix of §10.2.19: the documentation's spellings are accepted with a
 * warning; require_config_payload stays an error. */
static void doc_spellings(void **state)
{
	struct rc_diag d;
	struct rcf_config *c = cfm_load(
		"remote r { ikev2 {\n padlen_random on;\n max_pad_len 5;\n}; };", RCF_FOR_IKED, &d);
	assert_loaded(c, &d);
	const struct rcf_kmp *k = remote_kmp(c, "r", RCF_KMP_IKEV2);
	assert_int_equal(k->random_padlen.v, 1);
	assert_int_equal(k->max_padlen.v, 5);
	assert_diag(&d, RC_DIAG_WARNING, 2, 2, "the directive is 'random_padlen'");
	assert_diag(&d, RC_DIAG_WARNING, 3, 2, "the directive is 'max_padlen'");
	rcf_free(c);
	rc_diag_free(&d);
	c = cfm_load("remote r { ikev2 {\n require_config_payload on;\n}; };", RCF_FOR_IKED, &d);
	assert_null(c);
	assert_diag(&d, RC_DIAG_ERROR, 2, 2, "'require_config_payload' is not supported");
	rc_diag_free(&d);
}

static void directives_in_wrong_block(void **state)
{
	struct rc_diag d;
	struct rcf_config *c = cfm_load("remote r {\n ikev2 { dpd on; };\n kink { dpd_delay 5; };\n};\n"
					"default {\n selector { };\n};\n",
					RCF_FOR_IKED, &d);
	assert_null(c);
	assert_diag(&d, RC_DIAG_ERROR, 2, 10, "'dpd' is not allowed in the ikev2 block (it is valid in: ikev1 block)");
	assert_diag(&d, RC_DIAG_ERROR, 3, 9, "valid in: ikev1 block, ikev2 block");
	assert_diag(&d, RC_DIAG_ERROR, 6, 2, "'selector' is not allowed in the default section");
	rc_diag_free(&d);
}

static void peers_ipaddr_list(void **state)
{
	struct rc_diag d;
	struct rcf_config *c = cfm_load(
		"remote r { ikev2 { peers_ipaddr { 1.1.1.1; 2.2.2.2 port 4500; }; }; };", RCF_FOR_IKED, &d);
	assert_loaded(c, &d);
	const struct rcf_addrlist *l = &remote_kmp(c, "r", RCF_KMP_IKEV2)->peers_ipaddr;
	assert_int_equal(l->n, 2);
	assert_int_equal(l->v[0].port, 0);
	assert_false(l->v[0].port_set);
	assert_int_equal(l->v[1].port, 4500);
	assert_int_equal(l->v[1].kind, RCF_ADDR_NUMERIC);
	rcf_free(c);
	rc_diag_free(&d);
}

static void ports_and_prefixes(void **state)
{
	struct rc_diag d;
	struct rcf_config *c = cfm_load("selector s { direction outbound; src 1.1.1.1 port http;"
					" dst ::1/64 port any; policy_index p; };\n" SEL_POL_OK,
					RCF_FOR_IKED, &d);
	assert_loaded(c, &d);
	const struct rcf_selector *s = rcf_selector_find(c, "s");
	assert_int_equal(s->src.v[0].port, 80);
	assert_int_equal(s->dst.v[0].addr.prefixlen, 64);
	assert_int_equal(s->dst.v[0].port, 0);
	assert_true(s->dst.v[0].port_set);
	rcf_free(c);
	rc_diag_free(&d);
}

static void macros_kept(void **state)
{
	struct rc_diag d;
	struct rcf_config *c = cfm_load("selector s { direction outbound; src IP_ANY; dst MY_IP%lo;"
					" policy_index p; };\n" SEL_POL_OK,
					RCF_FOR_IKED, &d);
	assert_loaded(c, &d);
	const struct rcf_selector *s = rcf_selector_find(c, "s");
	assert_int_equal(s->src.v[0].kind, RCF_ADDR_MACRO);
	assert_int_equal(s->src.v[0].macro, RCF_IP_ANY);
	assert_int_equal(s->dst.v[0].kind, RCF_ADDR_MACRO);
	assert_int_equal(s->dst.v[0].macro, RCF_MY_IP);
	assert_string_equal(s->dst.v[0].ifname, "lo");
	assert_string_equal(s->dst.v[0].text, "MY_IP%lo");
	rcf_free(c);
	rc_diag_free(&d);
}

static void fqdn_kept(void **state)
{
	struct rc_diag d;
	struct rcf_config *c = cfm_load("selector s { direction outbound; src www.example.com;"
					" dst 10.0.0.1; policy_index p; };\n" SEL_POL_OK,
					RCF_FOR_IKED, &d);
	assert_loaded(c, &d);
	const struct rcf_selector *s = rcf_selector_find(c, "s");
	assert_int_equal(s->src.v[0].kind, RCF_ADDR_FQDN);
	assert_string_equal(s->src.v[0].text, "www.example.com");
	rcf_free(c);
	rc_diag_free(&d);
}

static void duplicate_interface_section(void **state)
{
	struct rc_diag d;
	struct rcf_config *c = cfm_load("interface { ike { MY_IP; }; };\ninterface { kink { MY_IP; }; };\n",
					RCF_FOR_IKED, &d);
	assert_null(c);
	assert_diag(&d, RC_DIAG_ERROR, 2, 1, "duplicate interface section (the first is at t.conf:1:1)");
	rc_diag_free(&d);
}

/* The shape of samples/transport_ike.conf + default.conf (our own text). */
static const char sample_like[] =
	"setval { MY \"10.0.0.1\"; PEER \"10.0.0.2\"; };\n"
	"interface { ike { MY_IP port 500; }; kink { MY_IP; };\n"
	"  spmd { unix \"/var/run/racoon2/spmif\"; }; spmd_password \"/etc/racoon2/spmd.pwd\"; };\n"
	"resolver { resolver off; };\n"
	"default { remote { acceptable_kmp { ikev2; ikev1; kink; };\n"
	"  ikev1 { kmp_enc_alg { aes128_cbc; }; kmp_hash_alg { sha1; }; kmp_dh_group { modp2048; };\n"
	"    kmp_auth_method { psk; }; script { phase1_up \"/hook/ph1-up\"; }; };\n"
	"  ikev2 { kmp_enc_alg { aes128_cbc; 3des_cbc; }; kmp_prf_alg { hmac_sha1; };\n"
	"    kmp_hash_alg { hmac_sha1; }; kmp_dh_group { modp3072; modp2048; }; };\n"
	"  kink { my_principal \"host/me\"; }; };\n"
	" policy { ipsec_mode transport; ipsec_level require; };\n"
	" ipsec { ipsec_sa_lifetime_time infinite; ipsec_sa_lifetime_byte infinite; };\n"
	" sa { esp_enc_alg { aes256_cbc; aes128_cbc; }; esp_auth_alg { hmac_sha1; }; }; };\n"
	"ipsec ipsec_esp { ipsec_sa_lifetime_time 3600 sec; sa_index esp_01; };\n"
	"sa esp_01 { sa_protocol esp; esp_enc_alg { aes128_cbc; }; esp_auth_alg { hmac_sha1; }; };\n"
	"remote ike_trans_remote { acceptable_kmp { ikev2; };\n"
	"  ikev2 { my_id ipaddr \"${MY}\"; peers_id ipaddr \"${PEER}\"; peers_ipaddr \"${PEER}\" port 500;\n"
	"    kmp_auth_method { psk; }; pre_shared_key \"/etc/racoon2/psk/test.psk\"; };\n"
	"  selector_index ike_trans_sel_in; };\n"
	"selector ike_trans_sel_out { direction outbound; src \"${MY}\"; dst \"${PEER}\";\n"
	"  upper_layer_protocol \"udp\"; policy_index ike_trans_policy; };\n"
	"selector ike_trans_sel_in { direction inbound; dst \"${MY}\"; src \"${PEER}\" port 1701;\n"
	"  upper_layer_protocol \"udp\"; policy_index ike_trans_policy; };\n"
	"policy ike_trans_policy { action auto_ipsec; remote_index ike_trans_remote;\n"
	"  ipsec_mode transport; ipsec_index { ipsec_esp; }; ipsec_level require; };\n";

static void samples_parse(void **state)
{
	struct rc_diag d;
	for (int daemon = RCF_FOR_IKED; daemon <= RCF_FOR_KINKD; daemon++) {
		struct rcf_config *c = cfm_load(sample_like, daemon, &d);
		assert_loaded(c, &d);
		int errs = daemon == RCF_FOR_IKED   ? rcf_check_iked(c, &d)
			   : daemon == RCF_FOR_SPMD ? rcf_check_spmd(c, &d)
						    : rcf_check_kinkd(c, &d);
		if (errs)
			cfm_dump(&d);
		assert_int_equal(errs, 0);
		rcf_free(c);
		rc_diag_free(&d);
	}
}

/* tunnel_kink.conf's missing ';' after policy_index */
static void sample_missing_semicolon(void **state)
{
	struct rc_diag d;
	struct rcf_config *c = cfm_load("selector s {\n direction outbound;\n"
					" policy_index kink_tun_policy\n};\n", RCF_FOR_KINKD, &d);
	assert_null(c);
	assert_true(d.nerrors > 0);
	assert_int_equal(d.v[0].loc.line, 4);
	rc_diag_free(&d);
}

/* Fix: local-test.conf's "icmp6" resolves through our built-in table. */
static void icmp6_resolves(void **state)
{
	struct rc_diag d;
	struct rcf_config *c = cfm_load("selector s { direction outbound; src ::1; dst ::1;"
					" upper_layer_protocol \"icmp6\"; policy_index p; };\n" SEL_POL_OK,
					RCF_FOR_IKED, &d);
	assert_loaded(c, &d);
	assert_int_equal(rcf_selector_find(c, "s")->ulp.proto, 58);
	rcf_free(c);
	rc_diag_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(first_wins_in_ikev2),
		cmocka_unit_test(last_wins_in_ikev1),
		cmocka_unit_test(my_id_first_wins_in_ikev2),
		cmocka_unit_test(script_single_semicolon),
		cmocka_unit_test(unquoted_variable),
		cmocka_unit_test(duplicate_setval_section),
		cmocka_unit_test(setval_uses_setval),
		cmocka_unit_test(setval_first_definition_wins),
		cmocka_unit_test(setval_named_B),
		cmocka_unit_test(use_before_definition),
		cmocka_unit_test(unterminated_variable),
		cmocka_unit_test(unset_environment),
		cmocka_unit_test(include_with_setval),
		cmocka_unit_test(include_env_and_glob),
		cmocka_unit_test(algorithm_list_twice),
		cmocka_unit_test(dh_names_and_numbers_mixed),
		cmocka_unit_test(algorithm_keylen_and_key),
		cmocka_unit_test(time_values),
		cmocka_unit_test(negative_nonce_size),
		cmocka_unit_test(icmp_type_code_ports),
		cmocka_unit_test(repeated_names_first_wins),
		cmocka_unit_test(undefined_policy),
		cmocka_unit_test(action_bypass),
		cmocka_unit_test(keyword_as_name),
		cmocka_unit_test(pool_range_without_spaces),
		cmocka_unit_test(doc_spellings),
		cmocka_unit_test(directives_in_wrong_block),
		cmocka_unit_test(peers_ipaddr_list),
		cmocka_unit_test(ports_and_prefixes),
		cmocka_unit_test(macros_kept),
		cmocka_unit_test(fqdn_kept),
		cmocka_unit_test(duplicate_interface_section),
		cmocka_unit_test(samples_parse),
		cmocka_unit_test(sample_missing_semicolon),
		cmocka_unit_test(icmp6_resolves),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
