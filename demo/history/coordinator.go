package history

import (
	"context"
	"fmt"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	"github.com/balie/balie/ledger"
)

// Coordinator returns the demo city's coordinator (demo.CoordinatorName
// with demo.CoordinatorPassword), made through the back office's write
// path the first time: the account the demo's back office is opened
// with, and the one whose name the audit log gives to the history's
// month closes. ledger seed --demo and balie --demo both call it, so the
// demo has one coordinator however it was made.
func Coordinator(ctx context.Context, l *ledger.Ledger) (ledger.Actor, error) {
	us, err := l.Users(ctx)
	if err != nil {
		return ledger.Actor{}, fmt.Errorf("demo coordinator: %w", err)
	}
	for _, u := range us {
		if u.Name == demo.CoordinatorName {
			return ledger.ActorOf(u), nil
		}
	}
	u, err := l.SaveUser(ctx, ledger.Seed(), ledger.UserInput{Name: demo.CoordinatorName, FullName: "Coördinator van de demostad",
		Role: balie.OfficeCoordinator, Password: demo.CoordinatorPassword})
	if err != nil {
		return ledger.Actor{}, fmt.Errorf("demo coordinator: %w", err)
	}
	return ledger.ActorOf(u), nil
}
