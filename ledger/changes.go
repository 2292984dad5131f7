package ledger

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"

	balisync "github.com/balie/balie/sync"
)

// lastChange is the highest seq the change log ever gave (0 before the
// first change). A seq is never given twice, so every cursor up to it is
// one the ledger could have given.
func (l *Ledger) lastChange(ctx context.Context) (int64, error) {
	var n int64
	err := l.r.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM changes`).Scan(&n)
	return n, err
}

// cursor parses a download cursor: empty for the start, otherwise the
// seq of the last change served, which the ledger must have given.
func (l *Ledger) cursor(ctx context.Context, c string) (int64, *balisync.Problem, error) {
	if c == "" {
		return 0, nil, nil
	}
	n, err := strconv.ParseInt(c, 10, 64)
	if err != nil || n < 0 || strconv.FormatInt(n, 10) != c {
		return 0, problemCursor(c), nil
	}
	last, err := l.lastChange(ctx)
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

// page reads up to limit changes after seq after and calls fn for each;
// the byte slices are valid only during the call. more says whether
// changes follow the page.
func (l *Ledger) page(ctx context.Context, after int64, limit int, fn func(seq int64, kind, key []byte, deleted bool, data []byte)) (n int, last int64, more bool, err error) {
	rows, err := l.r.QueryContext(ctx, `SELECT seq, kind, key, deleted, data FROM changes WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit+1)
	if err != nil {
		return 0, after, false, l.classify("read changes", err)
	}
	defer rows.Close()
	last = after
	for rows.Next() {
		if n == limit {
			more = true
			break
		}
		var seq int64
		var kind, key, data sql.RawBytes
		var deleted bool
		if err := rows.Scan(&seq, &kind, &key, &deleted, &data); err != nil {
			return n, last, false, l.classify("read changes", err)
		}
		fn(seq, kind, key, deleted, data)
		last = seq
		n++
	}
	return n, last, more, l.classify("read changes", rows.Err())
}

// Changes returns the changes after cursor (empty for the first
// download), at most limit (MaxPage when zero or more), as
// docs/sync-protocol.md "GET /v1/changes" says.
func (l *Ledger) Changes(ctx context.Context, cursor string, limit int) (balisync.ChangesResponse, *balisync.Problem) {
	if err := l.flushDirty(ctx); err != nil {
		l.log.Error("flush before changes", "err", err)
		return balisync.ChangesResponse{}, problemInternal()
	}
	after, p, err := l.cursor(ctx, cursor)
	if err != nil {
		l.log.Error("read changes", "err", err)
		return balisync.ChangesResponse{}, problemInternal()
	}
	if p != nil {
		return balisync.ChangesResponse{}, p
	}
	resp := balisync.ChangesResponse{Changes: []balisync.Change{}}
	_, last, more, err := l.page(ctx, after, pageLimit(limit), func(seq int64, kind, key []byte, deleted bool, data []byte) {
		c := balisync.Change{Seq: seq, Kind: string(kind), Key: string(key), Deleted: deleted}
		if !deleted && data != nil {
			c.Data = json.RawMessage(bytes.Clone(data))
		}
		resp.Changes = append(resp.Changes, c)
	})
	if err != nil {
		l.log.Error("read changes", "err", err)
		return balisync.ChangesResponse{}, problemInternal()
	}
	resp.Next, resp.More = strconv.FormatInt(last, 10), more
	return resp, nil
}

// writeChanges appends a page as the JSON of a ChangesResponse to buf,
// without decoding and encoding every change's data again: the log holds
// it as compact JSON the ledger encoded itself. It returns the number of
// changes.
func (l *Ledger) writeChanges(ctx context.Context, cursor string, limit int, buf *bytes.Buffer) (int, *balisync.Problem) {
	if err := l.flushDirty(ctx); err != nil {
		l.log.Error("flush before changes", "err", err)
		return 0, problemInternal()
	}
	after, p, err := l.cursor(ctx, cursor)
	if err != nil {
		l.log.Error("read changes", "err", err)
		return 0, problemInternal()
	}
	if p != nil {
		return 0, p
	}
	buf.WriteString(`{"changes":[`)
	var scratch []byte
	first := true
	n, last, more, err := l.page(ctx, after, pageLimit(limit), func(seq int64, kind, key []byte, deleted bool, data []byte) {
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
	if err != nil {
		l.log.Error("read changes", "err", err)
		return 0, problemInternal()
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

// flushDirty flushes the hot state when it holds anything, so that a
// download serves every balance the ledger already answered.
func (l *Ledger) flushDirty(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return errors.New("ledger closed")
	}
	if !l.hot.dirty() {
		return nil
	}
	return l.flushLocked(ctx)
}
