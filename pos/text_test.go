package pos

import (
	"encoding/json"
	"io/fs"
	"strings"
	"testing"

	"github.com/balie/balie/assets"
)

// useLanguage makes the screens speak lang for a test.
func useLanguage(t *testing.T, lang string) {
	t.Helper()
	if err := UseLanguage(lang, assets.Translations(), "translations"); err != nil {
		t.Fatal(err)
	}
}

// TestTranslations_complete: every sentence is there in Dutch and in
// English, both take the same arguments, and none names the social
// tariff: what a screen shows, a customer may read.
func TestTranslations_complete(t *testing.T) {
	load := func(name string) map[string]string {
		b, err := fs.ReadFile(assets.Translations(), "translations/"+name+".json")
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s.json: %v", name, err)
		}
		return m
	}
	nl, en := load("nl"), load("en")
	verbs := func(s string) int { return strings.Count(s, "%") - 2*strings.Count(s, "%%") }
	for id, s := range nl {
		e, ok := en[id]
		switch {
		case !ok || strings.TrimSpace(e) == "" || strings.TrimSpace(s) == "":
			t.Errorf("%s: a language is missing: %q / %q", id, s, e)
		case verbs(s) != verbs(e):
			t.Errorf("%s: %d arguments in Dutch, %d in English", id, verbs(s), verbs(e))
		}
		if strings.Contains(strings.ToLower(s), "kansen") || strings.Contains(strings.ToLower(e), "social tariff") {
			t.Errorf("%s: %q names the social tariff on the screen", id, s)
		}
	}
	for id := range en {
		if _, ok := nl[id]; !ok {
			t.Errorf("%s: no Dutch", id)
		}
	}
}

func TestLanguage_t(t *testing.T) {
	useLanguage(t, "en")
	if got := language("en").t(msgCard, "0900000095902"); got != "Card 0900000095902" {
		t.Errorf("English: %q", got)
	}
	useLanguage(t, "nl")
	if got := language("nl").t(msgCard, "0900000095902"); got != "Kaart 0900000095902" {
		t.Errorf("Dutch: %q", got)
	}
}
