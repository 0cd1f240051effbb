// Reading what was typed in a field that the model does not parse.

package ui

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"lokalraad/model"
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

// readKroner reads the amount in kroner that text holds into *amount and
// hides msg; an amount that cannot be read leaves *amount as it was and
// shows why in msg.
func readKroner(text string, msg *widget.Label, amount *int64) {
	v, err := model.ParseKroner(text)
	showErr(msg, err)
	if err == nil {
		*amount = v
	}
}

// datePlaceholder is the hint in an empty date field.
func datePlaceholder() string { return lang.L("dd.mm.yyyy") }
