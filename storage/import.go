package storage

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"lokalraad/model"
)

// Import saves members, projects and budget wishes read from a file in one
// transaction: all of them, or, when any is invalid or a write fails,
// none. New rows get ids; wishes without a priority go last in their year.
// It writes nothing when ctx is done before it commits (Ctrl-C during a
// CLI import).
func (db *DB) Import(ctx context.Context, members []model.Member, projects []model.Project, wishes []model.BudgetWish) error {
	var errs []error
	check := func(what string, i int, v interface{ Validate() error }, council string) {
		if err := v.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("%s %d: %w", what, i+1, err))
		}
		if council == "" {
			errs = append(errs, fmt.Errorf("%s %d: intet lokalråd", what, i+1))
		}
	}
	for i := range members {
		check("medlem", i, &members[i], members[i].CouncilID)
	}
	for i := range projects {
		check("projekt", i, &projects[i], projects[i].CouncilID)
	}
	for i := range wishes {
		check("budgetønske", i, &wishes[i], wishes[i].CouncilID)
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	var recs []record
	for i := range members {
		if members[i].ID == "" {
			members[i].ID = newID()
		}
		recs = append(recs, memberD.record(&members[i]))
	}
	for i := range projects {
		if projects[i].ID == "" {
			projects[i].ID = newID()
		}
		recs = append(recs, projectD.record(&projects[i]))
	}
	return db.write(ctx, func(w *writer) error {
		for _, r := range recs {
			if _, err := w.put(r); err != nil {
				return err
			}
		}
		staff, err := getMetaInt(w.ctx, w.tx, MetaStaff)
		if err != nil {
			return err
		}
		for i := range wishes {
			b := &wishes[i]
			if b.ID == "" {
				b.ID = newID()
			}
			if staff != 1 {
				// Only the municipality answers: a council's workbook brings
				// back the answer it was exported with, or a typed one, and
				// neither may be written here (the server would refuse the
				// council's sync). The stored answer stays.
				if err := keepAnswer(w, b); err != nil {
					return err
				}
			}
			if b.Rank == 0 {
				if err := w.tx.QueryRowContext(w.ctx, "SELECT COALESCE(MAX(priority), 0) + 1 FROM budget_wishes WHERE council_id = ? AND year = ?", b.CouncilID, b.Year).Scan(&b.Rank); err != nil {
					return err
				}
			}
			if _, err := w.put(wishD.record(b)); err != nil {
				return err
			}
		}
		return ctx.Err() // cancelled: roll back
	})
}

// keepAnswer gives an imported wish the answer stored for it (none for a
// new wish); an imported status "besvaret" the wish does not hold becomes
// "indsendt".
func keepAnswer(w *writer, b *model.BudgetWish) error {
	var status, answer, text string
	var granted int64
	err := w.tx.QueryRowContext(w.ctx, "SELECT status, answer, answer_text, granted FROM budget_wishes WHERE id = ?", b.ID).Scan(&status, &answer, &text, &granted)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	b.Answer, b.AnswerText, b.Granted = model.Answer(answer), text, granted
	switch {
	case model.WishStatus(status) == model.WishAnswered:
		b.Status = model.WishAnswered
	case b.Status == model.WishAnswered:
		b.Status = model.WishSubmitted
	}
	return nil
}

// Existing is what an import does with a row that is already stored (a
// file imported twice): the user chooses.
type Existing int

const (
	// ExistingSkip leaves the stored row as it is and drops the file's.
	ExistingSkip Existing = iota + 1
	// ExistingUpdate writes the file's values over the stored row; a value
	// the file leaves empty (or at its default) keeps the stored one.
	ExistingUpdate
)

// Matches are the imported rows that are already stored, by their index
// in the import: members by name, projects by title, wishes by year and
// title, each compared without case and outer spaces.
type Matches struct {
	Members, Projects, Wishes map[int]string // index → stored id
}

// Len is how many imported rows are already stored.
func (m Matches) Len() int { return len(m.Members) + len(m.Projects) + len(m.Wishes) }

func sameText(a, b string) bool { return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b)) }

// ImportMatches finds the imported rows that are already stored for
// councilID.
func (db *DB) ImportMatches(ctx context.Context, councilID string, members []model.Member, projects []model.Project, wishes []model.BudgetWish) (Matches, error) {
	m := Matches{Members: map[int]string{}, Projects: map[int]string{}, Wishes: map[int]string{}}
	sm, err := db.Members(ctx, councilID)
	if err != nil {
		return m, err
	}
	sp, err := db.Projects(ctx, councilID)
	if err != nil {
		return m, err
	}
	sw, err := db.BudgetWishes(ctx, councilID, 0)
	if err != nil {
		return m, err
	}
	for i, x := range members {
		if j := slices.IndexFunc(sm, func(s model.Member) bool { return sameText(s.Name, x.Name) }); j >= 0 {
			m.Members[i] = sm[j].ID
		}
	}
	for i, x := range projects {
		if j := slices.IndexFunc(sp, func(s model.Project) bool { return sameText(s.Title, x.Title) }); j >= 0 {
			m.Projects[i] = sp[j].ID
		}
	}
	for i, x := range wishes {
		if j := slices.IndexFunc(sw, func(s model.BudgetWish) bool { return s.Year == x.Year && sameText(s.Title, x.Title) }); j >= 0 {
			m.Wishes[i] = sw[j].ID
		}
	}
	return m, nil
}

// Resolve applies the user's choice for the rows already stored: skip
// drops them, update makes them edits of the stored rows (the file's
// empty or default values keep the stored ones).
//
// responsible names each project's responsible member as the file gives
// it, in the order of projects (nil for none): a name is linked to the
// member of that name among the file's members or, failing that, the
// council's stored ones (without case and outer spaces); a name that is
// neither leaves the project without one, or with its stored one, and a
// project left without one keeps that name in its working group.
func (db *DB) Resolve(ctx context.Context, m Matches, how Existing, members []model.Member, projects []model.Project, responsible []string, wishes []model.BudgetWish) ([]model.Member, []model.Project, []model.BudgetWish, error) {
	var om []model.Member
	for i, x := range members {
		id, found := m.Members[i]
		switch {
		case !found:
			x.ID = newID() // Import keeps it; a project may name this member
			om = append(om, x)
		case how == ExistingUpdate:
			s, err := db.member(ctx, id)
			if err != nil {
				return nil, nil, nil, err
			}
			x.ID = id
			x.Phone, x.Email = keepStr(x.Phone, s.Phone), keepStr(x.Email, s.Email)
			x.TermStart, x.TermEnd = keepTime(x.TermStart, s.TermStart), keepTime(x.TermEnd, s.TermEnd)
			if x.Role == model.RoleMember {
				x.Role = s.Role
			}
			x.Contact = x.Contact || s.Contact
			om = append(om, x)
		}
	}
	memberID, err := db.memberNamed(ctx, om, projects, responsible)
	if err != nil {
		return nil, nil, nil, err
	}
	var op []model.Project
	for i, x := range projects {
		id, found := m.Projects[i]
		if i < len(responsible) {
			x.ResponsibleID = memberID(responsible[i])
		}
		switch {
		case !found:
			op = append(op, x)
		case how == ExistingUpdate:
			s, err := db.Project(ctx, id)
			if err != nil {
				return nil, nil, nil, err
			}
			x.ID, x.ResponsibleID = id, cmp.Or(x.ResponsibleID, s.ResponsibleID)
			x.Description, x.WorkingGroup = keepStr(x.Description, s.Description), keepStr(x.WorkingGroup, s.WorkingGroup)
			x.Start, x.End = keepTime(x.Start, s.Start), keepTime(x.End, s.End)
			if x.Status == model.ProjectIdea {
				x.Status = s.Status
			}
			if x.Progress == 0 {
				x.Progress = s.Progress
			}
			op = append(op, x)
		}
		if i < len(responsible) && len(op) > 0 && op[len(op)-1].ResponsibleID == "" {
			keepUnknownName(&op[len(op)-1], responsible[i])
		}
	}
	var ow []model.BudgetWish
	for i, x := range wishes {
		id, found := m.Wishes[i]
		switch {
		case !found:
			ow = append(ow, x)
		case how == ExistingUpdate:
			s, err := db.budgetWish(ctx, id)
			if err != nil {
				return nil, nil, nil, err
			}
			x.ID = id
			x.Category, x.Justification = keepStr(x.Category, s.Category), keepStr(x.Justification, s.Justification)
			if x.Rank == 0 {
				x.Rank = s.Rank
			}
			if x.Status == model.WishDraft {
				x.Status = s.Status
			}
			ow = append(ow, x)
		}
	}
	return om, op, ow, nil
}

// NotMembers are the responsibles' names (names, in the order of
// projects) that are neither a member the file brings (members) nor a
// stored member of the projects' councils, each once: Resolve keeps them
// in the projects' working groups, and the preview says so.
func (db *DB) NotMembers(ctx context.Context, members []model.Member, projects []model.Project, names []string) ([]string, error) {
	known, err := db.namedMembers(ctx, members, projects, names)
	if err != nil {
		return nil, err
	}
	var out []string
	for i := range projects {
		if i >= len(names) {
			break
		}
		name := strings.TrimSpace(names[i])
		if name == "" || slices.ContainsFunc(known, func(m model.Member) bool { return sameText(m.Name, name) }) ||
			slices.ContainsFunc(out, func(o string) bool { return sameText(o, name) }) {
			continue
		}
		out = append(out, name)
	}
	return out, nil
}

// keepUnknownName keeps the name of a responsible who is no member (a
// treasurer's workbook names whoever runs the project) in the project's
// working group, first, so that it is not lost; a name the working group
// already holds is not added again.
func keepUnknownName(p *model.Project, name string) {
	name = strings.TrimSpace(name)
	if name == "" {
		return
	}
	for _, w := range strings.FieldsFunc(p.WorkingGroup, func(r rune) bool { return r == ',' || r == '\n' || r == ';' }) {
		if sameText(w, name) {
			return
		}
	}
	if strings.TrimSpace(p.WorkingGroup) == "" {
		p.WorkingGroup = name
		return
	}
	// The name goes in as the list already is written: one a line (the
	// editor's way) or after commas (a treasurer's cell, »Anne, Bo«).
	sep := ", "
	if strings.Contains(p.WorkingGroup, "\n") {
		sep = "\n"
	}
	p.WorkingGroup = name + sep + p.WorkingGroup
}

// namedMembers are the members a responsible's name may name: the file's
// (members) first, then the stored members of the councils of the
// projects that name one.
func (db *DB) namedMembers(ctx context.Context, members []model.Member, projects []model.Project, names []string) ([]model.Member, error) {
	all := slices.Clone(members)
	councils := map[string]bool{}
	for i, p := range projects {
		if i < len(names) && strings.TrimSpace(names[i]) != "" && !councils[p.CouncilID] {
			councils[p.CouncilID] = true
			stored, err := db.Members(ctx, p.CouncilID)
			if err != nil {
				return nil, err
			}
			all = append(all, stored...)
		}
	}
	return all, nil
}

// memberNamed gives what links a responsible's name to a member's id:
// the file's members (resolved, with their ids) first, then the stored
// members of the projects' councils; "" for a name that is neither.
func (db *DB) memberNamed(ctx context.Context, members []model.Member, projects []model.Project, names []string) (func(string) string, error) {
	all, err := db.namedMembers(ctx, members, projects, names)
	if err != nil {
		return nil, err
	}
	return func(name string) string {
		if strings.TrimSpace(name) == "" {
			return ""
		}
		if j := slices.IndexFunc(all, func(m model.Member) bool { return sameText(m.Name, name) }); j >= 0 {
			return all[j].ID
		}
		return ""
	}, nil
}

func (db *DB) member(ctx context.Context, id string) (model.Member, error) {
	return one(ctx, db.sql(), memberD.scan, membersT.selectSQL()+" WHERE id = ?", id)
}

func (db *DB) budgetWish(ctx context.Context, id string) (model.BudgetWish, error) {
	return one(ctx, db.sql(), wishD.scan, wishesT.selectSQL()+" WHERE id = ?", id)
}

func keepStr(v, stored string) string {
	if strings.TrimSpace(v) == "" {
		return stored
	}
	return v
}

func keepTime(v, stored time.Time) time.Time {
	if v.IsZero() {
		return stored
	}
	return v
}
