package reader

import (
	"reflect"
	"testing"
)

// TestComPorts: what balie readers lists on Windows, from what the
// registry says; COM10 after COM9, a value with no name left out.
func TestComPorts(t *testing.T) {
	got := comPorts(map[string]string{
		`\Device\USBSER000`: "COM10",
		`\Device\Serial0`:   "COM1",
		`\Device\VCP0`:      "COM3",
		`\Device\Serial1`:   "COM2",
		`\Device\Broken`:    " ",
		`\Device\USBSER001`: "COM9",
	})
	want := []PortInfo{
		{Path: "COM1", Target: `\Device\Serial0`},
		{Path: "COM2", Target: `\Device\Serial1`},
		{Path: "COM3", Target: `\Device\VCP0`},
		{Path: "COM9", Target: `\Device\USBSER001`},
		{Path: "COM10", Target: `\Device\USBSER000`},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}
