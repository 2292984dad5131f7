package main

import (
	"fmt"
	"time"

	"github.com/tarm/serial"
)

// serialPrinter is an ESC/POS receipt printer on a serial port. The port
// is opened for each receipt: a printer switched off or unplugged between
// two sales then costs one failed print, not a stuck desk.
type serialPrinter struct {
	port string
	baud int
}

// Print writes one receipt.
func (p serialPrinter) Print(b []byte) error {
	s, err := serial.OpenPort(&serial.Config{Name: p.port, Baud: p.baud, ReadTimeout: time.Second})
	if err != nil {
		return fmt.Errorf("open printer %s: %w", p.port, err)
	}
	defer s.Close()
	if _, err := s.Write(b); err != nil {
		return fmt.Errorf("print on %s: %w", p.port, err)
	}
	return nil
}
