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
