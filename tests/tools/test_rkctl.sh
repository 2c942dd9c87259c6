#!/bin/sh
# rkctl on the memory backend: one-shot commands, a script through one
# handle (flush removes what it added), expected failures, events, exit
# statuses and the usage text.
B=${BUILDDIR:-.}
R=$B/tests/tools/rkctl
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; sed 's/^/    /' "$T/out"; fail=1; }
expect() { # status description command...
	want=$1 what=$2
	shift 2
	"$@" >"$T/out" 2>&1
	got=$?
	if [ "$got" = "$want" ]; then ok "$what"; else bad "$what: exit $got, expected $want"; fi
}
has() { # pattern description
	if grep -q -- "$1" "$T/out"; then ok "$2"; else bad "$2"; fi
}

expect 0 "-h prints usage" "$R" -h
has "natt-socket PORT" "usage lists natt-socket"
expect 2 "no command is a usage error" "$R" -K memory
expect 1 "an unknown backend fails" "$R" -K nosuch caps
has "built in: .*memory" "the error lists the built-in backends"
expect 0 "caps" "$R" -K memory caps
has "^enc aes-gcm-16 yes" "caps lists the transforms"
expect 1 "a bad key length fails" "$R" -K memory sa add esp 0x100 192.0.2.1 192.0.2.2 \
	enc aes-cbc 0x0102 auth hmac-sha1-96 0x0102030405060708090a0b0c0d0e0f1011121314
has "2-byte key does not fit aes-cbc" "the key error is in words"
expect 1 "an unknown command fails" "$R" -K memory frobnicate
has "unknown command 'frobnicate'" "the unknown command is named"

K16=0x000102030405060708090a0b0c0d0e0f
K20=0x000102030405060708090a0b0c0d0e0f10111213
cat >"$T/script" <<EOS
# a comment, then a blank line

sa add esp 0x1001 192.0.2.1 192.0.2.2 mode tunnel reqid 1 enc aes128_cbc $K16 auth hmac_sha1 $K20 replay 64 soft-add 1 hard-add 2
sa get esp 0x1001 192.0.2.1 192.0.2.2
expect-fail EEXIST sa add esp 0x1001 192.0.2.1 192.0.2.2 enc aes-cbc $K16 auth hmac-sha1-96 $K20
expect-fail ENOENT sa del esp 0x9999 192.0.2.1 192.0.2.2
getspi esp 2001:db8::2 2001:db8::1 range 0x3000 0x3000
sa update esp 0x3000 2001:db8::2 2001:db8::1 aead aes-gcm-16 0x000102030405060708090a0b0c0d0e0f10111213 encap 4500 4500
policy add 198.51.100.0/24 203.0.113.0/24 out proto icmp icmp 8 0 tmpl esp tunnel 192.0.2.1 192.0.2.2 reqid 1 level use
policy add 203.0.113.0/24 198.51.100.0/24 in action bypass priority 7
inject-acquire 9
wait acquire 2
wait soft-expire 3
wait hard-expire 3
sa dump
policy dump
flush
sync flushed
sa dump
policy dump
EOS
expect 0 "a script runs through one handle" "$R" -K memory -f "$T/script"
has "^sa esp spi 0x00001001 src 192.0.2.1 dst 192.0.2.2 mode tunnel reqid 1 enc aes-cbc auth hmac-sha1-96 replay 64" "sa get prints the SA"
has "^expected failure EEXIST" "expect-fail EEXIST"
has "^expected failure ENOENT" "expect-fail ENOENT"
has "^spi 0x00003000" "getspi in a one-SPI range"
has "^event acquire index 9 dir out" "wait acquire prints the event"
has "^event soft-expire esp spi 0x00001001" "soft expire"
has "^event hard-expire esp spi 0x00001001" "hard expire"
has "^sa esp spi 0x00003000 .* enc aes-gcm-16 .* encap 4500 4500" "the updated larval SA"
has "^policy index 9 dir out sel 198.51.100.0/24 203.0.113.0/24 proto 1 sport 8 dport 0 .* tmpl esp tunnel 192.0.2.1 192.0.2.2 reqid 1 level use" "policy dump (ICMP type in sport)"
has "action bypass priority 7" "bypass policy"
if sed -n '/^sync flushed/,$p' "$T/out" | grep -q '^sa \|^policy '; then
	bad "flush removed everything the script added"
else
	ok "flush removed everything the script added"
fi
printf 'wait hard-expire 1\n' >"$T/script"
expect 1 "wait times out with exit 1" "$R" -K memory -f "$T/script"
has "no hard-expire event within 1 s" "the timeout is reported"
printf 'sa get esp 1 192.0.2.1 192.0.2.2\necho still here\n' >"$T/script"
expect 1 "-k keeps going after a failure" "$R" -K memory -k -s -f "$T/script"
has "^. fail ENOENT" "-s prints the failure with its errno name"
has "^still here" "the next command ran"
expect 0 "bench-sas" "$R" -K memory bench-sas 2000
has "^bench-sas 2000 add [0-9]*/s del [0-9]*/s" "bench-sas prints rates"
expect 0 "bench-policies" "$R" -K memory bench-policies 2000
has "^bench-policies 2000 add" "bench-policies prints rates"
exit $fail
