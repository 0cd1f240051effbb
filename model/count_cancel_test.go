package model_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"lokalraad/model"
)

// stopAfter is a context that is done after n looks at it: a Ctrl-C at a
// fixed point of the count, whatever the machine's speed.
type stopAfter struct {
	context.Context
	n atomic.Int64
}

func (s *stopAfter) Err() error {
	if s.n.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

// hostileAdd1 is a valid election that mes-add1 counts for millions of
// rounds: one ballot of two supports a proposal costing the whole budget,
// so each round adds 1 kr. to 500.000.000 kr. a ballot until it is paid
// (and the rest of the budget would pay it).
func hostileAdd1() model.Election {
	return approval("1000000000", []string{"stor=999999000", "lille=1"}, "stor", "lille")
}

// Review 2, finding 2: Ctrl-C during `budget count --method mes-add1` on
// such a file did nothing; the count ran on to its round limit.
func TestCountStopsWhenCanceled(t *testing.T) {
	for _, m := range []model.CountMethod{model.CountMESAdd1, model.CountMES} {
		for _, after := range []int64{0, 1, 50, 2000} {
			ctx := &stopAfter{Context: context.Background()}
			ctx.n.Store(after)
			out, err := model.CountContext(ctx, hostileAdd1(), m)
			if m == model.CountMES && after > 10 {
				// One round of MES ends before 10 looks: counted.
				if err != nil || len(out.Selected) != 1 {
					t.Errorf("mes, %d looks: %v %v", after, out.Selected, err)
				}
				continue
			}
			if !errors.Is(err, model.ErrCountCanceled) || out.Selected != nil || model.ErrorCode(err) != model.Invalid {
				t.Errorf("%s canceled after %d looks: %v, %v", m, after, out.Selected, err)
			}
		}
	}
	// Not canceled, the same count still gives pabutools' answer on a
	// small election.
	out, err := model.CountContext(context.Background(), approval("11", []string{"big=9", "small=2"}, "big", "big", "big,small", "small"), model.CountMESAdd1)
	if err != nil || len(out.Selected) != 2 {
		t.Errorf("uncanceled: %v %v", out.Selected, err)
	}
}
