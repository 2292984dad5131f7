#!/usr/bin/env bash
# e2e.sh: the counter app in a real window, driven as a clerk drives it.
# Starts Xvfb, runs `balie --demo`, types card numbers with xdotool as a
# keyboard-wedge scanner does (digits, then Enter), checks what the app
# did from its log and saves a screenshot of each step in $E2E_OUT.
set -euo pipefail
cd "$(dirname "$0")/.."

out=${E2E_OUT:-out/e2e}
mkdir -p "$out"
tmp=$(mktemp -d)
app_pid="" xvfb_pid="" socat_pid=""
cleanup() {
	[ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
	[ -n "$socat_pid" ] && kill "$socat_pid" 2>/dev/null || true
	[ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

passed=0 failed=0
pass() { passed=$((passed + 1)); echo "e2e: ok   $1"; }
fail() { failed=$((failed + 1)); echo "e2e: FAIL $1"; echo "--- app log"; cat "$tmp/app.log"; }

# count PATTERN: how many lines of the app's log match PATTERN.
count() { grep -cE "$1" "$tmp/app.log" 2>/dev/null || true; }

# wait_for PATTERN SECONDS [BEFORE]: until the app's log has more than
# BEFORE (default 0) lines matching PATTERN.
wait_for() {
	local deadline=$((SECONDS + $2)) before=${3:-0}
	while [ $SECONDS -lt $deadline ]; do
		[ "$(count "$1")" -gt "$before" ] && return 0
		sleep 0.2
	done
	return 1
}

go build -o "$tmp/balie" ./cmd/balie
go build -o "$tmp/ledger" ./cmd/ledger

display=""
for n in $(seq 90 130); do
	if [ ! -e "/tmp/.X11-unix/X$n" ] && [ ! -e "/tmp/.X$n-lock" ]; then display=":$n"; break; fi
done
[ -n "$display" ] || { echo "e2e: no free X display number"; exit 1; }
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
xvfb_pid=$!
export DISPLAY=$display
for _ in $(seq 1 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.2; done
xdpyinfo >/dev/null 2>&1 || { echo "e2e: Xvfb did not start"; cat "$tmp/xvfb.log"; exit 1; }

# A serial barcode scanner on a real pseudo-terminal pair: the app opens
# one end exactly as it opens /dev/ttyACM0; the test writes to the other.
socat pty,raw,echo=0,link="$tmp/reader" pty,raw,echo=0,link="$tmp/scanner" 2>"$tmp/socat.log" &
socat_pid=$!
for _ in $(seq 1 50); do [ -e "$tmp/scanner" ] && break; sleep 0.1; done

# start_app DESK [ARGS...]: the app on a fresh demo city at DESK, with its
# own log; it must be ready within a minute.
start_app() {
	local desk=$1
	shift
	: >"$tmp/app.log"
	local start
	start=$(date +%s%N)
	"$tmp/balie" --demo --db "$tmp/$desk.db" --desk "$desk" "$@" >"$tmp/app.log" 2>&1 &
	app_pid=$!
	if wait_for 'msg="balie ready"' 60; then
		pass "$desk: the app starts on the demo city in $(( ($(date +%s%N) - start) / 1000000 )) ms"
	else
		fail "$desk: the app did not start"; exit 1
	fi
	xdotool search --sync --onlyvisible --name '^Balie' >/dev/null
}

# synced DESK: every event of the desk's journal reaches the demo's own
# ledger, with a verdict, while the app runs (the sync worker sends each
# act when it is recorded).
synced() {
	local desk=$1 deadline=$((SECONDS + 15)) want got
	want=$("$tmp/balie" export --db "$tmp/$desk.db" | grep -o '"id":"[^"]*"' | sort)
	while [ $SECONDS -lt $deadline ]; do
		got=$("$tmp/ledger" export --db "$tmp/$desk.db.ledger" 2>/dev/null | grep '"verdict":"' | grep -o '"id":"[^"]*"' | sort)
		if [ -n "$want" ] && [ "$(comm -23 <(echo "$want") <(echo "$got") | wc -l)" -eq 0 ]; then
			pass "$desk: every act reached the ledger with a verdict ($(echo "$want" | wc -l) events)"
			return
		fi
		sleep 0.5
	done
	fail "$desk: acts missing from the ledger: $(comm -23 <(echo "$want") <(echo "$got") | head -3)"
}

# stop_app DESK KIND...: stop the app; its journal must hold each KIND and
# verify end to end.
stop_app() {
	local desk=$1 kind
	shift
	synced "$desk"
	kill "$app_pid"; wait "$app_pid" 2>/dev/null || true; app_pid=""
	"$tmp/balie" export --db "$tmp/$desk.db" >"$tmp/export.json"
	for kind in "$@"; do
		if grep -q "\"kind\":\"$kind\"" "$tmp/export.json"; then
			pass "$desk: $kind is in the journal (balie export)"
		else
			fail "$desk: no $kind in balie export"
		fi
	done
	if "$tmp/balie" verify --db "$tmp/$desk.db" >"$tmp/verify.log" 2>&1; then
		pass "$desk: the journal verifies after the session"
	else
		fail "$desk: balie verify: $(cat "$tmp/verify.log")"
	fi
}

# scan TYPED PATTERN NAME: type as a wedge scanner does, expect PATTERN.
scan() {
	local before
	before=$(count "$2")
	xdotool type --delay 15 "$1"
	xdotool key Return
	expect "$2" "$3" "$before"
}

# keys PATTERN NAME KEY...: press keys, expect PATTERN.
keys() {
	local pattern=$1 name=$2 before
	shift 2
	before=$(count "$pattern")
	xdotool key "$@"
	expect "$pattern" "$name" "$before"
}

# expect PATTERN NAME BEFORE: a new log line matching PATTERN, then a
# screenshot named NAME.
expect() {
	if wait_for "$1" 10 "$3"; then
		sleep 0.3 # let the frame that shows the outcome be drawn before the screenshot
		import -window root "$out/$2.png"
		pass "$2"
	else
		fail "$2: no log line matching $1"
	fi
}

# sign_in CARD STAFF: staff sign in with their own card and PIN.
sign_in() {
	xdotool type --delay 15 "$1"; xdotool key Return
	xdotool type --delay 15 1234; xdotool key Return
	if wait_for "msg=\"staff signed in\" staff=$2" 10; then pass "staff $2 signs in with card and PIN"; else fail "sign in $2"; fi
}

# The sports counter, with a serial barcode scanner too.
start_app desk-sport --reader "$tmp/reader"
sign_in 0990000000010 staff-sup
# No shift is open: the till opens first, with a float of € 150.
sleep 0.5
import -window root "$out/till-open.png"
xdotool type --delay 15 150; xdotool key Return
if wait_for 'msg=act op="open shift"' 10; then pass "till opened with a float"; else fail "till: no open shift in the log"; fi

scan 0900000095902 'msg=scan holder=h-0000000' scan-holder
scan 0931268758204 'msg="scan refused" code=card_blocked' scan-blocked
scan 0900000095903 'msg="scan refused" code=card_number_check' scan-bad-check-digit

# The serial scanner reads a card: CR-terminated, as such scanners send.
before=$(count 'msg=scan holder=h-0000001')
printf '1000000520006\r' >"$tmp/scanner"
expect 'msg=scan holder=h-0000001' serial-scan "$before"

# The sports pass for the holder on screen: F7, paid cash.
scan 0900000095902 'msg=scan holder=h-0000000' sports-holder
keys 'msg=act op="pay membership"' desk-sport F7
stop_app desk-sport SHIFT_OPEN MEMBERSHIP_PAYMENT

# The box office: a holder with the social tariff buys a regular ticket
# for the next event (F5), pays € 50 in cash (F9, the amount, Enter).
start_app desk-box
sign_in 0990000000028 staff-box-1
sleep 0.5
xdotool type --delay 15 100; xdotool key Return
wait_for 'msg=act op="open shift"' 10 || true
scan 1000000520006 'msg=scan holder=h-0000001' box-holder
xdotool key F5
sleep 0.5
xdotool key F9
sleep 0.3
xdotool type --delay 15 50
keys 'msg=act op="sell tickets"' desk-box Return
stop_app desk-box TICKET_SALE

# Childcare: Lotte's card signs her in; scanned again, she leaves with
# Sofie Verhoeven (F8, the second authorised adult).
start_app desk-bko
sign_in 0990000000010 staff-sup
scan 0930008039818 'msg=act op="sign in child"' childcare-signed-in
scan 0930008039818 'msg=scan holder=h-0000004' childcare-pickup
keys 'msg=act op="sign out child"' desk-bko F8
stop_app desk-bko CHILD_SIGN_IN CHILD_SIGN_OUT

echo "e2e: screenshots in $out"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
