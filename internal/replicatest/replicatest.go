// Package replicatest is for tests of sync: it holds the one check that
// replicas have converged, so that the storage tests (which compare every
// table of a replica) and the exchange tests (which compare one council as
// a laptop sees it) fail in the same way on the same kind of difference.
// It takes the standard library only, so that storage's own tests can use
// it without an import cycle.
package replicatest

// TB is what both *testing.T and *rapid.T offer.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
}

// Converged fails t unless state shows the same text for every replica as
// for the first; the message names the first replica that differs and
// shows both texts.
func Converged[R any](t TB, state func(R) string, replicas ...R) {
	t.Helper()
	if len(replicas) < 2 {
		t.Fatalf("converged needs two replicas or more, got %d", len(replicas))
	}
	want := state(replicas[0])
	for i, r := range replicas[1:] {
		if got := state(r); got != want {
			t.Fatalf("replica %d differs from replica 0:\n%s\n---\n%s", i+1, got, want)
		}
	}
}
