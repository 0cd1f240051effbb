// Package ctxtest is for tests that calls stop when their context is
// cancelled (a window closed, a client gone, Ctrl-C): the checks the
// storage and exchange tests share, so that each asks the same of every
// read and write. It takes the standard library only, so that storage's
// own tests can use it without an import cycle.
package ctxtest

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
)

// Cancelled is a context cancelled already.
func Cancelled(t testing.TB) context.Context {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	return ctx
}

// ReadsStop fails t unless every read, by name, works with a live
// context and returns context.Canceled (wrapped or not) with a cancelled
// one.
func ReadsStop(t testing.TB, reads map[string]func(context.Context) error) {
	t.Helper()
	for name, read := range reads {
		if err := read(t.Context()); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if err := read(Cancelled(t)); !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a cancelled context: %v, want context.Canceled", name, err)
		}
	}
}

// WritesLeaveNothing fails t unless every write, by name, returns
// context.Canceled with a cancelled context and leaves state (of the
// database, or the hub: where names it in the message) as it was. Then
// it runs the writes named live with a live context, one after the
// other, and fails t unless each changes state: so that the first check
// cannot pass on a write that changes nothing anyway. It returns the
// state it saw last.
func WritesLeaveNothing(t testing.TB, writes map[string]func(context.Context) error, live []string, where string, state func() string) (before string) {
	t.Helper()
	before = state()
	for name, write := range writes {
		if err := write(Cancelled(t)); !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a cancelled context: %v, want context.Canceled", name, err)
		}
		if after := state(); after != before {
			t.Errorf("%s with a cancelled context changed the %s:\n%s\n%s", name, where, before, after)
		}
	}
	for _, name := range live {
		if err := writes[name](t.Context()); err != nil {
			t.Fatalf("%s with a live context: %v", name, err)
		}
		if after := state(); after == before {
			t.Errorf("%s with a live context changed nothing", name)
		} else {
			before = after
		}
	}
	return before
}

// CommandsStop runs each of cmds (a subcommand's arguments) with run and
// a context cancelled before it starts, as Ctrl-C does through main's
// signal.NotifyContext, and fails t unless each returns canceled (by
// errors.Is) saying »afbrudt« (or what says gives for its arguments, when
// it gives something), prints no English from the context package, leaves
// no file in the folder out, and leaves state (of the database or the
// hub: where names it in the message) as it was.
func CommandsStop(t testing.TB, run func(ctx context.Context, args []string, stdout, stderr io.Writer) error,
	cmds [][]string, canceled error, says func(args []string) string, out, where string, state func() string) {
	t.Helper()
	before := state()
	for _, args := range cmds {
		var stdout, stderr strings.Builder
		err := run(Cancelled(t), args, &stdout, &stderr)
		want := "afbrudt"
		if says != nil && says(args) != "" {
			want = says(args)
		}
		if err == nil || err.Error() != want || !errors.Is(err, canceled) {
			t.Errorf("%s %s: %v, want »%s«", args[0], args[1], err, want)
		}
		if s := stdout.String() + stderr.String(); strings.Contains(s, "context") {
			t.Errorf("%s %s printed English: %s", args[0], args[1], s)
		}
		if files, _ := os.ReadDir(out); len(files) > 0 {
			t.Errorf("%s %s left %s behind", args[0], args[1], files[0].Name())
		}
		if got := state(); got != before {
			t.Errorf("%s %s changed the %s:\n%s\n%s", args[0], args[1], where, before, got)
		}
	}
}
