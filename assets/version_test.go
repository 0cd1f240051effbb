package assets

import (
	"os"
	"regexp"
	"testing"
)

// The version a plain build reports is the one FyneApp.toml (the single
// source, which `fyne package` and `make dist` read) names.
func TestVersionMatchesFyneApp(t *testing.T) {
	toml, err := os.ReadFile("../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*Version\s*=\s*"([^"]+)"`).FindSubmatch(toml)
	if m == nil {
		t.Fatal("FyneApp.toml has no Version")
	}
	if got, want := Version(), string(m[1]); got != want {
		t.Errorf("assets.Version() = %q, FyneApp.toml says %q: change the default in assets/version.go", got, want)
	}
	if !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(Version()) {
		t.Errorf("version %q is not MAJOR.MINOR.PATCH, which the Windows resource needs", Version())
	}
}
