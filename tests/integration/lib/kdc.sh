# shellcheck shell=bash
# tests/integration/lib/kdc.sh: a throwaway MIT Kerberos realm for the KINK
# tests, sourced.  The KDC runs inside a network namespace (a KDC on the
# host's loopback is out of reach from a namespace) on the standard port of
# an address of that namespace.
#
#   kdc_start DIR NS ADDR PRINCIPAL...   realm TEST.INVALID in DIR, KDC on
#                     ADDR:88 in NS, a random-key service principal and a
#                     keytab entry for each PRINCIPAL, a user "user" with
#                     password "user-pw"; writes DIR/env (KRB5_CONFIG,
#                     KRB5_KTNAME, KRB5CCNAME) for clients to source
#   kdc_stop DIR      stop that KDC
KDC_REALM=TEST.INVALID

kdc_start() {
	local dir=$1 ns=$2 addr=$3 p
	shift 3
	mkdir -p "$dir"
	case "$addr" in *:*) addr="[$addr]" ;; esac
	cat > "$dir/krb5.conf" <<EOC
[libdefaults]
	default_realm = $KDC_REALM
	dns_lookup_kdc = false
	dns_lookup_realm = false
	rdns = false
	udp_preference_limit = 1
[realms]
	$KDC_REALM = {
		kdc = $addr:88
	}
EOC
	cat > "$dir/kdc.conf" <<EOC
[kdcdefaults]
	kdc_listen = $addr:88
	kdc_tcp_listen = $addr:88
[realms]
	$KDC_REALM = {
		database_name = $dir/principal
		key_stash_file = $dir/stash
		acl_file = $dir/kadm5.acl
		max_life = 1h
		supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
	}
[logging]
	kdc = FILE:$dir/kdc.log
EOC
	: > "$dir/kadm5.acl"
	cat > "$dir/env" <<EOC
export KRB5_CONFIG=$dir/krb5.conf KRB5_KDC_PROFILE=$dir/kdc.conf KRB5CCNAME=FILE:$dir/ccache KRB5_KTNAME=FILE:$dir/keytab
EOC
	(
		. "$dir/env"
		kdb5_util create -s -r $KDC_REALM -P "master-$$-$RANDOM" > "$dir/setup.log" 2>&1 &&
			kadmin.local -q "addprinc -pw user-pw user" >> "$dir/setup.log" 2>&1 || exit 1
		for p in "$@"; do
			kadmin.local -q "addprinc -randkey $p" >> "$dir/setup.log" 2>&1 &&
				kadmin.local -q "ktadd -k $dir/keytab $p" >> "$dir/setup.log" 2>&1 || exit 1
		done
	) || { cat "$dir/setup.log" >&2; return 1; }
	# -n: stay in the foreground, so the pid is ours to stop
	(. "$dir/env" && exec ip netns exec "$ns" krb5kdc -n -r $KDC_REALM) > "$dir/kdc.out" 2>&1 &
	echo $! > "$dir/kdc.pid"
	local i=0
	until grep -q 'commencing operation' "$dir/kdc.log" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 50 ] || ! kill -0 "$(cat "$dir/kdc.pid")" 2>/dev/null; then
			echo "kdc_start: krb5kdc did not start" >&2
			cat "$dir/kdc.out" "$dir/kdc.log" >&2 2>/dev/null
			return 1
		fi
		sleep 0.1
	done
}

kdc_stop() {
	local pid
	pid=$(cat "$1/kdc.pid" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null
	return 0
}
