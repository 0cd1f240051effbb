// Package quietlocale keeps Fyne from logging "Error parsing user locale
// C" when the process runs under the C locale with a charset (LANG or
// LC_ALL set to C.UTF-8, as in Docker images and cron): Fyne reads the
// locale while its packages initialise, before main runs, and cannot parse
// "C". Imported for its side effect by the desktop build.
//
// Its import path sorts before fyne.io's, and it depends only on os, so
// Go initialises it before Fyne's lang package (the Go specification
// initialises packages in import-path order where dependencies allow). It
// then names a language for Fyne's locale lookup in LANGUAGE, which the C
// locale itself ignores, so programs started from the app keep their
// locale.
package quietlocale

import (
	"os"
	"strings"
)

// Fixed tells whether the locale was C-like and LANGUAGE was set.
var Fixed bool

func init() {
	loc := ""
	for _, env := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if loc = os.Getenv(env); loc != "" {
			break
		}
	}
	if os.Getenv("LANGUAGE") != "" {
		return
	}
	if cLike(loc) {
		os.Setenv("LANGUAGE", "en")
		Fixed = true
	}
}

// cLike tells a C or POSIX locale with a charset or modifier ("C.UTF-8",
// "POSIX@x"); plain "C" and "POSIX" Fyne handles itself.
func cLike(loc string) bool {
	for _, p := range []string{"C.", "C@", "POSIX.", "POSIX@"} {
		if strings.HasPrefix(loc, p) {
			return true
		}
	}
	return false
}
