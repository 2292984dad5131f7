package ledgertest_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/balie/balie/demo"
	"github.com/balie/balie/ledger/ledgertest"
)

func TestStart(t *testing.T) {
	lt := ledgertest.Start(t, ledgertest.Options{Holders: 50})
	id, token := lt.AddTerminal(t, demo.SportsDesk)
	resp, p := lt.Enrol(context.Background(), token)
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
