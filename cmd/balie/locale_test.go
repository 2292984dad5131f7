package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestStart_noLocaleWarning: a desk whose locale is C.UTF-8 (a service's
// or an Xvfb session's) starts without Fyne's "Error parsing user locale
// C": the language is chosen before Fyne reads the environment. The test
// binary runs itself, so the packages' initialisation happens anew.
func TestStart_noLocaleWarning(t *testing.T) {
	if os.Getenv("BALIE_LOCALE_CHILD") != "" {
		return
	}
	for _, lang := range []string{"C.UTF-8", "C"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestStart_noLocaleWarning$")
		cmd.Env = append(os.Environ(), "BALIE_LOCALE_CHILD=1", "LANG="+lang, "LANGUAGE=", "LC_ALL=", "LC_MESSAGES=")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("LANG=%s: %v\n%s", lang, err, out)
		}
		if strings.Contains(string(out), "Error parsing user locale") {
			t.Errorf("LANG=%s: the start logs the locale warning:\n%s", lang, out)
		}
	}
}
