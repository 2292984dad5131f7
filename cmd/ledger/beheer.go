package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/balie/balie"
	"github.com/balie/balie/ledger"
)

// The back office's commands, for the first coordinator and for scripted
// set-ups: each change goes through the same service layer as the back
// office's pages, with its audit entry (the actor is the operator).

func (c *command) operator() ledger.Actor {
	who := os.Getenv("USER")
	return ledger.Operator(who)
}

// readPassword reads a password from a file, or the first line of
// standard input: never from the command line, which others may see.
func readPassword(file string, stdin io.Reader) (string, error) {
	var r io.Reader = stdin
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return "", err
		}
		defer f.Close()
		r = f
	}
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func (c *command) userAdd(args []string) int {
	var db, name, full, role, org, pwFile string
	set := c.flags("user add", &db)
	set.StringVar(&name, "name", "", "the sign-in name, e.g. els.vandyck (required)")
	set.StringVar(&full, "full-name", "", "the person's name as the back office shows it")
	set.StringVar(&role, "role", "", "COORDINATOR, WELFARE, ORGANISER_ADMIN or STEERING (required)")
	set.StringVar(&org, "organiser", "", "with ORGANISER_ADMIN: the organiser they run")
	set.StringVar(&pwFile, "password-file", "", "read the password from this file; otherwise from the first line of standard input")
	if code, ok := c.parse(set, args, &db, 0, ""); !ok {
		return code
	}
	if name == "" || role == "" {
		fmt.Fprintln(c.stderr, "ledger user add: --name and --role are required")
		return exitUsage
	}
	pw, err := readPassword(pwFile, os.Stdin)
	if err != nil {
		c.say(fmt.Errorf("read password: %w", err))
		return exitFail
	}
	l, ok := c.open(db, readWrite)
	if !ok {
		return exitFail
	}
	defer l.Close()
	u, err := l.SaveUser(c.ctx, c.operator(), ledger.UserInput{Name: name, FullName: full, Role: balie.OfficeRole(strings.ToUpper(role)), Organiser: org, Password: pw})
	if err != nil {
		c.say(err)
		return exitFail
	}
	fmt.Fprintf(c.stdout, "user %s (%s) added: sign in at /beheer/ on the ledger's address\n", u.Name, u.Role.Name(c.lang))
	return exitOK
}

func (c *command) cardSystemAdd(args []string) int {
	var db, id, name, postals string
	set := c.flags("cardsystem add", &db)
	set.StringVar(&id, "id", "", "the card system's code, e.g. cs-lier (required)")
	set.StringVar(&name, "name", "", "its name, e.g. \"UiTPAS Lier\" (required)")
	set.StringVar(&postals, "postal-codes", "", "the postal codes of its residents, comma separated, e.g. 2500")
	if code, ok := c.parse(set, args, &db, 0, ""); !ok {
		return code
	}
	codes, err := balie.ParsePostalCodes(postals)
	if err != nil {
		c.say(err)
		return exitFail
	}
	l, ok := c.open(db, readWrite)
	if !ok {
		return exitFail
	}
	defer l.Close()
	if err := l.SaveCardSystem(c.ctx, c.operator(), balie.CardSystem{ID: id, Name: name, PostalCodes: codes}, true); err != nil {
		c.say(err)
		return exitFail
	}
	fmt.Fprintf(c.stdout, "card system %s added\n", id)
	return exitOK
}

func (c *command) organiserAdd(args []string) int {
	var db, id, name, kind, cs, iban, holder, contact, email, phone string
	set := c.flags("organiser add", &db)
	set.StringVar(&id, "id", "", "the organiser's code, e.g. org-cc (required)")
	set.StringVar(&name, "name", "", "its name, e.g. \"CC Lier\" (required)")
	set.StringVar(&kind, "kind", balie.OrganiserDepartment, "DEPARTMENT, ASSOCIATION, PARTNER or MUNICIPALITY")
	set.StringVar(&cs, "card-system", "", "the card system it belongs to (required)")
	set.StringVar(&iban, "iban", "", "its account number (checked)")
	set.StringVar(&holder, "account-holder", "", "the account's holder")
	set.StringVar(&contact, "contact", "", "the contact person")
	set.StringVar(&email, "email", "", "the contact's e-mail")
	set.StringVar(&phone, "phone", "", "the contact's phone")
	if code, ok := c.parse(set, args, &db, 0, ""); !ok {
		return code
	}
	l, ok := c.open(db, readWrite)
	if !ok {
		return exitFail
	}
	defer l.Close()
	o := balie.Organiser{ID: id, Name: name, Kind: strings.ToUpper(kind), CardSystem: cs, IBAN: balie.IBAN(iban), AccountHolder: holder,
		Contact: balie.Contact{Name: contact, Email: email, Phone: phone}}
	if err := l.SaveOrganiser(c.ctx, c.operator(), o, true); err != nil {
		c.say(err)
		return exitFail
	}
	fmt.Fprintf(c.stdout, "organiser %s added\n", id)
	return exitOK
}

func (c *command) organiserList(args []string) int {
	return c.table("organiser list", args, "ID\tNAME\tKIND\tCARD SYSTEM\tIBAN", func(l *ledger.Ledger, row func(...any)) error {
		orgs, err := ledger.List[balie.Organiser](c.ctx, l, balie.ChangeOrganiser, "")
		for _, o := range orgs {
			row(o.ID, o.Name, o.Kind, o.CardSystem, o.IBAN)
		}
		return err
	})
}

// deskModes are the modes as the command takes them.
var deskModes = map[string]balie.DeskMode{"box": balie.DeskBoxOffice, "sports": balie.DeskSports, "childcare": balie.DeskChildcare,
	"box_office": balie.DeskBoxOffice}

func (c *command) deskAdd(args []string) int {
	var db, id, name, org, mode, cs, sells string
	set := c.flags("desk add", &db)
	set.StringVar(&id, "id", "", "the desk's code, e.g. desk-box (required)")
	set.StringVar(&name, "name", "", "its name (required)")
	set.StringVar(&org, "organiser", "", "its organiser (required)")
	set.StringVar(&mode, "mode", "box", "box, sports or childcare")
	set.StringVar(&cs, "card-system", "", "the card system whose cards it sells (required)")
	set.StringVar(&sells, "sells-for", "", "other organisers it sells for, comma separated")
	if code, ok := c.parse(set, args, &db, 0, ""); !ok {
		return code
	}
	m, ok := deskModes[strings.ToLower(mode)]
	if !ok {
		fmt.Fprintf(c.stderr, "ledger desk add: --mode is box, sports or childcare, not %q\n", mode)
		return exitUsage
	}
	var sellsFor []string
	for _, s := range strings.Split(sells, ",") {
		if s = strings.TrimSpace(s); s != "" {
			sellsFor = append(sellsFor, s)
		}
	}
	l, ok := c.open(db, readWrite)
	if !ok {
		return exitFail
	}
	defer l.Close()
	d := balie.Desk{ID: id, Name: name, OrganiserID: org, Mode: m, CardSystem: cs, SellsFor: sellsFor}
	if err := l.SaveDesk(c.ctx, c.operator(), d, true); err != nil {
		c.say(err)
		return exitFail
	}
	fmt.Fprintf(c.stdout, "desk %s added\n", id)
	return exitOK
}

func (c *command) deskList(args []string) int {
	return c.table("desk list", args, "ID\tNAME\tORGANISER\tMODE\tCARD SYSTEM", func(l *ledger.Ledger, row func(...any)) error {
		desks, err := ledger.List[balie.Desk](c.ctx, l, balie.ChangeDesk, "")
		for _, d := range desks {
			row(d.ID, d.Name, d.OrganiserID, d.Mode, d.CardSystem)
		}
		return err
	})
}

// exportAudit prints the audit log, oldest first, one JSON object a line.
func (c *command) exportAudit(l *ledger.Ledger, w io.Writer) error {
	enc := json.NewEncoder(w)
	return l.ExportAudit(c.ctx, func(e ledger.AuditEntry) error {
		return enc.Encode(struct {
			ID        int64           `json:"id"`
			At        string          `json:"at"`
			Actor     string          `json:"actor"`
			ActorName string          `json:"actor_name"`
			Action    string          `json:"action"`
			Kind      string          `json:"kind"`
			Entity    string          `json:"entity"`
			Organiser string          `json:"organiser,omitempty"`
			Before    json.RawMessage `json:"before,omitempty"`
			After     json.RawMessage `json:"after,omitempty"`
		}{e.ID, e.At.UTC().Format("2006-01-02T15:04:05.000Z"), e.Actor, e.ActorName, e.Action, e.Kind, e.Entity, e.Organiser, raw(e.Before), raw(e.After)})
	})
}

func raw(b []byte) json.RawMessage {
	if len(b) == 0 {
		return nil
	}
	return json.RawMessage(b)
}
