package balie

import (
	"fmt"
	"sync"
	"time"

	// The terminal may run on a machine without a zoneinfo database (a
	// stripped kiosk image, Windows): the embedded copy makes Brussels
	// always loadable, so the calendar never silently falls back to UTC.
	_ "time/tzdata"
)

// brusselsOnce loads the zone once; a function value, not mutable state.
var brusselsOnce = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/Brussels")
	if err != nil {
		// Cannot happen with time/tzdata embedded; a terminal that cannot
		// tell the local day would count limits wrongly, so fail loudly.
		panic("balie: Europe/Brussels time zone unavailable: " + err.Error())
	}
	return loc
})

// Brussels returns the Europe/Brussels location, the calendar every limit,
// age and opening time is decided in.
func Brussels() *time.Location { return brusselsOnce() }

// farFuture is the end of an ABSOLUTE window: later than any real act, and
// still a valid date for SQLite and JSON.
func farFuture() time.Time { return time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC) }

// Valid reports whether p is one of the known periods.
func (p Period) Valid() bool {
	switch p {
	case PeriodAbsolute, PeriodDay, PeriodWeek, PeriodMonth, PeriodQuarter, PeriodYear:
		return true
	}
	return false
}

// Window returns the period that contains at, in the Brussels calendar,
// as the half-open interval [from, to). Days on a DST change last 23 or 25
// hours. ABSOLUTE (and any unknown period, so that a misconfigured limit
// errs on the side of the limit) spans from the zero time to the year 9999.
func (p Period) Window(at time.Time) (from, to time.Time) {
	loc := Brussels()
	t := at.In(loc)
	y, m, d := t.Date()
	// time.Date normalises day and month overflow, and adding calendar days
	// (not 24 h) keeps every bound on a local midnight across DST changes.
	switch p {
	case PeriodDay:
		return time.Date(y, m, d, 0, 0, 0, 0, loc), time.Date(y, m, d+1, 0, 0, 0, 0, loc)
	case PeriodWeek:
		sinceMonday := (int(t.Weekday()) + 6) % 7
		return time.Date(y, m, d-sinceMonday, 0, 0, 0, 0, loc), time.Date(y, m, d-sinceMonday+7, 0, 0, 0, 0, loc)
	case PeriodMonth:
		return time.Date(y, m, 1, 0, 0, 0, 0, loc), time.Date(y, m+1, 1, 0, 0, 0, 0, loc)
	case PeriodQuarter:
		first := time.Month((int(m)-1)/3*3 + 1)
		return time.Date(y, first, 1, 0, 0, 0, 0, loc), time.Date(y, first+3, 1, 0, 0, 0, 0, loc)
	case PeriodYear:
		return time.Date(y, time.January, 1, 0, 0, 0, 0, loc), time.Date(y+1, time.January, 1, 0, 0, 0, 0, loc)
	}
	return time.Time{}, farFuture()
}

// Window returns the window of the limit's period that contains at; the
// caller counts what was used inside it.
func (l Limit) Window(at time.Time) (from, to time.Time) { return l.Period.Window(at) }

// Allows reports whether more can be used when used have been already. A
// zero Volume means no limit.
func (l Limit) Allows(used, more int) bool {
	if l.Volume == 0 {
		return true
	}
	return used+more <= l.Volume
}

// Age returns the completed years between birth and at, in the Brussels
// calendar. Someone born on 29 February turns a year older on 1 March in
// a non-leap year. An at before birth gives 0.
func Age(birth, at time.Time) int {
	loc := Brussels()
	by, bm, bd := birth.In(loc).Date()
	ay, am, ad := at.In(loc).Date()
	age := ay - by
	// The birthday has not come yet this year; comparing (month, day)
	// makes 29 February count only once 28 February is over.
	if am < bm || (am == bm && ad < bd) {
		age--
	}
	return max(age, 0)
}

// periodWords names the period a limit counts in, for messages: Dutch and
// English, empty for ABSOLUTE (which has no "this ...").
func periodWords(p Period) (nl, en string) {
	switch p {
	case PeriodDay:
		return "vandaag", "today"
	case PeriodWeek:
		return "deze week", "this week"
	case PeriodMonth:
		return "deze maand", "this month"
	case PeriodQuarter:
		return "dit kwartaal", "this quarter"
	case PeriodYear:
		return "dit jaar", "this year"
	}
	return "", ""
}

// brusselsClock formats t for a clerk as Brussels local time, "15:30",
// with the date in front ("12/04/2026 15:30") when t is not on the same
// local day as ref, so a time on another day is never mistaken for today.
func brusselsClock(t, ref time.Time) string {
	loc := Brussels()
	lt := t.In(loc)
	ty, tm, td := lt.Date()
	ry, rm, rd := ref.In(loc).Date()
	if ty == ry && tm == rm && td == rd {
		return lt.Format("15:04")
	}
	return lt.Format("02/01/2006 15:04")
}

// brusselsMoment formats t as a Belgian date, "01/05/2026", with the time
// added only when t is not a local midnight.
func brusselsMoment(t time.Time) string {
	lt := t.In(Brussels())
	if lt.Hour() == 0 && lt.Minute() == 0 && lt.Second() == 0 {
		return lt.Format("02/01/2006")
	}
	return lt.Format("02/01/2006 15:04")
}

// countNoun returns n with the singular or plural noun: "1 ticket", "2 tickets".
func countNoun(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
