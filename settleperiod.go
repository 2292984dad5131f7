package balie

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// CodePeriodInvalid is a settlement period that is not a month
// (2026-11) or a quarter (2026-Q4), or one that cannot be closed yet.
const CodePeriodInvalid Code = "period_invalid"

// SettlementMonth is the month, YYYY-MM, of a business day (YYYY-MM-DD).
func SettlementMonth(day string) string {
	if len(day) < 7 {
		return ""
	}
	return day[:7]
}

// NextMonth is the month after month (YYYY-MM).
func NextMonth(month string) string {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return ""
	}
	return t.AddDate(0, 1, 0).Format("2006-01")
}

// SettlementPeriod is a month or a quarter of the Brussels calendar:
// the months it is made of and its name.
type SettlementPeriod struct {
	Name   string   // "2026-11" or "2026-Q4"
	Months []string // YYYY-MM, in order
}

// ParseSettlementPeriod reads "2026-11" (a month) or "2026-Q4" (a
// quarter).
func ParseSettlementPeriod(s string) (SettlementPeriod, error) {
	s = strings.TrimSpace(s)
	bad := Errorf(CodePeriodInvalid, "De periode %[1]q is geen maand (2026-11) of kwartaal (2026-Q4).",
		"The period %[1]q is not a month (2026-11) or a quarter (2026-Q4).", s)
	if y, q, ok := strings.Cut(s, "-Q"); ok {
		year, err1 := strconv.Atoi(y)
		n, err2 := strconv.Atoi(q)
		if err1 != nil || err2 != nil || len(y) != 4 || n < 1 || n > 4 {
			return SettlementPeriod{}, bad
		}
		p := SettlementPeriod{Name: fmt.Sprintf("%04d-Q%d", year, n)}
		for m := 3*n - 2; m <= 3*n; m++ {
			p.Months = append(p.Months, fmt.Sprintf("%04d-%02d", year, m))
		}
		return p, nil
	}
	if _, err := time.Parse("2006-01", s); err != nil || len(s) != 7 {
		return SettlementPeriod{}, bad
	}
	return SettlementPeriod{Name: s, Months: []string{s}}, nil
}

// End is the first instant after the period, in Brussels: a period can
// be closed from then on.
func (p SettlementPeriod) End() time.Time {
	last, _ := time.ParseInLocation("2006-01", p.Months[len(p.Months)-1], Brussels())
	return last.AddDate(0, 1, 0)
}

// Start is the period's first instant, in Brussels.
func (p SettlementPeriod) Start() time.Time {
	first, _ := time.ParseInLocation("2006-01", p.Months[0], Brussels())
	return first
}

// MonthClose is a closed month: the highest ingest number it covers.
type MonthClose struct {
	Month string
	Mark  int64
}

// AssignMonth decides the settlement month of an act: the month of its
// business day when that month is open, or was closed with a mark at or
// above the act's ingest number; otherwise the first later month that
// is. A month is closed for good with the highest ingest number the
// ledger held at the close, and every later act gets a higher number, so
// an act's month never changes once decided: nothing is counted twice,
// nothing is lost, and a late act (an offline terminal's, a void after
// the close) lands in the first month still open when it arrived.
// closed maps a closed month to its mark.
func AssignMonth(day string, ingest int64, closed map[string]int64) (month string, late bool) {
	month = SettlementMonth(day)
	for {
		mark, ok := closed[month]
		if !ok || ingest <= mark {
			return month, month != SettlementMonth(day)
		}
		month = NextMonth(month)
	}
}
