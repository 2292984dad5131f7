package balie

import (
	"crypto/ed25519"
	"testing"
	"time"
)

// vectorEvent is the event of the test vector in docs/sync-protocol.md.
func vectorEvent() JournalEvent {
	e := JournalEvent{ID: "01936f3a-6b1e-7c00-8a00-000000000001", Terminal: "01936f3a-0000-7000-8000-00000000abcd", Seq: 1,
		Time: time.Date(2026, 11, 30, 9, 15, 0, 123456789, time.UTC), Staff: "staff-box-1", Kind: KindCheckin,
		Payload:  []byte(`{"holder":"h-0000001","card":"0900000095902","event":"ev-20261130-zwemmen","organiser":"org-sport","points":1}`),
		PrevHash: GenesisHash}
	e.Hash = e.ComputeHash()
	return e
}

func vectorKey() ed25519.PrivateKey {
	seed := make([]byte, ed25519.SeedSize)
	for i := range seed {
		seed[i] = byte(i + 1)
	}
	return ed25519.NewKeyFromSeed(seed)
}

// TestJournalVector pins the exact bytes hashed and signed. If this test
// fails, the encoding changed and every journal already signed stops
// verifying: change the domain string and keep the old reader instead.
func TestJournalVector(t *testing.T) {
	e := vectorEvent()
	if want := "c4822eb8c990f88220fb5a79da313bccc57eb41820c51f17d21cb35b63a7582e"; e.Hash != want {
		t.Errorf("hash = %s, want %s", e.Hash, want)
	}
	msg := string(SigningMessage(e.Terminal, e.Seq, e.Hash))
	if want := "balie-journal-v1\n01936f3a-0000-7000-8000-00000000abcd\n1\nc4822eb8c990f88220fb5a79da313bccc57eb41820c51f17d21cb35b63a7582e\n"; msg != want {
		t.Errorf("signing message = %q, want %q", msg, want)
	}
	k := vectorKey()
	if got, want := EncodePublicKey(k.Public().(ed25519.PublicKey)), "ebVWLo/mVPlAeLES6KmLp5AfhTrmlb7X4OORC60ElmQ="; got != want {
		t.Errorf("public key = %s, want %s", got, want)
	}
	sig := SignJournal(k, e)
	if want := "mIr0FBMyOj8B9VI8WS036kzy6HerKF+r47oMVAI6DN2BYUDnJolasn3uv2ZDVV7YGuKTEKTD3lMwml9o/x1qDQ=="; sig != want {
		t.Errorf("signature = %s, want %s", sig, want)
	}
}

func TestVerifyJournal(t *testing.T) {
	k := vectorKey()
	pub := k.Public().(ed25519.PublicKey)
	e := vectorEvent()
	sig := SignJournal(k, e)
	other := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	altered := e
	altered.Hash = "d" + e.Hash[1:]
	later := e
	later.Seq = 2
	cases := []struct {
		name string
		pub  ed25519.PublicKey
		e    JournalEvent
		sig  string
		ok   bool
	}{
		{"the terminal's signature", pub, e, sig, true},
		{"another terminal's key", other.Public().(ed25519.PublicKey), e, sig, false},
		{"an altered hash", pub, altered, sig, false},
		{"the signature moved to another seq", pub, later, sig, false},
		{"not base64", pub, e, "not a signature!", false},
		{"too short", pub, e, sig[:40], false},
		{"no key", nil, e, sig, false},
		{"empty", pub, e, "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := VerifyJournal(c.pub, c.e, c.sig)
			if (err == nil) != c.ok {
				t.Fatalf("VerifyJournal = %v, want ok %v", err, c.ok)
			}
			if err != nil && ErrorCode(err) != CodeSignatureInvalid {
				t.Errorf("code = %s, want %s", ErrorCode(err), CodeSignatureInvalid)
			}
		})
	}
}

func TestParsePublicKey(t *testing.T) {
	pub := vectorKey().Public().(ed25519.PublicKey)
	got, err := ParsePublicKey(EncodePublicKey(pub))
	if err != nil || !got.Equal(pub) {
		t.Fatalf("round trip = %v, %v", got, err)
	}
	for _, s := range []string{"", "AAAA", "ebVWLo/mVPlAeLES6KmLp5AfhTrmlb7X4OORC60Elm", "!!!!"} {
		if _, err := ParsePublicKey(s); ErrorCode(err) != CodeSignatureInvalid {
			t.Errorf("ParsePublicKey(%q) = %v, want %s", s, err, CodeSignatureInvalid)
		}
	}
}
