//go:build !windows && !headless

package main

import (
	"slices"
	"strings"
	"testing"
)

// xmessage, the last resort on Linux, draws æøå only with its font sets
// on and a UTF-8 character type; without them the user read »LokalrÃ¥d«.
func TestXmessageGetsUTF8(t *testing.T) {
	args := xmessageArgs("Lokalråd er allerede åben", "Brug det vindue")
	if !slices.Contains(args, "*international: true") || !strings.Contains(args[len(args)-1], "Lokalråd er allerede åben") {
		t.Errorf("xmessage %q", args)
	}
	if i := slices.Index(args, "-buttons"); i < 0 || args[i+1] != "OK" {
		t.Errorf("xmessage's button says »okay«: %q", args)
	}
	ctype := func(env []string) string {
		// what the C library reads: LC_ALL, then LC_CTYPE, then LANG,
		// the last of a key in env winning as in os/exec
		last := map[string]string{}
		for _, e := range env {
			k, v, _ := strings.Cut(e, "=")
			last[k] = v
		}
		for _, k := range []string{"LC_ALL", "LC_CTYPE", "LANG"} {
			if v := last[k]; v != "" {
				return v
			}
		}
		return "C"
	}
	for _, env := range [][]string{
		nil,
		{"LANG=da_DK.UTF-8"},
		{"LANG=C"},
		{"LANG=da_DK.ISO-8859-1", "HOME=/home/k"},
		{"LC_ALL=C", "LANG=da_DK.UTF-8"},
		{"LC_CTYPE=da_DK.utf8", "LANG=C"},
		{"LC_ALL=", "LANG=POSIX"},
	} {
		got := ctype(utf8Locale(slices.Clone(env)))
		if u := strings.ToUpper(got); !strings.Contains(u, "UTF-8") && !strings.Contains(u, "UTF8") {
			t.Errorf("%q: xmessage's character type is %q", env, got)
		}
		if strings.Contains(strings.ToUpper(ctype(env)), "UTF") && ctype(utf8Locale(slices.Clone(env))) != ctype(env) {
			t.Errorf("%q: a UTF-8 locale was changed", env)
		}
	}
}
