package ui

import (
	"strings"

	"fyne.io/fyne/v2/lang"
)

// goesWith names what goes with a deleted row (model.PartsOf: a meeting's
// agenda and action items, a project's budget, an item's bilag, …), each
// with its count, so that the question before a delete says it. A kind of
// part there is none of is not named.
type goesWith []string

// add names a part, said with its count, when there is any of it.
func (g *goesWith) add(n int, said string) {
	if n > 0 {
		*g = append(*g, said)
	}
}

// addAttachments names n attachments (bilag) among the parts.
func (g *goesWith) addAttachments(n int) {
	g.add(n, lang.L("attachments ({{.N}})", count(n)))
}

// count is the data of a text that says a count ({{.N}}).
func count(n int) map[string]any { return map[string]any{"N": n} }

// sentence is the line added to the question: "Samtidig slettes:
// budgetlinjer (2), ansøgninger om midler (1) og bilag (1)."; "" when
// nothing goes with the row.
func (g goesWith) sentence() string {
	if len(g) == 0 {
		return ""
	}
	return lang.L("Deleted with it: {{.Parts}}.", map[string]any{"Parts": listSaid(g)})
}

// listSaid joins phrases as a list is said: "a, b and c".
func listSaid(ss []string) string {
	if len(ss) < 2 {
		return strings.Join(ss, "")
	}
	return lang.L("{{.List}} and {{.Last}}", map[string]any{"List": strings.Join(ss[:len(ss)-1], ", "), "Last": ss[len(ss)-1]})
}
