package store

import (
	"context"
	"testing"

	"github.com/balie/balie"
)

func TestDB_RewardsAndPrograms(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "desk-box")
	rs, err := f.db.Rewards(ctx, "org-cc")
	if err != nil || len(rs) != 2 || rs[0].ID != "r-welcome" || rs[1].Points != 5 {
		t.Errorf("Rewards(org-cc) = %+v, %v; want the welcome gift (0 points) then the coffee (5)", rs, err)
	}
	if rs, _ := f.db.Rewards(ctx, "org-sport"); len(rs) != 0 {
		t.Errorf("Rewards(org-sport) = %+v, want none", rs)
	}
	desks, err := f.db.Desks(ctx)
	if err != nil || len(desks) != 3 || desks[0].Name != "BKO" || desks[2].Mode != balie.DeskSports {
		t.Errorf("Desks = %+v, %v; want the three desks by name", desks, err)
	}
	ps, err := f.db.Programs(ctx, "org-sport")
	if err != nil || len(ps) != 1 || ps[0].Name != "Sportpas" || ps[0].SocialPrice != 1000 {
		t.Errorf("Programs(org-sport) = %+v, %v; want the sports pass", ps, err)
	}
}
