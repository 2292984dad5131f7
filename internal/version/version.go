// Package version says which build of Balie a program is, so that a desk
// and the ledger can tell an operator what they run.
package version

import "runtime/debug"

// version is the build's version, set by the build with
//
//	-ldflags "-X github.com/balie/balie/internal/version.version=$(git describe --tags --always --dirty)"
//
// It is the one package variable the project allows: the linker can set
// nothing else.
var version string

// String returns the build's version: the one the build set; else what
// the Go toolchain recorded of the checkout it was built from (a module
// version, or the commit and whether it had changes); else "dev".
func String() string {
	bi, _ := debug.ReadBuildInfo()
	return from(version, bi)
}

// from decides the version from what the linker set and the build info
// (nil when the binary has none).
func from(linked string, bi *debug.BuildInfo) string {
	if linked != "" {
		return linked
	}
	if bi == nil {
		return "dev"
	}
	// "go install module@version" records the module's version; a build
	// in a checkout records "(devel)", or since Go 1.24 a pseudo-version
	// that says the same as the VCS settings below.
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev string
	var modified bool
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev == "" {
		return "dev"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	v := "dev-" + rev
	if modified {
		v += "-dirty"
	}
	return v
}
