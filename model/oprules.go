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

// HasFieldRule tells whether CheckField knows the column.
func HasFieldRule(table, field string) bool {
	_, ok := FieldOf(table, field)
	return ok
}

// FieldName is a column's Danish name, for messages; the column itself
// when the registry does not know it.
func FieldName(table, field string) string {
	if f, ok := FieldOf(table, field); ok {
		return f.Danish
	}
	return field
}

// TableNoun names a row of a table in Danish with its article, for
// messages: "budgetønsket", "dagsordenspunktet".
func TableNoun(table string) string {
	if e, ok := EntityOf(table); ok {
		return e.Noun
	}
	return table
}

// CheckField checks the value one op writes to a column against the rules
// a local edit keeps. value is a string or an int64; the error is a
// *FieldError whose Danish text names the field. A column without a rule
// is refused: ops may write only what the model knows.
func CheckField(table, field string, value any) error {
	r, ok := FieldOf(table, field)
	if !ok {
		return fieldErr(field, "Unknown field", fmt.Sprintf("feltet »%s« er ukendt", field))
	}
	bad := func(key, da string, args ...any) error {
		return fieldErr(field, key, fmt.Sprintf(da, args...))
	}
	switch r.Kind {
	case FieldInt, FieldMoney, FieldBool:
		n, ok := value.(int64)
		if !ok {
			return bad("The field must be a number", "feltet »%s« skal være et tal", r.Danish)
		}
		switch r.Kind {
		case FieldMoney:
			if n < 0 || n > MaxAmount {
				return bad("The amount is out of range", "beløbet i feltet »%s« er uden for det tilladte (0 til %s)", r.Danish, Kroner(MaxAmount))
			}
		case FieldBool:
			if n != 0 && n != 1 {
				return bad("The field is yes or no", "feltet »%s« er ja eller nej (1 eller 0), ikke %d", r.Danish, n)
			}
		default:
			if n < r.Lo || n > r.Hi {
				return bad("The number is out of range", "feltet »%s« skal være mellem %d og %d, ikke %d", r.Danish, r.Lo, r.Hi, n)
			}
		}
		return nil
	}
	s, ok := value.(string)
	if !ok {
		return bad("The field must be text", "feltet »%s« skal være tekst", r.Danish)
	}
	if !utf8.ValidString(s) {
		return bad("The field is not valid text", "feltet »%s« er ikke gyldig tekst", r.Danish)
	}
	if r.Required && strings.TrimSpace(s) == "" {
		return bad("The field cannot be empty", "feltet »%s« må ikke være tomt", r.Danish)
	}
	switch r.Kind {
	case FieldText, FieldLongText:
		if n := utf8.RuneCountInString(s); n > r.Max {
			return bad("The text is too long", "teksten i feltet »%s« er for lang (%d tegn, højst %d)", r.Danish, n, r.Max)
		}
	case FieldRef:
		if !validRef(s) {
			return bad("Not a valid reference", "feltet »%s« er ikke en gyldig henvisning", r.Danish)
		}
	case FieldEnum:
		if s == "" && !r.Required {
			return nil
		}
		if !slices.Contains(r.Enum, s) {
			return bad("Unknown value", "»%.40s« er ikke en kendt værdi for feltet »%s« (kendte: %s)", s, r.Danish, strings.Join(r.Enum, ", "))
		}
	case FieldDate, FieldStamp:
		if s == "" {
			return nil
		}
		layout, what := DateLayout, "en gyldig dato (ÅÅÅÅ-MM-DD)"
		if r.Kind == FieldStamp {
			layout, what = StampLayout, "et gyldigt tidspunkt (ÅÅÅÅ-MM-DDTTT:MM:SSZ)"
		}
		t, err := time.Parse(layout, s)
		if err != nil || t.Format(layout) != s {
			return bad("Not a valid date", "feltet »%s« er ikke %s: »%.40s«", r.Danish, what, s)
		}
	case FieldEmail:
		if utf8.RuneCountInString(s) > MaxShort {
			return bad("The text is too long", "teksten i feltet »%s« er for lang (højst %d tegn)", r.Danish, MaxShort)
		}
		// As Validate: the address without the spaces around it.
		e := strings.TrimSpace(s)
		if e == "" {
			return nil
		}
		if a, err := mail.ParseAddress(e); err != nil || a.Address != e {
			return bad("The e-mail address is not valid", "feltet »%s« er ikke en gyldig e-mailadresse", r.Danish)
		}
	case FieldSHA256:
		if !ValidSHA256(s) {
			return bad("Not a valid checksum", "feltet »%s« er ikke en gyldig SHA-256", r.Danish)
		}
	case FieldFileName:
		if utf8.RuneCountInString(s) > MaxShort || CleanFileName(s) != s {
			return bad("Not a valid file name", "feltet »%s« er ikke et gyldigt filnavn", r.Danish)
		}
	case FieldAgenda:
		if utf8.RuneCountInString(s) > MaxLong {
			return bad("The text is too long", "teksten i feltet »%s« er for lang", r.Danish)
		}
		if _, err := ParseTemplateItems(s); err != nil {
			return bad("The agenda template is not valid", "feltet »%s« er ikke en gyldig dagsorden: %v", r.Danish, err)
		}
	case FieldMarks, FieldNumbers:
		if _, err := ParseMarks(s, r.Kind == FieldMarks); err != nil {
			return bad("Not a valid list of proposal numbers", "feltet »%s« er ikke en gyldig liste af forslagsnumre: %v", r.Danish, err)
		}
	case FieldLines:
		for _, line := range strings.Split(s, "\n") {
			if strings.TrimSpace(line) == "" && s != "" {
				return bad("An area has no name", "et af »%s« mangler navn", r.Danish)
			}
			if utf8.RuneCountInString(line) > MaxShort {
				return bad("The text is too long", "teksten i feltet »%s« er for lang (højst %d tegn)", r.Danish, MaxShort)
			}
		}
	}
	return nil
}

// validRef tells whether s can be a reference to a row: an id, short and
// without white space. An empty one refers to nothing.
func validRef(s string) bool {
	return len(s) <= MaxID && !strings.ContainsAny(s, " \t\r\n")
}
