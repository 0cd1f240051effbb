package xlsx

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"text/template"

	"lokalraad/model"
)

// Text is one message of a Problem in a form a screen can say in its own
// language, the way a model.FieldError carries its Key beside its Danish.
//
// Key is English and the translation catalogues' key: a template (Fyne's
// lang.L, text/template) of Args. An Args value is a string or number
// shown as it is, a Word (said in the screen's language), a Text (said in
// it too) or a List of them. Head is the column's header as the file
// writes it, which goes before the message with a colon, untranslated.
// A validation message of the model has Err instead of Key: the screens
// say it as they say any of the model's errors.
type Text struct {
	Head string
	Key  string
	Args map[string]any
	Err  error
}

// Word is a word of the app's vocabulary in Danish and English: a column's
// header as the template writes it, a role, a status.
type Word struct{ Da, En string }

// List is an argument naming several things: with Join "and" "A, B og C",
// with "or" "A, B eller C", with "" "A, B, C". Its items are what an Args
// value may be.
type List struct {
	Items []any
	Join  string // "and", "or" or ""
}

// danish are the messages of Read, by their English key: the Danish of
// each, a template of the same arguments. The catalogues' Danish entry for
// a key is this text, so that the Danish screens say what the CLI says.
var danish = map[string]string{
	// The sheets.
	"the sheet is not read: the sheet »{{.First}}« has been read as the same kind; move the rows there if they should be imported":                            "fanen er ikke læst: fanen »{{.First}}« er allerede læst som den samme slags; flyt rækkerne dertil, hvis de skal med",
	"the sheet »{{.Sheet}}« is not read: an import reads only budget wishes, projects and members":                                                            "fanen »{{.Sheet}}« er ikke læst: en import læser kun budgetønsker, projekter og medlemmer",
	"the sheets {{.Sheets}} are not read: an import reads only budget wishes, projects and members":                                                           "fanerne {{.Sheets}} er ikke læst: en import læser kun budgetønsker, projekter og medlemmer",
	"the sheet could not be read; the file may be damaged":                                                                                                    "fanen kunne ikke læses; filen er måske beskadiget",
	"the sheet has no column headed »{{.Header}}«, so it is not read; the first row must be headers as in the template":                                       "fanen har ingen kolonne med overskriften »{{.Header}}«, så den er ikke læst; første række skal være overskrifter som i skabelonen",
	"the sheet has no column with the amount (headed »{{.Header}}«, »Amount« or »Budget«), so it is not read; no wish is saved at 0 kr. without your knowing": "fanen har ingen kolonne med beløbet (overskriften »{{.Header}}«, »Beløb«, »Beløb (kr.)« eller »Budget«), så den er ikke læst; ingen ønsker gemmes med 0 kr. uden at du ved det",
	"the columns {{.Columns}} have contents but are not used (the header is unknown)":                                                                         "kolonnerne {{.Columns}} har indhold, men bruges ikke (overskriften kendes ikke)",
	"»{{.Column}}« (no header)":   "»{{.Column}}« (uden overskrift)",
	"»{{.Header}}« ({{.Column}})": "»{{.Header}}« ({{.Column}})",
	"the cell {{.Cell}} holds the text »{{.Value}}«, read with a point as the decimal point: {{.Amount}}; check the amount": "cellen {{.Cell}} har teksten »{{.Value}}«, læst med punktum som decimaltegn: {{.Amount}}; tjek beløbet",
	"the totals row (»{{.Label}}«) is skipped":                                                     "sumrækken (»{{.Label}}«) er sprunget over",
	"the cell {{.Cell}} is merged over rows {{.From}}–{{.To}}: it is read for row {{.From}} only":  "cellen {{.Cell}} er flettet over række {{.From}}–{{.To}}: den er kun læst for række {{.From}}",
	"{{.Count}} have the role {{.Role}}: {{.Names}}; check that this is right":                     "{{.Count}} har rollen {{.Role}}: {{.Names}}; tjek, om det er rigtigt",
	"{{.Count}} wishes in {{.Year}} have priority {{.Rank}}: {{.Titles}}; only one can come first": "{{.Count}} ønsker i {{.Year}} har prioritet {{.Rank}}: {{.Titles}}; kun ét kan komme først",
	"{{.Header}}: number {{.Number}} is used by another proposal in the sheet":                     "{{.Header}}: nummer {{.Number}} er brugt af et andet forslag i arket",

	// The cells.
	"the formula gives no amount (does it refer to its own cell?); correct the formula or type the amount": "formlen giver intet beløb (henviser den til sin egen celle?); ret formlen, eller skriv beløbet",
	"»{{.Value}}« is not an amount; type e.g. 12.500,50":                                                   "»{{.Value}}« er ikke et beløb; skriv fx 12.500,50",
	"is missing; type 0 if the proposal costs nothing":                                                     "mangler; skriv 0, hvis forslaget ikke koster noget",
	"is missing; type 0 if the wish costs nothing":                                                         "mangler; skriv 0, hvis ønsket ikke koster noget",
	"the formula ={{.Formula}} could not be computed; open the file in Excel, save it and try again":       "formlen ={{.Formula}} kunne ikke regnes ud; åbn filen i Excel, gem den og prøv igen",
	"»{{.Value}}« is not a whole number":                                                                   "»{{.Value}}« er ikke et helt tal",
	"»{{.Value}}« is not a percentage":                                                                     "»{{.Value}}« er ikke en procent",
	"»{{.Value}}« is not a date; type e.g. 26.11.2026":                                                     "»{{.Value}}« er ikke en dato; skriv fx 26.11.2026",
	"»{{.Value}}« is neither yes nor no":                                                                   "»{{.Value}}« er hverken ja eller nej",
	"»{{.Value}}« is unknown; use {{.Choices}}":                                                            "»{{.Value}}« kendes ikke; brug {{.Choices}}",
	"»{{.Value}}« is not a proposal number (1 or more)":                                                    "»{{.Value}}« er ikke et forslagsnummer (1 eller derover)",
}

// Keys are the catalogue keys of every message Read and ReadPBProposals
// give, sorted: each must be in both catalogues.
func Keys() []string {
	out := make([]string, 0, len(danish))
	for k := range danish {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Danish are the Danish of key, the text the Danish catalogue must give
// for it; ok is false for a key that is none of Read's.
func Danish(key string) (string, bool) {
	da, ok := danish[key]
	return da, ok
}

var (
	templatesMu sync.Mutex
	templates   = map[string]*template.Template{}
)

// String is t in Danish, as Problem.Message has it.
func (t Text) String() string {
	var s string
	switch {
	case t.Err != nil:
		var fe *model.FieldError
		if errors.As(t.Err, &fe) {
			s = fe.Da
		} else {
			s = t.Err.Error()
		}
	default:
		s = render(t.Key, t.Args)
	}
	if t.Head != "" {
		s = t.Head + ": " + s
	}
	return s
}

// render fills key's Danish with args in Danish.
func render(key string, args map[string]any) string {
	templatesMu.Lock()
	tm, ok := templates[key]
	if !ok {
		da, known := danish[key]
		if !known {
			da = key // a slip, found by the tests; English rather than nothing
		}
		var err error
		if tm, err = template.New("").Parse(da); err != nil {
			templatesMu.Unlock()
			return da // a slip in the table, found by the tests
		}
		templates[key] = tm
	}
	templatesMu.Unlock()
	data := make(map[string]any, len(args))
	for k, v := range args {
		data[k] = danishArg(v)
	}
	var b strings.Builder
	if err := tm.Execute(&b, data); err != nil {
		return key
	}
	return b.String()
}

// danishArg is an argument of a Text said in Danish.
func danishArg(v any) any {
	switch x := v.(type) {
	case Word:
		return x.Da
	case Text:
		return x.String()
	case List:
		items := make([]string, len(x.Items))
		for i, it := range x.Items {
			items[i] = fmt.Sprint(danishArg(it))
		}
		switch x.Join {
		case "and":
			return JoinList(items, "og")
		case "or":
			return JoinList(items, "eller")
		}
		return strings.Join(items, ", ")
	}
	return v
}

// JoinList joins items as a sentence names them: "A", "A og B",
// "A, B og C" with word "og".
func JoinList(items []string, word string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + word + " " + items[len(items)-1]
}

// say is a Text of key with args given as name, value pairs.
func say(key string, kv ...any) Text {
	t := Text{Key: key}
	if len(kv) > 0 {
		t.Args = make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			t.Args[kv[i].(string)] = kv[i+1]
		}
	}
	return t
}

// newProblem is a Problem of parts, its Message their Danish joined by "; ".
func newProblem(sheet string, row int, parts ...Text) Problem {
	msgs := make([]string, len(parts))
	for i, p := range parts {
		msgs[i] = p.String()
	}
	return Problem{Sheet: sheet, Row: row, Message: strings.Join(msgs, "; "), Parts: parts}
}
