#!/usr/bin/env bash
# test-dist.sh: what make dist built, tried as a city would use it.
#
#   Windows desk, under wine: balie.exe --version, verify and export of a
#   store written on Linux (the same journal as the Linux build exports),
#   readers, a serial reader on a COM port (a pseudo-terminal wine maps
#   to COM5), and the window itself under Xvfb, with screenshots.
#   Debian packages, in a throwaway Debian chroot: both installed with
#   apt, the files, the user, the database, the unit (systemd-analyze
#   verify and security), the ledger serving as the unit runs it, a
#   reinstall that keeps an edited conffile and the database, a purge
#   that keeps the database.
#
# Screenshots and logs go to $DIST_OUT (default out/test-dist). Needs
# root (chroot) and what scripts/deps.sh test-dist installs.
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
version=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
dist=${DIST:-dist}
out=${DIST_OUT:-out/test-dist}
mkdir -p "$out"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d /var/tmp/balie-test-dist.XXXXXX)
root=$tmp/root
xvfb_pid="" socat_pid="" app_pid=""
cleanup() {
	for p in $app_pid $socat_pid $xvfb_pid; do kill "$p" 2>/dev/null || true; done
	if [ -n "${WINEPREFIX:-}" ]; then wineserver -k 2>/dev/null || true; fi
	if [ -d "$root" ]; then scripts/chroot.sh remove "$root" || return; fi
	rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT

passed=0 failed=0
pass() {
	passed=$((passed + 1))
	echo "test-dist: ok   $1"
}
fail() {
	failed=$((failed + 1))
	echo "test-dist: FAIL $1"
	if [ -n "${2:-}" ] && [ -e "$2" ]; then
		echo "--- $2"
		tail -n 30 "$2"
	fi
}
# check WHAT CMD...: pass when CMD succeeds.
check() {
	local what=$1
	shift
	if "$@" >"$tmp/check.log" 2>&1; then pass "$what"; else fail "$what" "$tmp/check.log"; fi
}

zip=$dist/balie-$version-windows-amd64.zip
debversion=$(cat "$dist/debversion")
debs=("$dist/balie_${debversion}_amd64.deb" "$dist/balie-ledger_${debversion}_amd64.deb")
for f in "$zip" "${debs[@]}"; do [ -e "$f" ] || { echo "test-dist: $f is missing: run make dist"; exit 1; }; done
start=$SECONDS

# ---------------------------------------------------------------- wine
echo "test-dist: the Windows desk under wine"
unzip -q "$zip" -d "$tmp/win"
exe=$tmp/win/Balie/balie.exe
[ -e "$tmp/win/Balie/LEESMIJ.txt" ] && grep -q "Balie $version voor Windows" "$tmp/win/Balie/LEESMIJ.txt" &&
	pass "the zip holds balie.exe and LEESMIJ.txt" || fail "the zip holds balie.exe and LEESMIJ.txt"

export WINEPREFIX=$tmp/wine WINEDEBUG=-all WINEARCH=win64
# No Mono or Gecko installer dialogs: the desk needs neither.
export WINEDLLOVERRIDES="mscoree,mshtml="
winecmd=$(command -v wine || true)
[ -n "$winecmd" ] || { fail "wine is installed"; exit 1; }
display=""
for n in $(seq 140 180); do
	if [ ! -e "/tmp/.X11-unix/X$n" ] && [ ! -e "/tmp/.X$n-lock" ]; then display=":$n"; break; fi
done
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
xvfb_pid=$!
export DISPLAY=$display
for _ in $(seq 1 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.2; done
wineboot_start=$SECONDS
"$winecmd" wineboot --init >"$tmp/wineboot.log" 2>&1 || true
echo "test-dist: wine prefix ready in $((SECONDS - wineboot_start)) s ($("$winecmd" --version))"
# Go programs need ProcessPrng from bcryptprimitives.dll, which Windows 10
# has and Wine 8.0 (Debian 12) has not: give this prefix a stand-in.
if [ ! -e "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" ]; then
	x86_64-w64-mingw32-gcc -O2 -shared -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
		packaging/windows/wine/bcryptprimitives.c packaging/windows/wine/bcryptprimitives.def -lbcrypt
	echo "test-dist: this Wine has no bcryptprimitives.dll; using packaging/windows/wine/bcryptprimitives.c"
fi

# wexe ARGS...: balie.exe ARGS under wine; stdout and stderr as the exe wrote them.
wexe() { "$winecmd" "$exe" "$@"; }
winpath() { "$winecmd" winepath -w "$1" 2>/dev/null | tr -d '\r'; }

got=$(wexe --version 2>"$tmp/version.err" | tr -d '\r')
[ "$got" = "balie $version" ] && pass "balie.exe --version says balie $version" ||
	fail "balie.exe --version: got '$got', want 'balie $version'" "$tmp/version.err"

# A store written on Linux: the previous release's fixture, and the
# journal the Linux build exports from it.
cp store/testdata/store-0003.db "$tmp/linux.db"
cp store/testdata/store-0003.db "$tmp/windows.db"
"$GO" build -o "$tmp/balie-linux" ./cmd/balie
"$tmp/balie-linux" export --db "$tmp/linux.db" >"$tmp/linux.jsonl" 2>"$tmp/linux-export.err"
wdb=$(winpath "$tmp/windows.db")
if wexe verify --db "$wdb" >"$tmp/verify.out" 2>&1 && grep -q "11 events, hash chain and sequence intact" "$tmp/verify.out"; then
	pass "balie.exe verify on a Linux store: $(tr -d '\r' <"$tmp/verify.out" | tail -n 1)"
else
	fail "balie.exe verify on a Linux store" "$tmp/verify.out"
fi
if wexe export --db "$wdb" >"$tmp/windows.jsonl" 2>"$tmp/export.err" && [ -s "$tmp/windows.jsonl" ] &&
	cmp -s <(tr -d '\r' <"$tmp/windows.jsonl") "$tmp/linux.jsonl"; then
	pass "balie.exe export gives the journal the Linux build gives ($(wc -l <"$tmp/linux.jsonl") events)"
else
	fail "balie.exe export gives the journal the Linux build gives" "$tmp/export.err"
	diff <(tr -d '\r' <"$tmp/windows.jsonl") "$tmp/linux.jsonl" | head -5 || true
fi
# A typo never makes an empty store.
if ! wexe verify --db 'C:\nergens\balie.db' >"$tmp/missing.out" 2>&1 && grep -q "bestaat niet" "$tmp/missing.out" &&
	[ ! -e "$WINEPREFIX/drive_c/nergens" ]; then
	pass "balie.exe verify of a missing file says so and creates nothing"
else
	fail "balie.exe verify of a missing file says so and creates nothing" "$tmp/missing.out"
fi

# Without --db a desk's store is the user's %APPDATA%\Balie\balie.db.
wexe verify >"$tmp/default.out" 2>&1 || true
if grep -q 'AppData\\Roaming\\Balie\\balie.db bestaat niet' "$tmp/default.out"; then
	pass "the store's default place is %APPDATA%\\Balie: $(tr -d '\r' <"$tmp/default.out" | tail -n 1)"
else
	fail "the store's default place is %APPDATA%\\Balie" "$tmp/default.out"
fi

# A serial barcode scanner on COM5: wine opens COM5 as the device its
# dosdevices link names, here one end of a pseudo-terminal pair.
socat pty,raw,echo=0,link="$tmp/com5" pty,raw,echo=0,link="$tmp/scanner" 2>"$tmp/socat.log" &
socat_pid=$!
for _ in $(seq 1 50); do [ -e "$tmp/scanner" ] && break; sleep 0.1; done
# The scanner's end stays open, as a plugged-in scanner's does: a writer
# that closes it would make socat end the pair.
exec 7>"$tmp/scanner"
ln -sf "$(readlink -f "$tmp/com5")" "$WINEPREFIX/dosdevices/com5"
# Windows names its COM ports in the registry; wine puts its own there
# (COM1 for /dev/ttyS0) and the test adds a USB reader on COM12 and the
# pseudo-terminal on COM5, as their drivers would.
"$winecmd" reg add 'HKLM\HARDWARE\DEVICEMAP\SERIALCOMM' /v '\Device\USBSER000' /t REG_SZ /d COM12 /f >/dev/null 2>&1
"$winecmd" reg add 'HKLM\HARDWARE\DEVICEMAP\SERIALCOMM' /v '\Device\Serial4' /t REG_SZ /d COM5 /f >/dev/null 2>&1
wexe readers >"$tmp/readers.out" 2>&1 && code=0 || code=$?
tr -d '\r' <"$tmp/readers.out" >"$out/readers.txt"
if [ $code -eq 0 ] && grep -Eq '^COM5 +\\Device\\Serial4$' "$out/readers.txt" &&
	grep -Eq '^COM12 +\\Device\\USBSER000$' "$out/readers.txt" &&
	[ "$(grep -n '^COM5 ' "$out/readers.txt" | cut -d: -f1)" -lt "$(grep -n '^COM12 ' "$out/readers.txt" | cut -d: -f1)" ]; then
	pass "balie.exe readers lists the registry's COM ports, COM5 before COM12: $(grep -c '^COM' "$out/readers.txt") ports"
else
	fail "balie.exe readers lists the registry's COM ports (exit $code)" "$out/readers.txt"
fi
# burst: what the scanner sends, 40 lines of 15 bytes: a card, a
# bad check digit, then the card again and again. Wine 8.0 ends a COM
# port's read only when its buffer (the serial package reads 512 bytes)
# is full: it ignores the read timeouts the package sets (MAXDWORD,
# MAXDWORD, 100 ms), with which Windows returns as soon as a byte is
# there. So the test sends more than 512 bytes; the first two lines are
# what it checks.
burst() {
	{
		printf '0900000095902\r\n0900000095903\r\n'
		for _ in $(seq 1 38); do printf '0900000095902\r\n'; done
	} >&7
}
wexe reader-test --port COM5 --protocol line >"$tmp/reader-test.out" 2>&1 &
app_pid=$!
for _ in $(seq 1 100); do grep -q CONNECTED "$tmp/reader-test.out" 2>/dev/null && break; sleep 0.2; done
burst
for _ in $(seq 1 50); do grep -q REJECTED "$tmp/reader-test.out" 2>/dev/null && break; sleep 0.2; done
kill "$app_pid" 2>/dev/null || true
wait "$app_pid" 2>/dev/null || true
app_pid=""
if grep -q "CONNECTED COM5 (COM5)" "$tmp/reader-test.out" && grep -q "READ      card 0900000095902     from line:COM5" "$tmp/reader-test.out" &&
	grep -q 'REJECTED  card_number_check      "0900000095903"' "$tmp/reader-test.out" && grep -q "REPEAT    card 0900000095902" "$tmp/reader-test.out"; then
	pass "balie.exe reader-test --port COM5 reads a card, refuses a bad check digit, counts a repeat once"
else
	fail "balie.exe reader-test --port COM5 reads a card, refuses a bad check digit, counts a repeat once" "$tmp/reader-test.out"
fi
tr -d '\r' <"$tmp/reader-test.out" >"$out/reader-test.txt"

# The window, on the Linux store, with the scanner on COM5 as its reader.
cp store/testdata/store-0003.db "$tmp/desk.db"
wexe --db "$(winpath "$tmp/desk.db")" --reader COM5 >"$tmp/app.log" 2>&1 &
app_pid=$!
ready=""
for _ in $(seq 1 300); do
	grep -q "balie ready" "$tmp/app.log" && ready=1 && break
	kill -0 "$app_pid" 2>/dev/null || break
	sleep 0.2
done
window=""
if [ -n "$ready" ]; then
	for _ in $(seq 1 100); do
		window=$(xdotool search --name "Balie" 2>/dev/null | head -n 1 || true)
		[ -n "$window" ] && break
		sleep 0.2
	done
fi
if [ -n "$window" ]; then
	sleep 3 # the first frame
	import -window root "$out/wine-window.png"
	pass "balie.exe opens its window under wine: '$(xdotool getwindowname "$window")' (out/test-dist/wine-window.png)"
	# A clerk signs in: staff card, Enter, PIN, Enter, as a wedge scanner types.
	xdotool windowactivate --sync "$window" 2>/dev/null || xdotool windowfocus "$window" 2>/dev/null || true
	xdotool type --delay 20 "3000000000015" && xdotool key Return
	sleep 1
	xdotool type --delay 20 "1234" && xdotool key Return
	sleep 2
	import -window root "$out/wine-signed-in.png"
	# The serial scanner on COM5 scans a holder's card (see burst). Wine
	# now and then fails a COM read with "Broken pipe" (in one run of
	# three, every one of three scans did); the reader opens the port
	# again and the clerk scans again, as at a desk, up to eight times.
	scans=0
	for _ in 1 2 3 4 5 6 7 8; do
		burst
		scans=$((scans + 1))
		for _ in $(seq 1 20); do grep -q "msg=scan holder=h-regular" "$tmp/app.log" && break 2; sleep 0.2; done
	done
	sleep 1
	import -window root "$out/wine-scan.png"
	if grep -q "reader: port open.*port=\"COM5 9600 8N1\"" "$tmp/app.log" && grep -q "reason=card_number_check" "$tmp/app.log" &&
		grep -q "msg=scan holder=h-regular" "$tmp/app.log"; then
		pass "balie.exe --reader COM5: the serial scan shows the holder (scan $scans), the bad check digit is refused (out/test-dist/wine-scan.png)"
	else
		fail "balie.exe --reader COM5: the serial scan shows the holder" "$tmp/app.log"
	fi
else
	fail "balie.exe opens its window under wine" "$tmp/app.log"
	import -window root "$out/wine-window.png" 2>/dev/null || true
fi
tr -d '\r' <"$tmp/app.log" >"$out/wine-app.log"
kill "$app_pid" 2>/dev/null || true
app_pid=""
wineserver -k 2>/dev/null || true
exec 7>&-
kill "$socat_pid" "$xvfb_pid" 2>/dev/null || true
socat_pid="" xvfb_pid=""
echo "test-dist: wine done in $((SECONDS - start)) s"

# ------------------------------------------------------------- packages
echo "test-dist: the packages in a Debian chroot"
deb_start=$SECONDS
scripts/chroot.sh make "$root" "${DIST_SUITE:-bookworm}"
mkdir -p "$root/tmp/debs"
cp "${debs[@]}" "$root/tmp/debs/"
in_root() { scripts/chroot.sh run "$root" "$@"; }
# systemd for systemd-analyze (man-db for the unit's man: link); the desk's and the ledger's dependencies
# come with the packages.
if in_root sh -c 'apt-get update -qq && apt-get install -y -qq --no-install-recommends systemd man-db /tmp/debs/*.deb' >"$tmp/apt.log" 2>&1; then
	pass "apt installs balie and balie-ledger $debversion with their dependencies"
else
	fail "apt installs balie and balie-ledger $debversion" "$tmp/apt.log"
	echo "test-dist: $passed passed, $failed failed"
	exit 1
fi
grep -i "dialout" "$tmp/apt.log" | head -n 2 >"$out/balie-postinst.txt" || true

got=$(in_root balie --version 2>/dev/null || true)
[ "$got" = "balie $version" ] && pass "the package's balie --version says $version" || fail "balie --version: got '$got', want 'balie $version'"
got=$(in_root balie-ledger --version 2>/dev/null || true)
[ "$got" = "ledger $version" ] && pass "the package's balie-ledger --version says $version" || fail "balie-ledger --version: got '$got', want 'ledger $version'"
for f in /usr/bin/balie /usr/share/applications/be.balie.terminal.desktop /usr/share/icons/hicolor/256x256/apps/balie.png \
	/usr/share/icons/hicolor/16x16/apps/balie.png /usr/lib/udev/rules.d/70-balie-readers.rules /usr/share/doc/balie/README.Debian \
	/usr/share/man/man1/balie.1.gz /usr/bin/balie-ledger /usr/lib/systemd/system/balie-ledger.service \
	/usr/share/doc/balie-ledger/README.Debian /usr/share/man/man8/balie-ledger.8.gz; do
	[ -f "$root$f" ] || fail "installed: $f"
done
pass "the packages' files are in place"
check "the .desktop entry is valid" desktop-file-validate "$root/usr/share/applications/be.balie.terminal.desktop"
check "the udev rule gives readers to dialout and the seat's user" \
	grep -q 'KERNEL=="ttyACM\[0-9\]\*|ttyUSB\[0-9\]\*", GROUP="dialout", MODE="0660", TAG+="uaccess"' "$root/usr/lib/udev/rules.d/70-balie-readers.rules"

# The installed desk opens its window, on Xvfb outside the chroot (X's
# abstract socket is shared with it): what apt installed is all it needs,
# the X libraries GLFW opens at run time included.
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$tmp/xvfb-deb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 1 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.2; done
cp store/testdata/store-0003.db "$root/tmp/desk.db"
in_root sh -c "DISPLAY=$display balie --db /tmp/desk.db >/tmp/desk.log 2>&1 & pid=\$!; i=0; while [ \$i -lt 300 ] && ! grep -q 'balie ready' /tmp/desk.log; do sleep 0.2; i=\$((i + 1)); done; sleep 4; kill \$pid; wait \$pid" >/dev/null 2>&1 &
desk_pid=$!
for _ in $(seq 1 300); do grep -q "balie ready" "$root/tmp/desk.log" 2>/dev/null && break; sleep 0.2; done
sleep 2
import -window root "$out/deb-window.png" 2>/dev/null || true
wait "$desk_pid" 2>/dev/null || true
kill "$xvfb_pid" 2>/dev/null || true
xvfb_pid=""
cp "$root/tmp/desk.log" "$out/deb-desk.log" 2>/dev/null || true
if grep -q "balie ready" "$out/deb-desk.log" 2>/dev/null; then
	pass "the installed balie opens its window (out/test-dist/deb-window.png)"
else
	fail "the installed balie opens its window" "$out/deb-desk.log"
fi

user=$(in_root getent passwd balie-ledger || true)
IFS=: read -r _ _ uid _ _ home shell <<<"$user"
if [ -n "$user" ] && [ "$uid" -lt 1000 ] && [ "$home" = /var/lib/balie-ledger ] && [ "$shell" = /usr/sbin/nologin ]; then
	pass "the system user balie-ledger (uid $uid, home $home, shell $shell)"
else
	fail "the system user balie-ledger: '$user'"
fi
check "the group balie-ledger" in_root getent group balie-ledger
st=$(in_root stat -c '%U:%G %a' /var/lib/balie-ledger /var/lib/balie-ledger/ledger.db /etc/balie-ledger/ledger.env | tr '\n' ' ')
[ "$st" = "balie-ledger:balie-ledger 750 balie-ledger:balie-ledger 644 root:balie-ledger 640 " ] &&
	pass "owners and modes: /var/lib/balie-ledger, its ledger.db, ledger.env: $st" ||
	fail "owners and modes of /var/lib/balie-ledger, ledger.db, ledger.env: '$st'"
check "ledger init made the database: terminal list answers as the service's user" \
	in_root runuser -u balie-ledger -- balie-ledger terminal list --db /var/lib/balie-ledger/ledger.db
in_root dpkg-query -W -f='${Conffiles}' balie-ledger | grep -q ' /etc/balie-ledger/ledger.env ' &&
	pass "ledger.env is a conffile" || fail "ledger.env is a conffile"
check "the unit is enabled for multi-user.target" test -L "$root/etc/systemd/system/multi-user.target.wants/balie-ledger.service"
if in_root systemd-analyze verify /usr/lib/systemd/system/balie-ledger.service >"$tmp/verify-unit.log" 2>&1 && [ ! -s "$tmp/verify-unit.log" ]; then
	pass "systemd-analyze verify balie-ledger.service: no complaint"
else
	fail "systemd-analyze verify balie-ledger.service" "$tmp/verify-unit.log"
fi
in_root systemd-analyze security --offline=yes /usr/lib/systemd/system/balie-ledger.service >"$out/unit-security.txt" 2>&1 || true
score=$(grep -o 'Overall exposure level for balie-ledger.service: .*' "$out/unit-security.txt" || true)
if [ -n "$score" ]; then
	echo "test-dist: $score"
	# 2.0 or less is what systemd calls OK or better.
	awk '{ exit !($(NF-1) + 0 <= 2.0) }' <<<"$score" && pass "the unit's sandbox: $score" || fail "the unit's sandbox: $score, want 2.0 or less"
fi

# The ledger serving as the unit runs it: the unit's user, the values of
# ledger.env, the address the test picks.
port=$(( (RANDOM % 2000) + 38000 ))
# The served ledger writes its pid where the test can end it: the chroot
# shares the test's process ids.
in_root runuser -u balie-ledger -- sh -c "echo \$\$ >/tmp/serve.pid && . /etc/balie-ledger/ledger.env && exec balie-ledger serve --db \"\$LEDGER_DB\" --addr 127.0.0.1:$port \$LEDGER_ARGS" >"$tmp/serve.log" 2>&1 &
serve_pid=$!
ok=""
for _ in $(seq 1 100); do
	if curl -fsS "http://127.0.0.1:$port/healthz" >"$tmp/healthz" 2>/dev/null; then ok=1; break; fi
	sleep 0.2
done
if [ -s "$root/tmp/serve.pid" ]; then kill "$(cat "$root/tmp/serve.pid")" 2>/dev/null || true; fi
wait "$serve_pid" 2>/dev/null || true
[ -n "$ok" ] && pass "balie-ledger serves /healthz as the service's user on ledger.env's database" || fail "balie-ledger serves /healthz" "$tmp/serve.log"

# A reinstall keeps an edited conffile and the database.
sed -i 's/^LEDGER_ADDR=.*/LEDGER_ADDR=127.0.0.1:9090/' "$root/etc/balie-ledger/ledger.env"
# Some data to keep: a small demo city and a terminal of it.
if ! in_root runuser -u balie-ledger -- sh -c 'balie-ledger seed --db /var/lib/balie-ledger/ledger.db --demo --holders 50 &&
	balie-ledger terminal add --db /var/lib/balie-ledger/ledger.db --name "Kassa 1" --organiser org-sport --location desk-sport' >"$tmp/terminal-add.log" 2>&1; then
	fail "seed the installed ledger and add a terminal" "$tmp/terminal-add.log"
fi
if in_root sh -c 'dpkg -i --force-confold /tmp/debs/balie-ledger_*.deb' >"$tmp/reinstall.log" 2>&1 &&
	grep -q '^LEDGER_ADDR=127.0.0.1:9090' "$root/etc/balie-ledger/ledger.env" &&
	in_root runuser -u balie-ledger -- balie-ledger terminal list --db /var/lib/balie-ledger/ledger.db | grep -q "Kassa 1"; then
	pass "a reinstall keeps the edited ledger.env and the database's terminal"
else
	fail "a reinstall keeps the edited ledger.env and the database's terminal" "$tmp/reinstall.log"
fi
if in_root apt-get purge -y -qq balie-ledger >"$tmp/purge.log" 2>&1 && [ -f "$root/var/lib/balie-ledger/ledger.db" ] &&
	[ ! -e "$root/etc/balie-ledger/ledger.env" ] && [ ! -e "$root/usr/bin/balie-ledger" ] &&
	[ ! -e "$root/etc/systemd/system/multi-user.target.wants/balie-ledger.service" ]; then
	pass "a purge removes the program, ledger.env and the unit's link, and keeps the database"
else
	fail "a purge removes the program and ledger.env and keeps the database" "$tmp/purge.log"
fi
echo "test-dist: packages done in $((SECONDS - deb_start)) s"

echo "test-dist: $passed passed, $failed failed ($((SECONDS - start)) s)"
[ "$failed" -eq 0 ]
