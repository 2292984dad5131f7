package store

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"fmt"

	"github.com/balie/balie"
)

// Meta keys of the journal's signing key.
const (
	metaSigningKey    = "signing_key"    // base64 of the Ed25519 seed; never leaves the terminal
	metaKeyRegistered = "key_registered" // "1" once the ledger holds the public key
)

// signingKey returns the terminal's private key, making one the first
// time. Concurrent first calls agree: the first key written stays.
func (d *DB) signingKey(ctx context.Context) (ed25519.PrivateKey, error) {
	s, err := d.meta(ctx, d.db, metaSigningKey)
	if err != nil {
		return nil, err
	}
	if s == "" {
		seed := make([]byte, ed25519.SeedSize)
		if _, err := rand.Read(seed); err != nil {
			return nil, fmt.Errorf("make signing key: %w", err)
		}
		d.mu.Lock()
		_, err := d.db.ExecContext(ctx, `INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)`, metaSigningKey, base64.StdEncoding.EncodeToString(seed))
		d.mu.Unlock()
		if err != nil {
			return nil, d.classify("write signing key", err)
		}
		if s, err = d.meta(ctx, d.db, metaSigningKey); err != nil {
			return nil, err
		}
	}
	seed, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("read signing key: the stored key is damaged")
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// PublicKey is the public half of the terminal's signing key, as the
// ledger keeps it (balie.EncodePublicKey).
func (d *DB) PublicKey(ctx context.Context) (string, error) {
	k, err := d.signingKey(ctx)
	if err != nil {
		return "", err
	}
	return balie.EncodePublicKey(k.Public().(ed25519.PublicKey)), nil
}

// Sign signs the journal up to event e, which must be this journal's,
// and keeps the signature.
func (d *DB) Sign(ctx context.Context, e balie.JournalEvent) (string, error) {
	k, err := d.signingKey(ctx)
	if err != nil {
		return "", err
	}
	sig := balie.SignJournal(k, e)
	d.mu.Lock()
	defer d.mu.Unlock()
	// Only an event of this journal with this hash is signed: the
	// signature must say what the terminal recorded.
	res, err := d.db.ExecContext(ctx, `INSERT OR IGNORE INTO signatures(seq, signature) SELECT seq, ? FROM journal WHERE seq = ? AND id = ? AND hash = ?`,
		sig, e.Seq, e.ID, e.Hash)
	if err != nil {
		return "", d.classify("keep signature", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var have int
		if err := d.db.QueryRowContext(ctx, `SELECT count(*) FROM signatures WHERE seq = ? AND signature = ?`, e.Seq, sig).Scan(&have); err != nil || have == 0 {
			return "", fmt.Errorf("sign: seq %d is not this journal's event", e.Seq)
		}
	}
	return sig, nil
}

// KeyToRegister returns the public key when the ledger does not hold it
// yet (a terminal enrolled before journals were signed), "" when it does.
func (d *DB) KeyToRegister(ctx context.Context) (string, error) {
	done, err := d.meta(ctx, d.db, metaKeyRegistered)
	if err != nil || done == "1" {
		return "", err
	}
	return d.PublicKey(ctx)
}

// KeyRegistered records that the ledger holds the public key.
func (d *DB) KeyRegistered(ctx context.Context) error {
	return d.setMeta(ctx, metaKeyRegistered, "1")
}

// Signatures calls fn for every signature kept, in seq order.
func (d *DB) Signatures(ctx context.Context, fn func(seq int64, signature string) error) error {
	rows, err := d.db.QueryContext(ctx, `SELECT seq, signature FROM signatures ORDER BY seq`)
	if err != nil {
		return d.classify("read signatures", err)
	}
	defer rows.Close()
	for rows.Next() {
		var seq int64
		var sig string
		if err := rows.Scan(&seq, &sig); err != nil {
			return d.classify("read signatures", err)
		}
		if err := fn(seq, sig); err != nil {
			return err
		}
	}
	return d.classify("read signatures", rows.Err())
}

// VerifySignatures checks every signature kept against this terminal's
// public key and the event it signs, and returns how many verified and
// the highest seq they cover.
func (d *DB) VerifySignatures(ctx context.Context) (n int, upTo int64, err error) {
	k, err := d.signingKey(ctx)
	if err != nil {
		return 0, 0, err
	}
	pub := k.Public().(ed25519.PublicKey)
	type signed struct {
		seq int64
		sig string
	}
	var sigs []signed
	if err := d.Signatures(ctx, func(seq int64, sig string) error {
		sigs = append(sigs, signed{seq, sig})
		return nil
	}); err != nil {
		return 0, 0, err
	}
	for _, s := range sigs {
		es, err := d.journalPage(ctx, s.seq, 1)
		if err != nil {
			return n, upTo, err
		}
		if len(es) == 0 || es[0].Seq != s.seq {
			return n, upTo, fmt.Errorf("seq %d is signed but not in the journal", s.seq)
		}
		if err := balie.VerifyJournal(pub, es[0], s.sig); err != nil {
			return n, upTo, fmt.Errorf("seq %d: %w", s.seq, err)
		}
		n, upTo = n+1, s.seq
	}
	return n, upTo, nil
}
