package main

import (
	"archive/zip"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/balie/balie/ledger/report"
)

// TestRun_settlement seeds a small city with three months of history
// (the history closes August and September as it goes), closes October
// with the command, and checks the reports: the CSV's columns, that
// every row's shares add up and the columns sum to the totals the
// command prints; the PDF of one note; the zip of every note with the
// CSV, each note's total the CSV's for its organiser and payer; the
// figures as text, CSV and SVG; and the refusals.
func TestRun_settlement(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ledger.db")
	code, out, errs := runCmd(t, "seed", "--db", db, "--demo", "--holders", "400", "--today", "2026-11-02", "--history-days", "90")
	if code != 0 || !strings.Contains(out, "history: ") {
		t.Fatalf("seed: %d %s %s", code, out, errs)
	}
	if code, _, errs := runCmd(t, "period", "close", "--db", db, "--period", "2999-11", "--by", "Els"); code != 1 || !strings.Contains(errs, "loopt nog") {
		t.Errorf("closing a month that runs on: %d %s", code, errs)
	}
	code, out, errs = runCmd(t, "period", "close", "--db", db, "--period", "2026-10", "--by", "Els")
	if code != 0 || !strings.Contains(out, "2026-10 closed by Els") {
		t.Fatalf("close: %d %s %s", code, out, errs)
	}
	if code, _, errs := runCmd(t, "period", "close", "--db", db, "--period", "2026-10", "--by", "Els"); code != 1 || !strings.Contains(errs, "al afgesloten") {
		t.Errorf("a second close: %d %s", code, errs)
	}
	code, out, _ = runCmd(t, "period", "list", "--db", db)
	for _, m := range []string{"2026-08", "2026-09", "2026-10"} {
		if code != 0 || !strings.Contains(out, m) {
			t.Errorf("period list lacks %s: %s", m, out)
		}
	}

	dir := t.TempDir()
	csvPath := filepath.Join(dir, "oct.csv")
	code, _, errs = runCmd(t, "report", "settlement", "--db", db, "--period", "2026-10", "--out", csvPath)
	if code != 0 {
		t.Fatalf("report csv: %d %s", code, errs)
	}
	totals := regexp.MustCompile(`(\d+) lines, regular € ([\d.,]+), holders € ([\d.,]+), organisers € ([\d.,]+), payers € ([\d.,]+)`).FindStringSubmatch(errs)
	if totals == nil || !strings.Contains(errs, "(closed)") {
		t.Fatalf("report summary: %s", errs)
	}
	rows := readCSV(t, csvPath)
	if strings.Join(rows[0][:14], ",") != "organiser,payer,date,card,municipality,card_system,kind,tariff,event,regular_cents,holder_cents,organiser_cents,payer_cents,act_id" {
		t.Errorf("columns: %v", rows[0])
	}
	sums := make([]int64, 4)
	pairs := map[string]int64{}
	noted := map[string]bool{}
	for i, r := range rows[1:] {
		var v [4]int64
		for j := range 4 {
			v[j], _ = strconv.ParseInt(r[9+j], 10, 64)
			sums[j] += v[j]
		}
		if v[1]+v[2]+v[3] != v[0] {
			t.Errorf("row %d: %v does not add up", i+1, r)
		}
		pairs[r[0]+"|"+r[1]] += v[3]
		if v[3] != 0 && r[1] != "" {
			// A note lists every line a payer shares, also a sale and
			// its void that net out to nothing.
			noted[r[0]+"|"+r[1]] = true
		}
	}
	if n, _ := strconv.Atoi(totals[1]); n != len(rows)-1 || n == 0 {
		t.Errorf("%d rows, the summary says %s", len(rows)-1, totals[1])
	}
	for j, s := range sums {
		if got := euro(totals[2+j]); got != s {
			t.Errorf("column %s sums to %d, the summary says %d", rows[0][9+j], s, got)
		}
	}
	if sums[3] == 0 {
		t.Error("no social tariff in a month of history")
	}

	zipPath := filepath.Join(dir, "oct.zip")
	if code, _, errs := runCmd(t, "report", "settlement", "--db", db, "--period", "2026-10", "--format", "zip", "--out", zipPath); code != 0 {
		t.Fatalf("report zip: %d %s", code, errs)
	}
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	notes := 0
	for _, f := range zr.File {
		if !strings.HasSuffix(f.Name, ".pdf") {
			continue
		}
		notes++
		// onkostennota-2026-10-ORG-PAYER.pdf
		parts := strings.SplitN(strings.TrimSuffix(strings.TrimPrefix(f.Name, "onkostennota-2026-10-"), ".pdf"), "-", 3)
		org, payer := parts[0]+"-"+parts[1], parts[2]
		want := pairs[org+"|"+payer]
		text := pdfText(t, f)
		if !strings.Contains(text, euroText(want)) {
			t.Errorf("%s does not show its total %s", f.Name, euroText(want))
		}
		if !strings.Contains(text, "Onkostennota 2026-10") || !strings.Contains(text, "IBAN") || !strings.Contains(text, "Te storten") {
			t.Errorf("%s lacks the note's layout:\n%s", f.Name, text[:min(len(text), 400)])
		}
	}
	if notes == 0 || notes != len(noted) {
		t.Errorf("%d notes in the zip, %d organiser and payer pairs with a payer's part in the CSV", notes, len(noted))
	}

	pdfPath := filepath.Join(dir, "cc.pdf")
	if code, _, errs := runCmd(t, "report", "settlement", "--db", db, "--period", "2026-10", "--organiser", "org-cc", "--format", "pdf", "--out", pdfPath, "--lang", "en"); code != 0 {
		t.Fatalf("report pdf: %d %s", code, errs)
	}
	if b, _ := os.ReadFile(pdfPath); !strings.HasPrefix(string(b), "%PDF") {
		t.Error("the note is not a PDF")
	}

	code, out, errs = runCmd(t, "report", "figures", "--db", db, "--period", "2026")
	for _, want := range []string{"Pashouders", "Kost van het kansentarief", "Kinderopvang", "Punten gespaard"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("figures lack %q: %d %s %s", want, code, out, errs)
		}
	}
	code, out, _ = runCmd(t, "report", "figures", "--db", db, "--period", "2026", "--format", "csv")
	if code != 0 || !strings.Contains(out, "# social-cost") {
		t.Errorf("figures csv: %s", out)
	}
	code, out, _ = runCmd(t, "report", "figures", "--db", db, "--period", "2026", "--format", "svg", "--figure", "participation")
	if code != 0 || !strings.HasPrefix(out, "<svg") || !strings.HasSuffix(out, "</svg>") || strings.Contains(out, "<script") {
		t.Errorf("figures svg: %.200s", out)
	}
	if code, _, _ := runCmd(t, "report", "settlement", "--db", db, "--period", "oktober"); code != 1 {
		t.Errorf("a period that is none: %d", code)
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 2 || len(rows[0]) != len(report.SettlementColumns) {
		t.Fatalf("csv: %d rows, header %v", len(rows), rows[0])
	}
	return rows
}

// euro reads "1.234,50" as cents.
func euro(s string) int64 {
	s = strings.ReplaceAll(strings.ReplaceAll(s, ".", ""), ",", "")
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

func euroText(cents int64) string {
	return strings.TrimPrefix(report.FormatValue(cents, "cents", "nl"), "")
}

// pdfText is a PDF's text, by poppler's pdftotext (make test installs
// poppler-utils).
func pdfText(t *testing.T, f *zip.File) string {
	t.Helper()
	r, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	path := filepath.Join(t.TempDir(), "note.pdf")
	w, _ := os.Create(path)
	if _, err := w.ReadFrom(r); err != nil {
		t.Fatal(err)
	}
	w.Close()
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}
