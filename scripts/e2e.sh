#!/usr/bin/env bash
# e2e.sh: the counter app in a real window, driven as a clerk drives it,
# with the keyboard alone, at two screen sizes (1366x768 and 1920x1080;
# E2E_SIZES overrides). Starts Xvfb, runs `balie --demo` (and once a desk
# against a ledger of its own, to kill and restart it), types card numbers
# with xdotool as a keyboard-wedge scanner does (digits, then Enter),
# checks what the app did from its log and saves a screenshot of each step
# in $E2E_OUT, named SIZE-ITEM-step.png after the items of issue 11.
set -euo pipefail
cd "$(dirname "$0")/.."

out=${E2E_OUT:-out/e2e}
sizes=${E2E_SIZES:-1366x768 1920x1080}
mkdir -p "$out"
tmp=$(mktemp -d)
app_pid="" xvfb_pid="" socat_pid="" ledger_pid=""
cleanup() {
	[ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
	[ -n "$ledger_pid" ] && kill "$ledger_pid" 2>/dev/null || true
	[ -n "$socat_pid" ] && kill "$socat_pid" 2>/dev/null || true
	[ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

passed=0 failed=0 size=""
pass() { passed=$((passed + 1)); echo "e2e: ok   [$size] $1"; }
fail() { failed=$((failed + 1)); echo "e2e: FAIL [$size] $1"; echo "--- app log (last 40 lines)"; tail -40 "$tmp/app.log"; }

# count PATTERN: how many lines of the app's log match PATTERN.
count() { grep -cE "$1" "$tmp/app.log" 2>/dev/null || true; }

# wait_for PATTERN SECONDS [BEFORE]: until the app's log has more than
# BEFORE (default 0) lines matching PATTERN.
wait_for() {
	local deadline=$((SECONDS + $2)) before=${3:-0}
	while [ $SECONDS -lt $deadline ]; do
		[ "$(count "$1")" -gt "$before" ] && return 0
		sleep 0.1
	done
	return 1
}

# shot NAME: a screenshot of the whole screen, once the frame is drawn.
shot() {
	sleep 0.4
	import -window root "$out/$size-$1.png"
}

go build -o "$tmp/balie" ./cmd/balie
go build -o "$tmp/ledger" ./cmd/ledger

# start_x WxH: a new X server of that size.
start_x() {
	local display=""
	for n in $(seq 90 130); do
		if [ ! -e "/tmp/.X11-unix/X$n" ] && [ ! -e "/tmp/.X$n-lock" ]; then display=":$n"; break; fi
	done
	[ -n "$display" ] || { echo "e2e: no free X display number"; exit 1; }
	Xvfb "$display" -screen 0 "$1x24" -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
	xvfb_pid=$!
	export DISPLAY=$display
	for _ in $(seq 1 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.2; done
	xdpyinfo >/dev/null 2>&1 || { echo "e2e: Xvfb did not start"; cat "$tmp/xvfb.log"; exit 1; }
}

stop_x() { kill "$xvfb_pid" 2>/dev/null || true; wait "$xvfb_pid" 2>/dev/null || true; xvfb_pid=""; }

# start_app NAME ARGS...: the app with its own log; ready within a minute,
# and without Fyne's locale warning.
start_app() {
	local name=$1 start
	shift
	: >"$tmp/app.log"
	start=$(date +%s%N)
	"$tmp/balie" "$@" >"$tmp/app.log" 2>&1 &
	app_pid=$!
	if wait_for 'msg="balie ready"' 60; then
		pass "$name: the app starts in $(( ($(date +%s%N) - start) / 1000000 )) ms"
	else
		fail "$name: the app did not start"; exit 1
	fi
	xdotool search --sync --onlyvisible --name '^Balie' >/dev/null
	if grep -q "Error parsing user locale" "$tmp/app.log"; then fail "$name: the locale warning at the start"; else pass "$name: no locale warning"; fi
}

# demo DESK ARGS...: the app on a fresh demo city at DESK.
demo() {
	local desk=$1
	shift
	start_app "$desk" --demo --history=false --demo-time 14:00 --db "$tmp/$size-$desk.db" --desk "$desk" "$@"
}

# synced DB LEDGER: every event of the desk's journal reaches the ledger,
# with a verdict, while the app runs.
synced() {
	local db=$1 ledger=$2 deadline=$((SECONDS + 15)) want got
	want=$("$tmp/balie" export --db "$db" | grep -o '"id":"[^"]*"' | sort)
	while [ $SECONDS -lt $deadline ]; do
		got=$("$tmp/ledger" export --db "$ledger" 2>/dev/null | grep '"verdict":"' | grep -o '"id":"[^"]*"' | sort)
		if [ -n "$want" ] && [ "$(comm -23 <(echo "$want") <(echo "$got") | wc -l)" -eq 0 ]; then
			pass "every act reached the ledger with a verdict ($(echo "$want" | wc -l) events)"
			return
		fi
		sleep 0.5
	done
	fail "acts missing from the ledger: $(comm -23 <(echo "$want") <(echo "$got") | head -3)"
}

# stop_demo DESK KIND...: stop the app; its journal must hold each KIND,
# have reached the ledger and verify end to end.
stop_demo() {
	local desk=$1 kind db="$tmp/$size-$1.db"
	shift
	synced "$db" "$db.ledger"
	kill "$app_pid"; wait "$app_pid" 2>/dev/null || true; app_pid=""
	"$tmp/balie" export --db "$db" >"$tmp/export.json"
	for kind in "$@"; do
		if grep -q "\"kind\":\"$kind\"" "$tmp/export.json"; then pass "$desk: $kind is in the journal"; else fail "$desk: no $kind in balie export"; fi
	done
	if "$tmp/balie" verify --db "$db" >"$tmp/verify.log" 2>&1; then pass "$desk: the journal verifies"; else fail "$desk: balie verify: $(cat "$tmp/verify.log")"; fi
}

# type_in TEXT: typed as a wedge scanner types, then Enter.
type_in() { xdotool type --delay 12 "$1"; xdotool key Return; }

# expect PATTERN NAME BEFORE: a new log line matching PATTERN, then a
# screenshot named NAME.
expect() {
	if wait_for "$1" 10 "$3"; then
		shot "$2"
		pass "$2"
	else
		shot "$2"
		fail "$2: no log line matching $1"
	fi
}

# scan TYPED PATTERN NAME: type as a scanner does, expect PATTERN.
scan() {
	local before
	before=$(count "$2")
	type_in "$1"
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

# nothing PATTERN NAME KEY...: press keys; no log line matching PATTERN
# may follow within two seconds.
nothing() {
	local pattern=$1 name=$2 before
	shift 2
	before=$(count "$pattern")
	xdotool key "$@"
	if wait_for "$pattern" 2 "$before"; then shot "$name"; fail "$name: $pattern happened"; else shot "$name"; pass "$name"; fi
}

# sign_in CARD STAFF: staff sign in with their own card and PIN.
sign_in() {
	type_in "$1"
	type_in 1234
	if wait_for "msg=\"staff signed in\" staff=$2" 10; then pass "staff $2 signs in with card and PIN"; else fail "sign in $2"; fi
}

# receipt_png NAME: F11 saves the receipt on screen as a PDF; its page
# is rendered to NAME.png, to compare two holders' receipts.
receipt_png() {
	local before pdf
	before=$(count 'msg="receipt saved"')
	xdotool key F11
	if wait_for 'msg="receipt saved"' 5 "$before"; then
		pdf=$(grep -o 'path=[^ ]*bon-[^ ]*\.pdf' "$tmp/app.log" | tail -1 | cut -d= -f2)
		pdftoppm -png -r 90 -singlefile "$pdf" "$out/$size-$1" && pass "$1: the receipt PDF renders" || fail "$1: pdftoppm"
	else
		fail "$1: no receipt saved"
	fi
}

ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

for size in $sizes; do
	start_x "$size"

	# A serial barcode scanner on a real pseudo-terminal pair: the app
	# opens one end exactly as it opens /dev/ttyACM0; the test writes to
	# the other.
	socat pty,raw,echo=0,link="$tmp/reader" pty,raw,echo=0,link="$tmp/scanner" 2>"$tmp/socat.log" &
	socat_pid=$!
	for _ in $(seq 1 50); do [ -e "$tmp/scanner" ] && break; sleep 0.1; done

	# --- The sports counter, full screen (item 9), with a serial reader.
	demo desk-sport --fullscreen --reader "$tmp/reader"
	sign_in 0990000000010 staff-sup
	wait_for 'msg="till shown"' 10 || true
	shot 04-till-offered
	# Item 4: put off opening the till; a cash payment is then refused.
	xdotool key Escape
	scan 0900000095902 'msg=scan holder=h-0000000' 10-holder-header
	# Item 2: F7 shows the price and charges nothing.
	nothing 'msg=act op="pay membership"' 02-f7-shows-price F7
	keys 'code=till_not_open' 04-cash-without-till Return
	# Item 4: F2 opens the till over the payment; back to pay.
	before=$(count 'msg="till shown"')
	xdotool key F2
	wait_for 'msg="till shown"' 10 "$before" || true
	type_in 150
	wait_for 'msg=act op="open shift"' 10 && pass "till opened from the payment" || fail "till: no open shift"
	shot 04-back-on-payment
	xdotool type --delay 12 50
	shot 02-cash-change
	keys 'msg=act op="pay membership"' 02-paid-with-change Return
	# Item 2: a second payment today needs an explicit yes (F8).
	before=$(count 'msg="payment shown"')
	xdotool key F7
	wait_for 'msg="payment shown" op="pay membership" repeat=true' 10 || fail "the second payment today does not ask"
	nothing 'msg=act op="pay membership"' 02-paid-today-asks Return
	xdotool key F8
	keys 'msg=act op="pay membership"' 02-renewed-again Return
	sleep 0.6
	shot 02-one-membership-line
	# Item 1: Tab takes the focus off the scan field (to the activity's
	# list, ringed: item 12); F5 still checks in.
	xdotool key Tab
	shot 12-focus-ring
	# (The demo's activities are open 07:00-22:00 Brussels time: the demo
	# desks run at 14:00, --demo-time, whatever the hour of the test.)
	keys 'op="check in"' 01-f5-with-list-focused F5
	# Item 16: a repeat says whether the holder may go in.
	keys 'msg="act refused" op="check in"' 16-repeat-may-enter F5
	# Item 7: Marleen's social tariff in its grace period: a note for staff.
	scan 0930529476598 'msg=scan holder=h-0000002' 07-grace-note-for-staff
	# Item 12: a holder found by name, with the arrows and Enter.
	scan Peeters 'msg="search by name"' 12-found-by-name
	keys 'by=name' 12-chosen-with-enter Return
	# The serial scanner reads a card: CR-terminated, as such scanners send.
	before=$(count 'msg=scan holder=h-0000001')
	printf '1000000520006\r' >"$tmp/scanner"
	expect 'msg=scan holder=h-0000001' 14-serial-scan "$before"
	# Item 16: the desk option: every scan checks in at once.
	xdotool key F8
	scan 0900000095902 'msg="act refused" op="check in"' 16-scan-checks-in
	stop_demo desk-sport SHIFT_OPEN MEMBERSHIP_PAYMENT CHECKIN

	# --- The box office, in a window (item 9).
	demo desk-box
	sign_in 0990000000028 staff-box-1
	wait_for 'msg="till shown"' 10 || true
	type_in 100
	wait_for 'msg=act op="open shift"' 10 || true
	# Item 5: Kevin's UiTPAS-tarief does not carry to the next customer.
	scan 1000000520006 'msg=scan holder=h-0000001' 05-kevin
	keys 'msg="basket quoted"' 05-kevin-basket F6
	xdotool key Escape; sleep 0.3
	scan 0900000095902 'msg=scan holder=h-0000000' 05-next-customer-clean
	# Item 6: the same act for Tom and for Kevin: the receipts read alike.
	before=$(count 'msg="basket quoted"')
	xdotool key F6
	wait_for 'msg="basket quoted"' 10 "$before" || true
	xdotool key F9; sleep 0.3
	keys 'msg=act op="sell tickets"' 06-receipt-tom Return
	receipt_png 06-receipt-tom-pdf
	sleep 0.6
	scan 1000000520006 'msg=scan holder=h-0000001' 06-kevin
	before=$(count 'msg="basket quoted"')
	xdotool key F6
	wait_for 'msg="basket quoted"' 10 "$before" || true
	# Item 1: the focus on a button (Tab), F9 and Enter still sell.
	xdotool key Tab; sleep 0.2
	xdotool key F9; sleep 0.3
	keys 'msg=act op="sell tickets"' 06-receipt-kevin Return
	# Item 12: the receipt's PDF notice names the file and goes with the
	# next customer.
	receipt_png 06-receipt-kevin-pdf
	shot 12-receipt-notice
	# Item 11: a new card's price as soon as the form knows age and
	# residence.
	xdotool key Escape F8; sleep 0.4
	xdotool key Return
	xdotool type --delay 12 An; xdotool key Return
	xdotool type --delay 12 Claes; xdotool key Return
	xdotool type --delay 12 05/03/1990; xdotool key Return
	xdotool type --delay 12 2500
	shot 11-card-price-before-sale
	xdotool key Escape
	stop_demo desk-box SHIFT_OPEN TICKET_SALE

	# --- Childcare.
	demo desk-bko --fullscreen
	sign_in 0990000000010 staff-sup
	# Item 15: the child's card says group, who may pick up, notes.
	scan 0930008039818 'msg=act op="sign in child"' 15-child-card
	# Item 3: during the sign-out no key lets her go; a wrong code is
	# refused and journaled; her code does.
	scan 0930008039818 'msg=scan holder=h-0000004' 03-who-may-pick-up
	nothing 'msg=act op="sign out child"' 03-f8-does-not-sign-out F7 F8 F9
	xdotool type --delay 12 0000
	keys 'msg="act refused" op="sign out child" code=pickup_not_allowed' 03-wrong-code-refused Return
	xdotool type --delay 12 2580
	keys 'msg=act op="sign out child"' 06-bill-uitpas-line Return
	# Item 8: the wrong sign-out is corrected with a reason, in words.
	keys 'msg="acts shown"' 08-acts-in-words F4
	xdotool type --delay 12 "verkeerd kind afgemeld"
	xdotool key Return; sleep 0.2
	keys 'msg=act op="correct attendance"' 08-corrected Return
	sleep 0.5; shot 08-corrected-list
	# Item 15: the roll call, and as a PDF.
	xdotool key F6; sleep 0.3
	keys 'msg="roll call saved"' 15-roll-call F11
	pdf=$(grep -o 'path=[^ ]*appel-[^ ]*\.pdf' "$tmp/app.log" | tail -1 | cut -d= -f2)
	if [ -n "$pdf" ] && pdftoppm -png -r 60 -singlefile "$pdf" "$out/$size-15-roll-call-pdf" 2>/dev/null; then
		pass "the roll call PDF renders ($out/$size-15-roll-call-pdf.png)"
	else
		fail "no roll call PDF to render"
	fi
	stop_demo desk-bko CHILD_SIGN_IN CHILD_SIGN_OUT CHILD_PICKUP_REFUSED CHILD_CORRECTION

	# --- Item 13: a sports desk against a ledger of its own, killed and
	# started again; the header follows within 5 s.
	l13="$tmp/$size-l13.db" port=$((20000 + RANDOM % 20000))
	"$tmp/ledger" init --db "$l13" >/dev/null
	"$tmp/ledger" seed --db "$l13" --demo --history=false --holders 2000 >/dev/null 2>&1
	token=$("$tmp/ledger" terminal add --db "$l13" --name e2e --organiser org-sport --location desk-sport | awk '/^token/ {print $2}')
	serve() { "$tmp/ledger" serve --db "$l13" --addr "127.0.0.1:$port" >>"$tmp/ledger.log" 2>&1 & ledger_pid=$!; }
	serve
	for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
	: >"$tmp/$size-t13.conf"
	start_app desk-sport-ledger --db "$tmp/$size-t13.db" --config "$tmp/$size-t13.conf" --ledger "http://127.0.0.1:$port" --enrol "$token" --desk desk-sport
	sign_in 0990000000010 staff-sup
	wait_for 'msg="till shown"' 10 || true
	type_in 150
	wait_for 'msg=act op="open shift"' 10 || true
	scan 0900000095902 'msg=scan holder=h-0000000' 13-online
	kill "$ledger_pid"; wait "$ledger_pid" 2>/dev/null || true; ledger_pid=""
	t0=$(date +%s%N)
	if wait_for 'msg="link shown" online=false' 10; then
		took=$(ms_since "$t0")
		[ "$took" -le 5000 ] && pass "offline shown $took ms after the ledger died" || fail "offline shown only after $took ms"
	else
		fail "offline never shown"
	fi
	shot 13-offline
	before=$(count 'msg="payment shown"')
	xdotool key F7
	wait_for 'msg="payment shown"' 10 "$before" || true
	keys 'msg=act op="pay membership"' 13-act-counted-at-once Return
	serve
	t0=$(date +%s%N)
	if wait_for 'msg="link shown" online=true' 10; then
		took=$(ms_since "$t0")
		[ "$took" -le 5000 ] && pass "online shown $took ms after the ledger came back" || fail "online shown only after $took ms"
	else
		fail "online never shown again"
	fi
	shot 13-online-again
	synced "$tmp/$size-t13.db" "$l13"
	kill "$app_pid"; wait "$app_pid" 2>/dev/null || true; app_pid=""
	kill "$ledger_pid"; wait "$ledger_pid" 2>/dev/null || true; ledger_pid=""

	kill "$socat_pid" 2>/dev/null || true; socat_pid=""
	stop_x
done

echo "e2e: screenshots in $out"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
