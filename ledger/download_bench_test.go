package ledger

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/balie/balie/demo"
	balisync "github.com/balie/balie/sync"
)

// benchDirectory returns a ledger file with a demo city of n holders,
// made once and kept in the temp folder (a million takes about a
// minute).
func benchDirectory(b *testing.B, n int) string {
	b.Helper()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("balie-ledger-bench-%d-v1.db", n))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	tmp := path + ".part"
	os.Remove(tmp)
	l, err := Open(context.Background(), tmp, Options{})
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	ld, err := l.NewLoader(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	if err := demo.Generate(demo.Config{Holders: n, Today: today}, ld); err != nil {
		b.Fatal(err)
	}
	if err := ld.Close(); err != nil {
		b.Fatal(err)
	}
	if err := l.Close(); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d holders in %s", n, time.Since(start).Round(time.Millisecond))
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkFirstDownload pages through the whole change log of a
// million-holder directory over HTTP on 127.0.0.1, as a new terminal's
// first download does (LEDGER_BENCH_HOLDERS sets another size). It
// reports the time until the last page's last byte arrived
// (server-s: the server's reads and JSON included) and the time with
// the client's decoding of every page (total-s).
func BenchmarkFirstDownload(b *testing.B) {
	n := 1_000_000
	if v := os.Getenv("LEDGER_BENCH_HOLDERS"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	path := benchDirectory(b, n)
	l, err := Open(context.Background(), path, Options{QuickOpen: true})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	tm := enrolTerminal(b, l, demo.BoxOfficeDesk)
	srv := NewServer(l, ServerOptions{})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		b.Fatal(err)
	}
	defer srv.Shutdown(context.Background())
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	b.ResetTimer()
	for range b.N {
		var serving, decoding time.Duration
		changes, pages, bytesRead := 0, 0, 0
		cursor := ""
		for {
			t0 := time.Now()
			req, _ := http.NewRequest("GET", srv.URL()+balisync.PathChanges+"?cursor="+cursor, nil)
			req.Header.Set("Authorization", tm.bearer())
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 {
				b.Fatalf("page %d: %d %v", pages, resp.StatusCode, err)
			}
			t1 := time.Now()
			var page balisync.ChangesResponse
			if err := json.NewDecoder(bytes.NewReader(body)).Decode(&page); err != nil {
				b.Fatal(err)
			}
			serving += t1.Sub(t0)
			decoding += time.Since(t1)
			changes += len(page.Changes)
			pages++
			bytesRead += len(body)
			cursor = page.Next
			if !page.More {
				break
			}
		}
		b.ReportMetric(serving.Seconds(), "server-s")
		b.ReportMetric((serving + decoding).Seconds(), "total-s")
		b.ReportMetric(float64(changes), "changes")
		b.ReportMetric(float64(pages), "pages")
		b.ReportMetric(float64(bytesRead)/1e6, "MB")
	}
	b.ReportMetric(0, "ns/op")
}
