package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2/lang"

	"lokalraad/model"
	"lokalraad/model/xlsx"
)

// importProblem says a problem or note of a workbook import in the
// screen's language, »Budgetønsker, række 5: Udfyld titel« or »Budgetønsker,
// row 5: Please fill in title«: the sheet's name as the file gives it,
// each of the message's parts through the catalogue. In Danish it is the
// problem's String, as the CLI says it.
func importProblem(p xlsx.Problem) string {
	msg := p.Message // a problem made without parts: its Danish
	if len(p.Parts) > 0 {
		parts := make([]string, len(p.Parts))
		for i, t := range p.Parts {
			parts[i] = importText(t)
		}
		msg = strings.Join(parts, "; ")
	}
	switch {
	case p.Sheet == "":
		return msg // about the file, not one sheet
	case p.Row == 0:
		return p.Sheet + ": " + msg
	}
	return fmt.Sprintf("%s, %s %d: %s", p.Sheet, lang.L("row"), p.Row, msg)
}

// importText is one message of a problem in the screen's language, after
// the column's header as the file writes it. A validation message of the
// model is said as the editors say it; in Danish, as the CLI does.
func importText(t xlsx.Text) string {
	var s string
	switch {
	case t.Err != nil && current() == model.Danish:
		return t.String()
	case t.Err != nil:
		s = oneErr(t.Err)
	default:
		data := make(map[string]any, len(t.Args))
		for k, v := range t.Args {
			data[k] = importArg(v)
		}
		s = lang.L(t.Key, data)
	}
	if t.Head != "" {
		s = t.Head + ": " + s
	}
	return s
}

// importArg is an argument of a Text in the screen's language.
func importArg(v any) any {
	switch x := v.(type) {
	case xlsx.Word:
		if current() == model.Danish {
			return x.Da
		}
		return x.En
	case xlsx.Text:
		return importText(x)
	case xlsx.List:
		items := make([]string, len(x.Items))
		for i, it := range x.Items {
			items[i] = fmt.Sprint(importArg(it))
		}
		switch x.Join {
		case "and":
			return xlsx.JoinList(items, lang.L("and"))
		case "or":
			return xlsx.JoinList(items, lang.L("or"))
		}
		return strings.Join(items, ", ")
	}
	return v
}
