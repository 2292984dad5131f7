package store

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/balie/balie"
)

// dbTime is how instants are stored: UTC with a fixed width, so that text
// order is time order and range queries can use the indexes.
const dbTime = "2006-01-02T15:04:05.000000000Z07:00"

// dbDate is how calendar dates (birth dates, end dates) are stored.
const dbDate = "2006-01-02"

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(dbTime)
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(dbTime, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse time %q: %w", s, err)
	}
	return t, nil
}

func fmtDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(balie.Brussels()).Format(dbDate)
}

func parseDate(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation(dbDate, s, balie.Brussels())
	if err != nil {
		return time.Time{}, fmt.Errorf("parse date %q: %w", s, err)
	}
	return t, nil
}

func joinIDs(ids []string) string { return strings.Join(ids, ",") }

func splitIDs(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func joinReasons(rs []balie.PurchaseReason) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = string(r)
	}
	return strings.Join(parts, ",")
}

func splitReasons(s string) []balie.PurchaseReason {
	var rs []balie.PurchaseReason
	for _, p := range splitIDs(s) {
		rs = append(rs, balie.PurchaseReason(p))
	}
	return rs
}

func fmtInt(n int64) string { return strconv.FormatInt(n, 10) }
