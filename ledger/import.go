package ledger

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/balie/balie"
	balisync "github.com/balie/balie/sync"
)

// ImportColumns are the columns of a holders CSV, in order; the last two
// may be left out. A first line that starts with "id" is a header.
var ImportColumns = []string{"id", "first_name", "last_name", "birth_date", "postal_code", "card_number", "card_system", "social_state", "social_end"}

// Refused is a line of an import that was not imported, and why.
type Refused struct {
	Line int
	NL   string
	EN   string
}

// ImportReport says what an import did.
type ImportReport struct {
	Imported int
	Refused  []Refused
}

// importBatch is how many good rows one transaction writes.
const importBatch = 1000

type importRow struct {
	line   int
	holder balie.Holder
	card   balie.Card
}

// ImportHolders reads holders with their card from a CSV (see
// ImportColumns), checks every row by the domain's rules and imports the
// good rows in batches, each with its change-log rows. A holder already
// in the ledger is updated and keeps its points; a card that belongs to
// another holder is refused. progress, when set, is called after every
// batch with the number of lines read.
func (l *Ledger) ImportHolders(ctx context.Context, r io.Reader, progress func(lines int)) (ImportReport, error) {
	var rep ImportReport
	systems, err := l.cardSystems(ctx)
	if err != nil {
		return rep, err
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true
	ids, cards := map[string]int{}, map[balie.CardNumber]int{} // first line of each in the file
	var batch []importRow
	refuse := func(line int, e *balie.Error) {
		rep.Refused = append(rep.Refused, Refused{Line: line, NL: e.NL, EN: e.EN})
	}
	flush := func(lines int) error {
		n, err := l.importRows(ctx, batch, refuse)
		rep.Imported += n
		batch = batch[:0]
		if progress != nil {
			progress(lines)
		}
		return err
	}
	line := 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line++
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && !errors.Is(pe.Err, csv.ErrFieldCount) {
				refuse(line, balie.Errorf(balie.CodeAmountInvalid, "deze regel is geen geldige CSV (%v)", "this line is not valid CSV (%v)", pe.Err))
				continue
			}
			return rep, fmt.Errorf("read CSV: %w", err)
		}
		if line == 1 && len(rec) > 0 && strings.EqualFold(strings.TrimSpace(rec[0]), "id") {
			continue
		}
		row, perr := parseImportRow(rec, systems)
		if perr != nil {
			refuse(line, perr)
			continue
		}
		if first, ok := ids[row.holder.ID]; ok {
			refuse(line, balie.Errorf(balie.CodeHolderUnknown, "pashouder %s staat al op regel %d", "holder %s is already on line %d", row.holder.ID, first))
			continue
		}
		if first, ok := cards[row.card.Number]; ok {
			refuse(line, balie.Errorf(balie.CodeCardNumberCheck, "kaart %s staat al op regel %d", "card %s is already on line %d", row.card.Number, first))
			continue
		}
		ids[row.holder.ID], cards[row.card.Number] = line, line
		row.line = line
		batch = append(batch, row)
		if len(batch) == importBatch {
			if err := flush(line); err != nil {
				return rep, err
			}
		}
	}
	if err := flush(line); err != nil {
		return rep, err
	}
	return rep, nil
}

func (l *Ledger) cardSystems(ctx context.Context) (map[string]bool, error) {
	out := map[string]bool{}
	err := l.store.Read(ctx, func(tx ReadTx) error {
		return tx.Entities(balie.ChangeCardSystem, "", func(id string, _ []byte) error {
			out[id] = true
			return nil
		})
	})
	return out, wrap("read card systems", err)
}

// parseImportRow checks one CSV row.
func parseImportRow(rec []string, systems map[string]bool) (importRow, *balie.Error) {
	var row importRow
	if len(rec) < 7 || len(rec) > 9 {
		return row, balie.Errorf(balie.CodeAmountInvalid, "verwacht 7 tot 9 kolommen (%s), niet %d", "expected 7 to 9 columns (%s), not %d",
			strings.Join(ImportColumns, ","), len(rec))
	}
	f := make([]string, 9)
	for i, v := range rec {
		f[i] = strings.TrimSpace(v)
	}
	h := balie.Holder{ID: f[0], FirstName: f[1], LastName: f[2], PostalCode: f[4], CardSystems: []string{f[6]}}
	switch {
	case h.ID == "" || strings.ContainsAny(h.ID, " ,/\t"):
		return row, balie.Errorf(balie.CodeHolderUnknown, "het id %q is leeg of bevat een spatie, komma of schuine streep", "the id %q is empty or holds a space, comma or slash", h.ID)
	case h.FirstName == "" || h.LastName == "":
		return row, balie.Errorf(balie.CodeHolderUnknown, "voornaam en naam zijn verplicht", "first name and last name are required")
	case h.PostalCode == "":
		return row, balie.Errorf(balie.CodeHolderUnknown, "de postcode ontbreekt", "the postal code is missing")
	}
	birth, err := time.ParseInLocation(dbDate, f[3], balie.Brussels())
	if err != nil || birth.Year() < 1900 || birth.After(time.Now()) {
		return row, balie.Errorf(balie.CodeHolderUnknown, "de geboortedatum %q is geen datum JJJJ-MM-DD in het verleden", "the birth date %q is not a date YYYY-MM-DD in the past", f[3])
	}
	h.BirthDate = birth
	n, err := balie.ParseCardNumber(f[5])
	if err != nil {
		e, _ := balie.AsError(err)
		return row, balie.Errorf(e.Code, "kaartnummer %[1]q: %[2]s", "card number %[1]q: %[3]s", f[5], e.NL, e.EN)
	}
	if !systems[f[6]] {
		return row, balie.Errorf(balie.CodeCardUnknown, "kaartsysteem %q staat niet in de ledger", "card system %q is not in the ledger", f[6])
	}
	switch st := balie.SocialTariffState(strings.ToUpper(f[7])); st {
	case balie.SocialNone, balie.SocialActive, balie.SocialExpired, balie.SocialSuspended:
		h.SocialTariff.State = st
	default:
		return row, balie.Errorf(balie.CodeHolderUnknown, "kansenstatuut %q is niet ACTIVE, EXPIRED of SUSPENDED", "social tariff state %q is not ACTIVE, EXPIRED or SUSPENDED", f[7])
	}
	if f[8] != "" {
		end, err := time.ParseInLocation(dbDate, f[8], balie.Brussels())
		if err != nil {
			return row, balie.Errorf(balie.CodeHolderUnknown, "de einddatum van het kansenstatuut %q is geen datum JJJJ-MM-DD", "the social tariff end %q is not a date YYYY-MM-DD", f[8])
		}
		h.SocialTariff.EndDate = end
	}
	row.holder = h
	row.card = balie.Card{Number: n, Status: balie.CardActive, CardSystem: f[6], HolderID: h.ID}
	return row, nil
}

// importRows writes good rows in one transaction; a card that belongs to
// another holder in the ledger is refused there. A transaction holds at
// most importBatch rows, so a serving ledger's uploads wait a moment at
// most.
func (l *Ledger) importRows(ctx context.Context, rows []importRow, refuse func(int, *balie.Error)) (int, error) {
	if len(rows) == 0 {
		return 0, nil
	}
	var n int
	var refused []Refused
	err := l.store.Write(ctx, func(tx WriteTx) error {
		n, refused = 0, refused[:0]
		for _, row := range rows {
			h, c := row.holder, row.card
			existingCard, ok, err := tx.Card(c.Number)
			if err != nil {
				return err
			}
			if ok && existingCard.HolderID != h.ID {
				who := existingCard.HolderID
				if who == "" {
					who = "de voorraad"
				}
				e := balie.Errorf(balie.CodeCardNotInStock, "kaart %s hoort al bij %s", "card %s already belongs to %s", c.Number, who)
				refused = append(refused, Refused{Line: row.line, NL: e.NL, EN: e.EN})
				continue
			}
			c.ChipUID = existingCard.ChipUID
			existing, ok, err := tx.Holder(h.ID)
			if err != nil {
				return err
			}
			if ok {
				h.Points = existing.Points
				for _, s := range existing.CardSystems {
					if !slices.Contains(h.CardSystems, s) {
						h.CardSystems = append(h.CardSystems, s)
					}
				}
				h.SocialTariff.GraceEnd = existing.SocialTariff.GraceEnd
			}
			if err := tx.PutHolder(h, 0); err != nil {
				return err
			}
			if err := tx.Change(Change{Kind: balisync.ChangeHolder, Key: h.ID, Data: mustJSON(h)}); err != nil {
				return err
			}
			if err := putCard(tx, c); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, wrap("import", err)
	}
	for _, r := range refused {
		refuse(r.Line, &balie.Error{Code: balie.CodeCardNotInStock, NL: r.NL, EN: r.EN})
	}
	return n, nil
}
