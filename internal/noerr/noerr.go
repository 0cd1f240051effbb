// Package noerr is for tests: it turns the error of a read into a test
// failure, so that an assertion on what was read cannot pass on the zero
// value of a read that failed (a "got, _ := db.X()" followed by
// "len(got) == 0" passes when the read breaks).
package noerr

import "testing"

// Get returns a function that fails t when err is not nil and returns v
// otherwise; it takes a call's two results as they come:
//
//	if got := noerr.Get(db.Meeting(id))(t); got.Place != "Hallen" {
func Get[T any](v T, err error) func(testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatalf("a read the test relies on failed: %v", err)
		}
		return v
	}
}

// Get2 is Get for a call with two results and an error:
//
//	if n, _ := noerr.Get2(blobs.Received(sum))(t); n != 0 {
func Get2[A, B any](a A, b B, err error) func(testing.TB) (A, B) {
	return func(t testing.TB) (A, B) {
		t.Helper()
		if err != nil {
			t.Fatalf("a read the test relies on failed: %v", err)
		}
		return a, b
	}
}
