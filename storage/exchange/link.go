package exchange

// Linking a council made on this computer before enrolment with the
// server's council. Its data then goes up on the first sync and becomes
// the server council's, so it is done only when that is what the person
// wants: the demo council (example data) is never linked, a council that
// holds nothing but its own record is linked at once, and a council with
// data waits for an answer (AnswerLink) before anything is sent.

import (
	"context"
	"errors"
	"fmt"

	"lokalraad/model"
	"lokalraad/storage"
	"lokalraad/storage/demo"
)

const (
	// metaLinkAsk holds the id of the council made here that waits for the
	// answer to LinkQuestion; metaLinkTo and metaLinkName the server's
	// council it would join.
	metaLinkAsk  = "sync_link_ask"
	metaLinkTo   = "sync_link_to"
	metaLinkName = "sync_link_name"
)

// ErrLinkUnanswered: nothing is sent or fetched until the person has said
// whether the council made on this computer joins the server's.
var ErrLinkUnanswered = errors.New("svar først på, om lokalrådet på denne computer skal forbindes med rådet hos kommunen")

// LinkQuestion is the question an enrolment leaves when this computer
// holds a council of its own with data: should Local join the server's
// council?
type LinkQuestion struct {
	Local      model.Council
	Server     string // the server's council id
	ServerName string // its name, as the server gave it at enrolment
}

// PendingLink reports the question waiting for an answer, if any.
func PendingLink(ctx context.Context, db *storage.DB) (LinkQuestion, bool, error) {
	id, err := db.Meta(ctx, metaLinkAsk)
	if err != nil || id == "" {
		return LinkQuestion{}, false, err
	}
	c, err := db.Council(ctx, id)
	if errors.Is(err, storage.ErrNotFound) { // deleted meanwhile: nothing to ask
		return LinkQuestion{}, false, clearLinkQuestion(ctx, db)
	}
	if err != nil {
		return LinkQuestion{}, false, err
	}
	to, err := db.Meta(ctx, metaLinkTo)
	if err != nil {
		return LinkQuestion{}, false, err
	}
	name, err := db.Meta(ctx, metaLinkName)
	return LinkQuestion{Local: c, Server: to, ServerName: name}, true, err
}

// AnswerLink answers the pending question: yes links the council made here
// with the server's, so its data goes up on the next sync; no keeps it on
// this computer only, apart from the server's council.
func AnswerLink(ctx context.Context, db *storage.DB, yes bool) error {
	q, ok, err := PendingLink(ctx, db)
	if err != nil || !ok {
		return err
	}
	if yes {
		if err := link(ctx, db, q.Local.ID, q.Server, q.ServerName); err != nil {
			return err
		}
	}
	return clearLinkQuestion(ctx, db)
}

func clearLinkQuestion(ctx context.Context, db *storage.DB) error {
	for _, k := range []string{metaLinkAsk, metaLinkTo, metaLinkName} {
		if err := db.SetMeta(ctx, k, ""); err != nil {
			return err
		}
	}
	return nil
}

// linkAnswered is ErrLinkUnanswered while a question waits.
func linkAnswered(ctx context.Context, db *storage.DB) error {
	id, err := db.Meta(ctx, metaLinkAsk)
	if err == nil && id != "" {
		err = ErrLinkUnanswered
	}
	return err
}

// afterEnroll decides, right after an enrolment, what becomes of the
// councils already on this computer. The demo is never sent: on a
// council's computer it stays apart (only the enrolled council's ops go
// up), and the municipality's computer, which sends everything it holds,
// drops it. The one council of the computer's own is linked with the
// server's council at once when it holds only its own record, and
// otherwise waits for AnswerLink.
func afterEnroll(ctx context.Context, db *storage.DB, resp EnrollResponse) error {
	// The demo's example pools and deadlines are never sent as the
	// municipality's: the server has the real ones.
	if err := db.DropDemoMunicipal(ctx); err != nil {
		return err
	}
	if resp.Staff {
		return dropDemo(ctx, db)
	}
	to := resp.Council
	if to == "" {
		return nil
	}
	councils, err := db.Councils(ctx)
	if err != nil {
		return err
	}
	var own []model.Council
	for _, c := range councils {
		if c.ID == to {
			return nil // the server's council is here already
		}
		isDemo, err := demo.Is(ctx, db, c.ID)
		if err != nil {
			return err
		}
		if !isDemo {
			own = append(own, c)
		}
	}
	if len(own) != 1 {
		return nil
	}
	has, err := holdsData(ctx, db, own[0].ID)
	if err != nil {
		return err
	}
	if !has {
		return link(ctx, db, own[0].ID, to, resp.CouncilName)
	}
	for k, v := range map[string]string{metaLinkAsk: own[0].ID, metaLinkTo: to, metaLinkName: resp.CouncilName} {
		if err := db.SetMeta(ctx, k, v); err != nil {
			return err
		}
	}
	return nil
}

// dropDemo removes the demo council from a computer that would send it.
func dropDemo(ctx context.Context, db *storage.DB) error {
	councils, err := db.Councils(ctx)
	if err != nil {
		return err
	}
	for _, c := range councils {
		isDemo, err := demo.Is(ctx, db, c.ID)
		if err == nil && isDemo {
			err = db.DropUnsent(ctx, c.ID)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// holdsData tells whether a council keeps anything besides its own record.
func holdsData(ctx context.Context, db *storage.DB, council string) (bool, error) {
	d, err := db.CouncilData(ctx, council)
	if err != nil {
		return false, err
	}
	return len(d.Members)+len(d.Meetings)+len(d.Items)+len(d.Actions)+len(d.Projects)+
		len(d.Lines)+len(d.Applications)+len(d.Wishes)+len(d.YearRules)+len(d.Accounts)+len(d.AccountYears)+len(d.Plans) > 0, nil
}

// link gives the council made here (from) the server's id (to) and, when
// the server said it, its name, so that its data goes up on the first sync
// as part of the server's council: the municipality's name for the council
// stands.
func link(ctx context.Context, db *storage.DB, from, to, name string) error {
	if err := db.LinkCouncil(ctx, from, to); err != nil {
		return fmt.Errorf("forbind lokalrådet med kommunens: %w", err)
	}
	if err := db.SetMeta(ctx, storage.MetaLinked, "1"); err != nil {
		return err
	}
	// Only the municipality answers budget wishes: answers in data made
	// before enrolment never go up.
	_, err := db.RewriteUnsynced(ctx, to, func(c storage.Change) (any, bool) {
		if c.Table == "councils" && c.Field == "name" && name != "" {
			return name, true
		}
		if c.Table != "budget_wishes" || !MunicipalField(c) {
			return nil, false
		}
		switch c.Field {
		case "granted":
			return int64(0), true
		case "status":
			return string(model.WishSubmitted), true
		}
		return "", true
	})
	return err
}
