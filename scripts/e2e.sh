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

start=$(date +%s%N)
"$tmp/balie" --demo --db "$tmp/demo.db" --desk desk-sport --reader "$tmp/reader" >"$tmp/app.log" 2>&1 &
app_pid=$!
if wait_for 'msg="balie ready"' 60; then
	pass "the app starts on the demo city in $(( ($(date +%s%N) - start) / 1000000 )) ms"
else
	fail "the app did not start"; exit 1
fi
xdotool search --sync --onlyvisible --name '^Balie' >/dev/null

# scan TYPED PATTERN NAME: type as a wedge scanner does, expect PATTERN.
scan() {
	local before
	before=$(count "$2")
	xdotool type --delay 15 "$1"
	xdotool key Return
	if wait_for "$2" 10 "$before"; then
		sleep 0.3 # let the frame that shows the outcome be drawn before the screenshot
		command -v import >/dev/null && import -window root "$out/$3.png"
		pass "$3"
	else
		fail "$3: no log line matching $2"
	fi
}
# Staff sign in with their own card and PIN (the demo's supervisor).
xdotool type --delay 15 0990000000010; xdotool key Return
xdotool type --delay 15 1234; xdotool key Return
if wait_for 'msg="staff signed in" staff=staff-sup' 10; then pass "staff sign in with card and PIN"; else fail "sign in"; fi

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
if wait_for 'msg=scan holder=h-0000001' 10 "$before"; then
	sleep 0.3
	import -window root "$out/serial-scan.png"
	pass "a card read by the serial scanner shows its holder"
else
	fail "serial scanner: no scan in the log"
fi

# The sports pass for the holder on screen: F7, paid cash.
scan 0900000095902 'msg=scan holder=h-0000000' sports-holder
xdotool key F7
if wait_for 'msg=act op="pay membership"' 10; then
	sleep 0.3
	import -window root "$out/sports-pass-paid.png"
	pass "sports pass paid with F7"
else
	fail "sports pass: no act in the log"
fi

kill "$app_pid"; wait "$app_pid" 2>/dev/null || true; app_pid=""
if "$tmp/balie" export --db "$tmp/demo.db" | grep -q '"kind":"MEMBERSHIP_PAYMENT"'; then
	pass "the payment is in the journal (balie export)"
else
	fail "no MEMBERSHIP_PAYMENT in balie export"
fi
if "$tmp/balie" verify --db "$tmp/demo.db" >"$tmp/verify.log" 2>&1; then
	pass "the journal verifies after the session"
else
	fail "balie verify: $(cat "$tmp/verify.log")"
fi

echo "e2e: screenshots in $out"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
