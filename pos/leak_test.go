package pos

import (
	"runtime"
	"testing"
)

// TestScanScreen_Scan_memoryFlat: a desk scans all day, so a scan must
// not leave anything behind. Widgets made anew for every scan each keep
// a renderer and text textures in Fyne's cache for a minute: tens of
// kilobytes a scan here, megabytes in the real window.
func TestScanScreen_Scan_memoryFlat(t *testing.T) {
	r := newRig(t, newFakeDirectory(), "nl")
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapInuse
	}
	r.scan(t, tomCard)
	r.scan(t, blockedCard)
	before := heap()
	const scans = 300
	for i := 0; i < scans/3; i++ {
		r.scan(t, tomCard)
		r.scan(t, "1000000520006")
		r.scan(t, blockedCard)
	}
	after := heap()
	perScan := (int64(after) - int64(before)) / scans
	if perScan > 8<<10 {
		t.Errorf("the heap grew by %d bytes per scan over %d scans, want it flat (under 8 kB)", perScan, scans)
	}
}
