package ledger

import (
	"encoding/json"
	"fmt"
	"time"
)

// Nanos is how usage instants are kept: integers compare fast. The zero
// time of an ABSOLUTE window maps below every real act.
func Nanos(t time.Time) int64 {
	if t.IsZero() || t.Year() < 1678 {
		return -1 << 63
	}
	if t.Year() > 2261 {
		return 1<<63 - 1
	}
	return t.UnixNano()
}

func nanos(t time.Time) int64 { return Nanos(t) }

// mustJSON encodes a value the ledger made itself: balie types and wire
// types always encode.
func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("ledger: encode %T: %v", v, err))
	}
	return b
}

// dbDate is how calendar dates are written in files the ledger reads and
// writes: the Brussels day.
const dbDate = "2006-01-02"

// jsonUnmarshal decodes JSON the ledger stored itself.
func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
