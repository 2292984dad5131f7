package pos

import (
	"context"
	"strings"
	"testing"

	"github.com/balie/balie"
)

// recordLookups remembers what the store was asked for.
type recordLookups struct{ asked []string }

func (r *recordLookups) LookupInput(ctx context.Context, input string) (balie.HolderLookup, error) {
	r.asked = append(r.asked, input)
	return balie.HolderLookup{Card: balie.Card{Number: balie.CardNumber(input)}, Holder: balie.Holder{ID: "h-0000000", FirstName: "Tom", LastName: "Peeters"}}, nil
}

type fakeFinder struct {
	card  balie.CardNumber
	err   error
	asked []balie.INSZ
}

func (f *fakeFinder) FindINSZ(ctx context.Context, n balie.INSZ) (balie.CardNumber, error) {
	f.asked = append(f.asked, n)
	return f.card, f.err
}

// TestDirectory_insz: a national register number typed in the scan field
// is looked up at the ledger and its card shown; the store never sees the
// number; without the ledger the desk says it needs the network.
func TestDirectory_insz(t *testing.T) {
	tests := []struct {
		name      string
		finder    *fakeFinder
		input     string
		wantCard  string
		wantCode  balie.Code
		wantAsked int
	}{
		{"found", &fakeFinder{card: "0900000095902"}, "85.07.30-033.28", "0900000095902", "", 1},
		{"found, typed in one piece", &fakeFinder{card: "0900000095902"}, "85073003328", "0900000095902", "", 1},
		{"offline", &fakeFinder{err: balie.INSZNeedsNetwork()}, "85073003328", "", balie.CodeINSZOffline, 1},
		{"no ledger", nil, "85073003328", "", balie.CodeINSZOffline, 0},
		{"a card is a card", &fakeFinder{card: "1"}, "0900000095902", "0900000095902", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := &recordLookups{}
			var d Directory
			if tt.finder != nil {
				d = NewOnlineDirectory(store, tt.finder, "nl", quiet())
			} else {
				d = NewOnlineDirectory(store, nil, "nl", quiet())
			}
			v, err := d.Lookup(context.Background(), tt.input)
			if balie.ErrorCode(err) != tt.wantCode {
				t.Fatalf("got %v, want %s", err, tt.wantCode)
			}
			if tt.finder != nil && len(tt.finder.asked) != tt.wantAsked {
				t.Errorf("the ledger was asked %d times, want %d", len(tt.finder.asked), tt.wantAsked)
			}
			for _, a := range store.asked {
				if strings.Contains(strings.NewReplacer(".", "", "-", "").Replace(a), "85073003328") {
					t.Errorf("the store was asked for the national number: %q", a)
				}
			}
			if tt.wantCode != "" {
				if e, _ := balie.AsError(err); !strings.Contains(e.NL, "verbinding") {
					t.Errorf("the sentence does not say it needs the network: %q", e.NL)
				}
				return
			}
			if v.Card != tt.wantCard {
				t.Errorf("card %q, want %q", v.Card, tt.wantCard)
			}
		})
	}
}
