#!/bin/sh
# Command lines of iked, spmd and kinkd (compat §6) and our fixes:
# iked -V exits 0, spmd exits 1 on a bad option, kinkd -h/-V exit 0,
# and `-t` (iked: without a number) is the configuration check.
B=${BUILDDIR:-.}
fail=0
expect() { # expected-status description command...
	want=$1 what=$2; shift 2
	"$@" >/tmp/cli.$$ 2>&1; got=$?
	if [ "$got" != "$want" ]; then
		echo "FAIL: $what: exit $got, expected $want"; sed 's/^/    /' /tmp/cli.$$; fail=1
	else
		echo "ok: $what"
	fi
}
grep_out() { # pattern description
	if grep -q -- "$1" /tmp/cli.$$; then echo "ok: $2"; else echo "FAIL: $2"; sed 's/^/    /' /tmp/cli.$$; fail=1; fi
}
for d in iked spmd kinkd; do
	expect 0 "$d -V exits 0" "$B/$d/$d" -V
	grep_out "racoon2-" "$d -V prints the version"
	expect 0 "$d -h exits 0" "$B/$d/$d" -h
	grep_out "usage: $d" "$d -h prints usage"
	expect 1 "$d rejects an unknown option" "$B/$d/$d" -Z
	expect 1 "$d rejects a stray argument" "$B/$d/$d" stray
	expect 1 "$d -t on a missing file fails" "$B/$d/$d" -t -f /nonexistent/racoon2.conf
	grep_out "/nonexistent/racoon2.conf" "$d -t names the missing file"
done
printf 'sa e { sa_protocol esp; esp_enc_alg aes128_cbc; esp_auth_alg hmac_sha2_256; };\n' > /tmp/cli-k.$$.conf
for d in iked kinkd; do
	expect 1 "$d -K with an unknown backend fails" "$B/$d/$d" -t -K nosuch -f /tmp/cli-k.$$.conf
	grep_out "unknown kernel interface 'nosuch'" "$d -K names the unknown backend"
done
expect 0 "iked -t -K memory checks against the memory backend" "$B/iked/iked" -t -K memory -f /tmp/cli-k.$$.conf
rm -f /tmp/cli-k.$$.conf
expect 1 "iked -4 -6 are exclusive" "$B/iked/iked" -4 -6 -t -f /nonexistent
grep_out "exclusive" "iked -4 -6 message"
expect 1 "iked -t 0 is a bad port" "$B/iked/iked" -t 0
expect 1 "iked -p 70000 is a bad port" "$B/iked/iked" -p 70000
expect 1 "spmd -D 5 is too big" "$B/spmd/spmd" -D 5
expect 1 "spmd -dddd is too big" "$B/spmd/spmd" -dddd -t -f /nonexistent
grep_out "too big" "spmd level message"
expect 1 "kinkd -D unknown category" "$B/kinkd/kinkd" -D nosuch
rm -f /tmp/cli.$$
exit $fail
