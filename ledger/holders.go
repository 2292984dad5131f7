package ledger

import (
	"context"
	"errors"
	"strings"

	"github.com/balie/balie"
	balisync "github.com/balie/balie/sync"
	"github.com/google/uuid"
)

// Holders as the back office keeps them: search, registration, cards,
// the social-tariff status the welfare officer sets, and the national
// register number (INSZ), which the ledger keeps alone: it is never in a
// change, a snapshot or an answer to a terminal but the card it finds.

// maskINSZ shows the last two digits only, for the audit log.
func maskINSZ(n balie.INSZ) string {
	if len(n) < 2 {
		return ""
	}
	return "*********" + string(n[len(n)-2:])
}

// holderView is a holder in the audit log, with the INSZ masked.
type holderView struct {
	balie.Holder
	INSZ string `json:",omitempty"`
}

// SearchHolders finds holders by card number, by INSZ (for who may see
// it) or by the start of their names, "peeters", "peeters t" or "tom
// peeters", at most limit.
func (l *Ledger) SearchHolders(ctx context.Context, a Actor, q string, limit int) ([]balie.Holder, error) {
	if !a.Access.Holders() && a.Access.Role != balie.OfficeOrganiser {
		return nil, forbidden()
	}
	q = strings.TrimSpace(q)
	if q == "" {
		return nil, nil
	}
	var out []balie.Holder
	err := l.store.Read(ctx, func(tx ReadTx) error {
		id := ""
		if n, err := balie.ParseCardNumber(q); err == nil {
			c, ok, err := tx.Card(n)
			if err != nil {
				return err
			}
			if ok {
				id = c.HolderID
			}
		} else if insz, err := balie.ParseINSZ(q); err == nil && strings.Trim(q, "0123456789.- ") == "" {
			if !a.Access.SocialTariff() {
				return forbidden()
			}
			var ok bool
			if id, ok, err = tx.HolderByINSZ(insz); err != nil || !ok {
				return err
			}
		} else {
			key := balie.SearchKey(q)
			if key == "" {
				return nil
			}
			var err error
			out, err = tx.SearchHolders(key, limit)
			return err
		}
		if id == "" {
			return nil
		}
		h, ok, err := tx.Holder(id)
		if ok {
			out = append(out, h)
		}
		return err
	})
	return out, wrap("search holders", err)
}

// HolderFile is everything the back office shows of a holder.
type HolderFile struct {
	Holder      balie.Holder
	Cards       []balie.Card
	Memberships []balie.Membership
	History     []StoredEvent // the acts that changed their points, newest first
	INSZ        balie.INSZ    // for who may see it
	Child       *balie.Child  // their childcare enrolment, for who may see it
}

// HolderFile reads a holder's file.
func (l *Ledger) HolderFile(ctx context.Context, a Actor, id string) (HolderFile, error) {
	if !a.Access.Holders() && a.Access.Role != balie.OfficeOrganiser {
		return HolderFile{}, forbidden()
	}
	var f HolderFile
	err := l.store.Read(ctx, func(tx ReadTx) error {
		h, ok, err := tx.Holder(id)
		if err != nil {
			return err
		}
		if !ok {
			return balie.Errorf(balie.CodeHolderUnknown, "Pashouder %s is onbekend.", "Pass holder %s is unknown.", id)
		}
		f.Holder = h
		if f.Cards, err = tx.HolderCards(id); err != nil {
			return err
		}
		if f.Memberships, err = tx.Memberships(id); err != nil {
			return err
		}
		if err := tx.HolderEvents(id, 50, func(e StoredEvent) error {
			f.History = append(f.History, e)
			return nil
		}); err != nil {
			return err
		}
		if a.Access.SocialTariff() {
			if f.INSZ, _, err = tx.HolderINSZ(id); err != nil {
				return err
			}
		}
		c, ok, err := entity[balie.Child](tx, balie.ChangeChild, id)
		if err == nil && ok && a.Access.SeesOrganiser(c.ProviderID) {
			f.Child = &c
		}
		return err
	})
	return f, wrap("read holder", err)
}

// NewHolder is a holder the back office registers, with their first card
// and, optionally, their national register number.
type NewHolder struct {
	Holder balie.Holder
	Card   string
	INSZ   string
}

func cardInUse(n balie.CardNumber) error {
	return balie.Errorf(balie.CodeIDTaken, "Kaart %[1]s is al in gebruik.", "Card %[1]s is in use already.", n)
}

// RegisterHolder registers a holder with their first card, a new number
// or one of a desk's stock.
func (l *Ledger) RegisterHolder(ctx context.Context, a Actor, in NewHolder) (string, error) {
	if !a.Access.Holders() {
		return "", forbidden()
	}
	h := in.Holder
	h.FirstName, h.LastName, h.PostalCode = strings.TrimSpace(h.FirstName), strings.TrimSpace(h.LastName), strings.TrimSpace(h.PostalCode)
	if err := balie.ValidateNewHolder(h, l.now()); err != nil {
		return "", err
	}
	n, err := balie.ParseCardNumber(in.Card)
	if err != nil {
		return "", err
	}
	var insz balie.INSZ
	if strings.TrimSpace(in.INSZ) != "" {
		if insz, err = balie.ParseINSZ(in.INSZ); err != nil {
			return "", err
		}
	}
	if len(h.CardSystems) == 0 || h.CardSystems[0] == "" {
		return "", balie.Errorf(balie.CodeReferenceUnknown, "Kies het kaartsysteem van de pashouder.", "Choose the holder's card system.")
	}
	h.ID = "h-" + uuid.Must(uuid.NewV7()).String()
	h.Points = 0
	err = l.office(ctx, a, "register holder", func(o *officeTx) error {
		if _, err := must[balie.CardSystem](o, balie.ChangeCardSystem, h.CardSystems[0], "Kaartsysteem", "Card system"); err != nil {
			return err
		}
		if c, ok, err := o.tx.Card(n); err != nil {
			return err
		} else if ok && c.Status != balie.CardLocalStock {
			return cardInUse(n)
		}
		if err := o.tx.PutHolder(h, 0); err != nil {
			return err
		}
		if err := o.tx.Change(Change{Kind: balie.ChangeHolder, Key: h.ID, Data: mustJSON(h)}); err != nil {
			return err
		}
		if err := putCard(o.tx, balie.Card{Number: n, Status: balie.CardActive, CardSystem: h.CardSystems[0], HolderID: h.ID}); err != nil {
			return err
		}
		if insz != "" {
			if err := o.setINSZ(h.ID, insz); err != nil {
				return err
			}
		}
		return o.audit("holder.register", balie.ChangeHolder, h.ID, "", nil, holderView{Holder: h, INSZ: maskINSZ(insz)})
	})
	return h.ID, err
}

func (o *officeTx) setINSZ(holder string, n balie.INSZ) error {
	if err := o.tx.SetINSZ(holder, n); err != nil {
		if errors.Is(err, ErrIDTaken) {
			return balie.Errorf(balie.CodeIDTaken, "Dit rijksregisternummer hoort al bij een andere pashouder.", "This national register number belongs to another holder already.")
		}
		return err
	}
	return nil
}

// SetINSZ keeps a holder's national register number, or removes it (raw
// empty): the welfare officer's or the coordinator's to do.
func (l *Ledger) SetINSZ(ctx context.Context, a Actor, holder, raw string) error {
	if !a.Access.SocialTariff() {
		return forbidden()
	}
	var n balie.INSZ
	if strings.TrimSpace(raw) != "" {
		var err error
		if n, err = balie.ParseINSZ(raw); err != nil {
			return err
		}
	}
	return l.office(ctx, a, "set national number", func(o *officeTx) error {
		if _, ok, err := o.tx.Holder(holder); err != nil {
			return err
		} else if !ok {
			return refUnknown("Pashouder", "Pass holder", holder)
		}
		old, _, err := o.tx.HolderINSZ(holder)
		if err != nil {
			return err
		}
		if err := o.setINSZ(holder, n); err != nil {
			return err
		}
		return o.audit("holder.insz", "insz", holder, "", map[string]string{"INSZ": maskINSZ(old)}, map[string]string{"INSZ": maskINSZ(n)})
	})
}

// SetSocialTariff sets a holder's social-tariff status with its end date
// and the reason, which the audit log keeps: the welfare officer's or
// the coordinator's to do. The desks learn it at their next sync.
func (l *Ledger) SetSocialTariff(ctx context.Context, a Actor, holder string, st balie.SocialTariff, reason string) error {
	if !a.Access.SocialTariff() {
		return forbidden()
	}
	reason = strings.TrimSpace(reason)
	if err := balie.ValidateSocialTariff(st, reason); err != nil {
		return err
	}
	return l.office(ctx, a, "set social tariff", func(o *officeTx) error {
		h, ok, err := o.tx.Holder(holder)
		if err != nil {
			return err
		}
		if !ok {
			return refUnknown("Pashouder", "Pass holder", holder)
		}
		before := h.SocialTariff
		h.SocialTariff = st
		if err := o.tx.PutHolder(h, h.Points); err != nil {
			return err
		}
		if err := o.tx.Change(Change{Kind: balie.ChangeHolder, Key: h.ID, Data: mustJSON(h)}); err != nil {
			return err
		}
		return o.audit("holder.social_tariff", balie.ChangeHolder, h.ID, "", before, struct {
			balie.SocialTariff
			Reason string
		}{st, reason})
	})
}

// BlockCard blocks a lost or stolen card: every desk refuses it from its
// next sync on.
func (l *Ledger) BlockCard(ctx context.Context, a Actor, raw string) error {
	if !a.Access.Holders() {
		return forbidden()
	}
	n, err := balie.ParseCardNumber(raw)
	if err != nil {
		return err
	}
	return l.office(ctx, a, "block card", func(o *officeTx) error {
		c, ok, err := o.tx.Card(n)
		if err != nil {
			return err
		}
		if !ok {
			return balie.Errorf(balie.CodeCardUnknown, "Kaart %s is onbekend.", "Card %s is unknown.", n)
		}
		if c.Status != balie.CardActive {
			return balie.UsableCard(c)
		}
		before := c
		c.Status = balie.CardBlocked
		if err := putCard(o.tx, c); err != nil {
			return err
		}
		return o.audit("card.block", balie.ChangeCard, string(n), "", before, c)
	})
}

// ReplaceCard gives a holder a new card for their card, for a reason (a
// lost or stolen card is blocked, another is no longer valid).
func (l *Ledger) ReplaceCard(ctx context.Context, a Actor, oldRaw, newRaw string, reason balie.PurchaseReason) error {
	if !a.Access.Holders() {
		return forbidden()
	}
	oldN, err := balie.ParseCardNumber(oldRaw)
	if err != nil {
		return err
	}
	newN, err := balie.ParseCardNumber(newRaw)
	if err != nil {
		return err
	}
	if reason != balie.ReasonReplaceLost && reason != balie.ReasonReplaceStolen && reason != balie.ReasonReplaceDefect {
		return balie.Errorf(balie.CodeReasonInvalid, "Kies waarom de kaart vervangen wordt: verloren, gestolen of defect.",
			"Choose why the card is replaced: lost, stolen or defective.")
	}
	return l.office(ctx, a, "replace card", func(o *officeTx) error {
		old, ok, err := o.tx.Card(oldN)
		if err != nil {
			return err
		}
		if !ok || old.HolderID == "" {
			return balie.Errorf(balie.CodeCardUnknown, "Kaart %s is onbekend of niet verkocht.", "Card %s is unknown or not sold.", oldN)
		}
		if c, ok, err := o.tx.Card(newN); err != nil {
			return err
		} else if ok && c.Status != balie.CardLocalStock {
			return cardInUse(newN)
		}
		before := old
		old.Status = balie.ReplacedCardStatus(reason)
		if err := putCard(o.tx, old); err != nil {
			return err
		}
		nc := balie.Card{Number: newN, Status: balie.CardActive, CardSystem: old.CardSystem, HolderID: old.HolderID}
		if err := putCard(o.tx, nc); err != nil {
			return err
		}
		return o.audit("card.replace", balie.ChangeCard, string(oldN), "", before, map[string]any{"Old": old, "New": nc, "Reason": reason})
	})
}

// LookupINSZ finds the card of a holder by their national register
// number, for a terminal online: the holder's id and their newest usable
// card, nothing of the number itself.
func (l *Ledger) LookupINSZ(ctx context.Context, terminal, raw string) (balisync.INSZResponse, *Problem) {
	n, err := balie.ParseINSZ(raw)
	if err != nil {
		de, _ := balie.AsError(err)
		return balisync.INSZResponse{}, problemINSZ(de)
	}
	var resp balisync.INSZResponse
	found := false
	err = l.store.Read(ctx, func(tx ReadTx) error {
		id, ok, err := tx.HolderByINSZ(n)
		if err != nil || !ok {
			return err
		}
		cards, err := tx.HolderCards(id)
		if err != nil {
			return err
		}
		for _, c := range cards {
			if c.Status == balie.CardActive && (!found || c.Number > balie.CardNumber(resp.Card)) {
				resp, found = balisync.INSZResponse{Holder: id, Card: string(c.Number)}, true
			}
		}
		return nil
	})
	if err != nil {
		l.log.Error("look up national number", "err", err)
		return balisync.INSZResponse{}, problemInternal()
	}
	if !found {
		return balisync.INSZResponse{}, problemINSZUnknown()
	}
	l.log.Info("national number looked up", "terminal", terminal)
	return resp, nil
}
