package reader

import (
	"sort"
	"strings"
)

// PortInfo is a serial port found on the machine.
type PortInfo struct {
	// Path is what to configure as the port: on Linux a
	// /dev/serial/by-id link when the device has one (it survives
	// replugging and other USB sockets), else the device itself; on
	// Windows the COM name, such as COM3.
	Path string
	// Target is the device behind Path now: the device a by-id link
	// points to, or on Windows the driver's device (\Device\USBSER000
	// for a USB CDC reader, \Device\VCP0 for an FTDI adapter);
	// empty when there is no other name.
	Target string
}

// ListPorts finds the serial ports a reader could be on, by the names to
// configure. On Linux it looks under root ("/" on a real machine; see
// listDevPorts); on Windows it lists the COM ports Windows has (root is
// not used).
func ListPorts(root string) ([]PortInfo, error) { return listPorts(root) }

// comPorts orders the COM ports Windows keeps under
// HKLM\HARDWARE\DEVICEMAP\SERIALCOMM, device name to COM name, by number:
// COM2 before COM10.
func comPorts(devices map[string]string) []PortInfo {
	ports := make([]PortInfo, 0, len(devices))
	for dev, com := range devices {
		if com = strings.TrimSpace(com); com != "" {
			ports = append(ports, PortInfo{Path: com, Target: dev})
		}
	}
	sort.Slice(ports, func(i, j int) bool {
		a, b := strings.ToUpper(ports[i].Path), strings.ToUpper(ports[j].Path)
		if a == b {
			return ports[i].Target < ports[j].Target
		}
		return naturalLess(a, b)
	})
	return ports
}

// naturalLess orders ttyS2 before ttyS10.
func naturalLess(a, b string) bool {
	ta, na := splitNum(a)
	tb, nb := splitNum(b)
	if ta != tb {
		return ta < tb
	}
	if len(na) != len(nb) {
		return len(na) < len(nb)
	}
	return na < nb
}

func splitNum(s string) (string, string) {
	i := len(s)
	for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	return s[:i], s[i:]
}
