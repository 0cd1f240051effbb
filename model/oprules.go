package model

// Rules for one field of an op, as replicas exchange them.
//
// An op names a table and a column the way the change log and the wire do
// ("budget_wishes", "estimate") and carries one value: a string or an
// int64. CheckField says whether a local edit could have written that
// value: the same bounds, enums, lengths and formats as Validate, one field
// at a time, because an op carries one field. Rules that need the row's
// other fields or its history (locked minutes, who may change a wish's
// status) are checked in storage, which holds the state.

import (
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxAmount bounds every amount: 1 mia. kr. in øre. No council's budget,
// pool or wish comes near it; a larger number is a typing error or a
// forgery.
const MaxAmount int64 = 1_000_000_000_00

// Bounds of other numbers a local edit keeps within.
const (
	MaxPosition       = 100_000   // an agenda item's number, a wish's priority
	MaxVolunteerHours = 1_000_000 // volunteer hours on one application
	MaxID             = 100       // ids are UUIDs; a reference field holds one
)

// The text forms of times in ops: a calendar day and an instant (UTC).
const (
	DateLayout  = "2006-01-02"
	StampLayout = "2006-01-02T15:04:05Z"
)

type ruleKind int

const (
	ruleText     ruleKind = iota // string of at most max runes
	ruleID                       // a row id, or "" when optional
	ruleEnum                     // one of enum ("" allowed when !required)
	ruleInt                      // int64 in [lo, hi]
	ruleAmount                   // øre in [0, MaxAmount]
	ruleBool                     // 0 or 1
	ruleDate                     // DateLayout, or "" when !required
	ruleStamp                    // StampLayout, or "" when !required
	ruleEmail                    // an e-mail address, or ""
	ruleLines                    // lines of short texts (a contact's areas)
	ruleSHA256                   // a SHA-256 in lower-case hex (an attachment's file)
	ruleFileName                 // a file name without folders (CleanFileName)
)

type fieldRule struct {
	da       string // the field's Danish name, as the editor labels it
	kind     ruleKind
	required bool
	max      int      // ruleText: runes
	enum     []string // ruleEnum
	lo, hi   int64    // ruleInt
}

func text(da string, max int, required bool) fieldRule {
	return fieldRule{da: da, kind: ruleText, max: max, required: required}
}
func enumOf[T ~string](da string, required bool, values ...T) fieldRule {
	r := fieldRule{da: da, kind: ruleEnum, required: required}
	for _, v := range values {
		r.enum = append(r.enum, string(v))
	}
	return r
}
func intIn(da string, lo, hi int64) fieldRule {
	return fieldRule{da: da, kind: ruleInt, lo: lo, hi: hi}
}
func of(da string, k ruleKind, required bool) fieldRule {
	return fieldRule{da: da, kind: k, required: required}
}

// opRules holds the rule of every column ops may write, by table. A column
// the schema gains must be added here: storage's tests check that every
// column has a rule.
var opRules = map[string]map[string]fieldRule{
	"councils": {
		"name":         text("navn", MaxShort, true),
		"area":         text("område", MaxShort, false),
		"annual_grant": of("årligt tilskud", ruleAmount, false),
	},
	"members": {
		"name":       text("navn", MaxShort, true),
		"role":       enumOf("rolle", true, Roles...),
		"contact":    of("kontaktperson", ruleBool, false),
		"term_start": of("valgt fra", ruleDate, false),
		"term_end":   of("valgt til", ruleDate, false),
		"phone":      text("telefon", MaxShort, false),
		"email":      of("e-mail", ruleEmail, false),
	},
	"meetings": {
		"kind":        enumOf("mødetype", true, MeetingKinds...),
		"title":       text("titel", MaxShort, false),
		"start":       of("tidspunkt", ruleStamp, true),
		"place":       text("sted", MaxShort, false),
		"status":      enumOf("status", true, MeetingStatuses...),
		"attendees":   text("deltagere", MaxLong, false),
		"apologies":   text("afbud", MaxLong, false),
		"approved_at": of("godkendt", ruleStamp, false),
	},
	"agenda_items": {
		"meeting_id": of("møde", ruleID, true),
		"position":   intIn("nummer", 0, MaxPosition),
		"title":      text("titel", MaxShort, true),
		"kind":       enumOf("type", true, ItemKinds...),
		"minutes":    intIn("varighed", 0, 24*60),
		"background": text("sagsfremstilling", MaxLong, false),
		"notes":      text("referat", MaxLong, false),
		"decision":   text("beslutning", MaxLong, false),
	},
	"action_items": {
		"meeting_id":     of("møde", ruleID, false),
		"agenda_item_id": of("punkt", ruleID, false),
		"who":            text("hvem", MaxShort, false),
		"what":           text("hvad", MaxLong, true),
		"due":            of("frist", ruleDate, false),
		"done":           of("udført", ruleBool, false),
		"done_at":        of("udført den", ruleStamp, false),
	},
	"projects": {
		"title":          text("titel", MaxShort, true),
		"description":    text("beskrivelse", MaxLong, false),
		"status":         enumOf("status", true, ProjectStatuses...),
		"responsible_id": of("ansvarlig", ruleID, false),
		"working_group":  text("arbejdsgruppe", MaxLong, false),
		"start_date":     of("startdato", ruleDate, false),
		"end_date":       of("slutdato", ruleDate, false),
		"progress":       intIn("fremdrift", 0, 100),
	},
	"budget_lines": {
		"project_id": of("projekt", ruleID, true),
		"text":       text("tekst", MaxShort, true),
		"kind":       enumOf("type", true, LineExpense, LineOwn),
		"amount":     of("beløb", ruleAmount, false),
	},
	"funding_applications": {
		"project_id":      of("projekt", ruleID, true),
		"pool":            text("pulje", MaxShort, true),
		"deadline":        of("frist", ruleDate, false),
		"applied":         of("ansøgt beløb", ruleAmount, false),
		"granted":         of("bevilget beløb", ruleAmount, false),
		"status":          enumOf("status", true, ApplicationStatuses...),
		"volunteer_hours": intIn("frivillige timer", 0, MaxVolunteerHours),
	},
	"budget_wishes": {
		"year":          intIn("budgetår", 2000, 2200),
		"title":         text("titel", MaxShort, true),
		"justification": text("begrundelse", MaxLong, false),
		"category":      text("kategori", MaxShort, false),
		"estimate":      of("overslag", ruleAmount, false),
		"priority":      intIn("prioritet", 0, MaxPosition),
		"status":        enumOf("status", true, WishStatuses...),
		"answer":        enumOf("kommunens svar", false, Answers...),
		"answer_text":   text("svartekst", MaxLong, false),
		"granted":       of("bevilget beløb", ruleAmount, false),
	},
	"attachments": {
		"owner_kind": enumOf("hører til", true, OwnerKinds...),
		"owner_id":   of("hører til", ruleID, true),
		"name":       of("filnavn", ruleFileName, true),
		"media_type": text("filtype", MaxShort, false),
		"size":       intIn("størrelse", 0, MaxAttachmentSize),
		"sha256":     of("kontrolsum", ruleSHA256, true),
		"added":      of("tilføjet", ruleStamp, false),
	},
	"pools": {
		"name":                text("navn", MaxShort, true),
		"description":         text("beskrivelse", MaxLong, false),
		"rules":               text("regler", MaxLong, false),
		"available":           of("puljens beløb", ruleAmount, false),
		"max_per_application": of("højst pr. ansøgning", ruleAmount, false),
		"deadline":            of("frist", ruleDate, false),
		"open_all_year":       of("åben hele året", ruleBool, false),
	},
	"deadlines": {
		"title":       text("titel", MaxShort, true),
		"date":        of("dato", ruleDate, true),
		"kind":        text("type", MaxShort, false),
		"description": text("beskrivelse", MaxLong, false),
	},
	"contacts": {
		"name":  text("navn", MaxShort, true),
		"role":  text("rolle eller afdeling", MaxShort, false),
		"phone": text("telefon", MaxShort, false),
		"email": of("e-mail", ruleEmail, false),
		"areas": of("områder", ruleLines, false),
	},
	"announcements": {
		"title": text("titel", MaxShort, true),
		"text":  text("tekst", MaxLong, false),
		"date":  of("dato", ruleDate, true),
	},
}

// HasFieldRule tells whether CheckField knows the column.
func HasFieldRule(table, field string) bool {
	_, ok := opRules[table][field]
	return ok
}

// FieldName is a column's Danish name, for messages; the column itself
// when it has no rule.
func FieldName(table, field string) string {
	if r, ok := opRules[table][field]; ok {
		return r.da
	}
	return field
}

// TableNoun names a row of a table in Danish with its article, for
// messages: "budgetønsket", "dagsordenspunktet".
func TableNoun(table string) string {
	if n, ok := tableNouns[table]; ok {
		return n
	}
	return table
}

var tableNouns = map[string]string{
	"councils": "rådet", "members": "medlemmet", "meetings": "mødet",
	"agenda_items": "dagsordenspunktet", "action_items": "opgaven", "projects": "projektet",
	"budget_lines": "budgetlinjen", "funding_applications": "ansøgningen", "budget_wishes": "budgetønsket",
	"attachments": "bilaget", "pools": "puljen", "deadlines": "fristen", "contacts": "kontakten", "announcements": "meddelelsen",
}

// CheckField checks the value one op writes to a column against the rules
// a local edit keeps. value is a string or an int64; the error is a
// *FieldError whose Danish text names the field. A column without a rule
// is refused: ops may write only what the model knows.
func CheckField(table, field string, value any) error {
	r, ok := opRules[table][field]
	if !ok {
		return fieldErr(field, "Unknown field", fmt.Sprintf("feltet »%s« er ukendt", field))
	}
	bad := func(key, da string, args ...any) error {
		return fieldErr(field, key, fmt.Sprintf(da, args...))
	}
	switch r.kind {
	case ruleInt, ruleAmount, ruleBool:
		n, ok := value.(int64)
		if !ok {
			return bad("The field must be a number", "feltet »%s« skal være et tal", r.da)
		}
		switch r.kind {
		case ruleAmount:
			if n < 0 || n > MaxAmount {
				return bad("The amount is out of range", "beløbet i feltet »%s« er uden for det tilladte (0 til %s)", r.da, Kroner(MaxAmount))
			}
		case ruleBool:
			if n != 0 && n != 1 {
				return bad("The field is yes or no", "feltet »%s« er ja eller nej (1 eller 0), ikke %d", r.da, n)
			}
		default:
			if n < r.lo || n > r.hi {
				return bad("The number is out of range", "feltet »%s« skal være mellem %d og %d, ikke %d", r.da, r.lo, r.hi, n)
			}
		}
		return nil
	}
	s, ok := value.(string)
	if !ok {
		return bad("The field must be text", "feltet »%s« skal være tekst", r.da)
	}
	if !utf8.ValidString(s) {
		return bad("The field is not valid text", "feltet »%s« er ikke gyldig tekst", r.da)
	}
	if r.required && strings.TrimSpace(s) == "" {
		return bad("The field cannot be empty", "feltet »%s« må ikke være tomt", r.da)
	}
	switch r.kind {
	case ruleText:
		if n := utf8.RuneCountInString(s); n > r.max {
			return bad("The text is too long", "teksten i feltet »%s« er for lang (%d tegn, højst %d)", r.da, n, r.max)
		}
	case ruleID:
		if len(s) > MaxID || strings.ContainsAny(s, " \t\r\n") {
			return bad("Not a valid reference", "feltet »%s« er ikke en gyldig henvisning", r.da)
		}
	case ruleEnum:
		if s == "" && !r.required {
			return nil
		}
		if !slices.Contains(r.enum, s) {
			return bad("Unknown value", "»%.40s« er ikke en kendt værdi for feltet »%s« (kendte: %s)", s, r.da, strings.Join(r.enum, ", "))
		}
	case ruleDate, ruleStamp:
		if s == "" {
			return nil
		}
		layout, what := DateLayout, "en gyldig dato (ÅÅÅÅ-MM-DD)"
		if r.kind == ruleStamp {
			layout, what = StampLayout, "et gyldigt tidspunkt (ÅÅÅÅ-MM-DDTTT:MM:SSZ)"
		}
		t, err := time.Parse(layout, s)
		if err != nil || t.Format(layout) != s {
			return bad("Not a valid date", "feltet »%s« er ikke %s: »%.40s«", r.da, what, s)
		}
	case ruleEmail:
		if utf8.RuneCountInString(s) > MaxShort {
			return bad("The text is too long", "teksten i feltet »%s« er for lang", r.da)
		}
		// As Validate: the address without the spaces around it.
		e := strings.TrimSpace(s)
		if e == "" {
			return nil
		}
		if a, err := mail.ParseAddress(e); err != nil || a.Address != e {
			return bad("The e-mail address is not valid", "feltet »%s« er ikke en gyldig e-mailadresse", r.da)
		}
	case ruleSHA256:
		if !ValidSHA256(s) {
			return bad("Not a valid checksum", "feltet »%s« er ikke en gyldig SHA-256", r.da)
		}
	case ruleFileName:
		if utf8.RuneCountInString(s) > MaxShort || CleanFileName(s) != s {
			return bad("Not a valid file name", "feltet »%s« er ikke et gyldigt filnavn", r.da)
		}
	case ruleLines:
		for _, line := range strings.Split(s, "\n") {
			if strings.TrimSpace(line) == "" && s != "" {
				return bad("An area has no name", "et af »%s« mangler navn", r.da)
			}
			if utf8.RuneCountInString(line) > MaxShort {
				return bad("The text is too long", "teksten i feltet »%s« er for lang", r.da)
			}
		}
	}
	return nil
}
