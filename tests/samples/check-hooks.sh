#!/bin/sh
# Run the sample hook wrapper the way iked does (absolute path, the event
# name as argument, only the event's variables in the environment) and
# check that it runs the files of its EVENT.d directory in name order, with
# PATH set, the arguments and variables passed, each file isolated from
# the others' exit, .sample files skipped and failures logged.
#
# Run by `make check` (srcdir is exported by the automake test driver).

set -u
srcdir=${srcdir:-.}
hooksrc=$srcdir/samples/hook
failures=0

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-hooks.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
hook=$tmp/hook
mkdir -p "$hook/child-up.d" || exit 99
cp "$hooksrc/functions" "$hook/functions" || exit 99
cp "$hooksrc/wrapper" "$hook/child-up" || exit 99
chmod 755 "$hook/child-up"
cp "$hooksrc/child-up.d/00log" "$hooksrc/child-up.d/50rw-client-address.sample" \
	"$hook/child-up.d/" || exit 99

out=$tmp/out
cat > "$hook/child-up.d/10record" <<EOT
echo "10 args=\$* path=\$PATH addr4=\$INTERNAL_ADDR4 cwd=\$(pwd)" >> "$out"
EOT
cat > "$hook/child-up.d/20fail" <<EOT
echo "20 ran" >> "$out"
exit 3
EOT
cat > "$hook/child-up.d/30after" <<EOT
echo "30 ran" >> "$out"
EOT
cat > "$hook/child-up.d/40disabled.sample" <<EOT
echo "40 ran" >> "$out"
EOT
cat > "$hook/child-up.d/41backup~" <<EOT
echo "41 ran" >> "$out"
EOT

# The sourced hooks use `local`-free POSIX sh; check every shell we have.
for sh in sh dash bash; do
	command -v "$sh" > /dev/null 2>&1 || continue
	rm -f "$out" "$tmp/log"
	env -i IPSEC_MODE=tunnel LOCAL_ADDR=192.0.2.1 REMOTE_ADDR=198.51.100.1 \
		SELECTOR_INDEX=rw_client_sel_out INTERNAL_ADDR4=203.0.113.200 \
		INTERNAL_DNS4=203.0.113.53 RACOON2_HOOK_LOG="$tmp/log" \
		"$sh" "$hook/child-up" phase2_up
	rc=$?
	[ $rc -eq 0 ] || fail "$sh: wrapper exit status $rc"
	expected="10 args=phase2_up path=/sbin:/usr/sbin:/bin:/usr/bin addr4=203.0.113.200 cwd=$hook
20 ran
30 ran"
	if [ "$(cat "$out" 2> /dev/null)" != "$expected" ]; then
		fail "$sh: hooks did not run as expected; got:"
		cat "$out" 2> /dev/null
	fi
	grep -q "^err: .*/20fail returned non-zero exit status 3" "$tmp/log" ||
		fail "$sh: failure of 20fail not logged"
	grep -q "^notice: call script ./child-up.d/10record" "$tmp/log" ||
		fail "$sh: call of 10record not logged"
	grep -q "^info:   INTERNAL_ADDR4=203.0.113.200" "$tmp/log" ||
		fail "$sh: 00log did not log INTERNAL_ADDR4"
	if grep -q 'sample' "$tmp/log"; then
		fail "$sh: a .sample hook was called"
	fi
	echo "ok: $sh"
done

# A wrapper for an event without a directory does nothing, successfully.
cp "$hooksrc/wrapper" "$hook/migration" && chmod 755 "$hook/migration"
env -i RACOON2_HOOK_LOG="$tmp/log" "$hook/migration" migration ||
	fail "wrapper without its .d directory failed"

echo "$failures failures"
[ $failures -eq 0 ]
