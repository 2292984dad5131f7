package balie

import (
	"errors"
	"fmt"
)

// Code identifies a domain refusal. Codes are stable: they travel in the
// journal, over the wire and into logs, and the UI maps them to sounds.
type Code string

// Codes of the domain errors. Grouped by the rule that raises them.
const (
	// Identification.
	CodeCardNumberEmpty    Code = "card_number_empty"
	CodeCardNumberChars    Code = "card_number_chars"
	CodeCardNumberLength   Code = "card_number_length"
	CodeCardNumberCheck    Code = "card_number_check"
	CodeChipUIDInvalid     Code = "chip_uid_invalid"
	CodeChipUIDLength      Code = "chip_uid_length"
	CodeINSZInvalid        Code = "insz_invalid"
	CodeINSZCheck          Code = "insz_check"
	CodeCardUnknown        Code = "card_unknown"
	CodeCardBlocked        Code = "card_blocked"
	CodeCardDeleted        Code = "card_deleted"
	CodeCardNotSold        Code = "card_not_sold"
	CodeCardNotInStock     Code = "card_not_in_stock"
	CodeHolderUnknown      Code = "holder_unknown"
	CodeStaffUnknown       Code = "staff_unknown"
	CodeStaffPIN           Code = "staff_pin"
	CodeNotAllowed         Code = "not_allowed"
	CodeAmountInvalid      Code = "amount_invalid"
	CodeAmountNegative     Code = "amount_negative"
	CodeAmountOverflow     Code = "amount_overflow"
	CodeKeyInvalid         Code = "distribution_key_invalid"
	CodeSplitImpossible    Code = "split_impossible"
	CodeEventUnknown       Code = "event_unknown"
	CodeOutsideWindow      Code = "checkin_outside_window"
	CodeCheckinLimit       Code = "checkin_limit"
	CodeTariffUnknown      Code = "tariff_unknown"
	CodeTariffNotAllowed   Code = "tariff_not_allowed"
	CodeTicketLimit        Code = "ticket_limit"
	CodeQuantityInvalid    Code = "quantity_invalid"
	CodeRewardUnknown      Code = "reward_unknown"
	CodeRewardPeriod       Code = "reward_period"
	CodeRewardSoldOut      Code = "reward_sold_out"
	CodeRewardLimit        Code = "reward_limit"
	CodeWelcomeUsed        Code = "welcome_used"
	CodePointsShort        Code = "points_short"
	CodeOfflineLimit       Code = "offline_limit"
	CodeProgramUnknown     Code = "program_unknown"
	CodeMembershipEnd      Code = "membership_end"
	CodeMembershipToday    Code = "membership_paid_today"
	CodeCardPriceUnknown   Code = "card_price_unknown"
	CodeReasonInvalid      Code = "purchase_reason_invalid"
	CodeChildUnknown       Code = "child_unknown"
	CodeChildPresent       Code = "child_already_present"
	CodeChildAbsent        Code = "child_not_present"
	CodePickupNotAllowed   Code = "pickup_not_allowed"
	CodeChildcareInvalid   Code = "childcare_invalid"
	CodeSocialTariffNeeded Code = "social_tariff_needed"
	CodeVoidUnknown        Code = "void_unknown"
	CodeVoidTwice          Code = "void_twice"
	CodeStorageFull        Code = "storage_full"
	CodeStorageCorrupt     Code = "storage_corrupt"
	CodeStorageForeign     Code = "storage_foreign"
	CodeStorageNewer       Code = "storage_newer"
	// Shifts (kassa-afsluiting).
	CodeShiftOpen           Code = "shift_already_open"
	CodeShiftNotOpen        Code = "shift_not_open"
	CodeShiftUnknown        Code = "shift_unknown"
	CodeShiftUnsynced       Code = "shift_unsynced"
	CodeDenominationUnknown Code = "denomination_unknown"
	CodeCountInvalid        Code = "count_invalid"
)

// Error is a refusal by a domain rule. NL is the sentence the clerk reads
// (nl-BE); EN is the same sentence in English for the English interface
// and for logs. Neither is a Go error string: both are written for people.
type Error struct {
	Code Code
	NL   string
	EN   string
}

// Errorf builds a domain error; nl and en are format strings that take
// the same arguments.
func Errorf(code Code, nl, en string, args ...any) *Error {
	return &Error{Code: code, NL: fmt.Sprintf(nl, args...), EN: fmt.Sprintf(en, args...)}
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.EN }

// Message returns the sentence in the language ("nl" or "en"); Dutch is
// the default for every other value.
func (e *Error) Message(lang string) string {
	if lang == "en" {
		return e.EN
	}
	return e.NL
}

// ErrorCode returns the domain code of err, or "" when err is not (and
// does not wrap) a domain error.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// AsError returns the domain error inside err, if there is one.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
