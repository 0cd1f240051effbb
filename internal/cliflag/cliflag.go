// Package cliflag holds the command lines' flag sets in Danish: their
// --help and their errors, which the standard flag package writes only in
// English, and the opening of a file named on the command line
// (OpenInput). Both programs (lokalraad's subcommands and kommune's) use
// it, so that a wrong flag or file is said the same way, in Danish, by
// each.
package cliflag

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
)

// New is the flag set of the subcommand name: its --help and its errors
// (through Parse or Danish) in Danish, the help written to stderr.
func New(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // the package's own English line on an error
	fs.Usage = func() {
		fmt.Fprintf(stderr, "brug: %s [flag]; flagene:\n", name)
		fs.VisitAll(func(f *flag.Flag) {
			kind, usage := flag.UnquoteUsage(f)
			line := "  -" + f.Name
			if w, ok := kinds[kind]; ok {
				line += " " + w
			} else if kind != "" {
				line += " " + kind
			}
			line += "\n    \t" + usage
			if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
				line += fmt.Sprintf(" (standard: %s)", f.DefValue)
			}
			fmt.Fprintln(stderr, line)
		})
	}
	return fs
}

// kinds are the Danish words for the flag package's value kinds.
var kinds = map[string]string{"string": "TEKST", "int": "TAL", "value": "VÆRDI", "duration": "VARIGHED", "float": "TAL", "uint": "TAL"}

// errorTexts are the flag package's English errors and their Danish
// words; the package has no error values for them, only these texts
// (cmd/lokalraad's TestFlagErrorsInDanish catches a Go release that words
// them anew).
var errorTexts = []struct {
	en *regexp.Regexp
	da string
}{
	{regexp.MustCompile(`^flag provided but not defined: (.*)$`), "ukendt flag: $1"},
	{regexp.MustCompile(`^flag needs an argument: (.*)$`), "flaget $1 mangler en værdi"},
	{regexp.MustCompile(`^bad flag syntax: (.*)$`), "forkert skrevet flag: $1"},
	{regexp.MustCompile(`^invalid boolean value (".*") for (-\S+):.*$`), "$2 skal være true eller false, ikke $1"},
	{regexp.MustCompile(`^invalid boolean flag (\S+):.*$`), "$1 skal være true eller false"},
	{regexp.MustCompile(`^invalid value (".*") for flag (-\S+):.*$`), "ugyldig værdi $1 til $2"},
}

// Danish words a flag parse error in Danish.
func Danish(err error) error {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return err
	}
	msg := err.Error()
	for _, t := range errorTexts {
		if t.en.MatchString(msg) {
			return errors.New(t.en.ReplaceAllString(msg, t.da))
		}
	}
	return err
}

// Parse parses args with flags before, between and after the positional
// arguments ("import workbook --db X FILE --dry-run"); "--" ends the
// flags. The positional arguments are left in fs.Args. Its errors are in
// Danish.
func Parse(fs *flag.FlagSet, args []string) error {
	return Danish(parseInterleaved(fs, args))
}

func parseInterleaved(fs *flag.FlagSet, args []string) error {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			pos = append(pos, rest...) // after "--" everything is positional
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	return fs.Parse(append([]string{"--"}, pos...))
}

// OpenInput opens a file named on the command line to read, saying in
// Danish why it cannot: it is not there, may not be read, or is a folder
// (the operating system's English never reaches the user).
func OpenInput(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err == nil {
		if fi, serr := f.Stat(); serr == nil && fi.IsDir() {
			f.Close()
			return nil, fmt.Errorf("kunne ikke åbne %s: det er en mappe, ikke en fil", path)
		}
		return f, nil
	}
	why := "filen kunne ikke læses"
	switch {
	case errors.Is(err, fs.ErrNotExist):
		why = "filen findes ikke"
	case errors.Is(err, fs.ErrPermission):
		why = "ingen adgang til filen"
	}
	return nil, fmt.Errorf("kunne ikke åbne %s: %s", path, why)
}
