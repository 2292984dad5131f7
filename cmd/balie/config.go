package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// The terminal's configuration file holds the app's flags, one per line as
// "name = value" (the flag's name without dashes), with # comments. Flags
// given on the command line win over the file; balie alone runs on what
// the file says. Enrolment writes the ledger's address and the desk in it.

// defaultConfig is the configuration file in the user's config folder.
func defaultConfig() string { return defaultDB("balie.conf") }

// loadConfig sets every flag of fset named in the file at path that was
// not given on the command line. A missing file is no error when
// optional; a line that names no flag, or a bad value, is, with its line
// number.
func loadConfig(fset *flag.FlagSet, path string, optional bool) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) && optional {
		return nil
	}
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	defer f.Close()
	given := map[string]bool{}
	fset.Visit(func(fl *flag.Flag) { given[fl.Name] = true })
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if !ok || name == "" {
			return fmt.Errorf("configuration %s line %d: want name = value, not %q", path, n, line)
		}
		if fset.Lookup(name) == nil || name == "config" {
			return fmt.Errorf("configuration %s line %d: %q is not a setting of balie (see balie --help)", path, n, name)
		}
		if given[name] {
			continue
		}
		if err := fset.Set(name, value); err != nil {
			return fmt.Errorf("configuration %s line %d: %s: %w", path, n, name, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("configuration %s: %w", path, err)
	}
	return nil
}

// saveConfig writes settings into the file at path, keeping the other
// lines it has. It writes a side file and renames it, so a crash never
// leaves half a configuration.
func saveConfig(path string, settings map[string]string) error {
	var lines []string
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("save configuration: %w", err)
	}
	if len(old) == 0 {
		lines = append(lines, "# Balie terminal configuration: one setting per line, name = value.",
			"# Every flag of 'balie --help' can stand here; a flag on the command line wins.")
	}
	done := map[string]bool{}
	for _, line := range strings.Split(strings.TrimRight(string(old), "\n"), "\n") {
		if line == "" && len(old) == 0 {
			continue
		}
		name, _, ok := strings.Cut(line, "=")
		name = strings.TrimSpace(name)
		if v, set := settings[name]; ok && set && !strings.HasPrefix(name, "#") {
			line = name + " = " + v
			done[name] = true
		}
		lines = append(lines, line)
	}
	names := make([]string, 0, len(settings))
	for name := range settings {
		if !done[name] {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		lines = append(lines, name+" = "+settings[name])
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("save configuration: %w", err)
	}
	tmp := path + ".new"
	if err := os.WriteFile(tmp, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		return fmt.Errorf("save configuration: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("save configuration: %w", err)
	}
	return nil
}
