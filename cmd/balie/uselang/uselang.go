// Package uselang chooses the screen's language before Fyne reads the
// environment.
//
// Fyne's lang package reads the system's locale when it is initialised,
// before main runs: on a desk whose LANG is C.UTF-8 it logged "Error
// parsing user locale C" at every start, and a LANG of C alone would have
// made it speak English whatever the desk chose. This package is
// initialised first: Go initialises packages in import-path order once
// their imports are, this one imports only os and strings (as Fyne's
// locale reader, github.com/jeandeaual/go-locale, does) and its path sorts
// before that one's. It sets the language the command line (--lang) or
// the terminal's configuration file (lang = ...) asks for, Dutch when
// neither does; the settings screen changes it later with
// pos.UseLanguage.
package uselang

import (
	"os"
	"strings"
)

func init() {
	lang := Choose(os.Args[1:], os.ReadFile, configDir())
	for k, v := range Env(lang, os.Getenv) {
		os.Setenv(k, v)
	}
}

// Choose returns the language the command line asks for (--lang, -lang,
// with = or a space), or else the configuration file's (the one of
// --config, or balie.conf in dir; none with --demo), "nl" when neither
// says or what they say is not "en".
func Choose(args []string, read func(string) ([]byte, error), dir string) string {
	config, demo := "", false
	for i := 0; i < len(args); i++ {
		name, value, hasValue := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		if !strings.HasPrefix(args[i], "-") {
			continue
		}
		if !hasValue && (name == "lang" || name == "config") && i+1 < len(args) {
			i++
			value = args[i]
		}
		switch name {
		case "lang":
			return pick(value)
		case "config":
			config = value
		case "demo":
			demo = !hasValue || value == "true"
		}
	}
	if config == "" && !demo && dir != "" {
		config = dir + "/balie/balie.conf"
	}
	if config == "" {
		return "nl"
	}
	b, err := read(config)
	if err != nil {
		return "nl"
	}
	for _, line := range strings.Split(string(b), "\n") {
		name, value, ok := strings.Cut(line, "=")
		if ok && strings.TrimSpace(name) == "lang" {
			return pick(strings.TrimSpace(value))
		}
	}
	return "nl"
}

func pick(lang string) string {
	if lang == "en" {
		return "en"
	}
	return "nl"
}

// Env is what to set in the environment for lang: LANGUAGE, which the
// locale reader takes unless the locale is C; and, unless LC_ALL or
// LC_MESSAGES is set, LC_MESSAGES, so that a locale of C (the default of
// many services and of Xvfb sessions) no longer hides LANGUAGE.
func Env(lang string, getenv func(string) string) map[string]string {
	env := map[string]string{"LANGUAGE": lang}
	if getenv("LC_ALL") == "" && getenv("LC_MESSAGES") == "" {
		env["LC_MESSAGES"] = map[string]string{"nl": "nl_BE.UTF-8", "en": "en_GB.UTF-8"}[lang]
	}
	return env
}

// configDir is the user's config folder as os.UserConfigDir gives it;
// "" when there is none.
func configDir() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return dir
}
