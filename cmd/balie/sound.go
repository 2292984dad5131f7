package main

import (
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/balie/balie/assets"
)

// soundPlayer plays the app's sounds with the desktop's own player
// (PipeWire, PulseAudio or ALSA). Fyne has no audio, and a counter PC
// has one of these players; without one the desk is silent, and says so
// once in the log.
type soundPlayer struct {
	player string
	files  map[bool]string // ok -> the WAV file
	log    *slog.Logger
}

// newSoundPlayer writes the sounds to dir and finds a player; it returns
// nil (no sound) when there is none.
func newSoundPlayer(dir string, log *slog.Logger) *soundPlayer {
	var player string
	for _, p := range []string{"pw-play", "paplay", "aplay"} {
		if path, err := exec.LookPath(p); err == nil {
			player = path
			break
		}
	}
	if player == "" {
		log.Info("no sound player (pw-play, paplay or aplay) found: the desk is silent")
		return nil
	}
	p := &soundPlayer{player: player, files: map[bool]string{}, log: log}
	for ok, name := range map[bool]string{true: assets.SoundOK, false: assets.SoundError} {
		b, err := assets.Sound(name)
		if err == nil {
			path := filepath.Join(dir, name+".wav")
			if err = os.MkdirAll(dir, 0o700); err == nil {
				err = os.WriteFile(path, b, 0o600)
			}
			p.files[ok] = path
		}
		if err != nil {
			log.Warn("sounds off", "err", fmt.Errorf("write sound %s: %w", name, err))
			return nil
		}
	}
	return p
}

// Play plays the confirmation or the error sound without waiting for it.
func (p *soundPlayer) Play(ok bool) {
	cmd, err := p.start(ok)
	if err != nil {
		p.log.Warn("play sound", "err", err)
		return
	}
	go cmd.Wait()
}

func (p *soundPlayer) start(ok bool) (*exec.Cmd, error) {
	cmd := exec.Command(p.player, p.files[ok])
	return cmd, cmd.Start()
}
