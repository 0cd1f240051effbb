// Reading what was typed in a field that the model does not parse.

package ui

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2/lang"
)

// parseInt reads a whole number; empty text is 0.
func parseInt(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, errBadNumber
	}
	return n, nil
}

// datePlaceholder is the hint in an empty date field.
func datePlaceholder() string { return lang.L("dd.mm.yyyy") }
