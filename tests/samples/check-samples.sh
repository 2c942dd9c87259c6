#!/bin/sh
# Load every sample scenario the way a user would run it, and check that
# each daemon accepts it: `iked -t`, `spmd -t` and, for the KINK scenarios,
# `kinkd -t` must exit 0 and print their one-line summary.
#
# The templates (samples/*.conf.in) are instantiated in a temporary
# directory that stands in for the sysconfdir: it holds the pre-shared keys
# and the spmif password (mode 0600), the hook scripts and the spmif socket
# directory.  For each scenario a racoon2.conf is made from the sample with
# that scenario's include line uncommented.
#
# Run by `make check` from the top build directory (srcdir is exported by
# the automake test driver).  A daemon that is not built is skipped; exit
# status 77 (skip) when nothing could be checked.

set -u

srcdir=${srcdir:-.}
samples=$srcdir/samples
builddir=$(pwd)

# scenario name and the daemons that must accept it
scenarios="
base:iked,spmd,kinkd
transport_ike:iked,spmd
tunnel_ike:iked,spmd
tunnel_ike_natt:iked,spmd
roadwarrior_gw:iked,spmd
roadwarrior_client:iked,spmd
transport_kink:iked,spmd,kinkd
tunnel_kink:iked,spmd,kinkd
"
templates="racoon2 vals default transport_ike tunnel_ike tunnel_ike_natt
roadwarrior_gw roadwarrior_client transport_kink tunnel_kink"

failures=0
checks=0
skipped=""

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-samples.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
etc=$tmp/etc
run=$tmp/run
umask 077
mkdir -p "$etc/psk" "$etc/cert" "$etc/hook" "$run/racoon2" || exit 99

# Secrets: the whole file content is the key (compat 7.1).
cp "$samples/test.psk.example" "$etc/psk/test.psk" || exit 99
cp "$samples/wildcard.psk.example" "$etc/psk/wildcard.psk" || exit 99
printf '0123456789abcdef' > "$etc/spmd.pwd" || exit 99
chmod 600 "$etc/psk/test.psk" "$etc/psk/wildcard.psk" "$etc/spmd.pwd"

# The hook scripts named in vals.conf.
for h in ikesa-up ikesa-down ikesa-rekey child-up child-down child-rekey \
	migration ph1-up ph1-down; do
	printf '#!/bin/sh\nexit 0\n' > "$etc/hook/$h" && chmod 700 "$etc/hook/$h" || exit 99
done

# Instantiate the templates, as samples.mk does for the installed samples.
for t in $templates; do
	in=$samples/$t.conf.in
	out=$etc/$t.conf
	if [ ! -f "$in" ]; then
		fail "missing template $in"
		continue
	fi
	sed -e "s|@sysconfdir[@]|$etc|g" -e "s|@runstatedir[@]|$run|g" "$in" > "$out" || exit 99
	chmod 600 "$out"
	if grep -n '@[a-z_]*@' "$out"; then
		fail "$t.conf.in: placeholder left after substitution"
	fi
	# Braces must balance (outside comments and quoted strings); a
	# cheap check that still runs when no daemon is built.
	depth=$(sed -e 's/"[^"]*"//g' -e 's/#.*//' "$out" |
		awk '{ n += gsub(/\{/, "{"); n -= gsub(/\}/, "}"); if (n < 0) bad = 1 }
		     END { print (bad ? -1 : n) }')
	if [ "$depth" != 0 ]; then
		fail "$t.conf.in: unbalanced braces"
	fi
done

# The samples must also load in the original racoon2: no extension
# keywords, and no "${OTHER}" inside setval values (vals.conf).
for t in $templates; do
	uncommented=$(sed -e 's/#.*//' "$samples/$t.conf.in")
	if echo "$uncommented" | grep -nE \
		'(_gcm(8|12|16)|chacha20_poly1305|ecp(256|384|521)|curve(25519|448)|padlen_random|max_pad_len)'; then
		fail "$t.conf.in uses an extension keyword"
	fi
done
if sed -e 's/#.*//' "$samples/vals.conf.in" | grep -n '\${'; then
	fail "vals.conf.in: a setval value uses \${...} (the original rejects it)"
fi

# The samples samples.mk built for installation: every placeholder
# replaced.
for t in $templates; do
	built=$builddir/samples/$t.conf.sample
	if [ -f "$built" ] && grep -n '@[a-z_]*@' "$built"; then
		fail "$built: placeholder left by samples.mk"
	fi
done

# Run DAEMON -t -f CONF; it must exit 0, print a summary and no error.
check_daemon() {
	daemon=$1 conf=$2 scenario=$3
	bin=$builddir/$daemon/$daemon
	if [ ! -x "$bin" ]; then
		case " $skipped " in *" $daemon "*) ;; *) skipped="$skipped $daemon" ;; esac
		return
	fi
	# the memory kernel backend: the samples must not depend on the IPsec
	# support of the machine running the tests (the guest scenarios check
	# the real kernels)
	"$bin" -t -K memory -f "$conf" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	checks=$((checks + 1))
	summary=$(sed -n '$p' "$tmp/out")
	if [ $rc -ne 0 ]; then
		fail "$daemon -t: scenario $scenario: exit status $rc"
		cat "$tmp/out" "$tmp/err"
	elif [ -z "$summary" ]; then
		fail "$daemon -t: scenario $scenario: no summary on stdout"
		cat "$tmp/err"
	elif grep -q ': error:' "$tmp/out" "$tmp/err"; then
		fail "$daemon -t: scenario $scenario: errors printed despite exit 0"
		cat "$tmp/out" "$tmp/err"
	else
		echo "ok: $daemon -t: $scenario: $summary"
		if [ -s "$tmp/err" ]; then
			sed 's/^/    /' "$tmp/err"
		fi
	fi
}

for entry in $scenarios; do
	scenario=${entry%%:*}
	daemons=$(echo "${entry#*:}" | tr ',' ' ')
	conf=$etc/racoon2-$scenario.conf
	if [ "$scenario" = base ]; then
		cp "$etc/racoon2.conf" "$conf"
	else
		sed -e "s|^# *\(include \"$etc/$scenario\.conf\";\)|\1|" \
			"$etc/racoon2.conf" > "$conf" || exit 99
		if ! grep -q "^include \"$etc/$scenario\.conf\";" "$conf"; then
			fail "racoon2.conf.in has no commented-out include of $scenario.conf"
			continue
		fi
	fi
	chmod 600 "$conf"
	for d in $daemons; do
		check_daemon "$d" "$conf" "$scenario"
	done
done

if [ -n "$skipped" ]; then
	echo "SKIP: not built:$skipped"
fi
echo "$checks daemon checks, $failures failures"
if [ $failures -ne 0 ]; then
	exit 1
fi
if [ $checks -eq 0 ]; then
	exit 77
fi
exit 0
