package ledgertest_test

import (
	"context"
	"crypto/ed25519"
	"net/http"
	"testing"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	"github.com/balie/balie/ledger/ledgertest"
	balisync "github.com/balie/balie/sync"
)

func TestStart(t *testing.T) {
	lt := ledgertest.Start(t, ledgertest.Options{Holders: 50})
	id, token := lt.AddTerminal(t, demo.SportsDesk)
	key := balie.EncodePublicKey(ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)).Public().(ed25519.PublicKey))
	resp, p := lt.Enrol(context.Background(), balisync.EnrolRequest{Token: token, PublicKey: key})
	if p != nil || resp.TerminalID != id || resp.Organiser != demo.OrgSports {
		t.Fatalf("enrol: %+v %+v", resp, p)
	}
	url := lt.URL
	lt.Restart(t)
	if lt.URL != url {
		t.Errorf("restart moved the ledger from %s to %s", url, lt.URL)
	}
	r, err := http.Get(lt.URL + "/healthz")
	if err != nil || r.StatusCode != 200 {
		t.Fatalf("healthz after restart: %v %v", r, err)
	}
	r.Body.Close()
}
