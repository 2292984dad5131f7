package version

import (
	"runtime/debug"
	"testing"
)

func TestFrom(t *testing.T) {
	vcs := func(rev, modified string) *debug.BuildInfo {
		bi := &debug.BuildInfo{Main: debug.Module{Path: "github.com/balie/balie", Version: "(devel)"}}
		if rev != "" {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: "vcs.revision", Value: rev})
		}
		if modified != "" {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: "vcs.modified", Value: modified})
		}
		return bi
	}
	for _, tc := range []struct {
		name   string
		linked string
		bi     *debug.BuildInfo
		want   string
	}{
		{"the build's version wins", "v1.4.0-3-g1a2b3c4", vcs("1a2b3c4d5e6f7a8b9c0d", "false"), "v1.4.0-3-g1a2b3c4"},
		{"a clean checkout", "", vcs("1a2b3c4d5e6f7a8b9c0d", "false"), "dev-1a2b3c4d5e6f"},
		{"a checkout with changes", "", vcs("1a2b3c4d5e6f7a8b9c0d", "true"), "dev-1a2b3c4d5e6f-dirty"},
		{"go install of a tagged module", "", &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}}, "v1.4.0"},
		{"built with -buildvcs=false", "", vcs("", ""), "dev"},
		{"no build info", "", nil, "dev"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := from(tc.linked, tc.bi); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
