// Package ledger is the core of the central ledger: it receives every
// terminal's journal and decides each act by its own rules and catalogue
// (a desk's claim is checked, never trusted), keeps the directory and its
// change log, enrols terminals and answers the reads the reports and the
// back office make. Everything that changes the ledger goes through this
// package, in the transactions of a Store; the engines (ledger/sqlite,
// ledger/postgres) only keep what it decided, and the HTTP layer
// (ledger/httpapi) only carries it.
package ledger

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/balie/balie"
	balisync "github.com/balie/balie/sync"
)

// Problem is an error answer of the protocol.
type Problem = balisync.Problem

// Options tune New. The zero value is what a ledger runs with.
type Options struct {
	Now    func() time.Time // the clock; time.Now when nil
	Logger *slog.Logger     // discards when nil
	// Passwords are the back office's argon2id costs; RFC 9106's second
	// recommendation when zero (tests make them cheap).
	Passwords PasswordParams
	// HolderCountsAge is how old the directory's holder counts of the
	// steering group's figures may be: counting a million holders takes
	// seconds, a dashboard must answer at once, so a count older than
	// this is made again in the background while the older one is
	// shown. A minute when zero; negative counts every time.
	HolderCountsAge time.Duration
}

// Ledger is the ledger's service layer over a Store.
type Ledger struct {
	store Store
	now   func() time.Time
	log   *slog.Logger

	passwords PasswordParams
	hashing   chan struct{} // bounds the argon2id hashes at once
	dummyOnce sync.Once
	dummy     string
	contacts  *contacts
	countsAge time.Duration
	counts    holderCountsCache
}

// New makes the service layer over s; the Ledger owns s and closes it.
func New(s Store, opts Options) *Ledger {
	l := &Ledger{store: s, now: opts.Now, log: opts.Logger, passwords: opts.Passwords.withDefaults(), hashing: make(chan struct{}, 2),
		countsAge: opts.HolderCountsAge}
	l.contacts = newContacts()
	if l.countsAge == 0 {
		l.countsAge = time.Minute
	}
	if l.now == nil {
		l.now = time.Now
	}
	if l.log == nil {
		l.log = slog.New(slog.DiscardHandler)
	}
	return l
}

// Store is the storage the ledger runs on.
func (l *Ledger) Store() Store { return l.store }

// Close flushes what the store holds in memory and closes it.
func (l *Ledger) Close() error { return l.store.Close() }

// Now is the ledger's clock.
func (l *Ledger) Now() time.Time { return l.now() }

// Ping reports whether the database can be read.
func (l *Ledger) Ping(ctx context.Context) error {
	return l.store.Read(ctx, func(tx ReadTx) error {
		_, _, err := tx.Meta(metaCreated)
		return err
	})
}

// Init marks a new ledger with the moment it was made; an existing one is
// left as it is. Every write command calls it, so a ledger made by any of
// them reads the same.
func (l *Ledger) Init(ctx context.Context) error {
	return l.store.Write(ctx, func(tx WriteTx) error {
		if _, ok, err := tx.Meta(metaCreated); err != nil || ok {
			return err
		}
		return tx.SetMeta(metaCreated, l.now().UTC().Format(time.RFC3339))
	})
}

// Meta keys.
const (
	metaCreated = "created"
)

// DirectoryStats counts the directory, for operators.
type DirectoryStats struct {
	Holders, Cards, Events, Changes int
}

// Stats counts the directory and the change log.
func (l *Ledger) Stats(ctx context.Context) (DirectoryStats, error) {
	var s DirectoryStats
	err := l.store.Read(ctx, func(tx ReadTx) error {
		var err error
		s, err = tx.Stats()
		return err
	})
	return s, err
}

// errorsAs is errors.As for a *balie.Error, for the operator's sentences.
func asDomain(err error) (*balie.Error, bool) {
	var e *balie.Error
	ok := errors.As(err, &e)
	return e, ok
}

func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	if _, ok := asDomain(err); ok {
		return err
	}
	return fmt.Errorf("%s: %w", op, err)
}
