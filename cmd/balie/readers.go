package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/balie/balie/reader"
)

// runReaders lists the serial ports a reader could be on, by their
// stable names. It exits 1 when there are none.
func runReaders(ctx context.Context, args []string, stdout, stderr io.Writer, log *slog.Logger) int {
	fset := flag.NewFlagSet("readers", flag.ContinueOnError)
	root := fset.String("root", "/", "look for ports under this folder instead of / (for tests)")
	if code, ok := parse(fset, args, stderr); !ok {
		return code
	}
	ports, err := reader.ListPorts(*root)
	if err != nil {
		fmt.Fprintln(stderr, "balie readers:", err)
		return exitFail
	}
	if len(ports) == 0 {
		fmt.Fprintln(stdout, noPortsFound)
		fmt.Fprintln(stdout, "Plug the reader in (USB) and run 'balie readers' again. A keyboard-wedge scanner needs no port: it types into the app.")
		return exitFail
	}
	w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "PORT\tDEVICE NOW")
	for _, p := range ports {
		target := p.Target
		if target == "" {
			target = "-"
		}
		fmt.Fprintf(w, "%s\t%s\n", p.Path, target)
	}
	w.Flush()
	fmt.Fprintln(stdout, "\n"+portAdvice)
	return exitOK
}

// runReaderTest runs one serial reader and prints every read and every
// rejected frame with its reason, until Ctrl-C.
// readerFlags are the flags that describe a serial reader: reader-test
// takes them as they are, the app with "reader-" in front.
type readerFlags struct {
	port, protocol, parity, term, prefix, suffix, uidPrefix string
	baud, dataBits, stopBits                                int
	stxetx, reverse                                         bool
	debounce                                                time.Duration
}

// register adds the flags to fset; port names the flag of the port.
func (f *readerFlags) register(fset *flag.FlagSet, pre, port string) {
	fset.StringVar(&f.port, port, "", "the serial port: a /dev/serial/by-id/... link or a device such as /dev/ttyACM0 (see 'balie readers')")
	fset.StringVar(&f.protocol, pre+"protocol", "line", "line (barcode scanner), uid (NFC/RFID reader printing UIDs) or pn532")
	fset.IntVar(&f.baud, pre+"baud", 0, "baud rate (default 9600, 115200 for pn532)")
	fset.IntVar(&f.dataBits, pre+"data-bits", 8, "data bits: 5 to 8")
	fset.StringVar(&f.parity, pre+"parity", "none", "parity: none, even or odd")
	fset.IntVar(&f.stopBits, pre+"stop-bits", 1, "stop bits: 1 or 2")
	fset.StringVar(&f.term, pre+"terminator", "auto", "line and uid: the end of a code: auto (CR, LF or CRLF), cr, lf or crlf")
	fset.BoolVar(&f.stxetx, pre+"stx-etx", false, "line and uid: codes come between STX and ETX")
	fset.StringVar(&f.prefix, pre+"prefix", "", "line and uid: text the reader puts before every code (removed)")
	fset.StringVar(&f.suffix, pre+"suffix", "", "line and uid: text the reader puts after every code (removed)")
	fset.StringVar(&f.uidPrefix, pre+"uid-prefix", "", "uid: text before the UID on each line, such as UID: (any case)")
	fset.BoolVar(&f.reverse, pre+"reverse", false, "uid: the reader writes the UID's bytes last byte first")
	fset.DurationVar(&f.debounce, pre+"debounce", time.Second, "the same card again within this window counts once (0: off)")
}

// config checks the flags and makes the reader's configuration.
func (f *readerFlags) config() (reader.Config, error) {
	proto, err := reader.ParseProtocol(f.protocol)
	if err != nil {
		return reader.Config{}, err
	}
	par, err := reader.ParseParity(f.parity)
	if err != nil {
		return reader.Config{}, err
	}
	terminator, err := reader.ParseTerminator(f.term)
	if err != nil {
		return reader.Config{}, err
	}
	return reader.Config{
		Port:     reader.Port{Name: f.port, Baud: f.baud, DataBits: f.dataBits, Parity: par, StopBits: f.stopBits},
		Protocol: proto,
		Line:     reader.LineFormat{Terminator: terminator, STXETX: f.stxetx, Prefix: f.prefix, Suffix: f.suffix},
		UID:      reader.UIDFormat{Prefix: f.uidPrefix, Reverse: f.reverse},
		Debounce: f.debounce,
	}, nil
}

func runReaderTest(ctx context.Context, args []string, stdout, stderr io.Writer, log *slog.Logger) int {
	fset := flag.NewFlagSet("reader-test", flag.ContinueOnError)
	var rf readerFlags
	rf.register(fset, "", "port")
	if code, ok := parse(fset, args, stderr); !ok {
		return code
	}
	if rf.port == "" {
		fmt.Fprintln(stderr, "balie reader-test: --port is required; 'balie readers' lists the ports")
		return exitUsage
	}
	cfg, err := rf.config()
	if err != nil {
		fmt.Fprintln(stderr, "balie reader-test:", err)
		return exitUsage
	}
	proto := cfg.Protocol

	p := &printer{w: stdout, hex: proto == reader.ProtocolPN532}
	// Everything the reader has to say is printed below, so its log would
	// only say it twice.
	cfg.OnReject, cfg.OnStatus = p.reject, p.status
	s, err := reader.NewSerial(cfg)
	if err != nil {
		fmt.Fprintln(stderr, "balie reader-test:", err)
		return exitUsage
	}
	p.printf("reader-test: %s on %s; Ctrl-C to stop\n", proto, s.Port())

	reads := make(chan reader.Read)
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, reads) }()
	for {
		select {
		case r := <-reads:
			p.printf("%s  READ      %-22s from %s\n", stamp(r.At), r.String(), r.Source)
		case err := <-done:
			p.printf("stopped: %s\n", s.Stats())
			if err != nil {
				fmt.Fprintln(stderr, "balie reader-test:", err)
				return exitFail
			}
			return exitOK
		}
	}
}

// printer serialises the lines of reader-test: reads arrive on one
// goroutine, rejects and status changes on the reader's.
type printer struct {
	mu  sync.Mutex // guards w
	w   io.Writer
	hex bool // show raw bytes in hex (PN532 frames) rather than quoted
}

func (p *printer) printf(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, format, args...)
}

func (p *printer) reject(r reader.Reject) {
	raw := fmt.Sprintf("%q", r.Raw)
	if p.hex {
		raw = fmt.Sprintf("[% X]", r.Raw)
	}
	if r.Reason == reader.ReasonDuplicate {
		p.printf("%s  REPEAT    %-22s counted once (debounce)\n", stamp(r.At), r.Raw)
		return
	}
	p.printf("%s  REJECTED  %-22s %s: %s\n", stamp(r.At), r.Reason, raw, r.Detail)
}

func (p *printer) status(s reader.Status) {
	switch {
	case s.State == reader.Connected:
		p.printf("%s  CONNECTED %s (%s)\n", stamp(s.Since), s.Port, s.Device)
	case s.Err != nil:
		p.printf("%s  NO PORT   %v; trying again in %v\n", stamp(time.Now()), s.Err, s.RetryIn)
	}
}

func stamp(t time.Time) string { return t.Local().Format("15:04:05.000") }
