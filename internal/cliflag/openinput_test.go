package cliflag

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A file named on the command line that cannot be read is said in
// Danish, naming it; the operating system's English stays out.
func TestOpenInputSaysWhyInDanish(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "møde.lrb")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := OpenInput(file)
	if err != nil {
		t.Fatalf("a readable file: %v", err)
	}
	f.Close()
	for _, c := range []struct{ path, want string }{
		{filepath.Join(dir, "findes-ikke.lrb"), "kunne ikke åbne " + filepath.Join(dir, "findes-ikke.lrb") + ": filen findes ikke"},
		{dir, "kunne ikke åbne " + dir + ": det er en mappe, ikke en fil"},
	} {
		f, err := OpenInput(c.path)
		if err == nil {
			f.Close()
			t.Errorf("%s opened", c.path)
			continue
		}
		if err.Error() != c.want {
			t.Errorf("%s: %q, want %q", c.path, err, c.want)
		}
		if strings.Contains(err.Error(), "no such") || strings.Contains(err.Error(), "directory") {
			t.Errorf("English in %q", err)
		}
	}
}
