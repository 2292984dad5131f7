package ledger

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"

	"github.com/balie/balie"
	balisync "github.com/balie/balie/sync"
)

// cursor parses a download cursor: empty for the start, otherwise the
// seq of the last change served, which the ledger must have given.
func cursor(tx ReadTx, c string) (int64, *Problem, error) {
	if c == "" {
		return 0, nil, nil
	}
	n, err := strconv.ParseInt(c, 10, 64)
	if err != nil || n < 0 || strconv.FormatInt(n, 10) != c {
		return 0, problemCursor(c), nil
	}
	last, err := tx.LastChange()
	if err != nil {
		return 0, nil, err
	}
	if n > last {
		return 0, problemCursor(c), nil
	}
	return n, nil, nil
}

// pageLimit is the page size for a requested limit: MaxPage when none or
// more is asked.
func pageLimit(limit int) int {
	if limit <= 0 || limit > balisync.MaxPage {
		return balisync.MaxPage
	}
	return limit
}

// Changes returns the changes after cursor (empty for the first
// download), at most limit (MaxPage when zero or more), as
// docs/sync-protocol.md "GET /v1/changes" says, of every audience: the
// whole log, for an operator. A terminal gets ChangesFor.
func (l *Ledger) Changes(ctx context.Context, cursor string, limit int) (balisync.ChangesResponse, *Problem) {
	return l.ChangesFor(ctx, "", cursor, limit)
}

// ChangesFor is Changes as terminal may download them: only the changes
// for every terminal, for itself, and for its desk (a childcare desk's
// children). An empty terminal is every audience.
func (l *Ledger) ChangesFor(ctx context.Context, terminal, cursor string, limit int) (balisync.ChangesResponse, *Problem) {
	resp := balisync.ChangesResponse{Changes: []balisync.Change{}}
	_, last, more, p := l.page(ctx, terminal, cursor, limit, func(seq int64, kind, key []byte, deleted bool, data []byte) {
		c := balisync.Change{Seq: seq, Kind: string(kind), Key: string(key), Deleted: deleted}
		if !deleted && data != nil {
			c.Data = json.RawMessage(bytes.Clone(data))
		}
		resp.Changes = append(resp.Changes, c)
	})
	if p != nil {
		return balisync.ChangesResponse{}, p
	}
	resp.Next, resp.More = strconv.FormatInt(last, 10), more
	return resp, nil
}

// page flushes what the store holds in memory, so that a download serves
// every balance the ledger already answered, and reads one page after
// cursor in one read transaction.
func (l *Ledger) page(ctx context.Context, terminal, c string, limit int, fn func(seq int64, kind, key []byte, deleted bool, data []byte)) (n int, last int64, more bool, p *Problem) {
	if err := l.store.Flush(ctx); err != nil {
		l.log.Error("flush before changes", "err", err)
		return 0, 0, false, problemInternal()
	}
	limit = pageLimit(limit)
	err := l.store.Read(ctx, func(tx ReadTx) error {
		after, bad, err := cursor(tx, c)
		if err != nil || bad != nil {
			p = bad
			return err
		}
		last = after
		each := func(seq int64, kind, key []byte, deleted bool, data []byte) {
			if n == limit {
				more = true
				return
			}
			fn(seq, kind, key, deleted, data)
			last = seq
			n++
		}
		if terminal == "" {
			return tx.Changes(after, limit+1, each)
		}
		auds, err := terminalAudiences(tx, terminal)
		if err != nil {
			return err
		}
		return tx.ChangesFor(after, limit+1, auds, each)
	})
	if err != nil {
		l.log.Error("read changes", "err", err)
		return 0, 0, false, problemInternal()
	}
	return n, last, more, p
}

// WriteChanges appends a page as the JSON of a ChangesResponse to buf,
// without decoding and encoding every change's data again: the log holds
// it as compact JSON the ledger encoded itself. It returns the number of
// changes.
func (l *Ledger) WriteChanges(ctx context.Context, cursor string, limit int, buf *bytes.Buffer) (int, *Problem) {
	return l.WriteChangesFor(ctx, "", cursor, limit, buf)
}

// WriteChangesFor is WriteChanges of what terminal may download (see
// ChangesFor).
func (l *Ledger) WriteChangesFor(ctx context.Context, terminal, cursor string, limit int, buf *bytes.Buffer) (int, *Problem) {
	start := buf.Len()
	buf.WriteString(`{"changes":[`)
	var scratch []byte
	first := true
	n, last, more, p := l.page(ctx, terminal, cursor, limit, func(seq int64, kind, key []byte, deleted bool, data []byte) {
		scratch = scratch[:0]
		if !first {
			scratch = append(scratch, ',')
		}
		first = false
		scratch = append(scratch, `{"seq":`...)
		scratch = strconv.AppendInt(scratch, seq, 10)
		scratch = append(scratch, `,"kind":`...)
		scratch = appendJSONString(scratch, kind)
		scratch = append(scratch, `,"key":`...)
		scratch = appendJSONString(scratch, key)
		switch {
		case deleted:
			scratch = append(scratch, `,"deleted":true`...)
		case data != nil:
			scratch = append(scratch, `,"data":`...)
			scratch = append(scratch, data...)
		}
		scratch = append(scratch, '}')
		buf.Write(scratch)
	})
	if p != nil {
		buf.Truncate(start)
		return 0, p
	}
	buf.WriteString(`],"next":`)
	buf.Write(appendJSONString(nil, []byte(strconv.FormatInt(last, 10))))
	buf.WriteString(`,"more":`)
	buf.WriteString(strconv.FormatBool(more))
	buf.WriteString("}\n")
	return n, nil
}

// appendJSONString appends s as a JSON string. Plain ASCII, which ids and
// card numbers are, is copied; anything else goes through encoding/json.
func appendJSONString(dst, s []byte) []byte {
	for _, c := range s {
		if c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
			b, _ := json.Marshal(string(s))
			return append(dst, b...)
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}

// terminalAudiences are the audiences of a terminal by its desk, as the
// ledger has them (never as the terminal says): a terminal moved to
// another desk gets that desk's from then on.
func terminalAudiences(tx ReadTx, terminal string) ([]string, error) {
	t, ok, err := tx.Terminal(terminal)
	if err != nil || !ok {
		return []string{""}, err
	}
	d, _, err := entity[balie.Desk](tx, balie.ChangeDesk, t.Location)
	if err != nil {
		return nil, err
	}
	return Audiences(terminal, d), nil
}

// RelogRestricted logs again every change with an audience up to seq
// upTo, so that it comes after a snapshot of that cursor: a snapshot is
// shared by every terminal and holds no child, and a terminal that
// starts from it gets its desk's children from the log after its cursor.
// It returns how many it logged.
func (l *Ledger) RelogRestricted(ctx context.Context, upTo int64) (int, error) {
	n := 0
	err := l.store.Write(ctx, func(tx WriteTx) error {
		n = 0
		var cs []Change
		if err := tx.RestrictedChanges(upTo, func(c Change) error {
			cs = append(cs, c)
			return nil
		}); err != nil {
			return err
		}
		for _, c := range cs {
			if err := tx.Change(c); err != nil {
				return err
			}
		}
		n = len(cs)
		return nil
	})
	return n, wrap("log restricted changes again", err)
}
