package ledger

import (
	"context"
	"database/sql"
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
const importBatch = 5000

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
	rows, err := l.r.QueryContext(ctx, `SELECT id FROM card_systems`)
	if err != nil {
		return nil, l.classify("read card systems", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, l.classify("read card systems", err)
		}
		out[id] = true
	}
	return out, l.classify("read card systems", rows.Err())
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
// another holder in the ledger is refused there.
func (l *Ledger) importRows(ctx context.Context, rows []importRow, refuse func(int, *balie.Error)) (int, error) {
	if len(rows) == 0 {
		return 0, nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return 0, errors.New("import: ledger closed")
	}
	tx, err := l.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, l.classify("import", err)
	}
	defer tx.Rollback()
	n := 0
	for _, row := range rows {
		h, c := row.holder, row.card
		var owner, chip string
		err := tx.QueryRowContext(ctx, `SELECT holder_id, chip_uid FROM cards WHERE number = ?`, string(c.Number)).Scan(&owner, &chip)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return n, l.classify("import", err)
		case owner != h.ID:
			who := owner
			if who == "" {
				who = "de voorraad"
			}
			refuse(row.line, balie.Errorf(balie.CodeCardNotInStock, "kaart %s hoort al bij %s", "card %s already belongs to %s", c.Number, who))
			continue
		}
		c.ChipUID = balie.ChipUID(chip)
		existing, err := scanHolder(tx.QueryRowContext(ctx, `SELECT `+holderColumns+` FROM holders WHERE id = ?`, h.ID))
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if _, err := tx.ExecContext(ctx, `INSERT INTO holders(`+holderColumns+`, initial_points) VALUES (?,?,?,?,?,?,?,?,?,0,0)`, holderArgs(h)...); err != nil {
				return n, l.classify("import holder", err)
			}
		case err != nil:
			return n, l.classify("import", err)
		default:
			h.Points = existing.Points
			if p, ok := l.balance(h.ID); ok {
				h.Points = p
			}
			for _, s := range existing.CardSystems {
				if !slices.Contains(h.CardSystems, s) {
					h.CardSystems = append(h.CardSystems, s)
				}
			}
			h.SocialTariff.GraceEnd = existing.SocialTariff.GraceEnd
			args := append(holderArgs(h)[1:], h.ID)
			if _, err := tx.ExecContext(ctx, `UPDATE holders SET first_name = ?, last_name = ?, birth_date = ?, postal_code = ?, card_systems = ?,
				social_state = ?, social_end = ?, social_grace_end = ? WHERE id = ?`, args...); err != nil {
				return n, l.classify("import holder", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO cards(`+cardColumns+`) VALUES (?,?,?,?,?,?)
			ON CONFLICT(number) DO UPDATE SET status = excluded.status, card_system = excluded.card_system, holder_id = excluded.holder_id, stock_desk = ''`,
			string(c.Number), string(c.ChipUID), string(c.Status), c.CardSystem, c.HolderID, ""); err != nil {
			return n, l.classify("import card", err)
		}
		if _, err := tx.ExecContext(ctx, sqlChange, balisync.ChangeHolder, h.ID, mustJSON(h)); err != nil {
			return n, l.classify("import", err)
		}
		if _, err := tx.ExecContext(ctx, sqlChange, balisync.ChangeCard, string(c.Number), mustJSON(c)); err != nil {
			return n, l.classify("import", err)
		}
		n++
	}
	if err := tx.Commit(); err != nil {
		return 0, l.classify("import", err)
	}
	for _, row := range rows {
		l.cache.card(row.card.Number)
	}
	return n, nil
}
