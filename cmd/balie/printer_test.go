package main

import (
	"bytes"
	"io"
	"path/filepath"
	"testing"

	"github.com/creack/pty"
)

// TestSerialPrinter prints to a real pseudo-terminal, opened by its path
// as /dev/ttyUSB0 would be, and reads what the printer received.
func TestSerialPrinter(t *testing.T) {
	printer, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer printer.Close()
	defer tty.Close()
	receipt := []byte("\x1b@Ticketbalie CC Lier\n\x1dVB\x00")
	if err := (serialPrinter{port: tty.Name(), baud: 9600}).Print(receipt); err != nil {
		t.Fatalf("Print: %v", err)
	}
	got := make([]byte, len(receipt))
	if _, err := io.ReadFull(printer, got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, receipt) {
		t.Errorf("the printer received % x, want % x", got, receipt)
	}
	if err := (serialPrinter{port: filepath.Join(t.TempDir(), "ttyUSB9"), baud: 9600}).Print(receipt); err == nil {
		t.Errorf("printing to a missing port succeeded")
	}
}
