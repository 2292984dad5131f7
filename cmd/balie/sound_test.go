package main

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSoundPlayer(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	bin := t.TempDir()
	t.Setenv("PATH", bin)
	if p := newSoundPlayer(t.TempDir(), quiet); p != nil {
		t.Fatalf("a player was found on an empty PATH: %s", p.player)
	}
	// A stand-in for aplay that notes which file it was asked to play.
	heard := filepath.Join(t.TempDir(), "heard")
	script := "#!/bin/sh\necho \"$1\" >> " + heard + "\n"
	if err := os.WriteFile(filepath.Join(bin, "aplay"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	p := newSoundPlayer(t.TempDir(), quiet)
	if p == nil {
		t.Fatal("no player found with aplay on PATH")
	}
	for _, ok := range []bool{true, false} {
		cmd, err := p.start(ok)
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Wait(); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := os.ReadFile(heard)
	lines := strings.Fields(string(got))
	if len(lines) != 2 || filepath.Base(lines[0]) != "ok.wav" || filepath.Base(lines[1]) != "error.wav" {
		t.Errorf("played %q, want ok.wav then error.wav", lines)
	}
	for _, f := range lines {
		if b, err := os.ReadFile(f); err != nil || !strings.HasPrefix(string(b), "RIFF") {
			t.Errorf("%s is not the WAV file: %v", f, err)
		}
	}
}
