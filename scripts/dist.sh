#!/usr/bin/env bash
# dist.sh: build what a city installs, into dist/:
#   balie-VERSION-windows-amd64.zip   the Windows desk: balie.exe and LEESMIJ.txt
#   balie_DEBVERSION_amd64.deb        the Linux desk
#   balie-ledger_DEBVERSION_amd64.deb the ledger as a systemd service
# and check both packages with lintian. make dist runs it after
# scripts/deps.sh dist; GO, VERSION, DIST and DEB_MAINTAINER come from
# make (see the Makefile).
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
version=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
out=$(mkdir -p "${DIST:-dist}" && cd "${DIST:-dist}" && pwd)
maintainer=${DEB_MAINTAINER:-Balie <balie@example.org>}
ldflags="-X github.com/balie/balie/internal/version.version=$version"
# Files and archives carry the time of the commit, not of the build.
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
export SOURCE_DATE_EPOCH

# debian_version V: git describe's version as dpkg orders it: v1.2.0 is
# 1.2.0, three commits later 1.2.0+3.g1a2b3c4, a release candidate
# v1.3.0-rc1 1.3.0~rc1 (before 1.3.0). With no tag yet, the number of
# commits orders the builds: 0~57.g1a2b3c4.
debian_version() {
	local v=${1#v} dirty="" tag="[0-9]+\\.[0-9][0-9A-Za-z.]*"
	case $v in *-dirty) v=${v%-dirty} dirty=.dirty ;; esac
	if [[ $v =~ ^($tag)(-([0-9A-Za-z.-]+))?-([0-9]+)-g([0-9a-f]+)$ ]]; then
		v=${BASH_REMATCH[1]}${BASH_REMATCH[3]:+~${BASH_REMATCH[3]//-/.}}+${BASH_REMATCH[4]}.g${BASH_REMATCH[5]}
	elif [[ $v =~ ^($tag)(-([0-9A-Za-z.-]+))?$ ]]; then
		v=${BASH_REMATCH[1]}${BASH_REMATCH[3]:+~${BASH_REMATCH[3]//-/.}}
	else
		# No tag: describe gave the commit (or the build said "dev").
		v="0~$(git rev-list --count HEAD 2>/dev/null || echo 0).g${v//[^0-9A-Za-z.]/.}"
	fi
	echo "$v$dirty"
}

# file_version V: the four numbers of a Windows version resource.
file_version() {
	local v=${1#v} n
	if [[ $v =~ ^([0-9]+)\.([0-9]+)\.([0-9]+)(-[0-9A-Za-z.]+)?(-([0-9]+)-g[0-9a-f]+)? ]]; then
		echo "${BASH_REMATCH[1]},${BASH_REMATCH[2]},${BASH_REMATCH[3]},${BASH_REMATCH[6]:-0}"
	else
		n=$(git rev-list --count HEAD 2>/dev/null || echo 0)
		echo "0,0,0,$((n % 65536))"
	fi
}

debversion=$(debian_version "$version")
# Only this build's packages in $out, so nothing installs an older one.
rm -f "$out"/balie-*-windows-amd64.zip "$out"/balie_*_amd64.deb "$out"/balie-ledger_*_amd64.deb
echo "$debversion" >"$out/debversion"
tmp=$(mktemp -d)
syso=cmd/balie/rsrc_windows_amd64.syso
trap 'rm -rf "$tmp" "$syso"' EXIT
start=$SECONDS

# The icon, in every size, from its source.
"$GO" run ./packaging/icon -o "$tmp/icons"

# --- The Windows desk ---------------------------------------------------
echo "dist: balie.exe $version for windows/amd64"
sed -e "s/@VERSION@/$version/g" -e "s/@FILEVERSION@/$(file_version "$version")/g" \
	packaging/windows/balie.rc.in >"$tmp/balie.rc"
cp packaging/windows/balie.exe.manifest "$tmp/icons/balie.ico" "$tmp/"
(cd "$tmp" && x86_64-w64-mingw32-windres -O coff -i balie.rc -o rsrc.syso)
# go build links every .syso of the package's folder.
cp "$tmp/rsrc.syso" "$syso"
mkdir -p "$tmp/win/Balie"
# A GUI program (-H windowsgui): a clerk who starts the desk gets no
# console window beside it.
CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc \
	"$GO" build -trimpath -ldflags "$ldflags -s -w -H windowsgui" -o "$tmp/win/Balie/balie.exe" ./cmd/balie
rm -f "$syso"
sed -e "s/@VERSION@/$version/g" -e 's/$/\r/' packaging/windows/LEESMIJ.txt >"$tmp/win/Balie/LEESMIJ.txt"
zip="$out/balie-$version-windows-amd64.zip"
rm -f "$zip"
find "$tmp/win" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
(cd "$tmp/win" && zip -q -X -r "$zip" Balie)
echo "dist: $(basename "$zip") ($((SECONDS - start)) s so far)"

# --- The Debian packages ------------------------------------------------
echo "dist: balie and balie-ledger $debversion for Debian"
mkdir -p "$tmp/bin"
# PIE, as Debian builds its programs.
"$GO" build -trimpath -buildmode=pie -ldflags "$ldflags -s -w" -o "$tmp/bin/balie" ./cmd/balie
"$GO" build -trimpath -buildmode=pie -ldflags "$ldflags -s -w" -o "$tmp/bin/balie-ledger" ./cmd/ledger

# shlibs BINARY: the Depends of the shared libraries BINARY links.
shlibs() {
	local d="$tmp/shlibs"
	mkdir -p "$d/debian"
	printf 'Source: balie\n\nPackage: balie\nArchitecture: amd64\n' >"$d/debian/control"
	(cd "$d" && dpkg-shlibdeps -O -e "$1" 2>/dev/null) | sed -n 's/^shlibs:Depends=//p'
}

# modules BINARY: the Go modules linked into BINARY, one a line.
modules() { "$GO" version -m "$1" | awk '$1 == "dep" { print "  " $2 " " $3 }'; }

# package NAME TREE: finish the tree of package NAME and build its .deb.
package() {
	local name=$1 tree=$2 src=packaging/deb/$1 doc
	doc=$tree/usr/share/doc/$name
	install -d "$doc" "$tree/DEBIAN"
	install -m 0644 "$src/README.Debian" "$doc/"
	sed -e "s|@PACKAGE@|$name|" -e "s|@YEAR@|$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y)|" packaging/deb/copyright.in |
		awk -v mods="$(modules "$tree/usr/bin/$3")" '{ if ($0 == "@MODULES@") print mods; else print }' >"$doc/copyright"
	chmod 0644 "$doc/copyright"
	{
		printf '%s (%s) unstable; urgency=medium\n\n' "$name" "$debversion"
		printf '  * Built by make dist from Balie %s.\n\n' "$version"
		printf ' -- %s  %s\n' "$maintainer" "$(date -u -R -d "@$SOURCE_DATE_EPOCH")"
	} | gzip -9n >"$doc/changelog.gz"
	chmod 0644 "$doc/changelog.gz"
	for f in postinst prerm postrm; do
		if [ -e "$src/$f" ]; then install -m 0755 "$src/$f" "$tree/DEBIAN/"; fi
	done
	if [ -e "$src/conffiles" ]; then install -m 0644 "$src/conffiles" "$tree/DEBIAN/"; fi
	sed -e "s/@DEBVERSION@/$debversion/" -e "s|@MAINTAINER@|$maintainer|" \
		-e "s/@SIZE@/$(du -sk --exclude=DEBIAN "$tree" | cut -f1)/" \
		-e "s/@SHLIBS@/$(shlibs "$tree/usr/bin/$3")/" "$src/control.in" >"$tree/DEBIAN/control"
	(cd "$tree" && find . -path ./DEBIAN -prune -o -path ./etc -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) >"$tree/DEBIAN/md5sums"
	chmod 0644 "$tree/DEBIAN/control" "$tree/DEBIAN/md5sums"
	find "$tree" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
	dpkg-deb --root-owner-group -Zxz --build "$tree" "$out/${name}_${debversion}_amd64.deb" >/dev/null
	echo "dist: ${name}_${debversion}_amd64.deb"
}

umask 022
t=$tmp/deb-balie
install -D -m 0755 "$tmp/bin/balie" "$t/usr/bin/balie"
install -D -m 0644 packaging/deb/balie/be.balie.terminal.desktop "$t/usr/share/applications/be.balie.terminal.desktop"
for n in 16 24 32 48 64 128 256; do
	install -D -m 0644 "$tmp/icons/balie-$n.png" "$t/usr/share/icons/hicolor/${n}x$n/apps/balie.png"
done
install -D -m 0644 packaging/deb/balie/70-balie-readers.rules "$t/usr/lib/udev/rules.d/70-balie-readers.rules"
install -d "$t/usr/share/man/man1"
gzip -9n <packaging/deb/balie/balie.1 >"$t/usr/share/man/man1/balie.1.gz"
package balie "$t" balie

t=$tmp/deb-ledger
install -D -m 0755 "$tmp/bin/balie-ledger" "$t/usr/bin/balie-ledger"
install -D -m 0644 packaging/deb/balie-ledger/balie-ledger.service "$t/usr/lib/systemd/system/balie-ledger.service"
# The settings may come to hold a database password.
install -D -m 0640 packaging/deb/balie-ledger/ledger.env "$t/etc/balie-ledger/ledger.env"
install -d "$t/usr/share/man/man8"
gzip -9n <packaging/deb/balie-ledger/balie-ledger.8 >"$t/usr/share/man/man8/balie-ledger.8.gz"
package balie-ledger "$t" balie-ledger

# Debian's own check of the packages: no errors allowed.
if command -v lintian >/dev/null 2>&1; then
	lintian --fail-on error --suppress-tags-from-file packaging/deb/lintian-accepted \
		"$out/balie_${debversion}_amd64.deb" "$out/balie-ledger_${debversion}_amd64.deb"
fi
echo "dist: done in $((SECONDS - start)) s: $out"
