#!/usr/bin/env bash
# deps.sh PROFILE: install the system packages Balie needs, when missing.
#   build  the C compiler and the X11/OpenGL headers Fyne's cgo build needs
#   test   build, plus Xvfb and xdotool for the window test
# Uses apt-get as root, or through sudo when it asks no password;
# otherwise names exactly what to install and fails.
set -euo pipefail

profile=${1:-build}
pkgs=(gcc pkg-config libc6-dev libgl1-mesa-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev)
if [ "$profile" = test ]; then
	pkgs+=(xvfb xdotool x11-utils imagemagick poppler-utils socat)
fi

need_go="1.26"
if ! command -v go >/dev/null 2>&1; then
	echo "deps: Go $need_go or newer is needed and 'go' is not on PATH." >&2
	echo "deps: install it from https://go.dev/dl/ (Debian's golang-go is too old) and run make again." >&2
	exit 1
fi
have_go=$(go env GOVERSION | sed 's/^go//')
if [ "$(printf '%s\n%s\n' "$need_go" "$have_go" | sort -V | head -n1)" != "$need_go" ]; then
	echo "deps: Go $need_go or newer is needed, this machine has $have_go." >&2
	exit 1
fi

missing=()
for p in "${pkgs[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

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
