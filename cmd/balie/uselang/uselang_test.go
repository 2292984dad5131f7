package uselang

import (
	"errors"
	"testing"
)

func TestChoose(t *testing.T) {
	conf := map[string]string{
		"/home/x/.config/balie/balie.conf": "# desk\nlang = en\ndesk = desk-box\n",
		"/etc/balie.conf":                  "lang=nl\n",
	}
	read := func(p string) ([]byte, error) {
		if s, ok := conf[p]; ok {
			return []byte(s), nil
		}
		return nil, errors.New("no such file")
	}
	cases := []struct {
		args []string
		want string
	}{
		{nil, "en"}, // the configuration's
		{[]string{"--lang", "nl"}, "nl"},
		{[]string{"--lang=en", "--config", "/etc/balie.conf"}, "en"},
		{[]string{"-lang", "de"}, "nl"},
		{[]string{"--config", "/etc/balie.conf"}, "nl"},
		{[]string{"--config=/missing.conf"}, "nl"},
		{[]string{"--demo"}, "nl"}, // the demo reads no configuration
		{[]string{"--demo", "--lang", "en"}, "en"},
		{[]string{"export", "--db", "x.db"}, "en"},
	}
	for _, c := range cases {
		if got := Choose(c.args, read, "/home/x/.config"); got != c.want {
			t.Errorf("Choose(%q) = %s, want %s", c.args, got, c.want)
		}
	}
}

func TestEnv(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	got := Env("nl", env(map[string]string{"LANG": "C.UTF-8"}))
	if got["LANGUAGE"] != "nl" || got["LC_MESSAGES"] != "nl_BE.UTF-8" {
		t.Errorf("LANG=C.UTF-8: %v", got)
	}
	got = Env("en", env(map[string]string{"LC_ALL": "nl_BE.UTF-8"}))
	if got["LANGUAGE"] != "en" || got["LC_MESSAGES"] != "" {
		t.Errorf("LC_ALL set: %v, want LANGUAGE only", got)
	}
}
