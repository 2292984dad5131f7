package postgres

import (
	"errors"
	"fmt"
	"testing"

	"github.com/balie/balie/ledger"
	"github.com/jackc/pgx/v5/pgconn"
)

// TestClassify: what PostgreSQL answers becomes what the core acts on: a
// wait that timed out or a full server is ErrBusy (the terminal retries
// later), a deadlock or a serialization failure is tried again here, and
// the core's own errors pass untouched.
func TestClassify(t *testing.T) {
	pgErr := func(code string) error {
		return fmt.Errorf("lock holders: %w", &pgconn.PgError{Code: code, Message: "x"})
	}
	tests := []struct {
		name      string
		err       error
		busy      bool
		retryable bool
	}{
		{"lock timeout", pgErr(codeLockTimeout), true, false},
		{"statement timeout", pgErr(codeQueryCanceled), true, false},
		{"too many connections", pgErr(codeTooMany), true, false},
		{"deadlock", pgErr(codeDeadlock), false, true},
		{"serialization failure", pgErr(codeSerialization), false, true},
		{"two uploads make one holder", pgErr(codeUnique), false, true},
		{"a syntax error", pgErr("42601"), false, false},
		{"an id taken", ledger.ErrIDTaken, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := classify("store batch", tt.err)
			if errors.Is(got, ledger.ErrBusy) != tt.busy {
				t.Errorf("classify = %v, busy want %v", got, tt.busy)
			}
			if !errors.Is(got, tt.err) && !errors.Is(got, errors.Unwrap(tt.err)) {
				t.Errorf("classify lost the cause: %v", got)
			}
			if retryable(tt.err) != tt.retryable {
				t.Errorf("retryable = %v, want %v", !tt.retryable, tt.retryable)
			}
		})
	}
	if got := classify("x", ledger.ErrIDTaken); got != ledger.ErrIDTaken {
		t.Errorf("ErrIDTaken came back as %v", got)
	}
}
