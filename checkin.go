package balie

import "time"

// CheckinWindow returns when check-in at ev opens and closes, as the
// half-open interval [opens, closes): from MarginBefore before Start to
// MarginAfter after End.
func CheckinWindow(ev Event) (opens, closes time.Time) {
	return ev.Start.Add(-ev.MarginBefore), ev.End.Add(ev.MarginAfter)
}

// DecideCheckin decides a check-in of one holder at ev at time at, and
// returns the points it earns (0 for an event without points). inWindow
// is how many times the holder already checked in at ev inside
// ev.CheckinLimit.Window(at); the caller counts them.
//
// The time window is checked before the limit, so a scan at the wrong
// time says "not now" rather than "already done".
func DecideCheckin(ev Event, at time.Time, inWindow int) (points int, err error) {
	open, closed := CheckinWindow(ev)
	if at.Before(open) {
		when := brusselsClock(open, at)
		return 0, Errorf(CodeOutsideWindow,
			"Inchecken voor deze activiteit kan pas vanaf %s.",
			"Check-in for this activity opens at %s.", when)
	}
	if !at.Before(closed) {
		when := brusselsClock(closed, at)
		return 0, Errorf(CodeOutsideWindow,
			"Inchecken voor deze activiteit is afgesloten sinds %s.",
			"Check-in for this activity closed at %s.", when)
	}
	if !ev.CheckinLimit.Allows(inWindow, 1) {
		return 0, checkinLimitError(ev)
	}
	// A check-in never spends points: a negative setting is read as none.
	return max(ev.PointsPerCheckin, 0), nil
}

// checkinLimitError is the friendly message for a repeat scan: it names
// the period, and says no point is added when the event gives points.
func checkinLimitError(ev Event) *Error {
	pnl, pen := periodWords(ev.CheckinLimit.Period)
	whenNL, whenEN := pnl+" al", pen
	if pnl == "" {
		whenNL, whenEN = "al eerder", "before"
	}
	nl := "Deze pashouder is " + whenNL + " ingecheckt voor deze activiteit."
	en := "This pass holder has already checked in for this activity " + whenEN + "."
	if v := ev.CheckinLimit.Volume; v > 1 {
		nl = "Deze pashouder is " + whenNL + " " + countNoun(v, "keer", "keer") +
			" ingecheckt voor deze activiteit; dat is het maximum."
		en = "This pass holder has already checked in " + countNoun(v, "time", "times") +
			" for this activity " + whenEN + "; that is the maximum."
	}
	if ev.PointsPerCheckin > 0 {
		nl += " Er komt geen punt bij."
		en += " No points are added."
	}
	return Errorf(CodeCheckinLimit, "%[1]s", "%[2]s", nl, en)
}

// CheckinMayEnter says whether a holder whose check-in was refused with
// err may still go in, as a sports hall's gate needs to know: a repeat
// inside the limit only earns no point, the holder is welcome; a check-in
// outside the opening hours, or any other refusal, is no way in.
func CheckinMayEnter(err error) bool { return ErrorCode(err) == CodeCheckinLimit }
