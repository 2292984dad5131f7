package receipt

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/balie/balie"
)

// pdfText extracts a PDF's text with poppler's pdftotext, so the tests
// read what a person would; it skips the check where poppler is missing.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext (poppler-utils) is not installed: the PDF's text is not checked")
	}
	path := filepath.Join(t.TempDir(), "out.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// keep writes a rendered PDF to $BALIE_RECEIPT_DIR, for a person to look
// at; nothing happens when it is not set.
func keep(t *testing.T, name string, pdf []byte) {
	if dir := os.Getenv("BALIE_RECEIPT_DIR"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name), pdf, 0o644); err != nil {
			t.Error(err)
		}
	}
}

func checkPDF(t *testing.T, pdf []byte) {
	t.Helper()
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("output starts with %q, want %%PDF-", pdf[:min(len(pdf), 8)])
	}
	if len(pdf) < 1000 {
		t.Errorf("PDF is %d bytes, want a real document", len(pdf))
	}
}

func TestReceiptPDF(t *testing.T) {
	cases := []struct {
		name string
		r    Receipt
		lang string
		want []string
	}{
		{"dutch", socialSale(), "nl", []string{"Onthaal CC", "CC Lier", "UiTPAS-tarief", "€ 3,60", "€ 18,00", "TOTAAL", "€ 21,60",
			"Ontvangen", "€ 50,00", "Terug", "€ 28,40", "Ref. 7E8F-9A0B", "Bedankt en tot ziens!"}},
		{"english", socialSale(), "en", []string{"UiTPAS-tarief", "TOTAL", "€21.60", "Change", "€28.40"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := ReceiptPDF(&buf, c.r, c.lang); err != nil {
				t.Fatalf("ReceiptPDF: %v", err)
			}
			keep(t, "receipt-"+c.lang+".pdf", buf.Bytes())
			checkPDF(t, buf.Bytes())
			text := pdfText(t, buf.Bytes())
			for _, w := range c.want {
				if !strings.Contains(text, w) {
					t.Errorf("PDF does not say %q:\n%s", w, text)
				}
			}
			if stigmaWords.MatchString(text) {
				t.Errorf("PDF receipt singles out a social-tariff holder:\n%s", text)
			}
		})
	}
}

func TestZReportPDF(t *testing.T) {
	open := closedShift()
	open.IsClosed, open.Closed, open.Counted, open.Unsynced = false, balie.Recorded{}, nil, 0
	cases := []struct {
		name string
		z    balie.ZReport
		lang string
		want []string
	}{
		{"closed", closedShift(), "nl", []string{"Kassa-afsluiting (Z-rapport)", "Onthaal CC", "An Clerk", "Per betaalwijze", "Cash", "€ 17,00",
			"Kaart", "€ 21,60", "Per soort verkoop", "Lidmaatschappen", "Per organisator", "CC Lier", "Sportdienst", "€ 38,60",
			"Annuleringen", "€ 36,00", "Wisselgeld bij opening", "€ 150,00", "Verwacht in kassa", "€ 167,00", "Telling", "€ 165,00",
			"€ -2,00 (tekort)", "nog niet bij de centrale", "Bart Super", "Handtekening verantwoordelijke", "pagina 1/1"}},
		{"english", closedShift(), "en", []string{"Shift close (Z report)", "By organiser", "€167.00", "-€2.00 (short)", "Supervisor's signature"}},
		{"open", open, "nl", []string{"Tussenstand (X-rapport)", "Verwacht in kassa", "€ 167,00", "de shift is nog open"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := ZReportPDF(&buf, c.z, c.lang); err != nil {
				t.Fatalf("ZReportPDF: %v", err)
			}
			keep(t, "zreport-"+c.name+".pdf", buf.Bytes())
			checkPDF(t, buf.Bytes())
			text := strings.Join(strings.Fields(pdfText(t, buf.Bytes())), " ")
			for _, w := range c.want {
				if !strings.Contains(text, w) {
					t.Errorf("PDF does not say %q:\n%s", w, text)
				}
			}
		})
	}
	// The same report gives the same file.
	var a, b bytes.Buffer
	if err := ZReportPDF(&a, closedShift(), "nl"); err != nil {
		t.Fatal(err)
	}
	if err := ZReportPDF(&b, closedShift(), "nl"); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Errorf("two renderings of one report differ")
	}
}
