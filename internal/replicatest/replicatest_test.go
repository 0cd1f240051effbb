package replicatest

import (
	"fmt"
	"strings"
	"testing"
)

// recorder is a TB that keeps the first failure instead of stopping.
type recorder struct{ failed string }

func (r *recorder) Helper() {}
func (r *recorder) Fatalf(format string, args ...any) {
	if r.failed == "" {
		r.failed = fmt.Sprintf(format, args...)
	}
}

func TestConverged(t *testing.T) {
	upper := func(s string) string { return strings.ToUpper(s) }
	for _, tc := range []struct {
		name     string
		replicas []string
		fails    string // part of the message; "" when it passes
	}{
		{"same", []string{"a", "a", "a"}, ""},
		{"same by the state, not the value", []string{"a", "A"}, ""},
		{"last differs", []string{"a", "a", "b"}, "replica 2 differs"},
		{"one replica proves nothing", []string{"a"}, "two replicas or more"},
	} {
		var r recorder
		Converged(&r, upper, tc.replicas...)
		if tc.fails == "" && r.failed != "" {
			t.Errorf("%s: failed with %q", tc.name, r.failed)
		}
		if tc.fails != "" && !strings.Contains(r.failed, tc.fails) {
			t.Errorf("%s: failure %q, want one saying %q", tc.name, r.failed, tc.fails)
		}
	}
}
