package balie

import "time"

// DecideRedeem decides whether a holder with balance points may redeem r
// at time at, given what has been redeemed of r so far, and returns the
// points to spend: r.Points for a POINTS reward, 0 for a WELCOME gift.
// u.HolderInWindow must be counted over r.PerHolder.Window(at).
//
// The checks run in a fixed order, so the clerk hears the most basic
// reason first: the redeem period, a welcome gift already received, the
// reward sold out, the holder's own limit, and last the points balance.
func DecideRedeem(r Reward, balance int, at time.Time, u RewardUsage) (points int, err error) {
	if r.Kind != RewardPoints && r.Kind != RewardWelcome {
		return 0, Errorf(CodeRewardUnknown,
			"Dit voordeel heeft een onbekende soort (%[1]q); kijk de instellingen na.",
			"This reward has an unknown kind (%[1]q); check the settings.", string(r.Kind))
	}
	if r.Kind == RewardPoints && r.Points < 0 {
		// A negative price would credit points: a setting error, never a gift.
		return 0, Errorf(CodeRewardUnknown,
			"Dit voordeel kost een negatief aantal punten (%[1]d); kijk de instellingen na.",
			"This reward costs a negative number of points (%[1]d); check the settings.", r.Points)
	}
	if !r.RedeemFrom.IsZero() && at.Before(r.RedeemFrom) {
		return 0, Errorf(CodeRewardPeriod,
			"Dit voordeel kan pas vanaf %[1]s omgeruild worden.",
			"This reward can be redeemed from %[1]s.", brusselsMoment(r.RedeemFrom))
	}
	if !r.RedeemUntil.IsZero() && !at.Before(r.RedeemUntil) {
		return 0, Errorf(CodeRewardPeriod,
			"Dit voordeel kan sinds %[1]s niet meer omgeruild worden.",
			"This reward can no longer be redeemed since %[1]s.", brusselsMoment(r.RedeemUntil))
	}
	if r.Kind == RewardWelcome && u.HolderEver > 0 {
		return 0, Errorf(CodeWelcomeUsed,
			"Deze pashouder heeft het welkomstvoordeel al gekregen; dat kan maar één keer.",
			"This pass holder has already received the welcome gift; it is given only once.")
	}
	if r.TotalUnits > 0 && u.UnitsRedeemed >= r.TotalUnits {
		return 0, Errorf(CodeRewardSoldOut,
			"Dit voordeel is op: alle %[1]d stuks zijn al omgeruild.",
			"This reward is sold out: all %[1]d units have been redeemed.", r.TotalUnits)
	}
	if !r.PerHolder.Allows(u.HolderInWindow, 1) {
		return 0, rewardLimitError(r.PerHolder)
	}
	if r.Kind == RewardWelcome {
		return 0, nil
	}
	if balance < r.Points {
		return 0, Errorf(CodePointsShort,
			"Deze pashouder heeft %[1]s, maar dit voordeel kost %[2]s.",
			"This pass holder has %[3]s, but this reward costs %[4]s.",
			countNoun(balance, "punt", "punten"), countNoun(r.Points, "punt", "punten"),
			countNoun(balance, "point", "points"), countNoun(r.Points, "point", "points"))
	}
	return r.Points, nil
}

// rewardLimitError names the period of the holder's limit, and the count
// only when more than one was allowed.
func rewardLimitError(l Limit) *Error {
	pnl, pen := periodWords(l.Period)
	whenNL, whenEN := pnl+" al", " "+pen
	if pnl == "" {
		whenNL, whenEN = "al", ""
	}
	countNL, countEN := "", ""
	if l.Volume > 1 {
		countNL, countEN = " "+countNoun(l.Volume, "keer", "keer"), " "+countNoun(l.Volume, "time", "times")
	}
	return Errorf(CodeRewardLimit,
		"Deze pashouder heeft dit voordeel %[1]s%[2]s omgeruild; meer kan niet.",
		"This pass holder has already redeemed this reward%[3]s%[4]s; that is the maximum.",
		whenNL, countNL, countEN, whenEN)
}
