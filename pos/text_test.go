package pos

import (
	"strings"
	"testing"
)

// TestTexts_complete: every sentence of every screen is there in Dutch
// and in English, both take the same arguments, and none names the social
// tariff: what a screen shows, a customer may read.
func TestTexts_complete(t *testing.T) {
	tables := map[string]map[msg]textPair{
		"scan": texts, "app": appTexts, "signin": signInTexts, "sports": sportsTexts,
		"shift": shiftTexts, "review": reviewTexts, "approve": approveTexts, "void": voidTexts,
		"boxoffice": boxOfficeTexts, "childcare": childcareTexts, "settings": settingsTexts,
	}
	verbs := func(s string) int { return strings.Count(s, "%") - 2*strings.Count(s, "%%") }
	for name, table := range tables {
		for id, p := range table {
			if strings.TrimSpace(p.nl) == "" || strings.TrimSpace(p.en) == "" {
				t.Errorf("%s %s: a language is missing: %q / %q", name, id, p.nl, p.en)
			}
			if verbs(p.nl) != verbs(p.en) {
				t.Errorf("%s %s: %d arguments in Dutch, %d in English", name, id, verbs(p.nl), verbs(p.en))
			}
			if strings.Contains(strings.ToLower(p.nl), "kansen") || strings.Contains(strings.ToLower(p.en), "social tariff") {
				t.Errorf("%s %s: %q names the social tariff on the screen", name, id, p.nl)
			}
		}
	}
}
