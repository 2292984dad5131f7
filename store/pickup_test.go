package store

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/balie/balie"
)

// TestDB_SignOut_pickupProof: a child leaves only with an adult of her
// list who shows their own card or her pick-up code; a name is no proof,
// and every refusal stays in the journal with who tried.
func TestDB_SignOut_pickupProof(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name   string
		proof  balie.PickupProof
		ok     bool
		who    string // the adult named on the sign-out
		holder string // who tried, on the refusal
		method string
	}{
		{"the adult's own card", balie.PickupProof{HolderID: "h-regular"}, true, "Els Peeters", "", ""},
		{"the pick-up code", balie.PickupProof{Code: "4321"}, true, "Sofie Janssens", "", ""},
		{"an authorised adult's name", balie.PickupProof{Code: "Sofie Janssens"}, false, "", "", balie.PickupByCode},
		{"a wrong code", balie.PickupProof{Code: "0000"}, false, "", "", balie.PickupByCode},
		{"a stranger's card", balie.PickupProof{HolderID: "h-social"}, false, "", "h-social", balie.PickupByCard},
		{"nothing", balie.PickupProof{}, false, "", "", balie.PickupByCode},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, "desk-bko")
			f.clock.Set(at(2026, 11, 25, 15, 40))
			if _, err := f.db.SignIn(ctx, staffClerk, "h-child"); err != nil {
				t.Fatal(err)
			}
			f.clock.Set(at(2026, 11, 25, 17, 5))
			out, err := f.db.SignOut(ctx, staffClerk, "h-child", c.proof)
			if c.ok {
				if err != nil || out.PickedUpBy != c.who {
					t.Fatalf("SignOut = %q, %v; want %q", out.PickedUpBy, err, c.who)
				}
				verify(t, f.db, 2)
				return
			}
			wantCode(t, err, balie.CodePickupNotAllowed)
			present, _ := f.db.Present(ctx)
			if len(present) != 1 {
				t.Errorf("%d present after a refusal, want the child still there", len(present))
			}
			from, _, _ := f.db.FirstPending(ctx)
			batch, err := f.db.UploadBatch(ctx, from, 10)
			if err != nil || len(batch) != 2 || batch[1].Kind != balie.KindPickupRefused {
				t.Fatalf("journal %+v, %v; want the sign-in and a refused pick-up", batch, err)
			}
			var p balie.PickupRefusedPayload
			if err := json.Unmarshal(batch[1].Payload, &p); err != nil {
				t.Fatal(err)
			}
			want := balie.PickupRefusedPayload{ChildID: "h-child", ProviderID: "org-bko", Method: c.method, HolderID: c.holder}
			if p != want || batch[1].Staff != staffClerk || !batch[1].Time.Equal(at(2026, 11, 25, 17, 5)) {
				t.Errorf("refusal %+v by %s at %s, want %+v by %s at 17:05", p, batch[1].Staff, batch[1].Time, want, staffClerk)
			}
			if c.proof.Code != "" && strings.Contains(string(batch[1].Payload), c.proof.Code) {
				t.Errorf("the refusal keeps the code typed: %s", batch[1].Payload)
			}
		})
	}
}
