#!/usr/bin/env bash
# toolchain.sh: print the path of a Go that can build Balie, fetching one
# when there is none.
#
# A `go` on PATH at least as new as go.mod's `go` line is used as it is.
# Otherwise the exact toolchain go.mod names (its `toolchain` line, else
# its `go` line) is fetched from the Go module proxy as the module
# golang.org/toolchain, which is what GOTOOLCHAIN=auto does in Go 1.21 and
# later, into .toolchain/ in the project, by any older Go that is there
# (Debian 12's golang-go 1.19, which scripts/deps.sh installs when there
# is no Go at all, has no GOTOOLCHAIN but can download a module).
#
#   scripts/toolchain.sh          the path of the go binary, fetching if need be
#   scripts/toolchain.sh --check  exit 0 when a Go that builds Balie is there; fetch nothing
#   scripts/toolchain.sh --boot   exit 0 when there is some Go to fetch one with
#
# Only the path goes to stdout; what it does goes to stderr.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-}

want=$(awk '$1 == "go" { print $2; exit }' "$root/go.mod")
exact=$(awk '$1 == "toolchain" { sub(/^go/, "", $2); print $2; exit }' "$root/go.mod")
exact=${exact:-$want}
case $(uname -m) in
x86_64) arch=amd64 ;;
aarch64 | arm64) arch=arm64 ;;
i?86) arch=386 ;;
*) arch=$(uname -m) ;;
esac
module="golang.org/toolchain@v0.0.1-go$exact.linux-$arch"
fetched="$root/.toolchain/mod/$module/bin/go"

# version GO: the version a go binary says it is, without letting it
# switch to another toolchain (GOTOOLCHAIN) or read the project's go.mod,
# which a Go older than 1.21 cannot parse.
version() {
	(cd / && GOTOOLCHAIN=local "$1" version 2>/dev/null) | awk '{ sub(/^go/, "", $3); print $3 }'
}

# newer A B: A is B or a later version.
newer() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

# suitable: the path of a Go at least go.mod's version, if there is one.
suitable() {
	local g v
	if g=$(command -v go 2>/dev/null); then
		v=$(version "$g")
		if [ -n "$v" ] && newer "$v" "$want"; then
			echo "$g"
			return 0
		fi
	fi
	if [ -x "$fetched" ] && [ "$(version "$fetched")" = "$exact" ]; then
		echo "$fetched"
		return 0
	fi
	return 1
}

# boot: the path of any Go to fetch the toolchain with.
boot() {
	local g
	for g in "$(command -v go 2>/dev/null || true)" /usr/lib/go/bin/go /usr/bin/go; do
		if [ -n "$g" ] && [ -x "$g" ] && [ -n "$(version "$g")" ]; then
			echo "$g"
			return 0
		fi
	done
	return 1
}

case $mode in
--check)
	suitable >/dev/null
	exit
	;;
--boot)
	suitable >/dev/null || boot >/dev/null
	exit
	;;
"") ;;
*)
	echo "toolchain: unknown argument $mode" >&2
	exit 2
	;;
esac

if suitable; then
	exit 0
fi
if ! bootgo=$(boot); then
	echo "toolchain: Go $want or newer is needed and there is no Go at all to fetch it with." >&2
	echo "toolchain: run scripts/deps.sh (it installs Debian's golang-go), or: sudo apt-get install golang-go" >&2
	exit 1
fi

mkdir -p "$root/.toolchain"
# Two makes at once fetch once.
exec 9>"$root/.toolchain/lock"
flock 9
if suitable; then
	exit 0
fi
echo "toolchain: Go $want or newer is not on PATH; fetching Go $exact (about 75 MB) from the Go module proxy" >&2
echo "toolchain: into $root/.toolchain/ with $bootgo ($(version "$bootgo"))" >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Outside any module, with the project's settings for where modules come
# from and none of its build flags.
(
	cd "$work"
	export GO111MODULE=on GOFLAGS= GOTOOLCHAIN=local
	export GOMODCACHE="$root/.toolchain/mod" GOCACHE="$work/cache" GOPATH="$work/gopath"
	"$bootgo" mod download "$module"
) >&2
dir="$root/.toolchain/mod/$module"
# A module zip keeps no execute bits; Go's own toolchain switch sets them
# the same way before it runs the new go.
find "$dir/bin" "$dir/pkg/tool" -type f -exec chmod 0555 {} +
got=$(version "$fetched")
if [ "$got" != "$exact" ]; then
	echo "toolchain: $fetched says it is Go '$got', not $exact" >&2
	exit 1
fi
echo "toolchain: Go $exact is in $dir" >&2
echo "$fetched"
