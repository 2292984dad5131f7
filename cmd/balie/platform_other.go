//go:build !windows

package main

import "os"

// appFolder is the folder of the terminal's configuration and store in
// the user's config folder (~/.config/balie).
const appFolder = "balie"

// What balie readers says about the ports of this system.
const (
	noPortsFound = "No serial ports found: no /dev/serial/by-id links and no /dev/ttyUSB*, /dev/ttyACM* or /dev/ttyS* with a UART behind it."
	portAdvice   = "Give the PORT to --port. A /dev/serial/by-id name stays the same when the reader is plugged into another USB socket; /dev/ttyUSB0 may not."
)

// stdio is where the operator commands write.
func stdio() (stdout, stderr *os.File) { return os.Stdout, os.Stderr }
