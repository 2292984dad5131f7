#!/usr/bin/env bash
# chroot.sh: throwaway Debian systems for the project's tests, made with
# debootstrap from Debian's own archive.
#
#   scripts/chroot.sh make DIR [SUITE]   a fresh minimal Debian (default
#                                        bookworm) in DIR, from a cached
#                                        copy when there is one
#   scripts/chroot.sh run DIR CMD...     CMD as root inside DIR, with /proc,
#                                        /sys, /dev and /dev/pts mounted
#                                        for the command's time
#   scripts/chroot.sh remove DIR         unmount whatever is left, remove DIR
#
# The first `make` of a suite takes a few minutes and keeps a tarball in
# ${BALIE_CACHE:-~/.cache/balie}; later ones unpack it in seconds.
set -euo pipefail

mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
cache=${BALIE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/balie}

die() {
	echo "chroot: $*" >&2
	exit 1
}

cmd=${1:-}
dir=${2:-}
[ -n "$dir" ] || die "usage: chroot.sh make|run|remove DIR ..."
[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot and mount do)"

# mounts DIR: what is mounted at or under DIR, deepest first.
mounts() { awk -v d="$(realpath -m "$1")" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/mounts | sort -r; }

# unmount DIR: unmount everything under DIR; fails when something stays,
# so that nothing removes a bound /dev through it.
unmount() {
	local m
	for m in $(mounts "$1"); do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
	done
	[ -z "$(mounts "$1")" ] || die "still mounted under $1: $(mounts "$1" | tr '\n' ' ')"
}

case $cmd in
make)
	suite=${3:-bookworm}
	tarball=$cache/debootstrap-$suite-minbase.tar
	mkdir -p "$dir"
	if [ ! -e "$tarball" ]; then
		command -v debootstrap >/dev/null || die "debootstrap is not installed (apt-get install debootstrap)"
		echo "chroot: debootstrap $suite from $mirror (once; kept in $tarball)" >&2
		work=$(mktemp -d /var/tmp/balie-debootstrap.XXXXXX)
		trap 'unmount "$work" && rm -rf --one-file-system "$work"' EXIT
		debootstrap --variant=minbase "$suite" "$work/root" "$mirror" >"$work/log" 2>&1 ||
			{ tail -20 "$work/log" >&2; die "debootstrap failed"; }
		chroot "$work/root" apt-get clean
		mkdir -p "$cache"
		tar -C "$work/root" -cf "$tarball.new" .
		mv "$tarball.new" "$tarball"
	fi
	tar -C "$dir" -xf "$tarball"
	# The host's resolver, so apt inside reaches the archive.
	cp /etc/resolv.conf "$dir/etc/resolv.conf"
	# The host's own certificate authorities, as a network whose TLS goes
	# through an inspecting proxy needs them: ca-certificates adds them
	# when it is installed inside.
	if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
		mkdir -p "$dir/usr/local/share/ca-certificates"
		cp /usr/local/share/ca-certificates/*.crt "$dir/usr/local/share/ca-certificates/"
	fi
	# Services must not start inside: there is no init here.
	printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"
	chmod 0755 "$dir/usr/sbin/policy-rc.d"
	;;
run)
	shift 2
	[ -d "$dir/etc" ] || die "$dir is not a chroot made by chroot.sh make"
	mount -t proc proc "$dir/proc"
	mount --bind /sys "$dir/sys"
	mount --bind /dev "$dir/dev"
	mount --bind /dev/pts "$dir/dev/pts"
	code=0
	chroot "$dir" /usr/bin/env -i HOME=/root TERM="${TERM:-dumb}" LANG=C.UTF-8 \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@" || code=$?
	unmount "$dir"
	exit $code
	;;
remove)
	# What a test left running inside: found by its root folder, ended
	# by its pid.
	real=$(realpath -m "$dir")
	for r in /proc/[0-9]*/root; do
		if [ "$(readlink "$r" 2>/dev/null)" = "$real" ]; then
			p=${r#/proc/}
			kill "${p%/root}" 2>/dev/null || true
		fi
	done
	unmount "$dir"
	rm -rf --one-file-system "$dir"
	;;
*)
	die "usage: chroot.sh make|run|remove DIR ..."
	;;
esac
