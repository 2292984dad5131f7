package reader

import (
	"errors"
	"fmt"

	"golang.org/x/sys/windows/registry"
)

// serialComm is where Windows names every serial port it has, built-in
// UARTs, USB CDC readers and USB-serial adapters alike, while the device
// is plugged in: one value per port, the driver's device name to the
// COM name.
const serialComm = `HARDWARE\DEVICEMAP\SERIALCOMM`

func listPorts(string) ([]PortInfo, error) {
	k, err := registry.OpenKey(registry.LOCAL_MACHINE, serialComm, registry.QUERY_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		// The key exists only while some serial port does.
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list ports: open HKLM\\%s: %w", serialComm, err)
	}
	defer k.Close()
	names, err := k.ReadValueNames(0)
	if err != nil {
		return nil, fmt.Errorf("list ports: %w", err)
	}
	devices := make(map[string]string, len(names))
	for _, n := range names {
		com, _, err := k.GetStringValue(n)
		if err != nil {
			continue // not a string: not a port
		}
		devices[n] = com
	}
	return comPorts(devices), nil
}
