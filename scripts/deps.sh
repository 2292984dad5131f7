#!/usr/bin/env bash
# deps.sh PROFILE: install the system packages Balie needs, when missing,
# then the Go toolchain go.mod names (scripts/toolchain.sh).
#   build  the C compiler and the X11/OpenGL headers Fyne's cgo build needs
#   test   build, plus Xvfb and xdotool for the window test, socat for
#          the serial reader, PostgreSQL for the second ledger engine
#          (the tests start their own throwaway cluster) and chromium for
#          the back office's browser tests
#   dist   build, plus what make dist needs: MinGW for the Windows desk,
#          zip, and dpkg-dev, fakeroot and lintian for the Debian packages
#   test-dist  dist, plus wine, Xvfb and xdotool to run the Windows
#          desk, debootstrap for a Debian to install the packages in, and
#          systemd to check the ledger's unit
# Uses apt-get as root, or through sudo when it asks no password;
# otherwise names exactly what to install and fails.
set -euo pipefail
cd "$(dirname "$0")/.."

profile=${1:-build}
pkgs=(gcc pkg-config libc6-dev libgl1-mesa-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev)
case $profile in
build) ;;
test) pkgs+=(xvfb xdotool x11-utils imagemagick poppler-utils socat postgresql chromium) ;;
dist) pkgs+=(gcc-mingw-w64-x86-64 zip dpkg-dev fakeroot lintian) ;;
test-dist) pkgs+=(gcc-mingw-w64-x86-64 zip dpkg-dev fakeroot lintian wine wine64 xvfb x11-utils xdotool imagemagick socat curl unzip desktop-file-utils systemd debootstrap) ;;
*)
	echo "deps: unknown profile $profile (build, test, dist or test-dist)" >&2
	exit 2
	;;
esac

# Go itself: go.mod's version from PATH, or fetched into .toolchain/ by
# scripts/toolchain.sh; only when there is no Go at all to fetch it with
# does Debian's golang-go come first. ca-certificates lets Go reach the
# module proxy on a minimal system.
pkgs+=(ca-certificates)
if ! scripts/toolchain.sh --boot; then
	pkgs+=(golang-go)
fi

missing=()
for p in "${pkgs[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done
if [ ${#missing[@]} -eq 0 ]; then
	scripts/toolchain.sh >/dev/null
	exit 0
fi

echo "deps: installing ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then
	sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	sudo=(sudo -n)
else
	echo "deps: these packages are missing and I cannot install them without root:" >&2
	echo "  sudo apt-get install -y ${missing[*]}" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
scripts/toolchain.sh >/dev/null
