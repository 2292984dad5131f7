package ledgertest

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/ledger"
	balisync "github.com/balie/balie/sync"
	"github.com/google/uuid"
)

// Terminal is a terminal for tests that speak the protocol by hand: its
// identity, its signing key and the head of its journal.
type Terminal struct {
	ID     string
	Secret string
	Key    ed25519.PrivateKey
	Seq    int64
	Prev   string
}

// NewKey makes a signing key.
func NewKey(t testing.TB) ed25519.PrivateKey {
	t.Helper()
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// PublicKey is the terminal's public key as the ledger keeps it.
func (tm *Terminal) PublicKey() string {
	return balie.EncodePublicKey(tm.Key.Public().(ed25519.PublicKey))
}

// Enrol adds a terminal for desk to l and enrols it in process, as an
// installer would over the protocol.
func Enrol(t testing.TB, l *ledger.Ledger, desk string) *Terminal {
	t.Helper()
	ctx := context.Background()
	d, err := l.Desk(ctx, desk)
	if err != nil {
		t.Fatalf("ledgertest: %v", err)
	}
	_, token, err := l.AddTerminal(ctx, "Kassa "+desk, d.OrganiserID, desk)
	if err != nil {
		t.Fatalf("ledgertest: add terminal: %v", err)
	}
	tm := &Terminal{Key: NewKey(t), Prev: balie.GenesisHash}
	resp, p := l.Enrol(ctx, balisync.EnrolRequest{Token: token, PublicKey: tm.PublicKey()})
	if p != nil {
		t.Fatalf("ledgertest: enrol: %s", p.EN)
	}
	tm.ID, tm.Secret = resp.TerminalID, resp.Secret
	return tm
}

// Event appends an act to the terminal's journal: the next seq, chained
// to the one before.
func (tm *Terminal) Event(kind balie.Kind, staff string, at time.Time, payload any) balie.JournalEvent {
	body, ok := payload.(json.RawMessage)
	if !ok {
		var err error
		if body, err = json.Marshal(payload); err != nil {
			panic(err)
		}
	}
	tm.Seq++
	e := balie.JournalEvent{ID: uuid.Must(uuid.NewV7()).String(), Terminal: tm.ID, Seq: tm.Seq, Time: at.UTC(), Staff: staff,
		Kind: kind, Payload: body, PrevHash: tm.Prev}
	e.Hash = e.ComputeHash()
	tm.Prev = e.Hash
	return e
}

// Request is an upload of events, signed up to the last.
func (tm *Terminal) Request(events ...balie.JournalEvent) balisync.UploadRequest {
	req := balisync.UploadRequest{Events: events}
	if len(events) > 0 {
		req.Signature = balie.SignJournal(tm.Key, events[len(events)-1])
	}
	return req
}

// Bearer is the terminal's Authorization header.
func (tm *Terminal) Bearer() string { return "Bearer " + tm.ID + "." + tm.Secret }

// Post sends a JSON body to a ledger at base as this terminal would,
// decodes the answer into out and returns the status.
func (tm *Terminal) Post(t testing.TB, base, path string, body, out any) int {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, base+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(balisync.HeaderProtocol, strconv.Itoa(balisync.Protocol))
	if tm != nil && tm.Secret != "" {
		req.Header.Set("Authorization", tm.Bearer())
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode
}
