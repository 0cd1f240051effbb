package model_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"lokalraad/model"
)

// Work stopped by Ctrl-C is said in Danish, whatever the library that was
// stopped said; an error that already says what happened in Danish stays.
func TestInterrupted(t *testing.T) {
	live := context.Background()
	stopped, cancel := context.WithCancel(context.Background())
	cancel()
	library := errors.New("interrupted (9)")
	unavailable := model.NewError(model.Unavailable, "kommunens database svarer ikke lige nu")
	imported := fmt.Errorf("%w; intet er importeret", model.ErrCanceled)
	for _, c := range []struct {
		name     string
		ctx      context.Context
		err      error
		want     string
		canceled bool
	}{
		{"nil", stopped, nil, "", false},
		{"ctx's own error", stopped, fmt.Errorf("læs møderne: %w", context.Canceled), "afbrudt", true},
		{"ctx's error, context not known", nil, context.Canceled, "afbrudt", true},
		{"ctx's error under a coded one", stopped, fmt.Errorf("%w: %w", unavailable, context.Canceled), "afbrudt", true},
		{"a library's error once cancelled", stopped, library, "afbrudt", true},
		{"a library's error, not cancelled", live, library, "interrupted (9)", false},
		{"a coded error once cancelled", stopped, model.ErrCountCanceled, model.ErrCountCanceled.Msg, false},
		{"what the import says", stopped, imported, "afbrudt; intet er importeret", true},
		{"a deadline is no Ctrl-C", live, context.DeadlineExceeded, "context deadline exceeded", false},
	} {
		got := model.Interrupted(c.ctx, c.err)
		if c.err == nil {
			if got != nil {
				t.Errorf("%s: %v", c.name, got)
			}
			continue
		}
		if got.Error() != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
		if c.canceled != (model.ErrorCode(got) == model.Canceled) || c.canceled != errors.Is(got, model.ErrCanceled) {
			t.Errorf("%s: code %s", c.name, model.ErrorCode(got))
		}
		if !errors.Is(got, c.err) {
			t.Errorf("%s: %v no longer wraps %v", c.name, got, c.err)
		}
	}
}
