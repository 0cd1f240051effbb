//go:build !headless

package main

import (
	"os"
	"regexp"
	"strconv"
	"testing"
)

// The metadata the app gives Fyne is FyneApp.toml's (which `fyne package`
// reads), so that an installed binary, which has no FyneApp.toml beside
// it, runs with the same ID and migrations as a development build.
func TestAppMetadataIsFyneApps(t *testing.T) {
	toml, err := os.ReadFile("../../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	field := func(re string) string {
		m := regexp.MustCompile(`(?m)^\s*` + re + `\s*=\s*"?([^"\n]+)"?\s*$`).FindSubmatch(toml)
		if m == nil {
			t.Fatalf("FyneApp.toml has no %s", re)
		}
		return string(m[1])
	}
	m := appMetadata()
	if want := field("ID"); m.ID != want {
		t.Errorf("ID %q, FyneApp.toml says %q", m.ID, want)
	}
	if want := field("Name"); m.Name != want {
		t.Errorf("Name %q, FyneApp.toml says %q", m.Name, want)
	}
	if want := field("Version"); m.Version != want {
		t.Errorf("Version %q, FyneApp.toml says %q", m.Version, want)
	}
	if want := field("Build"); strconv.Itoa(m.Build) != want {
		t.Errorf("Build %d, FyneApp.toml says %s", m.Build, want)
	}
	if want := field("fyneDo") == "true"; m.Migrations["fyneDo"] != want {
		t.Errorf("fyneDo migration %v, FyneApp.toml says %v", m.Migrations["fyneDo"], want)
	}
	if m.Icon == nil {
		t.Error("no icon")
	}
}
