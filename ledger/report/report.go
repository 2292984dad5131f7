// Package report writes what the ledger's settlement and figures give as
// the files people use: the settlement as CSV, one row per act line; an
// expense note ("onkostennota") per organiser and payer as PDF, in the
// city's layout; a zip of a period's notes; and each of the steering
// group's figures as an SVG chart and a CSV. Everything is computed by
// the ledger; this package only lays it out, so a back-office page that
// shows a figure or offers a download is a thin call of these.
package report

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/balie/balie"
	"github.com/balie/balie/ledger"
)

// Organiser is what an expense note says of an organiser: the back
// office's organiser (balie.Organiser) with its contact and account.
type Organiser struct {
	ID            string
	Name          string
	Kind          string // DEPARTMENT, ASSOCIATION, PARTNER, MUNICIPALITY
	Contact       string // a person, an address
	Email         string
	Phone         string
	AccountHolder string
	IBAN          string
}

// Payer is a government that pays a share: a city, a municipality, a
// region.
type Payer struct {
	ID      string
	Name    string
	Address string
}

// Directory names the parties of a settlement.
type Directory struct {
	Organisers     map[string]Organiser
	Payers         map[string]Payer
	Municipalities map[string]string // postal code -> municipality
	CardSystems    map[string]string // id -> name
	Departments    map[string]string // id -> name (departments that are no organiser)
}

// Organiser is the organiser with id, named by its id when unknown.
func (d Directory) Organiser(id string) Organiser {
	if o, ok := d.Organisers[id]; ok {
		return o
	}
	return Organiser{ID: id, Name: id}
}

// PayerName names a payer.
func (d Directory) PayerName(id string) string {
	if p, ok := d.Payers[id]; ok && p.Name != "" {
		return p.Name
	}
	if n := d.CardSystems[id]; n != "" {
		return n
	}
	return id
}

// Municipality names a holder's municipality by their postal code.
func (d Directory) Municipality(pc string) string {
	if n := d.Municipalities[pc]; n != "" {
		return pc + " " + n
	}
	return pc
}

// DepartmentName names a department: an organiser's name, or its id.
func (d Directory) DepartmentName(id string) string {
	if o, ok := d.Organisers[id]; ok {
		return o.Name
	}
	if n := d.Departments[id]; n != "" {
		return n
	}
	if p, ok := d.Payers[id]; ok && p.Name != "" {
		return p.Name
	}
	if n := d.CardSystems[id]; n != "" {
		// A region's share: the region is its card system.
		return n
	}
	return id
}

// ReadDirectory reads the parties from the ledger: its organisers, card
// systems, the payers its agreements name and the back office's
// municipalities (a municipality pays for its residents).
func ReadDirectory(ctx context.Context, l *ledger.Ledger) (Directory, error) {
	d := Directory{Organisers: map[string]Organiser{}, Payers: map[string]Payer{}, Municipalities: map[string]string{},
		CardSystems: map[string]string{}, Departments: map[string]string{}}
	err := l.Store().Read(ctx, func(tx ledger.ReadTx) error {
		if err := tx.Entities(balie.ChangeOrganiser, "", func(id string, data []byte) error {
			var o balie.Organiser
			if err := json.Unmarshal(data, &o); err != nil {
				return fmt.Errorf("organiser %s: %w", id, err)
			}
			d.Organisers[id] = Organiser{ID: id, Name: o.Name, Kind: o.Kind, Contact: o.Contact.Name, Email: o.Contact.Email,
				Phone: o.Contact.Phone, AccountHolder: o.AccountHolder, IBAN: o.IBAN.String()}
			return nil
		}); err != nil {
			return err
		}
		if err := tx.Entities(balie.ChangeCardSystem, "", func(id string, data []byte) error {
			var c balie.CardSystem
			if err := json.Unmarshal(data, &c); err != nil {
				return fmt.Errorf("card system %s: %w", id, err)
			}
			d.CardSystems[id] = c.Name
			return nil
		}); err != nil {
			return err
		}
		if err := tx.Entities(ledger.KindAgreement, "", func(id string, data []byte) error {
			var a balie.CostAgreement
			if err := json.Unmarshal(data, &a); err != nil {
				return fmt.Errorf("agreement %s: %w", id, err)
			}
			if a.Payer != "" && a.PayerName != "" {
				d.Payers[a.Payer] = Payer{ID: a.Payer, Name: a.PayerName}
			}
			return nil
		}); err != nil {
			return err
		}
		return tx.Entities(ledger.KindMunicipality, "", func(id string, data []byte) error {
			var m balie.Municipality
			if err := json.Unmarshal(data, &m); err != nil {
				return fmt.Errorf("municipality %s: %w", id, err)
			}
			for _, pc := range m.PostalCodes {
				d.Municipalities[pc] = m.Name
			}
			if _, ok := d.Payers[id]; !ok {
				d.Payers[id] = Payer{ID: id, Name: m.Name}
			}
			return nil
		})
	})
	return d, err
}

func tr(lang, nl, en string) string {
	if lang == "en" {
		return en
	}
	return nl
}

func money(c balie.Cents, lang string) string { return c.Format(lang) }
