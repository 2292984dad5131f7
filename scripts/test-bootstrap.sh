#!/usr/bin/env bash
# test-bootstrap.sh [TARGET...]: the README's two commands on a machine
# that has nothing: a fresh minimal Debian (bookworm, or $SUITE) in a
# chroot, with only make and git installed, no Go and an empty Go cache.
# It clones this repository's HEAD there and runs `make TARGET...`
# (default: test) as root, as a new user of the README would.
#
# Slow: it installs the build and test packages from Debian, fetches the
# Go toolchain and every module, and builds everything from scratch.
# Needs root (chroot) and debootstrap.
set -euo pipefail
cd "$(dirname "$0")/.."

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(test)
tmp=$(mktemp -d /var/tmp/balie-bootstrap.XXXXXX)
root=$tmp/root
trap 'scripts/chroot.sh remove "$root" && rm -rf --one-file-system "$tmp"' EXIT
start=$SECONDS

scripts/chroot.sh make "$root" "${SUITE:-bookworm}"
in_root() { scripts/chroot.sh run "$root" "$@"; }
in_root sh -c 'apt-get update -qq && apt-get install -y -qq --no-install-recommends make git >/dev/null'
git clone -q --no-local . "$root/root/balie"
in_root sh -c '! command -v go' || {
	echo "test-bootstrap: the chroot has a go already"
	exit 1
}
echo "test-bootstrap: a fresh ${SUITE:-bookworm} with make and git ($((SECONDS - start)) s); make ${targets[*]}"
make_start=$SECONDS
code=0
in_root sh -c "cd /root/balie && make ${targets[*]}" || code=$?
echo "test-bootstrap: make ${targets[*]} exited $code after $((SECONDS - make_start)) s"
in_root sh -c 'cd /root/balie && echo "test-bootstrap: Go: $(scripts/toolchain.sh)" && $(scripts/toolchain.sh) version &&
	echo "test-bootstrap: Debian packages it installed:" && dpkg-query -W -f="\${Package} " golang-go ca-certificates gcc xvfb 2>/dev/null; echo' || true
exit $code
