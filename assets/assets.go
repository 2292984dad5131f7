// Package assets holds what the app embeds: the screens' translations and
// the sounds a desk makes.
package assets

import (
	"embed"
	"fmt"
)

//go:generate go run ./internal/gensounds sounds

//go:embed sounds/*.wav
var sounds embed.FS

//go:embed translations/*.json
var translations embed.FS

// Translations holds the screens' sentences, translations/nl.json and
// translations/en.json, for Fyne's lang package.
func Translations() embed.FS { return translations }

// Sound names.
const (
	SoundOK    = "ok"    // a short high tone: done
	SoundError = "error" // two low tones: refused, look at the screen
)

// Sound returns the WAV file of a sound.
func Sound(name string) ([]byte, error) {
	b, err := sounds.ReadFile("sounds/" + name + ".wav")
	if err != nil {
		return nil, fmt.Errorf("sound %s: %w", name, err)
	}
	return b, nil
}
