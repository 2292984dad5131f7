package assets

import (
	"bytes"
	"testing"
)

func TestSound(t *testing.T) {
	for _, name := range []string{SoundOK, SoundError} {
		b, err := Sound(name)
		if err != nil {
			t.Fatalf("Sound(%s): %v", name, err)
		}
		if !bytes.HasPrefix(b, []byte("RIFF")) || !bytes.Equal(b[8:16], []byte("WAVEfmt ")) || len(b) < 1000 {
			t.Errorf("%s is not a WAV file of a tone (%d bytes)", name, len(b))
		}
	}
	if _, err := Sound("nope"); err == nil {
		t.Errorf("Sound(nope) succeeded")
	}
}
