#!/bin/sh
# Check the manual pages: they format without groff warnings, racoon2.conf(5)
# mentions every word of the language (racoon2's reserved words and our
# extension keywords), and each daemon page documents every option of its
# command line, the -t check and the STATUS section.
#
# Run by `make check` (srcdir is exported by the automake test driver).

set -u
srcdir=${srcdir:-.}
doc=$srcdir/doc
failures=0

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

if command -v groff > /dev/null 2>&1; then
	for page in racoon2.conf.5 iked.8 spmd.8 kinkd.8; do
		warnings=$(LC_ALL=C.UTF-8 groff -t -man -ww -z "$doc/$page" 2>&1)
		if [ -n "$warnings" ]; then
			fail "$page: groff warnings:"
			echo "$warnings"
		fi
	done
else
	echo "groff not installed: formatting not checked"
fi

# The reserved words of racoon2's lexer (compat Appendix B) and the
# algorithm keywords this version adds.
words="
on off enable disable yes no infinite
sec secs second seconds min mins minute minutes hour hours day days
B byte bytes KB MB GB
des_cbc_iv64 des_cbc 3des_cbc rc5_cbc idea_cbc cast128_cbc blowfish_cbc
3idea_cbc des_cbc_iv32 rc4_cbc null_enc rijndael_cbc aes128_cbc aes192_cbc
aes256_cbc aes_ctr twofish_cbc non_auth hmac_md5 hmac_sha1 hmac_sha2_256
hmac_sha2_384 hmac_sha2_512 aes_xcbc des_mac aes_cmac kpdk_md5 md5 sha1 tiger
sha2_256 sha2_384 sha2_512 oui deflate lzs modp768 modp1024 modp1536 ec2n155
ec2n185 modp2048 modp3072 modp4096 modp6144 modp8192 psk dss rsasig rsaenc
rsarev gssapi_krb
include setval default interface ike kink spmd spmd_password
application_bypass unix port resolver nameserver dns_query
remote ikev1 ikev2 selector_index acceptable_kmp logmode debug normal logfile
passive use_coa peers_ipaddr peers_kmp_port verify_id verify_pubkey send_cert
send_cert_req nonce_size initial_contact support_proxy nat_traversal
require_config_payload application_version request provide ip4 ip6 ip ip4_dns
ip6_dns ip4_dhcp ip6_dhcp dns dhcp mip6_home_prefix max_ip4_alloc
max_ip6_alloc script phase1_up phase1_down phase1_rekey phase2_up phase2_down
phase2_rekey ike_sa_up ike_sa_down ike_sa_rekey child_up child_down
child_rekey migration
my_id peers_id ipaddr email fqdn keyid x509_subject file tag
selector_check proposal_check obey strict claim exact
random_pad_content random_padlen max_padlen
max_retry_to_send interval_to_send times_per_send kmp_sa_lifetime_time
kmp_sa_lifetime_byte kmp_sa_nego_time_limit kmp_sa_grace_period
ipsec_sa_nego_time_limit
kmp_enc_alg kmp_hash_alg kmp_prf_alg kmp_auth_method kmp_dh_group
exchange_mode main aggressive base my_gssapi_id dpd dpd_delay dpd_retry
dpd_maxfail cookie_required send_peers_id my_principal peers_principal
need_pfs my_public_key peers_public_key x509pem pkcs12 ascii pre_shared_key
mobility_role agent mobile correspondent
selector order direction outbound inbound src dst upper_layer_protocol
next_header_including tagged policy_index reqid
policy action auto_ipsec static_ipsec discard none bypass install
remote_index ipsec_index ipsec_mode transport tunnel
ipsec my_sa_ipaddr peers_sa_ipaddr ipsec_sa_lifetime_time
ipsec_sa_lifetime_byte ext_sequence sa_index ipsec_level unique require use
sa esp_enc_alg esp_auth_alg ah_auth_alg ipcomp_alg spi sa_protocol esp ah
ipcomp addresspool
aes128_gcm16 aes192_gcm16 aes256_gcm16 aes128_gcm12 aes192_gcm12 aes256_gcm12
aes128_gcm8 aes192_gcm8 aes256_gcm8 chacha20_poly1305
ecp256 ecp384 ecp521 curve25519 curve448
padlen_random max_pad_len
MY_IP MY_IPV4 MY_IPV6 MY_IPV6_GLOBAL MY_IPV6_LINKLOCAL MY_HOA IP_ANY IP_RW
IP_UNSPECIFIED
"
conf5=$doc/racoon2.conf.5
missing=""
for w in $words; do
	if ! grep -qE "(^|[^A-Za-z0-9_])$w([^A-Za-z0-9_]|\$)" "$conf5"; then
		missing="$missing $w"
	fi
done
if [ -n "$missing" ]; then
	fail "racoon2.conf.5 does not mention:$missing"
fi
# Every extension is marked as such.
if ! grep -q 'Extension' "$conf5"; then
	fail "racoon2.conf.5 marks no extension"
fi

# Daemon pages: every option letter of the command line (compat 6.1-6.3
# plus -t), the check, the pid file and the STATUS section.
check_page() {
	page=$doc/$1 letters=$2 pidfile=$3
	for l in $(echo "$letters" | sed 's/./& /g'); do
		if ! grep -q "^\.B[IR]* .*\\\\-$l\\b" "$page" &&
			! grep -q "^\.B[IR]* \\\\-$l" "$page" &&
			! grep -q "\\[\\\\-[A-Za-z0-9]*${l}[A-Za-z0-9]*\\]" "$page"; then
			fail "$1: option -$l not documented"
		fi
	done
	grep -q '^\.SH STATUS' "$page" || fail "$1: no STATUS section"
	grep -q 'configuration check' "$page" || fail "$1: -t not described"
	grep -q "$pidfile" "$page" || fail "$1: pid file $pidfile not named"
	grep -q '^\.SH EXIT STATUS' "$page" || fail "$1: no EXIT STATUS section"
}
check_page iked.8 "fhVFvdDpt46lISP" /var/run/iked.pid
check_page spmd.8 "fFdDkVht" /var/run/spmd.pid
check_page kinkd.8 "dfhDFVt" /var/run/kinkd.pid

echo "$failures failures"
[ $failures -eq 0 ]
