package quietlocale

import "testing"

func TestCLike(t *testing.T) {
	for loc, want := range map[string]bool{"C.UTF-8": true, "C.utf8": true, "POSIX.UTF-8": true, "C": false, "da_DK.UTF-8": false, "": false, "Ca_ES": false} {
		if got := cLike(loc); got != want {
			t.Errorf("cLike(%q) = %v", loc, got)
		}
	}
}
