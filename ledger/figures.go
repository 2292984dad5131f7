package ledger

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/balie/balie"
)

// Units of a figure's column.
const (
	UnitCount = "count"
	UnitCents = "cents"
	UnitBP    = "bp" // basis points: 2200 is 22%
)

// Column is one column of a figure's table.
type Column struct {
	NL, EN string
	Unit   string
}

// Row is one row: its label and a value per column.
type Row struct {
	Label  string
	Values []int64
}

// Table is one of the steering group's figures: its data as a table,
// and how to draw it (Chart: "bar" groups the Series columns per row,
// "line" draws them over the rows, "stacked" stacks them).
type Table struct {
	ID      string
	NL, EN  string
	Columns []Column
	Rows    []Row
	Chart   string
	Series  []int // the columns the chart draws
}

// Title is the table's title in lang.
func (t Table) Title(lang string) string {
	if lang == "en" {
		return t.EN
	}
	return t.NL
}

// Name is a column's name in lang.
func (c Column) Name(lang string) string {
	if lang == "en" {
		return c.EN
	}
	return c.NL
}

// Dashboard is the steering group's figures of a period.
type Dashboard struct {
	Period string // a year (2026), a quarter (2026-Q4) or a month (2026-11)
	From   string // its first month, YYYY-MM
	To     string // the month after its last
	Tables []Table
}

// Table returns the dashboard's table with id.
func (d Dashboard) Table(id string) (Table, bool) {
	for _, t := range d.Tables {
		if t.ID == id {
			return t, true
		}
	}
	return Table{}, false
}

// dashboardMonths reads a year, a quarter or a month.
func dashboardMonths(period string) (from, to string, months []string, err error) {
	if len(period) == 4 {
		y, e := strconv.Atoi(period)
		if e != nil || y < 2000 {
			return "", "", nil, balie.Errorf(balie.CodePeriodInvalid, "De periode %[1]q is geen jaar, kwartaal of maand.", "The period %[1]q is not a year, quarter or month.", period)
		}
		for m := 1; m <= 12; m++ {
			months = append(months, fmt.Sprintf("%04d-%02d", y, m))
		}
	} else {
		p, e := balie.ParseSettlementPeriod(period)
		if e != nil {
			return "", "", nil, e
		}
		months = p.Months
	}
	return months[0], balie.NextMonth(months[len(months)-1]), months, nil
}

// names are the catalogue's and directory's names the figures label
// their rows with.
type names struct {
	organisers, rewards, programs, desks map[string]string
	payers                               map[string]string // from the agreements, municipalities and card systems
	rewardUnits                          map[string][2]int // total units, redeemed ever
}

func readNames(tx ReadTx) (names, error) {
	n := names{organisers: map[string]string{}, rewards: map[string]string{}, programs: map[string]string{}, desks: map[string]string{},
		payers: map[string]string{}, rewardUnits: map[string][2]int{}}
	if err := tx.Entities(KindAgreement, "", func(id string, data []byte) error {
		var a balie.CostAgreement
		if err := json.Unmarshal(data, &a); err != nil {
			return fmt.Errorf("agreement %s: %w", id, err)
		}
		if a.Payer != "" && a.PayerName != "" {
			n.payers[a.Payer] = a.PayerName
		}
		return nil
	}); err != nil {
		return n, err
	}
	// A payer is a government: a municipality, a card system (its city
	// or region) or one an agreement names.
	if err := tx.Entities(KindMunicipality, "", func(id string, data []byte) error {
		var m balie.Municipality
		if err := json.Unmarshal(data, &m); err != nil {
			return fmt.Errorf("municipality %s: %w", id, err)
		}
		if n.payers[id] == "" {
			n.payers[id] = m.Name
		}
		return nil
	}); err != nil {
		return n, err
	}
	if err := tx.Entities(balie.ChangeCardSystem, "", func(id string, data []byte) error {
		var c balie.CardSystem
		if err := json.Unmarshal(data, &c); err != nil {
			return fmt.Errorf("card system %s: %w", id, err)
		}
		if n.payers[id] == "" {
			n.payers[id] = c.Name
		}
		return nil
	}); err != nil {
		return n, err
	}
	for kind, dst := range map[string]map[string]string{balie.ChangeOrganiser: n.organisers, balie.ChangeReward: n.rewards,
		balie.ChangeProgram: n.programs, balie.ChangeDesk: n.desks} {
		err := tx.Entities(kind, "", func(id string, data []byte) error {
			var v struct {
				Name       string
				TotalUnits int
			}
			if err := json.Unmarshal(data, &v); err != nil {
				return fmt.Errorf("%s %s: %w", kind, id, err)
			}
			dst[id] = v.Name
			if kind == balie.ChangeReward {
				n.rewardUnits[id] = [2]int{v.TotalUnits, 0}
			}
			return nil
		})
		if err != nil {
			return n, err
		}
	}
	// After the list: an engine may not read while it lists.
	for id, u := range n.rewardUnits {
		units, err := tx.RewardUnits(id)
		if err != nil {
			return n, err
		}
		n.rewardUnits[id] = [2]int{u[0], units}
	}
	return n, nil
}

func label(m map[string]string, id string) string {
	if n := m[id]; n != "" {
		return n
	}
	return id
}

// Figures makes the steering group's figures of a period (a year, 2026;
// a quarter; a month) from the counters the uploads keep, the directory's
// holders as they are now, the back office's municipalities (their
// residents) and the budgets the ledger holds: a few hundred rows read,
// never the events.
func (l *Ledger) Figures(ctx context.Context, period string) (Dashboard, error) {
	from, to, months, err := dashboardMonths(period)
	if err != nil {
		return Dashboard{}, err
	}
	d := Dashboard{Period: period, From: from, To: to}
	var rows []FigureRow
	var hc HolderCounts
	var nm names
	var ms []balie.Municipality
	var systems []balie.CardSystem
	var budgets []Budget
	err = l.store.Read(ctx, func(tx ReadTx) error {
		// A month before the period too, for the month-over-month change
		// of its first month.
		prev := prevMonth(from)
		if err := tx.Figures(nil, prev, to, func(f FigureRow) error {
			rows = append(rows, f)
			return nil
		}); err != nil {
			return err
		}
		var err error
		if hc, err = l.holderCounts(tx); err != nil {
			return err
		}
		if nm, err = readNames(tx); err != nil {
			return err
		}
		if err := tx.Entities(KindMunicipality, "", func(id string, data []byte) error {
			var m balie.Municipality
			if err := json.Unmarshal(data, &m); err != nil {
				return fmt.Errorf("municipality %s: %w", id, err)
			}
			ms = append(ms, m)
			return nil
		}); err != nil {
			return err
		}
		if err := tx.Entities(balie.ChangeCardSystem, "", func(id string, data []byte) error {
			var c balie.CardSystem
			if err := json.Unmarshal(data, &c); err != nil {
				return fmt.Errorf("card system %s: %w", id, err)
			}
			systems = append(systems, c)
			return nil
		}); err != nil {
			return err
		}
		return tx.Entities(KindBudget, "", func(id string, data []byte) error {
			var b Budget
			if err := json.Unmarshal(data, &b); err != nil {
				return err
			}
			budgets = append(budgets, b)
			return nil
		})
	})
	if err != nil {
		return d, wrap("figures", err)
	}
	in := func(p string) bool { return p >= from && p < to }
	byFig := map[string][]FigureRow{}
	for _, f := range rows {
		byFig[f.Figure] = append(byFig[f.Figure], f)
	}
	d.Tables = append(d.Tables, holdersTable(hc, systems, ms))
	d.Tables = append(d.Tables, perMonth("new-cards", "Nieuwe kaarten per maand", "New cards per month", months, byFig[FigureCards],
		[]Column{{"Eerste kaarten", "First cards", UnitCount}, {"Alle verkochte kaarten", "All cards sold", UnitCount}},
		func(f FigureRow) []int64 {
			first := int64(0)
			if f.K2 == string(balie.ReasonFirstCard) {
				first = f.N
			}
			return []int64{first, f.N}
		}, "bar", []int{0, 1}))
	d.Tables = append(d.Tables, participation(months, byFig, nm))
	d.Tables = append(d.Tables, topActivities(byFig[FigureActivity], in, nm))
	d.Tables = append(d.Tables, perMonth("points", "Punten gespaard en omgeruild", "Points saved and exchanged", months, byFig[FigurePoints],
		[]Column{{"Gespaard", "Saved", UnitCount}, {"Omgeruild", "Exchanged", UnitCount}},
		func(f FigureRow) []int64 {
			if f.K1 == "saved" {
				return []int64{f.N, 0}
			}
			return []int64{0, f.N}
		}, "bar", []int{0, 1}))
	d.Tables = append(d.Tables, rewardsTable(byFig[FigureRewards], in, nm))
	d.Tables = append(d.Tables, costTable(byFig[FigureCost], from, to, months, balie.SettlementMonth(balie.BusinessDay(l.now())), budgets, nm))
	d.Tables = append(d.Tables, keyed("memberships", "Lidmaatschappen per programma", "Memberships per program", byFig[FigureMemberships], in,
		[]Column{{"Nieuw", "New", UnitCount}, {"Verlengd", "Renewed", UnitCount}, {"Ontvangen", "Received", UnitCents}},
		func(f FigureRow) (string, []int64) {
			if f.K2 == "renewal" {
				return label(nm.programs, f.K1), []int64{0, f.N, f.Cents}
			}
			return label(nm.programs, f.K1), []int64{f.N, 0, f.Cents}
		}, []int{0, 1}))
	d.Tables = append(d.Tables, keyed("card-sales", "Kaartverkoop per balie", "Card sales per desk", byFig[FigureCards], in,
		[]Column{{"Kaarten", "Cards", UnitCount}, {"Ontvangen", "Received", UnitCents}},
		func(f FigureRow) (string, []int64) { return label(nm.desks, f.K1), []int64{f.N, f.Cents} }, []int{0}))
	d.Tables = append(d.Tables, childcareTable(byFig[FigureChildcare], from, to))
	return d, nil
}

func prevMonth(m string) string {
	t, err := time.Parse("2006-01", m)
	if err != nil {
		return m
	}
	return t.AddDate(0, -1, 0).Format("2006-01")
}

// pct is part of whole in basis points, rounded half away from zero.
func pct(part, whole int64) int64 {
	if whole == 0 {
		return 0
	}
	if whole < 0 {
		part, whole = -part, -whole
	}
	if part < 0 {
		return -((-part*20000 + whole) / (2 * whole))
	}
	return (part*20000 + whole) / (2 * whole)
}

// holdersTable shares the holders out of the residents the back office
// keeps: the area's (every municipality once, also one that is in a
// city's card system and in its region's), each card system's (the
// holders with an active card of it, out of its municipalities'
// residents) and each municipality's (the holders living at its postal
// codes).
func holdersTable(hc HolderCounts, systems []balie.CardSystem, ms []balie.Municipality) Table {
	var residents int64
	seen := map[string]bool{}
	bySystem := map[string]int64{}
	type place struct {
		name            string
		holders, people int64
	}
	var places []place
	for _, m := range ms {
		bySystem[m.CardSystem] += int64(m.Population)
		codes := slices.Clone(m.PostalCodes)
		sort.Strings(codes)
		k := strings.Join(codes, ",")
		if seen[k] {
			continue
		}
		seen[k] = true
		residents += int64(m.Population)
		var n int64
		for _, pc := range m.PostalCodes {
			n += int64(hc.ByPostalCode[pc])
		}
		places = append(places, place{m.Name + " (" + strings.Join(codes, ", ") + ")", n, int64(m.Population)})
	}
	h, s, m := int64(hc.Holders), int64(hc.Social), int64(hc.Members)
	t := Table{ID: "holders", NL: "Pashouders", EN: "Holders",
		Columns: []Column{{"Aantal", "Number", UnitCount}, {"Op een totaal van", "Out of", UnitCount}, {"Aandeel", "Share", UnitBP}},
		Rows: []Row{
			{"Pashouders / holders", []int64{h, residents, pct(h, residents)}},
			{"Met kansentarief / with the social tariff", []int64{s, h, pct(s, h)}},
			{"Zonder kansentarief, met een lidmaatschap / without it, with a membership", []int64{m, h - s, pct(m, h-s)}},
		}, Chart: "bar", Series: []int{2}}
	sort.Slice(systems, func(i, j int) bool { return systems[i].ID < systems[j].ID })
	for _, c := range systems {
		n, r := int64(hc.BySystem[c.ID]), bySystem[c.ID]
		t.Rows = append(t.Rows, Row{Label: c.Name, Values: []int64{n, r, pct(n, r)}})
	}
	sort.Slice(places, func(i, j int) bool {
		return places[i].people > places[j].people || places[i].people == places[j].people && places[i].name < places[j].name
	})
	for _, p := range places {
		t.Rows = append(t.Rows, Row{Label: p.name, Values: []int64{p.holders, p.people, pct(p.holders, p.people)}})
	}
	return t
}

func perMonth(id, nl, en string, months []string, rows []FigureRow, cols []Column, f func(FigureRow) []int64, chart string, series []int) Table {
	t := Table{ID: id, NL: nl, EN: en, Columns: cols, Chart: chart, Series: series}
	at := map[string]int{}
	for i, m := range months {
		at[m] = i
		t.Rows = append(t.Rows, Row{Label: m, Values: make([]int64, len(cols))})
	}
	for _, r := range rows {
		i, ok := at[r.Period]
		if !ok {
			continue
		}
		for j, v := range f(r) {
			t.Rows[i].Values[j] += v
		}
	}
	return t
}

// keyed sums rows by the label f gives, in label order.
func keyed(id, nl, en string, rows []FigureRow, in func(string) bool, cols []Column, f func(FigureRow) (string, []int64), series []int) Table {
	t := Table{ID: id, NL: nl, EN: en, Columns: cols, Chart: "bar", Series: series}
	sums := map[string][]int64{}
	for _, r := range rows {
		if !in(r.Period) {
			continue
		}
		k, vs := f(r)
		if sums[k] == nil {
			sums[k] = make([]int64, len(cols))
		}
		for j, v := range vs {
			sums[k][j] += v
		}
	}
	for _, k := range sortedKeys(boolKeys(sums)) {
		t.Rows = append(t.Rows, Row{Label: k, Values: sums[k]})
	}
	return t
}

func boolKeys[V any](m map[string]V) map[string]bool {
	out := make(map[string]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}

func participation(months []string, byFig map[string][]FigureRow, nm names) Table {
	t := Table{ID: "participation", NL: "Deelname per organisator en maand", EN: "Participation per organiser and month",
		Columns: []Column{{"Check-ins", "Check-ins", UnitCount}, {"Tickets gewoon tarief", "Tickets, regular", UnitCount},
			{"Tickets kansentarief", "Tickets, social tariff", UnitCount}, {"Tickets met bon", "Tickets, coupon", UnitCount}},
		Chart: "stacked", Series: []int{0, 1, 2, 3}}
	inMonths := map[string]bool{}
	for _, m := range months {
		inMonths[m] = true
	}
	sums := map[[2]string][]int64{}
	add := func(m, org string, j int, n int64) {
		if !inMonths[m] {
			return
		}
		k := [2]string{m, org}
		if sums[k] == nil {
			sums[k] = make([]int64, 4)
		}
		sums[k][j] += n
	}
	for _, f := range byFig[FigureCheckins] {
		add(f.Period, f.K1, 0, f.N)
	}
	for _, f := range byFig[FigureTickets] {
		j := map[string]int{string(balie.TariffRegular): 1, string(balie.TariffSocial): 2, string(balie.TariffCoupon): 3}[f.K2]
		if j > 0 {
			add(f.Period, f.K1, j, f.N)
		}
	}
	keys := make([][2]string, 0, len(sums))
	for k := range sums {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i][0] != keys[j][0] {
			return keys[i][0] < keys[j][0]
		}
		return keys[i][1] < keys[j][1]
	})
	for _, k := range keys {
		t.Rows = append(t.Rows, Row{Label: k[0] + " " + label(nm.organisers, k[1]), Values: sums[k]})
	}
	return t
}

func topActivities(rows []FigureRow, in func(string) bool, nm names) Table {
	sums := map[string]int64{}
	for _, f := range rows {
		if in(f.Period) {
			sums[f.K2+" ("+label(nm.organisers, f.K1)+")"] += f.N
		}
	}
	keys := sortedKeys(boolKeys(sums))
	sort.SliceStable(keys, func(i, j int) bool { return sums[keys[i]] > sums[keys[j]] })
	if len(keys) > 10 {
		keys = keys[:10]
	}
	t := Table{ID: "top-activities", NL: "Populairste activiteiten", EN: "Top activities",
		Columns: []Column{{"Deelnames", "Participations", UnitCount}}, Chart: "bar", Series: []int{0}}
	for _, k := range keys {
		t.Rows = append(t.Rows, Row{Label: k, Values: []int64{sums[k]}})
	}
	return t
}

func rewardsTable(rows []FigureRow, in func(string) bool, nm names) Table {
	t := Table{ID: "rewards", NL: "Voordelen: populariteit en voorraad", EN: "Rewards: popularity and stock",
		Columns: []Column{{"Omgeruild", "Redeemed", UnitCount}, {"Welkomstgeschenk", "Welcome gift", UnitCount}, {"Voorraad over", "Stock left", UnitCount}},
		Chart:   "bar", Series: []int{0, 1}}
	sums := map[string][]int64{}
	for id := range nm.rewards {
		sums[id] = make([]int64, 3)
	}
	for _, f := range rows {
		if !in(f.Period) {
			continue
		}
		if sums[f.K1] == nil {
			sums[f.K1] = make([]int64, 3)
		}
		if f.K2 == string(balie.RewardWelcome) {
			sums[f.K1][1] += f.N
		} else {
			sums[f.K1][0] += f.N
		}
	}
	for _, id := range sortedKeys(boolKeys(sums)) {
		v := sums[id]
		if u := nm.rewardUnits[id]; u[0] > 0 {
			v[2] = int64(u[0] - u[1])
		} else {
			v[2] = -1 // unlimited
		}
		t.Rows = append(t.Rows, Row{Label: label(nm.rewards, id), Values: v})
	}
	return t
}

// costTable compares each payer's and department's cost with its budget
// of the period's year, and the last month with the one before it: the
// period's last month, or the last one ended when the period runs on.
func costTable(rows []FigureRow, from, to string, months []string, current string, budgets []Budget, nm names) Table {
	t := Table{ID: "social-cost", NL: "Kost van het kansentarief per betaler en dienst", EN: "Cost of the social tariff per payer and department",
		Columns: []Column{{"Kost", "Cost", UnitCents}, {"Budget", "Budget", UnitCents}, {"Verbruikt", "Used", UnitBP},
			{"Laatste maand", "Last month", UnitCents}, {"Maand ervoor", "Month before", UnitCents}, {"Verschil", "Change", UnitBP}},
		Chart: "bar", Series: []int{0, 1}}
	last := months[len(months)-1]
	if last >= current && current > months[0] {
		last = prevMonth(current)
	}
	before := prevMonth(last)
	year, _ := strconv.Atoi(from[:4])
	type key struct{ payer, dep string }
	sums := map[key][]int64{}
	get := func(k key) []int64 {
		if sums[k] == nil {
			sums[k] = make([]int64, 6)
		}
		return sums[k]
	}
	for _, f := range rows {
		// Each department's row, and the payer's total.
		ks := []key{{f.K1, f.K2}}
		if f.K2 != "" {
			ks = append(ks, key{f.K1, ""})
		}
		for _, k := range ks {
			v := get(k)
			if f.Period >= from && f.Period < to {
				v[0] += f.Cents
			}
			if f.Period == last {
				v[3] += f.Cents
			}
			if f.Period == before {
				v[4] += f.Cents
			}
		}
	}
	for _, b := range budgets {
		if b.Year == year {
			get(key{b.Payer, b.Department})[1] += int64(b.Cents)
		}
	}
	keys := make([]key, 0, len(sums))
	for k := range sums {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].payer != keys[j].payer {
			return keys[i].payer < keys[j].payer
		}
		return keys[i].dep < keys[j].dep
	})
	for _, k := range keys {
		v := sums[k]
		v[2] = pct(v[0], v[1])
		if v[4] != 0 {
			v[5] = pct(v[3]-v[4], v[4])
		}
		name := label(nm.payers, k.payer)
		if k.dep == "" {
			name += " (totaal / total)"
		} else if d := label(nm.organisers, k.dep); d != k.dep {
			name += " / " + d
		} else {
			name += " / " + label(nm.payers, k.dep)
		}
		t.Rows = append(t.Rows, Row{Label: name, Values: v})
	}
	return t
}

func childcareTable(rows []FigureRow, from, to string) Table {
	groups := map[string]bool{}
	for _, f := range rows {
		if f.Period[:7] >= from && f.Period[:7] < to {
			groups[f.K1] = true
		}
	}
	gs := sortedKeys(groups)
	t := Table{ID: "childcare", NL: "Kinderopvang: aanwezigheid per dag en groep", EN: "Childcare: attendance per day and group", Chart: "stacked"}
	at := map[string]int{}
	for i, g := range gs {
		at[g] = i
		t.Columns = append(t.Columns, Column{g, g, UnitCount})
		t.Series = append(t.Series, i)
	}
	days := map[string][]int64{}
	for _, f := range rows {
		if f.Period[:7] < from || f.Period[:7] >= to {
			continue
		}
		if days[f.Period] == nil {
			days[f.Period] = make([]int64, len(gs))
		}
		days[f.Period][at[f.K1]] += f.N
	}
	for _, d := range sortedKeys(boolKeys(days)) {
		t.Rows = append(t.Rows, Row{Label: d, Values: days[d]})
	}
	return t
}

// holderCountsCache keeps the last count of the directory's holders;
// its fields are guarded by mu.
type holderCountsCache struct {
	mu         sync.Mutex
	at         time.Time // wall-clock time of the count: its age is a cost, not a date of the domain
	counts     HolderCounts
	refreshing bool
}

// holderCounts is the directory's count, at most countsAge old: an
// older one is shown while a new one is made in the background; the
// first is made at once, in tx.
func (l *Ledger) holderCounts(tx ReadTx) (HolderCounts, error) {
	c := &l.counts
	c.mu.Lock()
	fresh, have := time.Since(c.at) < l.countsAge, !c.at.IsZero()
	counts := c.counts
	if have && !fresh && !c.refreshing && l.countsAge > 0 {
		c.refreshing = true
		go l.refreshHolderCounts()
	}
	c.mu.Unlock()
	if have && l.countsAge > 0 {
		return counts, nil
	}
	start := time.Now()
	counts, err := tx.HolderCounts(l.now())
	if err != nil {
		return counts, err
	}
	c.mu.Lock()
	c.at, c.counts = start, counts
	c.mu.Unlock()
	return counts, nil
}

func (l *Ledger) refreshHolderCounts() {
	start := time.Now()
	var counts HolderCounts
	err := l.store.Read(context.Background(), func(tx ReadTx) error {
		var err error
		counts, err = tx.HolderCounts(l.now())
		return err
	})
	c := &l.counts
	c.mu.Lock()
	defer c.mu.Unlock()
	c.refreshing = false
	if err != nil {
		l.log.Warn("count holders for the figures", "err", err)
		return
	}
	c.at, c.counts = start, counts
}
