package main

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadConfig(t *testing.T) {
	cases := []struct {
		name    string
		file    string
		args    []string
		want    map[string]string
		wantErr string
	}{
		{"file sets flags", "# desk\ndesk = desk-sport\nlang=en\n\nreader = /dev/ttyACM0\n", nil,
			map[string]string{"desk": "desk-sport", "lang": "en", "reader": "/dev/ttyACM0"}, ""},
		{"the command line wins", "desk = desk-sport\nlang = en\n", []string{"--lang", "nl"},
			map[string]string{"desk": "desk-sport", "lang": "nl"}, ""},
		{"an unknown setting", "desk = desk-sport\ncolour = blue\n", nil, nil, "line 2: \"colour\" is not a setting"},
		{"a line without =", "desk desk-sport\n", nil, nil, "line 1: want name = value"},
		{"a bad value", "holders = many\n", nil, nil, "line 1: holders"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "balie.conf")
			os.WriteFile(path, []byte(c.file), 0o600)
			fset := flag.NewFlagSet("balie", flag.ContinueOnError)
			fset.SetOutput(io.Discard)
			vals := map[string]*string{}
			for _, n := range []string{"desk", "lang", "reader"} {
				vals[n] = fset.String(n, "", "")
			}
			fset.Int("holders", 0, "")
			fset.Parse(c.args)
			err := loadConfig(fset, path, false)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want it to say %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range c.want {
				if *vals[k] != v {
					t.Errorf("%s = %q, want %q", k, *vals[k], v)
				}
			}
		})
	}
	fset := flag.NewFlagSet("balie", flag.ContinueOnError)
	if err := loadConfig(fset, filepath.Join(t.TempDir(), "none.conf"), true); err != nil {
		t.Errorf("a missing optional file: %v", err)
	}
}

func TestSaveConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "balie", "balie.conf")
	if err := saveConfig(path, map[string]string{"ledger": "https://ledger:8443", "desk": "desk-box"}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, append(must(os.ReadFile(path)), []byte("# the reader at the left\nreader = /dev/ttyACM0\n")...), 0o600)
	if err := saveConfig(path, map[string]string{"desk": "desk-sport", "lang": "en"}); err != nil {
		t.Fatal(err)
	}
	got := string(must(os.ReadFile(path)))
	for _, want := range []string{"desk = desk-sport\n", "ledger = https://ledger:8443\n", "# the reader at the left\nreader = /dev/ttyACM0\n", "lang = en\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("config %q lacks %q", got, want)
		}
	}
	if strings.Count(got, "desk =") != 1 {
		t.Errorf("desk written twice: %q", got)
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
