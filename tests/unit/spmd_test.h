/* Helpers shared by the spmd unit tests: a configuration from text, the
 * memory kernel backend, and command replies collected as wire text. */
#ifndef TESTS_SPMD_TEST_H
#define TESTS_SPMD_TEST_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_policy.h"
#include "diag.h"
#include "kernel.h"
#include "log.h"
#include "rcf.h"
#include "rcf_model.h"
#include "spd.h"

/* A remote pair, transport selectors with ports, a tunnel pair (with the
 * FWD policy), an IP_ANY selector, bypass and discard, and one of each
 * kind spmd leaves to run time (install off, IP_RW tunnel). */
#define SPMD_TEST_CONF                                                                             \
	"remote peer { acceptable_kmp { ikev2; }; ikev2 { peers_ipaddr 198.51.100.1 port 500; }; " \
	"};\n"                                                                                     \
	"remote rw { acceptable_kmp { ikev2; }; ikev2 { peers_ipaddr IP_RW; }; };\n"               \
	"selector t_out { direction outbound; src 192.0.2.1 port 1701; dst 198.51.100.1;\n"        \
	"  upper_layer_protocol udp; policy_index trans; };\n"                                     \
	"selector t_in { direction inbound; src 198.51.100.1; dst 192.0.2.1 port 1701;\n"          \
	"  upper_layer_protocol udp; policy_index trans; };\n"                                     \
	"selector n_out { direction outbound; src 203.0.113.0/26; dst 203.0.113.64/26;\n"          \
	"  policy_index tun; reqid 7; };\n"                                                        \
	"selector n_in { direction inbound; src 203.0.113.64/26; dst 203.0.113.0/26;\n"            \
	"  policy_index tun; reqid 7; };\n"                                                        \
	"selector icmp_out { direction outbound; src 2001:db8::1; dst 2001:db8::2;\n"              \
	"  upper_layer_protocol icmp6 135 0; policy_index pass; };\n"                              \
	"selector drop_out { direction outbound; src 192.0.2.0/24; dst 192.0.2.99;\n"              \
	"  policy_index drop; };\n"                                                                \
	"selector off_out { direction outbound; src 192.0.2.7; dst 198.51.100.7;\n"                \
	"  policy_index declared; };\n"                                                            \
	"selector rw_out { direction outbound; src 203.0.113.0/26; dst IP_RW;\n"                   \
	"  policy_index rwtun; };\n"                                                               \
	"selector rw_in { direction inbound; src IP_RW; dst 203.0.113.0/26;\n"                     \
	"  policy_index rwtun; };\n"                                                               \
	"selector any_out { direction outbound; src 192.0.2.5 port 80; dst IP_ANY;\n"              \
	"  upper_layer_protocol tcp; policy_index trans; };\n"                                     \
	"policy trans { action auto_ipsec; remote_index peer; ipsec_mode transport;\n"             \
	"  ipsec_index { ah_esp; }; ipsec_level require; };\n"                                     \
	"policy tun { action auto_ipsec; remote_index peer; ipsec_mode tunnel;\n"                  \
	"  ipsec_index { esp_comp; }; ipsec_level unique;\n"                                       \
	"  my_sa_ipaddr 192.0.2.1; peers_sa_ipaddr 198.51.100.1; };\n"                             \
	"policy rwtun { action auto_ipsec; remote_index rw; ipsec_mode tunnel;\n"                  \
	"  ipsec_index { esp_only; }; ipsec_level require;\n"                                      \
	"  my_sa_ipaddr 192.0.2.1; peers_sa_ipaddr IP_RW; };\n"                                    \
	"policy pass { action none; };\n"                                                          \
	"policy drop { action discard; };\n"                                                       \
	"policy declared { action discard; install off; };\n"                                      \
	"ipsec ah_esp { sa_index { esp1; ah1; }; };\n"                                             \
	"ipsec esp_comp { sa_index { comp1; esp1; }; };\n"                                         \
	"ipsec esp_only { sa_index esp1; };\n"                                                     \
	"sa esp1 { sa_protocol esp; esp_enc_alg { aes128_cbc; }; esp_auth_alg { hmac_sha1; }; "    \
	"};\n"                                                                                     \
	"sa ah1 { sa_protocol ah; ah_auth_alg { hmac_sha1; }; };\n"                                \
	"sa comp1 { sa_protocol ipcomp; ipcomp_alg { deflate; }; };\n"

static inline struct rcf_config *spmd_test_load(const char *text)
{
	struct rcf_load_opts o = {.path = "test.conf", .daemon = RCF_FOR_SPMD, .check_safe = false};
	struct rc_diag d;
	struct rcf_config *cfg;

	rc_diag_init(&d);
	cfg = rcf_load_string("test.conf", text, &o, &d);
	if (!cfg)
		rc_diag_print(&d, stderr, 1);
	rc_diag_free(&d);
	return cfg;
}

/* Replies as wire text. */
struct spmd_test_out {
	char buf[16384];
	size_t len;
};

static inline void spmd_test_line(void *arg, int code, bool more, const char *text)
{
	struct spmd_test_out *o = arg;
	int n = snprintf(o->buf + o->len, sizeof(o->buf) - o->len, "%03d%c%s\r\n", code,
			 more ? '-' : ' ', text);
	if (n > 0 && (size_t)n < sizeof(o->buf) - o->len)
		o->len += (size_t)n;
}

/* Log lines, for "reported by name" checks. */
struct spmd_test_log {
	char buf[65536];
	size_t len;
};

static inline void spmd_test_log_sink(enum rc_log_tag tag, const char *line, void *arg)
{
	struct spmd_test_log *l = arg;
	int n;

	(void)tag;
	n = snprintf(l->buf + l->len, sizeof(l->buf) - l->len, "%s\n", line);
	if (n > 0 && (size_t)n < sizeof(l->buf) - l->len)
		l->len += (size_t)n;
}

#endif
