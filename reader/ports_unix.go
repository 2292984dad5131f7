//go:build !windows

package reader

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

func listPorts(root string) ([]PortInfo, error) { return listDevPorts(root) }

// listDevPorts finds the serial ports under root ("/" on a real machine):
// every /dev/serial/by-id link with the device it points to, then the
// /dev/ttyUSB*, /dev/ttyACM* and /dev/ttyS* devices no link points to.
// A ttyS device whose UART the kernel reports as absent (type 0 in
// /sys/class/tty) is left out: most PCs have dozens of those. Paths are
// given as they are seen from root.
func listDevPorts(root string) ([]PortInfo, error) {
	var ports []PortInfo
	linked := map[string]bool{}
	byID := filepath.Join(root, "dev", "serial", "by-id")
	entries, err := os.ReadDir(byID)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	for _, e := range entries {
		link := filepath.Join(byID, e.Name())
		p := PortInfo{Path: "/" + filepath.Join("dev", "serial", "by-id", e.Name())}
		if t, err := os.Readlink(link); err == nil {
			if !filepath.IsAbs(t) {
				t = filepath.Join(p.Path[:strings.LastIndexByte(p.Path, '/')], t)
			}
			p.Target = filepath.Clean(t)
			linked[p.Target] = true
		}
		ports = append(ports, p)
	}
	for _, pattern := range []string{"ttyUSB*", "ttyACM*", "ttyS*"} {
		matches, err := filepath.Glob(filepath.Join(root, "dev", pattern))
		if err != nil {
			return nil, err
		}
		sort.Slice(matches, func(i, j int) bool { return naturalLess(matches[i], matches[j]) })
		for _, m := range matches {
			name := filepath.Base(m)
			dev := "/dev/" + name
			if linked[dev] {
				continue
			}
			if strings.HasPrefix(name, "ttyS") && !uartPresent(root, name) {
				continue
			}
			ports = append(ports, PortInfo{Path: dev})
		}
	}
	return ports, nil
}

// uartPresent reports whether sysfs says a UART is behind a ttyS device;
// when sysfs does not say, the device is listed.
func uartPresent(root, name string) bool {
	b, err := os.ReadFile(filepath.Join(root, "sys", "class", "tty", name, "type"))
	if err != nil {
		return true
	}
	return strings.TrimSpace(string(b)) != "0"
}
