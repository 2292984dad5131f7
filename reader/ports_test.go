//go:build !windows

package reader

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestListPorts(t *testing.T) {
	root := t.TempDir()
	mk := func(rel, content string) {
		t.Helper()
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := func(target, name string) {
		t.Helper()
		dir := filepath.Join(root, "dev", "serial", "by-id")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{"ttyUSB0", "ttyACM0", "ttyACM1", "ttyS0", "ttyS1", "ttyS10", "ttyS2", "tty0", "ttyprintk"} {
		mk("dev/"+d, "")
	}
	mk("sys/class/tty/ttyS0/type", "4\n") // a 16550A
	mk("sys/class/tty/ttyS1/type", "0\n") // nothing behind it
	mk("sys/class/tty/ttyS2/type", "0\n")
	mk("sys/class/tty/ttyS10/type", "0\n")
	link("../../ttyUSB0", "usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0")
	link("../../ttyACM1", "usb-Honeywell_Imaging_1900_12345-if00")

	got, err := ListPorts(root)
	if err != nil {
		t.Fatal(err)
	}
	want := []PortInfo{
		{Path: "/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0", Target: "/dev/ttyUSB0"},
		{Path: "/dev/serial/by-id/usb-Honeywell_Imaging_1900_12345-if00", Target: "/dev/ttyACM1"},
		{Path: "/dev/ttyACM0"},
		{Path: "/dev/ttyS0"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestListPorts_None(t *testing.T) {
	got, err := ListPorts(t.TempDir())
	if err != nil || len(got) != 0 {
		t.Errorf("got %v, %v, want none", got, err)
	}
}
