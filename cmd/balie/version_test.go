package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestRun_version: both spellings print the program and its version on
// one line and start no window. The version set by -ldflags is checked
// on the built binaries by make test-dist.
func TestRun_version(t *testing.T) {
	for _, arg := range []string{"--version", "version"} {
		var out, errb bytes.Buffer
		code := run(context.Background(), []string{arg}, &out, &errb)
		if code != exitOK || !strings.HasPrefix(out.String(), "balie dev") || strings.Count(out.String(), "\n") != 1 {
			t.Errorf("balie %s: code %d, stdout %q, stderr %q; want 0 and one line balie dev...", arg, code, out.String(), errb.String())
		}
	}
}
