package main

import (
	"bytes"
	"strings"
	"testing"
)

// The staff's server says a wrong or missing flag in Danish, as the
// desktop's command line does, and no English line of the flag package
// reaches the terminal (the help it prints is Danish too).
func TestFlagErrorsInDanish(t *testing.T) {
	db := t.TempDir() + "/k.db"
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--port", "80"}, "ukendt flag: -port"},
		{[]string{"serve", "--db", db, "--max-failures", "ti"}, `ugyldig værdi "ti" til -max-failures`},
		{[]string{"council", "add", "--db"}, "flaget -db mangler en værdi"},
		{[]string{"migrate", "--nope"}, "ukendt flag: -nope"},
		{[]string{"load", "--laptops", "fire"}, `ugyldig værdi "fire" til -laptops`},
	} {
		var out, stderr bytes.Buffer
		err := run(t.Context(), c.args, &out, &stderr)
		if err == nil || err.Error() != c.want {
			t.Errorf("%v: error %v, want %q", c.args, err, c.want)
		}
		if !strings.Contains(stderr.String(), "brug: kommune") {
			t.Errorf("%v: no Danish help on stderr:\n%s", c.args, stderr.String())
		}
		for _, en := range []string{"flag provided", "needs an argument", "invalid", "Usage", "default", "string"} {
			if strings.Contains(stderr.String(), en) {
				t.Errorf("%v: English %q on stderr:\n%s", c.args, en, stderr.String())
			}
		}
	}
}
