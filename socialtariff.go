package balie

import "time"

// Applies reports whether the social tariff applies. It is decided by the
// state alone, never by the dates: the central system keeps a status
// ACTIVE through its grace period and sets it EXPIRED itself, and a desk
// that second-guessed it from a possibly stale end date would refuse a
// holder the system still entitles.
func (s SocialTariff) Applies() bool { return s.State == SocialActive }

// InGrace reports whether an active status is in its grace period at at:
// its end date has passed (at is on or after EndDate) and GraceEnd has
// not (at is before GraceEnd). Without a GraceEnd there is no grace.
func (s SocialTariff) InGrace(at time.Time) bool {
	return s.Applies() &&
		!s.EndDate.IsZero() && !at.Before(s.EndDate) &&
		!s.GraceEnd.IsZero() && at.Before(s.GraceEnd)
}

// EndingSoon reports whether an active status ends within the given
// duration after at: its EndDate, or its GraceEnd once in grace. It is
// only a hint for the clerk ("kansentarief loopt binnenkort af"), never
// shown to the customer or printed. A status whose dates have both
// passed is not "ending soon": the state, not the date, decides.
func (s SocialTariff) EndingSoon(at time.Time, within time.Duration) bool {
	if !s.Applies() {
		return false
	}
	end := s.EndDate
	if s.InGrace(at) {
		end = s.GraceEnd
	}
	if end.IsZero() || !at.Before(end) {
		return false
	}
	return end.Sub(at) <= within
}

// SocialEndingWithin is how long before its end date the clerk is told
// that a holder's social tariff ends, so the holder can renew it in time.
const SocialEndingWithin = 60 * 24 * time.Hour

// SocialEndNotice reports whether the clerk should be told that the
// social tariff ends, and on which day: always during the grace period
// (its end is then GraceEnd, which may be months away: the end date has
// already passed), and within SocialEndingWithin before the end date. It
// is a note for the clerk alone, never shown to the customer or printed.
func (s SocialTariff) SocialEndNotice(at time.Time) (end time.Time, ok bool) {
	if !s.Applies() {
		return time.Time{}, false
	}
	if s.InGrace(at) {
		return s.GraceEnd, true
	}
	if s.EndingSoon(at, SocialEndingWithin) {
		return s.EndDate, true
	}
	return time.Time{}, false
}
