#!/bin/sh
# pskgen (compat §7.2): every mode, the hex layout, file modes, refusal to
# overwrite.  Run from the build directory by `make check`.
set -u
PSKGEN=${PSKGEN:-./pskgen/pskgen}
if [ ! -x "$PSKGEN" ]; then
	echo "pskgen binary not found at $PSKGEN" >&2
	exit 99
fi
case "$PSKGEN" in /*) ;; *) PSKGEN=$(pwd)/$PSKGEN ;; esac
T=$(mktemp -d /tmp/rc_pskgen.XXXXXX) || exit 99
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 99
umask 022
failures=0
ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; failures=$((failures + 1)); }
check() { # description, command...
	d=$1; shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}
size() { wc -c < "$1" | tr -d ' '; }
mode() { stat -c %a "$1"; }

# no mode: usage on stdout, exit 0
out=$("$PSKGEN" 2>/dev/null); rc=$?
check "no mode exits 0" [ $rc -eq 0 ]
check "usage on stdout" [ "$(echo "$out" | head -1)" = "Usage: pskgen -r [-s length] [-o file] [-d]" ]

# -r: 16 raw bytes by default, -s N bytes, different every time
"$PSKGEN" -r > r1 && "$PSKGEN" -r > r2
check "-r writes 16 bytes" [ "$(size r1)" = 16 ]
if cmp -s r1 r2; then not_ok "-r is random"; else ok "-r is random"; fi
"$PSKGEN" -r -s 64 > r3
check "-r -s 64 writes 64 bytes" [ "$(size r3)" = 64 ]
"$PSKGEN" -r -s 1000 > r4
check "-r -s 1000 writes 1000 bytes" [ "$(size r4)" = 1000 ]

# -o: created 0600 despite umask 022, never overwritten without -f
"$PSKGEN" -r -o spmd.pwd
check "-o file is 16 bytes" [ "$(size spmd.pwd)" = 16 ]
check "-o file is mode 0600" [ "$(mode spmd.pwd)" = 600 ]
cp spmd.pwd before
"$PSKGEN" -r -o spmd.pwd 2> err; rc=$?
check "existing file refused (exit 1)" [ $rc -eq 1 ]
check "existing file unchanged" cmp -s spmd.pwd before
check "refusal explained" grep -q "use -f" err
chmod 644 spmd.pwd
"$PSKGEN" -r -s 32 -f -o spmd.pwd; rc=$?
check "-f replaces (exit 0)" [ $rc -eq 0 ]
check "-f replaced content" [ "$(size spmd.pwd)" = 32 ]
check "-f result is mode 0600" [ "$(mode spmd.pwd)" = 600 ]
check "-f leaves no temporary file" [ "$(ls | grep -c '^spmd.pwd')" = 1 ]
ln -s /nonexistent/target link.pwd
"$PSKGEN" -r -o link.pwd 2>/dev/null; rc=$?
check "dangling symlink not followed" [ $rc -eq 1 ]

# -e: the original layout
printf '\000\001\002\003\004\005\006\007\010\011\012\013\014\015\016\017\020' > bytes
"$PSKGEN" -e bytes > hex
printf '0x00 0x01 0x02 0x03 0x04 0x05 0x06 0x07  0x08 0x09 0x0a 0x0b 0x0c 0x0d 0x0e 0x0f\n0x10 ' > want
check "-e layout" cmp -s hex want
printf 'abcdefgh' > eight
"$PSKGEN" -e eight > hex8
printf '0x61 0x62 0x63 0x64 0x65 0x66 0x67 0x68  ' > want8
check "-e ends with the separator" cmp -s hex8 want8
: > empty
"$PSKGEN" -e empty > hex0
check "-e of an empty file is empty" [ "$(size hex0)" = 0 ]

# round trip -e then -i -h, through files and stdin
"$PSKGEN" -r -s 100 -o key
"$PSKGEN" -e key -o key.hex
check "-e output file is mode 0600" [ "$(mode key.hex)" = 600 ]
"$PSKGEN" -i key.hex -h -o key.back
check "round trip -e / -i -h" cmp -s key key.back
"$PSKGEN" -e - < key | "$PSKGEN" -i - -h > key.back2
check "round trip through stdin" cmp -s key key.back2

# -i -h: the documented example, blanks, errors
printf '0x72 0x61 0x63\n' | "$PSKGEN" -i - -h > rac
check "-i -h 0x72 0x61 0x63 gives rac" [ "$(cat rac)" = rac ]
printf '72616\n3\n' | "$PSKGEN" -i - -h > /dev/null 2>&1; rc=$?
check "-i -h odd digits on a line rejected" [ $rc -eq 1 ]
printf '0x7 0x2\n' | "$PSKGEN" -i - -h > pair
check "-i -h digits pair up across 0x" [ "$(od -An -tx1 pair | tr -d ' ')" = 72 ]
printf '0x72 0xzz\n' | "$PSKGEN" -i - -h 2> err > /dev/null; rc=$?
check "-i -h bad digit rejected" [ $rc -eq 1 ]
check "-i -h error names the line" grep -q "(stdin):1: 'z' is not a hex digit" err
printf '\n\n' | "$PSKGEN" -i - -h > /dev/null 2>&1; rc=$?
check "-i -h without digits rejected" [ $rc -eq 1 ]

# -i: first line only, without its newline
printf 'pass phrase\nsecond line\n' > phrase
"$PSKGEN" -i phrase -o psk
check "-i takes the first line" [ "$(cat psk)" = "pass phrase" ]
check "-i drops the newline" [ "$(size psk)" = 11 ]
printf 'no newline' | "$PSKGEN" -i - > psk2
check "-i without a newline" [ "$(cat psk2)" = "no newline" ]
printf '\nsecond\n' | "$PSKGEN" -i - > /dev/null 2>&1; rc=$?
check "-i empty first line rejected" [ $rc -eq 1 ]
"$PSKGEN" -i /nonexistent/file > /dev/null 2>&1; rc=$?
check "-i missing file exits 1" [ $rc -eq 1 ]

# -d: dry run writes nothing
"$PSKGEN" -r -d -o dry 2> err; rc=$?
check "-d exits 0" [ $rc -eq 0 ]
check "-d creates no file" [ ! -e dry ]
check "-d reports" grep -q "dry run: would write 16 bytes to dry" err
out=$("$PSKGEN" -r -d 2>/dev/null)
check "-d writes nothing to stdout" [ -z "$out" ]

# argument errors exit 1
for args in "-r -s 0" "-r -s abc" "-r -s 2000000" "-r -i phrase" "-x" "-r extra" \
	"-i phrase -s 5" "-r -h" "-r -o"; do
	# shellcheck disable=SC2086
	"$PSKGEN" $args > /dev/null 2>&1; rc=$?
	check "pskgen $args exits 1" [ $rc -eq 1 ]
done

if [ $failures -ne 0 ]; then
	echo "$failures check(s) failed"
	exit 1
fi
exit 0
