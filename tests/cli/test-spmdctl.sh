#!/bin/sh
# spmdctl (compat §4.1) against a stand-in spmd: the spmif server framework
# with canned replies (tests/unit/test_spmdctl_server), which logs every
# request it gets.  Checks the usage and exit codes, what is sent for each
# command, and the text and JSON outputs against golden copies.
# spmdctl must run as root; its root check is tested by dropping to nobody.
B=${BUILDDIR:-.}
CTL=$B/spmd/spmdctl
FAKE=$B/tests/unit/test_spmdctl_server
[ "$(id -u)" = 0 ] || { echo "SKIP: spmdctl needs root"; exit 77; }
[ -x "$CTL" ] && [ -x "$FAKE" ] || { echo "FAIL: $CTL or $FAKE not built"; exit 1; }

T=$(mktemp -d /tmp/spmdctl-test.XXXXXX) || exit 1
chmod 700 "$T"
FAKEPID=
cleanup() {
	[ -n "$FAKEPID" ] && kill "$FAKEPID" 2>/dev/null && wait "$FAKEPID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; shift; for f in "$@"; do [ -f "$f" ] && sed 's/^/    /' "$f"; done; fail=1; }

printf 'secret\n' > "$T/pwd"
printf 'other\n' > "$T/wrongpwd"
chmod 600 "$T/pwd" "$T/wrongpwd"
conf() { # name socket password
	printf 'interface {\n\tspmd { unix "%s"; };\n\tspmd_password "%s";\n};\n' "$2" "$3" > "$T/$1"
	chmod 600 "$T/$1"
}
conf r.conf "$T/spmif" "$T/pwd"
conf nosock.conf "$T/nosuch/spmif" "$T/pwd"
conf wrong.conf "$T/spmif" "$T/wrongpwd"
printf 'interface {\n\tspmd { unix "%s"; }\n};\n' "$T/spmif" > "$T/broken.conf"
chmod 600 "$T/broken.conf"

# start_fake: (re)start the stand-in with the canned replies on stdin
start_fake() {
	[ -n "$FAKEPID" ] && kill "$FAKEPID" 2>/dev/null && wait "$FAKEPID" 2>/dev/null
	cat > "$T/script"
	: > "$T/log"
	rm -f "$T/spmif" "$T/fake.pid"
	"$FAKE" "$T/spmif" "$T/pwd" "$T/script" "$T/log" "$T/fake.pid" 2> "$T/fake.err" &
	FAKEPID=$!
	i=0
	while [ ! -s "$T/fake.pid" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	[ -s "$T/fake.pid" ] || { bad "stand-in spmd did not start" "$T/fake.err"; exit 1; }
}
TAB=$(printf '\t')

# run WANT_STATUS DESCRIPTION ARGS...: spmdctl's stdout in $T/out, stderr in $T/err
run() {
	want=$1 what=$2
	shift 2
	"$CTL" "$@" > "$T/out" 2> "$T/err" < "${STDIN:-/dev/null}"
	got=$?
	if [ "$got" = "$want" ]; then ok "$what (exit $got)"; else bad "$what: exit $got, expected $want" "$T/out" "$T/err"; fi
}
# golden FILE DESCRIPTION: $T/out must equal stdin
golden() {
	cat > "$T/want"
	if cmp -s "$T/want" "$1"; then ok "$2"; else
		echo "FAIL: $2"; diff -u "$T/want" "$1" | sed 's/^/    /'; fail=1; fi
}
has() { # FILE PATTERN DESCRIPTION
	if grep -q -- "$2" "$1"; then ok "$3"; else bad "$3 (no '$2')" "$1"; fi
}
hasnt() {
	if grep -q -- "$2" "$1"; then bad "$3 ('$2' present)" "$1"; else ok "$3"; fi
}
json_valid() {
	if command -v python3 >/dev/null 2>&1; then
		if python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/out" 2>/dev/null; then
			ok "$1: one valid JSON document"
		else bad "$1: not valid JSON" "$T/out"; fi
	fi
}

# ---- command line ----
run 0 "no command prints the usage" -f "$T/r.conf"
has "$T/out" "^usage: spmdctl \[-d\]" "usage on stdout"
has "$T/out" "policy delete selector_index" "usage lists policy delete"
run 0 "-h prints the usage" -h
run 1 "unknown option" -x status
has "$T/err" "unknown option '-x'" "unknown option named"
has "$T/err" "^usage: spmdctl" "usage on stderr after a usage error"
run 1 "unknown command" -f "$T/r.conf" frobnicate
has "$T/err" "unknown command 'frobnicate'" "unknown command named"
run 1 "unknown command, -j" -j frobnicate
golden "$T/out" "usage error JSON" <<EOF
{"command":null,"code":null,"reply":[],"ok":false,"error":"unknown command 'frobnicate'"}
EOF
run 1 "-f without a value" -f
run 1 "ns add without an address" ns add
run 1 "ns add with a name" ns add ns.example
has "$T/err" "not a numeric IP address" "non-numeric address refused"
run 1 "tunnel policy add without SA addresses" policy add s 0 tunnel 192.0.2.1 192.0.2.2
run 1 "migrate with 4 arguments" migrate s 192.0.2.1 192.0.2.2 192.0.2.3
run 1 "policy delete with 2 arguments" policy delete a b

# ---- root check: as root, by dropping to nobody for one run ----
if command -v setpriv >/dev/null 2>&1; then
	setpriv --reuid 65534 --regid 65534 --clear-groups "$CTL" status > "$T/out" 2> "$T/err"
	if [ $? = 1 ]; then ok "non-root run exits 1"; else bad "non-root run" "$T/err"; fi
	golden "$T/err" "non-root message" <<EOF
you should run this program as root.
EOF
else
	echo "skip: root check (no setpriv)"
fi

# ---- configuration, connection, login ----
run 1 "missing configuration file" -f "$T/none.conf" status
has "$T/err" "failed to parse config file:$T/none.conf" "config failure message"
run 1 "configuration with a syntax error" -f "$T/broken.conf" status
has "$T/err" "broken.conf:3" "config error names file and line"
has "$T/err" "failed to parse config file:$T/broken.conf" "config failure message (syntax)"
run 1 "no spmd listening" -f "$T/nosock.conf" status
has "$T/err" "can't setup spmd interface" "connect failure message"
run 1 "no spmd listening, -j" -j -f "$T/nosock.conf" status
json_valid "connect failure"
has "$T/out" '"ok":false,"error":"can'"'"'t setup spmd interface' "JSON names the connect failure"

start_fake <<EOF
NS LIST${TAB}250-192.0.2.53|250 2001:db8::53
NS ADD 2001:db8::54${TAB}250 2001:db8::54 Added
NS CHANGE 192.0.2.53${TAB}250 192.0.2.53 changed.
EOF
run 1 "wrong password" -f "$T/wrong.conf" ns list
has "$T/err" "login failure" "login failure message"

# ---- ns ----
run 0 "ns list" -f "$T/r.conf" ns list
golden "$T/out" "ns list output" <<EOF
192.0.2.53
2001:db8::53
EOF
run 0 "ns list -j" -j -f "$T/r.conf" n l
golden "$T/out" "ns list JSON" <<EOF
{"command":"ns list","nameservers":["192.0.2.53","2001:db8::53"],"code":250,"reply":["192.0.2.53","2001:db8::53"],"ok":true,"error":null}
EOF
run 0 "ns add of a new server" -f "$T/r.conf" ns add 2001:DB8:0::54
golden "$T/log" "ns add sends NS LIST then NS ADD (normalised)" <<EOF
NS LIST
NS LIST
NS LIST
NS ADD 2001:db8::54
EOF
: > "$T/log"
run 0 "ns add of a listed server" -j -f "$T/r.conf" ns add 192.0.2.53
golden "$T/log" "ns add of a listed server sends NS CHANGE" <<EOF
NS LIST
NS CHANGE 192.0.2.53
EOF
run 1 "ns delete of an unknown server" -f "$T/r.conf" ns delete 192.0.2.99
has "$T/err" "operation failed: 192.0.2.99 is not a name server" "ns delete names the unknown server"

start_fake <<EOF
NS LIST${TAB}250-192.0.2.53|250 2001:db8::53
NS ADD 192.0.2.54${TAB}250 192.0.2.54 Added
NS CHANGE 192.0.2.53${TAB}250 192.0.2.53 changed.
NS DELETE 2001:db8::53${TAB}250 2001:db8::53 Deleted
NS ADD 192.0.2.55${TAB}550 Operation Failed(resolver off?)
EOF
run 0 "ns add" -f "$T/r.conf" ns a 192.0.2.54
golden "$T/out" "ns add prints nothing" < /dev/null
run 0 "ns add -j" -j -f "$T/r.conf" ns a 192.0.2.53
golden "$T/out" "ns add JSON (change)" <<EOF
{"command":"ns add","action":"change","code":250,"reply":["192.0.2.53 changed."],"ok":true,"error":null}
EOF
run 1 "ns add refused by spmd" -f "$T/r.conf" ns add 192.0.2.55
has "$T/err" "operation failed: 550 Operation Failed(resolver off?)" "ns add failure message"
run 0 "ns delete" -j -f "$T/r.conf" ns delete 2001:db8::53
golden "$T/out" "ns delete JSON" <<EOF
{"command":"ns delete","code":250,"reply":["2001:db8::53 Deleted"],"ok":true,"error":null}
EOF
grep -q "^NS DELETE 2001:db8::53$" "$T/log" && ok "NS DELETE sent" || bad "NS DELETE not sent" "$T/log"

start_fake <<EOF
NS LIST${TAB}250 192.0.2.53
EOF
run 1 "ns delete of the last server" -f "$T/r.conf" ns delete 192.0.2.53
has "$T/err" "only name server" "last server refused"
hasnt "$T/log" "NS DELETE" "nothing deleted"

# spmd's spelling of an address may differ from ours: compared as addresses
start_fake <<EOF
NS LIST${TAB}250-2001:0db8:0000::0053|250 192.0.2.53
NS CHANGE 2001:db8::53${TAB}250 2001:db8::53 changed.
NS DELETE 2001:db8::53${TAB}250 2001:db8::53 Deleted
EOF
run 0 "ns add of a server spmd spells differently" -f "$T/r.conf" ns add 2001:db8::53
run 0 "ns delete of a server spmd spells differently" -f "$T/r.conf" ns delete 2001:DB8::53
golden "$T/log" "NS CHANGE and NS DELETE for a differently spelt address" <<EOF
NS LIST
NS CHANGE 2001:db8::53
NS LIST
NS DELETE 2001:db8::53
EOF

start_fake <<EOF
NS LIST${TAB}251 No Name Server(resolver off?)
EOF
run 0 "ns list, resolver off" -f "$T/r.conf" ns list
golden "$T/out" "ns list shows spmd's text" <<EOF
No Name Server(resolver off?)
EOF
run 0 "ns list -j, resolver off" -j -f "$T/r.conf" ns list
golden "$T/out" "ns list JSON, resolver off" <<EOF
{"command":"ns list","nameservers":[],"code":251,"reply":["No Name Server(resolver off?)"],"ok":true,"error":null}
EOF

# ---- policy, migrate, status ----
start_fake <<EOF
POLICY ADD sel_out 3600 TRANSPORT 192.0.2.1 2001:db8::2${TAB}250 Policy Added sel_out and sel_in
POLICY ADD tun_out 0 TUNNEL 198.51.100.7/24 203.0.113.0/24 192.0.2.1 192.0.2.2${TAB}250 Policy Added tun_out and tun_in
POLICY ADD nosel 0 TRANSPORT 192.0.2.1 192.0.2.2${TAB}550 Operation Failed, selector not found
POLICY DELETE sel_out${TAB}250 Policy Deleted
POLICY DELETE nosel${TAB}550 Operation Failed, selector not found
POLICY DUMP${TAB}250-sel_out 1001|250 sel_in 1002
MIGRATE sel_out 192.0.2.1 192.0.2.2 192.0.2.11 192.0.2.12${TAB}250 Migrate sel_out
MIGRATE nosel 192.0.2.1 192.0.2.2 192.0.2.11 192.0.2.12${TAB}550 Operation Failed
STAT${TAB}250-DNS QUERY = 3|250-DNS RESPONSE = 2|250-DNS QUERY PROXY = 1|250-DNS RESPONSE PROXY = 1|250-DNS EXPIRED QUERY = 0|250-DNS DUP QUERY = 0|250-CACHE IP ADDRESS = 4|250-CACHE FQDN = 2|250 CACHE TOTAL FQDN = 2
EOF
run 0 "policy add transport" -f "$T/r.conf" policy add sel_out 3600 transport 192.0.2.1 2001:db8:0::2
golden "$T/out" "policy add prints nothing" < /dev/null
run 0 "policy add tunnel -j" -j -f "$T/r.conf" p a tun_out 0 Tunnel 198.51.100.7/24 203.0.113.0/24 192.0.2.1 192.0.2.2
golden "$T/out" "policy add JSON" <<EOF
{"command":"policy add","code":250,"reply":["Policy Added tun_out and tun_in"],"ok":true,"error":null}
EOF
run 1 "policy add refused" -f "$T/r.conf" p a nosel 0 transport 192.0.2.1 192.0.2.2
golden "$T/err" "policy add failure message" <<EOF
Policy operation failed: Operation Failed, selector not found
EOF
run 0 "policy delete SLID" -f "$T/r.conf" policy delete sel_out
run 1 "policy delete refused" -j -f "$T/r.conf" policy delete nosel
golden "$T/out" "policy delete failure JSON" <<EOF
{"command":"policy delete","code":550,"reply":["Operation Failed, selector not found"],"ok":false,"error":"Policy operation failed: Operation Failed, selector not found"}
EOF
run 0 "policy show (memory kernel: no policies)" -K memory -f "$T/r.conf" policy show
golden "$T/out" "policy show with an empty kernel" < /dev/null
run 0 "policy show -j" -j -K memory -f "$T/r.conf" p s
golden "$T/out" "policy show JSON" <<EOF
{"command":"policy show","policies":[],"code":250,"reply":["sel_out 1001","sel_in 1002"],"ok":true,"error":null}
EOF
run 1 "policy show on an unknown kernel interface" -K nosuch -f "$T/r.conf" p s
has "$T/err" "kernel interface nosuch" "unknown backend named"
run 0 "migrate" -f "$T/r.conf" migrate sel_out 192.0.2.1 192.0.2.2 192.0.2.11 192.0.2.12
run 1 "migrate refused" -j -f "$T/r.conf" m nosel 192.0.2.1 192.0.2.2 192.0.2.11 192.0.2.12
golden "$T/out" "migrate failure JSON" <<EOF
{"command":"migrate","code":550,"reply":["Operation Failed"],"ok":false,"error":"operation failed: 550 Operation Failed"}
EOF
run 0 "status" -f "$T/r.conf" status
golden "$T/out" "status output" <<EOF
DNS QUERY = 3
DNS RESPONSE = 2
DNS QUERY PROXY = 1
DNS RESPONSE PROXY = 1
DNS EXPIRED QUERY = 0
DNS DUP QUERY = 0
CACHE IP ADDRESS = 4
CACHE FQDN = 2
CACHE TOTAL FQDN = 2
EOF
run 0 "status -j" -j -f "$T/r.conf" st
golden "$T/out" "status JSON" <<EOF
{"command":"status","stats":{"dns_query":3,"dns_response":2,"dns_query_proxy":1,"dns_response_proxy":1,"dns_expired_query":0,"dns_dup_query":0,"cache_ip_address":4,"cache_fqdn":2,"cache_total_fqdn":2},"code":250,"reply":["DNS QUERY = 3","DNS RESPONSE = 2","DNS QUERY PROXY = 1","DNS RESPONSE PROXY = 1","DNS EXPIRED QUERY = 0","DNS DUP QUERY = 0","CACHE IP ADDRESS = 4","CACHE FQDN = 2","CACHE TOTAL FQDN = 2"],"ok":true,"error":null}
EOF
golden "$T/log" "requests as sent" <<EOF
POLICY ADD sel_out 3600 TRANSPORT 192.0.2.1 2001:db8::2
POLICY ADD tun_out 0 TUNNEL 198.51.100.7/24 203.0.113.0/24 192.0.2.1 192.0.2.2
POLICY ADD nosel 0 TRANSPORT 192.0.2.1 192.0.2.2
POLICY DELETE sel_out
POLICY DELETE nosel
POLICY DUMP
POLICY DUMP
POLICY DUMP
MIGRATE sel_out 192.0.2.1 192.0.2.2 192.0.2.11 192.0.2.12
MIGRATE nosel 192.0.2.1 192.0.2.2 192.0.2.11 192.0.2.12
STAT
STAT
EOF

# ---- -d: the conversation, LOGIN and QUIT ----
run 0 "status -d" -d -f "$T/r.conf" st
sed -e 's/[0-9A-F]\{40\}/HASH/g' -e 's/>7365637265740A$/>PWHEX/' "$T/out" > "$T/out.d"
head -n 7 "$T/out.d" > "$T/out.head"
golden "$T/out.head" "-d shows greeting, login and the command" <<EOF
[MSG FROM SPMD] 220 HASH
password=>PWHEX
challenge=>HASH
hash=HASH
[MSG   TO SPMD] LOGIN HASH
[MSG FROM SPMD] 250 OK
[MSG   TO SPMD] STAT
EOF
tail -n 2 "$T/out.d" > "$T/out.tail"
golden "$T/out.tail" "-d shows QUIT at the end" <<EOF
[MSG   TO SPMD] QUIT
[MSG FROM SPMD] 250 BYE
EOF
run 0 "status -d -j" -d -j -f "$T/r.conf" st
json_valid "status -d -j"
has "$T/err" "TO SPMD\] QUIT" "-d -j echoes on stderr"

# ---- interactive ----
printf 'STAT\n\nNS LIST\nquit\n' > "$T/in"
STDIN=$T/in run 0 "interactive" -d -f "$T/r.conf" interactive
grep -v '^\[MSG\|^password\|^challenge\|^hash' "$T/out" > "$T/out.i"
golden "$T/out.i" "interactive replies" <<EOF
250-DNS QUERY = 3
250-DNS RESPONSE = 2
250-DNS QUERY PROXY = 1
250-DNS RESPONSE PROXY = 1
250-DNS EXPIRED QUERY = 0
250-DNS DUP QUERY = 0
250-CACHE IP ADDRESS = 4
250-CACHE FQDN = 2
250 CACHE TOTAL FQDN = 2
500 Syntax Error
250 BYE
EOF
[ "$(grep -c 'TO SPMD\] [Qq][Uu][Ii][Tt]' "$T/out")" = 1 ] && ok "interactive: one QUIT (the user's)" ||
	bad "interactive: QUIT count" "$T/out"
printf 'FQDN LIST\n' > "$T/in"
STDIN=$T/in run 0 "interactive -j" -j -f "$T/r.conf" i
golden "$T/out" "interactive JSON" <<EOF
{"command":"interactive","exchanges":[{"request":"FQDN LIST","code":500,"reply":["Syntax Error"]}],"code":null,"reply":[],"ok":true,"error":null}
EOF

# ---- reload ----
: > "$T/log"
run 0 "reload" -P "$T/fake.pid" -f "$T/r.conf" reload
i=0
while ! grep -q SIGHUP "$T/log" && [ $i -lt 30 ]; do sleep 0.1; i=$((i + 1)); done
has "$T/log" "^SIGHUP$" "reload sent SIGHUP to the pid in the pid file"
hasnt "$T/log" "STAT\|NS" "reload sends no spmif command"
run 0 "reload -j" -j -P "$T/fake.pid" -f "$T/r.conf" r
sed 's/"pid":[0-9]*/"pid":N/' "$T/out" > "$T/out.r"
golden "$T/out.r" "reload JSON" <<EOF
{"command":"reload","pid":N,"code":null,"reply":[],"ok":true,"error":null}
EOF
run 1 "reload without a pid file" -P "$T/none.pid" -f "$T/r.conf" reload
has "$T/err" "spmd is not running" "no spmd reported"
sh -c 'exit 0' & dead=$!
wait $dead
echo $dead > "$T/dead.pid"
run 1 "reload with a stale pid file" -P "$T/dead.pid" -f "$T/r.conf" reload
has "$T/err" "spmd is not running ($T/dead.pid is stale" "stale pid file reported"
# a stale pid file naming a live process that is not spmd: never signalled
sleep 30 & other=$!
echo $other > "$T/other.pid"
run 1 "reload with a pid file nobody holds" -P "$T/other.pid" -f "$T/r.conf" reload
sleep 0.2
if kill -0 $other 2>/dev/null; then ok "the unrelated process was not signalled"; else bad "reload signalled an unrelated process"; fi
kill $other 2>/dev/null
wait $other 2>/dev/null

# ---- odd replies ----
start_fake <<EOF
POLICY DUMP${TAB}250-no_spid_here|250-sel 99999999999|250 sel_ok 7
STAT${TAB}250-NOT A COUNTER|250 CACHE FQDN = 5
POLICY DELETE x${TAB}251 NO Policy Exists
EOF
run 0 "policy show with malformed POLICY DUMP lines" -K memory -f "$T/r.conf" policy show
has "$T/err" "ignoring 'no_spid_here'" "malformed line reported"
has "$T/err" "ignoring 'sel 99999999999'" "out-of-range spid reported"
run 0 "status -j skips a line that is not a counter" -j -f "$T/r.conf" status
has "$T/out" '"stats":{"cache_fqdn":5}' "only the counter parsed"
run 0 "a 251 reply is success" -f "$T/r.conf" policy delete x

exit $fail
