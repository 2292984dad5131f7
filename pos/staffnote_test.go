package pos

import (
	"context"
	"slices"
	"testing"

	"github.com/balie/balie"
)

type fakeLookups struct{ l balie.HolderLookup }

func (f fakeLookups) LookupInput(ctx context.Context, input string) (balie.HolderLookup, error) {
	return f.l, nil
}

// TestScanScreen_noteForStaff: a social tariff that ends is said to the
// clerk, apart from the holder's card (where the customer reads), and in
// both languages.
func TestScanScreen_noteForStaff(t *testing.T) {
	for _, c := range []struct{ lang, want string }{
		{"nl", "Het recht loopt af op 03/02/2027."},
		{"en", "The right ends on 03/02/2027."},
	} {
		t.Run(c.lang, func(t *testing.T) {
			l := balie.HolderLookup{Holder: balie.Holder{ID: "h-grace", FirstName: "Marleen", LastName: "Wouters"},
				Card: balie.Card{Number: "0930529476598"},
				Notices: []balie.Notice{{Code: "social_ending", Staff: true, NL: "Het recht loopt af op 03/02/2027.", EN: "The right ends on 03/02/2027."},
					{Code: "welcome", NL: "Welkomstvoordeel.", EN: "Welcome gift."}}}
			r := newRig(t, NewDirectory(fakeLookups{l}, c.lang, quiet()), c.lang)
			r.scan(t, "0930529476598")
			if got := labelTexts(r.s.views.holder); slices.Contains(got, c.want) {
				t.Errorf("the note for staff is on the holder's card: %q", got)
			}
			if got := labelTexts(r.s.views.staffSlot); !slices.Contains(got, c.want) {
				t.Errorf("the notes for staff are %q, want %q", got, c.want)
			}
		})
	}
}
