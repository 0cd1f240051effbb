package pdf

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"lokalraad/model"
)

// section is a part of the meeting packet with its entry in the contents.
type section struct {
	entry
	newPage bool
	body    func(b *doc)
}

func packet(w io.Writer, d *model.CouncilData, meetingID string, o Options, chair bool) error {
	m, err := meeting(d, meetingID)
	if err != nil {
		return err
	}
	l := o.lang()
	items := d.MeetingItems(m.ID)
	slots := model.TimePlan(m.Start, items)
	docTitle := tr(l, "packet")
	if chair {
		docTitle = tr(l, "chair")
	}

	secs := []section{{
		entry:   entry{tr(l, "agenda"), 0},
		newPage: true,
		body:    func(b *doc) { agendaTable(b, items, slots, chair) },
	}}
	for i, it := range items {
		secs = append(secs, section{
			entry: entry{itemTitle(i, it), 1},
			body:  func(b *doc) { agendaItem(b, i+1, it, slots[i], chair) },
		})
	}
	prev, hasPrev := d.PreviousHeldMeeting(m)
	year := model.WishYearFor(m.Start, d.Wishes)
	secs = append(secs,
		section{
			entry:   entry{tr(l, "prev"), 0},
			newPage: true,
			body:    func(b *doc) { previousMinutes(b, d, prev, hasPrev) },
		},
		section{
			entry: entry{tr(l, "actions"), 0},
			body:  func(b *doc) { openActions(b, d, m) },
		},
		section{
			entry: entry{tr(l, "projects"), 0},
			body:  func(b *doc) { projects(b, d) },
		},
		section{
			entry: entry{fmt.Sprintf(tr(l, "wishesyear"), year), 0},
			body:  func(b *doc) { wishStatus(b, d, year) },
		},
	)
	bilag, err := prepareBilag(o.Bilag, items, o.SkipDamaged)
	if err != nil {
		return err
	}
	secs = append(secs, bilagSections(l, bilag)...)
	entries := make([]entry, len(secs))
	for i, s := range secs {
		entries[i] = s.entry
	}

	title := docTitle + " – " + model.MeetingTitle(m, l)
	return render(w, o, d.Council.Name, title, false, true, func(b *doc) {
		cover(b, d, m, docTitle, slots)
		b.toc(entries)
		for _, s := range secs {
			if s.newPage {
				b.newPage()
			}
			b.heading(s.level, s.text)
			s.body(b)
		}
	})
}

func itemTitle(i int, it model.AgendaItem) string {
	return fmt.Sprintf("%d. %s", i+1, strings.TrimSpace(it.Title))
}

func slotText(s model.Slot) string { return model.Clock(s.Start) + "–" + model.Clock(s.End) }

// cover prints the packet's first page: who, what, when and where.
func cover(b *doc, d *model.CouncilData, m model.Meeting, docTitle string, slots []model.Slot) {
	f := b.f
	f.SetY(marginT + 10)
	b.font("B", 24)
	b.lines(marginL, contentW, 11, b.split(d.Council.Name, contentW), "L", false)
	b.font("", 16)
	b.grey(greyText)
	b.lines(marginL, contentW, 8, b.split(docTitle, contentW), "L", false)
	b.black()
	f.SetY(f.GetY() + 8)
	b.font("B", 15)
	b.lines(marginL, contentW, 7.5, b.split(model.MeetingTitle(m, b.lang), contentW), "L", false)
	f.SetY(f.GetY() + 3)
	at := model.Clock(m.Start)
	if len(slots) > 0 && slots[len(slots)-1].End.After(m.Start) {
		at += " (" + fmt.Sprintf(b.t("planned"), model.Clock(slots[len(slots)-1].End)) + ")"
	}
	b.kv(32,
		[2]string{b.t("kind"), model.Label(m.Kind, b.lang)},
		[2]string{b.t("date"), model.WeekdayDate(m.Start, b.lang)},
		[2]string{b.t("time"), at},
		[2]string{b.t("place"), orDash(m.Place)},
	)
	f.SetY(f.GetY() + 6)
	f.SetDrawColor(0, 0, 0)
	f.SetLineWidth(0.3)
	f.Line(marginL, f.GetY(), pageW-marginR, f.GetY())
	f.SetLineWidth(0.2)
	f.SetY(f.GetY() + 2)
}

// titleBlock opens a one-meeting document: its title, the meeting, and when
// and where it is held.
func titleBlock(b *doc, docTitle string, m model.Meeting, extra ...[2]string) {
	f := b.f
	b.docTitle(docTitle, model.MeetingTitle(m, b.lang))
	f.SetY(f.GetY() + 2)
	pairs := [][2]string{
		{b.t("date"), model.WeekdayDate(m.Start, b.lang)},
		{b.t("time"), model.Clock(m.Start)},
		{b.t("place"), orDash(m.Place)},
	}
	b.kv(32, append(pairs, extra...)...)
	f.SetY(f.GetY() + 2)
}

// agendaTable prints the agenda at a glance with its time plan.
func agendaTable(b *doc, items []model.AgendaItem, slots []model.Slot, chair bool) {
	if len(items) == 0 {
		b.para(b.t("noitems"))
		return
	}
	t := table{cols: []col{
		{title: b.t("no"), w: 11, align: "R"},
		{title: b.t("item"), w: 79},
		{title: b.t("type"), w: 34},
		{title: b.t("slot"), w: 30, bold: chair},
		{title: b.t("min"), w: 16, align: "R"},
	}}
	total := 0
	for i, it := range items {
		t.rows = append(t.rows, []string{
			fmt.Sprint(i + 1), it.Title, model.Label(it.Kind, b.lang), slotText(slots[i]), fmt.Sprint(it.Minutes),
		})
		total += max(it.Minutes, 0)
	}
	whole := model.Slot{Start: slots[0].Start, End: slots[len(slots)-1].End}
	t.total = []string{"", b.t("total"), "", slotText(whole), fmt.Sprint(total)}
	b.table(t)
}

// agendaItem prints an item of the agenda: what kind, how long, when, and
// its background text. The chair's copy shows the time large and leaves
// ruled room for notes.
func agendaItem(b *doc, no int, it model.AgendaItem, s model.Slot, chair bool) {
	f := b.f
	kind := model.Label(it.Kind, b.lang)
	dur := fmt.Sprintf(b.t("minutesfmt"), it.Minutes)
	if chair {
		b.ensure(8)
		y := f.GetY()
		b.font("B", 13)
		txt := model.Clock(s.Start) + " – " + model.Clock(s.End)
		w := f.GetStringWidth(txt) + 4
		f.SetFillColor(greyFill, greyFill, greyFill)
		f.SetXY(marginL, y)
		f.CellFormat(w, 7, txt, "", 0, "L", true, 0, "")
		b.font("", bodyPt)
		f.SetXY(marginL+w+3, y)
		f.CellFormat(contentW-w-3, 7, fit(f, dur+" · "+kind, contentW-w-5), "", 0, "L", false, 0, "")
		f.SetXY(marginL, y+9)
	} else {
		b.note(kind + " · " + dur + " · " + slotText(s))
		f.SetY(f.GetY() + 1)
	}
	b.para(it.Background)
	if chair {
		b.space(1)
		b.ruled(fmt.Sprintf(b.t("notesfor"), no), 6, 7.5)
		if it.Kind == model.ItemDecision {
			b.ruled(fmt.Sprintf(b.t("decidefor"), no), 2, 7.5)
		}
	}
}

// previousMinutes prints the minutes of the meeting before, for approval.
func previousMinutes(b *doc, d *model.CouncilData, prev model.Meeting, ok bool) {
	if !ok {
		b.para(b.t("noprev"))
		return
	}
	b.font("B", 11)
	b.lines(marginL, contentW, 6, b.split(model.MeetingTitle(prev, b.lang), contentW), "L", false)
	b.kv(32, append([][2]string{
		{b.t("date"), model.WeekdayDate(prev.Start, b.lang) + ", " + model.Clock(prev.Start)},
		{b.t("status"), statusText(b, prev)},
	}, people(b, prev)...)...)
	minutesItems(b, d.MeetingItems(prev.ID))
}

// people are the minutes' rows of who was there: present and apologies
// always, absent and guests when there are any. The minutes and the
// packet's copy of the minutes for approval show the same.
func people(b *doc, m model.Meeting) [][2]string {
	rows := [][2]string{
		{b.t("attendees"), strings.Join(nameLines(m.Attendees), "\n")},
		{b.t("apologies"), strings.Join(nameLines(m.Apologies), "\n")},
	}
	if ns := nameLines(m.Absent); len(ns) > 0 {
		rows = append(rows, [2]string{b.t("absent"), strings.Join(ns, "\n")})
	}
	if ns := nameLines(m.Guests); len(ns) > 0 {
		rows = append(rows, [2]string{b.t("guests"), strings.Join(ns, "\n")})
	}
	return rows
}

// statusText is a meeting's status as the minutes show it.
func statusText(b *doc, m model.Meeting) string {
	if m.Status == model.MeetingApproved {
		return strings.TrimSpace(fmt.Sprintf(b.t("approved"), model.LongDate(m.ApprovedAt, b.lang)))
	}
	return b.t("notapprov")
}

// minutesItems prints each item's notes and its decision set off in a box.
func minutesItems(b *doc, items []model.AgendaItem) {
	if len(items) == 0 {
		b.para(b.t("noitems"))
		return
	}
	for i, it := range items {
		b.heading(2, itemTitle(i, it))
		b.note(model.Label(it.Kind, b.lang))
		b.space(1)
		notes := strings.TrimSpace(it.Notes)
		decision := strings.TrimSpace(it.Decision)
		switch {
		case notes != "":
			b.para(notes)
			b.space(1.5)
		case decision == "":
			b.note(b.t("nominutes"))
		}
		if decision != "" {
			b.box(b.t("decision"), decision)
		}
	}
}

// actionTable prints action items as Hvem / Hvad / Hvornår. Items due before
// the day of by are marked overdue.
func actionTable(b *doc, actions []model.ActionItem, by time.Time) {
	t := table{cols: []col{
		{title: b.t("who"), w: 42},
		{title: b.t("what"), w: 98},
		{title: b.t("when"), w: 30},
	}}
	for _, a := range actions {
		when := b.t("ongoing")
		if !a.Due.IsZero() {
			when = model.ShortDate(a.Due)
			if a.Overdue(by) {
				when += "\n" + b.t("overdue")
			}
		}
		t.rows = append(t.rows, []string{orDash(a.Who), a.What, when})
	}
	b.table(t)
}

func openActions(b *doc, d *model.CouncilData, m model.Meeting) {
	open := model.CarriedOver(m, d.Meetings, d.Actions)
	if len(open) == 0 {
		b.para(b.t("noactions"))
		return
	}
	actionTable(b, open, m.Start)
}

// projects prints the status of the council's projects, abandoned ones
// left out, in the order of their status.
func projects(b *doc, d *model.CouncilData) {
	var ps []model.Project
	for _, p := range d.Projects {
		if p.Status != model.ProjectAbandoned {
			ps = append(ps, p)
		}
	}
	if len(ps) == 0 {
		b.para(b.t("noprojects"))
		return
	}
	slices.SortStableFunc(ps, func(a, c model.Project) int {
		return cmp.Or(
			cmp.Compare(slices.Index(model.ProjectStatuses, a.Status), slices.Index(model.ProjectStatuses, c.Status)),
			strings.Compare(a.Title, c.Title), strings.Compare(a.ID, c.ID))
	})
	t := table{cols: []col{
		{title: b.t("project"), w: 50},
		{title: b.t("status"), w: 21},
		{title: b.t("progress"), w: 21, align: "R"},
		{title: b.t("expenses"), w: 26, align: "R"}, // "105.000,50 kr." on one line
		{title: b.t("granted"), w: 26, align: "R"},
		{title: b.t("missing"), w: 26, align: "R"},
	}}
	for _, p := range ps {
		tot := model.Totals(p.ID, d.Lines, d.Applications)
		t.rows = append(t.rows, []string{
			p.Title + "\n" + b.t("responsible") + ": " + orDash(d.MemberName(p.ResponsibleID)),
			model.Label(p.Status, b.lang), fmt.Sprintf("%d %%", p.Progress),
			model.Kroner(tot.Expenses), model.Kroner(tot.Granted), model.Kroner(tot.Missing),
		})
	}
	b.table(t)
}

func minutes(w io.Writer, d *model.CouncilData, m model.Meeting, o Options) error {
	l := o.lang()
	draft := m.Status != model.MeetingApproved
	docTitle := tr(l, "minutes")
	return render(w, o, d.Council.Name, docTitle+" – "+model.MeetingTitle(m, l), draft, false, func(b *doc) {
		titleBlock(b, docTitle, m, [2]string{b.t("status"), statusText(b, m)})
		b.kv(32, people(b, m)...)
		if q := model.QuorumOf(d.Council, d.Members, m); q.Board > 0 && strings.TrimSpace(m.Attendees) != "" {
			b.para(model.QuorumText(q, b.lang))
		}
		b.heading(0, b.t("itemsmins"))
		minutesItems(b, d.MeetingItems(m.ID))

		// The approval block never stands alone on a page: when it would,
		// the agreed tasks before it go to its page (a second pass).
		b.keepFrom("approval")
		b.heading(0, b.t("agreed"))
		if agreed := d.MeetingActions(m.ID); len(agreed) > 0 {
			actionTable(b, agreed, time.Time{})
		} else {
			b.para(b.t("noagreed"))
		}

		// The approval block is kept whole: its heading never ends a page
		// with the signatures alone on the next.
		b.space(6)
		b.ensure(45)
		b.aloneCheck("approval")
		b.heading(0, b.t("approval"))
		if m.Status == model.MeetingApproved && !m.ApprovedAt.IsZero() {
			// One sentence: who and where when they are known, else when.
			if m.ApprovedBy != "" || m.ApprovedIn != "" {
				at, _ := meeting(d, m.ApprovedIn)
				b.para(model.ApprovalText(m, at, b.lang))
			} else {
				b.para(fmt.Sprintf(b.t("approvedon"), model.LongDate(m.ApprovedAt, b.lang)))
			}
		} else {
			b.signLines(b.t("signdate"), b.t("signchair"), b.t("signsecr"))
		}
	})
}

func attendance(w io.Writer, d *model.CouncilData, m model.Meeting, o Options) error {
	l := o.lang()
	docTitle := tr(l, "attendance")
	members := slices.Clone(d.Members)
	slices.SortStableFunc(members, func(a, c model.Member) int {
		return cmp.Or(
			cmp.Compare(roleOrder(a.Role), roleOrder(c.Role)),
			strings.Compare(a.Name, c.Name), strings.Compare(a.ID, c.ID))
	})
	return render(w, o, d.Council.Name, docTitle+" – "+model.MeetingTitle(m, l), false, false, func(b *doc) {
		titleBlock(b, docTitle, m)
		q := model.QuorumOf(d.Council, d.Members, m)
		if q.Board > 0 {
			b.para(fmt.Sprintf(b.t("quorumrule"), q.Needed, q.Board))
		}
		marked := strings.TrimSpace(m.Attendees+m.Apologies+m.Absent) != ""
		if marked && q.Board > 0 {
			b.para(model.QuorumText(q, b.lang))
		}
		b.heading(2, b.t("members"))
		t := table{minH: 10, cols: []col{
			{title: b.t("name"), w: 62},
			{title: b.t("role"), w: 36},
			{title: b.t("signature"), w: 72},
		}}
		if marked {
			t.cols = []col{{title: b.t("name"), w: 56}, {title: b.t("role"), w: 30}, {title: b.t("presence"), w: 30}, {title: b.t("signature"), w: 54}}
		}
		if o.ContactDetails {
			t.cols = []col{
				{title: b.t("name"), w: 42},
				{title: b.t("role"), w: 25},
				{title: b.t("phone"), w: 29},
				{title: b.t("email"), w: 40},
				{title: b.t("signature"), w: 34},
			}
		}
		if marked && o.ContactDetails {
			t.cols = []col{
				{title: b.t("name"), w: 36},
				{title: b.t("role"), w: 22},
				{title: b.t("presence"), w: 22},
				{title: b.t("phone"), w: 30},
				{title: b.t("email"), w: 40},
				{title: b.t("signature"), w: 20},
			}
		}
		for _, mb := range members {
			row := []string{mb.Name, model.Label(mb.Role, b.lang)}
			if marked {
				row = append(row, presenceText(b, model.PresenceOf(m, mb.Name)))
			}
			if o.ContactDetails {
				row = append(row, mb.Phone, mb.Email)
			}
			t.rows = append(t.rows, append(row, ""))
		}
		b.table(t)

		b.heading(2, b.t("guests"))
		g := table{minH: 10, cols: []col{
			{title: b.t("name"), w: 62},
			{title: b.t("orgnote"), w: 50},
			{title: b.t("signature"), w: 58},
		}}
		for _, n := range nameLines(m.Guests) {
			g.rows = append(g.rows, []string{n, "", ""})
		}
		for range 10 {
			g.rows = append(g.rows, []string{"", "", ""})
		}
		b.table(g)
	})
}

func roleOrder(r model.Role) int {
	if i := slices.Index(model.Roles, r); i >= 0 {
		return i
	}
	return len(model.Roles)
}

func noteSheet(w io.Writer, d *model.CouncilData, m model.Meeting, o Options) error {
	l := o.lang()
	docTitle := tr(l, "notesheet")
	items := d.MeetingItems(m.ID)
	slots := model.TimePlan(m.Start, items)
	return render(w, o, d.Council.Name, docTitle+" – "+model.MeetingTitle(m, l), false, false, func(b *doc) {
		titleBlock(b, docTitle, m)
		const lines, gap = 6, 7.5
		block := 3 + 6 + lineH + lines*gap + 2 // a heading, its time and the lines
		for i, it := range items {
			b.ensure(block)
			b.heading(2, itemTitle(i, it))
			b.note(slotText(slots[i]) + " · " + model.Label(it.Kind, b.lang))
			b.ruled("", lines, gap)
		}
		b.ensure(block)
		b.heading(2, b.t("other"))
		b.ruled("", lines, gap)
	})
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "–"
	}
	return s
}

// presenceText is a member's attendance as the attendance list shows it.
func presenceText(b *doc, p model.Presence) string {
	switch p {
	case model.Present:
		return b.t("present")
	case model.Apology:
		return b.t("apologies")
	case model.AbsentP:
		return b.t("absent")
	}
	return ""
}
