# shellcheck shell=bash
# tests/integration/lib/strongswan.sh: strongSwan peers for tests, sourced
# by integration tests and kernel scenarios.  Each peer is one charon in a
# network namespace, in its own mount namespace (a private /run, so several
# instances run side by side), with its own strongswan.conf and vici socket
# in a work dir.  ESP is done by the kernel (XFRM; guest only) or by
# charon's kernel-libipsec plugin in userspace over TUN (works on the host).
#
#   ss_peer DIR NS BACKEND   start charon for DIR (kernel|libipsec) in NS
#   ss_conn DIR NAME LOCAL REMOTE LOCAL_TS REMOTE_TS IKE ESP PSK [VERSION]
#                            write DIR/swanctl.conf: one PSK tunnel
#   ss_load DIR              load DIR/swanctl.conf into its charon
#   ss_ctl DIR ARGS...       swanctl against DIR's charon
#   ss_stop DIR              stop DIR's charon
#   ss_log DIR [N]           last N lines of DIR's charon log

SS_CHARON=${SS_CHARON:-/usr/lib/ipsec/charon}

ss_peer() {
	local dir=$1 ns=$2 backend=$3 kplug
	case "$backend" in
	kernel) kplug="kernel-netlink" ;;
	libipsec) kplug="kernel-libipsec kernel-netlink" ;;
	*) echo "ss_peer: backend must be kernel or libipsec" >&2; return 2 ;;
	esac
	[ -x "$SS_CHARON" ] || { echo "ss_peer: $SS_CHARON missing (package strongswan-charon)" >&2; return 1; }
	mkdir -p "$dir"
	echo "$backend" > "$dir/backend"
	cat > "$dir/strongswan.conf" <<EOC
charon {
	load_modular = no
	load = random nonce openssl aes sha1 sha2 hmac gcm pem pkcs1 x509 pubkey gmp kdf $kplug socket-default vici
	install_routes = yes
	filelog {
		log {
			path = $dir/charon.log
			time_format = %T
			default = 1
			ike = 2
			knl = 2
		}
	}
	syslog { daemon { default = -1 } }
	plugins {
		vici { socket = unix://$dir/charon.vici }
		kernel-libipsec { allow_peer_ts = no }
	}
}
swanctl { load = pem pkcs1 x509 pubkey openssl aes sha1 sha2 hmac gcm random nonce }
EOC
	# shellcheck disable=SC2016 # $0 is expanded by the inner sh
	STRONGSWAN_CONF=$dir/strongswan.conf ip netns exec "$ns" \
		unshare -m sh -c 'mount -t tmpfs tmpfs /run && exec "$0"' "$SS_CHARON" \
		> "$dir/stdout" 2>&1 &
	echo $! > "$dir/pid"
	local i=0
	while [ ! -S "$dir/charon.vici" ]; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
			echo "ss_peer: charon in $ns did not open its vici socket" >&2
			tail -n 20 "$dir/stdout" "$dir/charon.log" 2>/dev/null >&2
			return 1
		fi
		sleep 0.1
	done
}

ss_conn() {
	local dir=$1 name=$2 local_addr=$3 remote_addr=$4 local_ts=$5 remote_ts=$6
	local ike=$7 esp=$8 psk=$9 version=${10:-2} encap=no
	[ "$(cat "$dir/backend")" = libipsec ] && encap=yes
	cat > "$dir/swanctl.conf" <<EOC
connections {
	$name {
		version = $version
		local_addrs = $local_addr
		remote_addrs = $remote_addr
		encap = $encap
		proposals = $ike
		local {
			auth = psk
			id = $local_addr
		}
		remote {
			auth = psk
			id = $remote_addr
		}
		children {
			$name {
				local_ts = $local_ts
				remote_ts = $remote_ts
				esp_proposals = $esp
				mode = tunnel
				start_action = none
			}
		}
	}
}
secrets {
	ike-$name {
		id-1 = $local_addr
		id-2 = $remote_addr
		secret = "$psk"
	}
}
EOC
}

ss_ctl() {
	local dir=$1
	shift
	STRONGSWAN_CONF=$dir/strongswan.conf swanctl "$@" --uri "unix://$dir/charon.vici"
}

ss_load() {
	local dir=$1
	mkdir -p "$dir/x509" "$dir/private"
	STRONGSWAN_CONF=$dir/strongswan.conf swanctl --load-all --noprompt \
		--file "$dir/swanctl.conf" --uri "unix://$dir/charon.vici" > "$dir/load.log" 2>&1 || {
		cat "$dir/load.log" >&2
		return 1
	}
}

ss_stop() {
	local dir=$1 pid
	pid=$(cat "$dir/pid" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null || return 0
	for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
	kill -9 "$pid" 2>/dev/null
	return 0
}

ss_log() {
	tail -n "${2:-40}" "$1/charon.log" 2>/dev/null
}
