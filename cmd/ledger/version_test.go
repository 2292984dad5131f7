package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestVersion builds the ledger as make dist does, with the version in
// -ldflags, and asks it: what an operator sees is what the build said.
func TestVersion(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go on PATH to build the ledger with")
	}
	exe := filepath.Join(t.TempDir(), "ledger")
	build := exec.Command(gobin, "build", "-o", exe,
		"-ldflags", "-X github.com/balie/balie/internal/version.version=v9.8.7-3-gabcdef1", ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, arg := range []string{"--version", "version"} {
		out, err := exec.Command(exe, arg).CombinedOutput()
		if err != nil {
			t.Fatalf("ledger %s: %v\n%s", arg, err, out)
		}
		if got, want := strings.TrimSpace(string(out)), "ledger v9.8.7-3-gabcdef1"; got != want {
			t.Errorf("ledger %s: got %q, want %q", arg, got, want)
		}
	}
	// Without the flag the build still says something sensible.
	code, out, _ := runCmd(t, "--version")
	if code != exitOK || !strings.HasPrefix(out, "ledger dev") {
		t.Errorf("in-process --version: code %d, %q, want ledger dev...", code, out)
	}
}
