package pdf

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/jung-kurt/gofpdf"

	"lokalraad/assets"
	"lokalraad/model"
)

// Borgerbudgettering (issue 11): the paper ballots of a round and its
// results.

func init() {
	addTexts(map[string][2]string{
		"pb.ballot":      {"Stemmeseddel", "Ballot"},
		"pb.ballotno":    {"Stemmeseddel nr. %d", "Ballot no. %d"},
		"pb.sheet":       {"Stemmeseddel nr. %d – side %d af %d", "Ballot no. %d – page %d of %d"},
		"pb.place":       {"Afstemningssted:", "Polling place:"},
		"pb.anonymous":   {"Skriv ikke dit navn på stemmesedlen. Læg den i stemmeboksen.", "Do not write your name on the ballot. Put it in the ballot box."},
		"pb.mark":        {"Kryds", "Mark"},
		"pb.points":      {"Point", "Points"},
		"pb.no":          {"Nr.", "No."},
		"pb.proposal":    {"Forslag", "Proposal"},
		"pb.cost":        {"Pris", "Cost"},
		"pb.votes":       {"Stemmer", "Votes"},
		"pb.chosen":      {"Valgt", "Funded"},
		"pb.voting":      {"Afstemning %s–%s", "Voting %s–%s"},
		"pb.results":     {"Resultat", "Result"},
		"pb.prelim":      {"FORELØBIGT RESULTAT", "PRELIMINARY RESULT"},
		"pb.prelimwhy":   {"%d stemmesedler er tastet forskelligt af de to tællere og er ikke talt med, før de er afgjort.", "%d ballots were entered differently by the two counters and are not counted until settled."},
		"pb.prelimwhy1":  {"1 stemmeseddel er tastet forskelligt af de to tællere og er ikke talt med, før den er afgjort.", "1 ballot was entered differently by the two counters and is not counted until settled."},
		"pb.override":    {"RESULTATET ER ÆNDRET I HÅNDEN: %s", "THE RESULT WAS CHANGED BY HAND: %s"},
		"pb.overridehd":  {"Resultatet er ændret i hånden", "The result was changed by hand"},
		"pb.overridewas": {"Optællingen gav: %s", "The count gave: %s"},
		"pb.pot":         {"Pulje", "Pot"},
		"pb.method":      {"Optællingsmetode", "Counting method"},
		"pb.rule":        {"Stemmeseddel", "Ballot"},
		"pb.blankhd":     {"Blanke sedler", "Blank ballots"},
		"pb.blankvalid":  {"gyldige: en stemme på intet", "valid: a vote for nothing"},
		"pb.winners":     {"Forslag, der får penge", "Funded proposals"},
		"pb.nowinners":   {"Intet forslag får penge.", "No proposal is funded."},
		"pb.total":       {"I alt", "Total"},
		"pb.left":        {"Tilbage af puljen", "Left of the pot"},
		"pb.turnout":     {"Stemmesedler", "Ballots"},
		"pb.handed":      {"Afgivne stemmesedler", "Ballots handed in"},
		"pb.valid":       {"Gyldige", "Valid"},
		"pb.invalid":     {"Ugyldige", "Invalid"},
		"pb.pct":         {"Stemmeprocent", "Turnout"},
		"pb.pctof":       {"%s af %s indbyggere", "%s of %s inhabitants"},
		"pb.totals":      {"Stemmer meldt som totaler", "Votes reported as totals"},
		"pb.all":         {"Alle forslag på stemmesedlen", "All proposals on the ballot"},
		"pb.yes":         {"Ja", "Yes"},
		"pb.invalidhd":   {"Ugyldige stemmesedler", "Invalid ballots"},
		"pb.invalidrow":  {"%s: %d (nr. %s)", "%s: %d (no. %s)"},
		"pb.diffhd":      {"Forskelle mellem tællerne, endnu ikke afgjort", "Differences between the counters, not yet settled"},
		"pb.diffrow":     {"Nr. %d: %s", "No. %d: %s"},
		"pb.counter":     {"tæller %d: %s", "counter %d: %s"},
		"pb.blank":       {"blank", "blank"},
		"pb.places":      {"Afstemningssteder", "Polling places"},
		"pb.noplace":     {"(intet sted)", "(no place)"},
		"pb.how":         {"Sådan er der talt", "How the votes were counted"},
		"pb.steps":       {"Optællingen trin for trin", "The count step by step"},
		"pb.tie":         {"Stemmelighed", "Ties"},
		"pb.tiedecided":  {"Stemmelighed afgjorde mindst ét valg.", "A tie decided at least one choice."},
	})
}

// BallotOptions say which ballots to print: numbers From to To, one sheet
// (or more, when the proposals do not fit on one) for each; Place, when
// given, is printed as the polling place (else a line to write it on);
// Large prints the body in 16 pt type for voters who see poorly.
type BallotOptions struct {
	From, To int
	Place    string
	Large    bool
}

// MaxBallotSheets is the most ballots one run prints.
const MaxBallotSheets = 20_000

// Errors of Ballots, in Danish.
var (
	ErrNoProposalsOnBallot = model.NewError(model.Invalid, "der er ingen forslag til afstemning; sæt forslagenes status til »Til afstemning« først")
	ErrBallotNumbers       = model.NewError(model.Invalid, fmt.Sprintf("stemmesedlernes numre skal gå fra 1 eller derover til et nummer, der ikke er mindre, og højst %d ad gangen", MaxBallotSheets))
)

// ballotLayout is the sizes of a ballot, normal or large.
type ballotLayout struct {
	body, small, title, rule, number float64 // points
	lh, smallLH                      float64 // line heights, mm
	box                              float64 // the mark box's side, mm
	boxW                             float64 // the box's width (wider for points)
}

func layoutFor(large, points bool) ballotLayout {
	l := ballotLayout{body: 11, small: 9.5, title: 18, rule: 12, number: 12, lh: 5.2, smallLH: 4.6, box: 10}
	if large {
		l = ballotLayout{body: 16, small: 14, title: 24, rule: 17, number: 16, lh: 7.4, smallLH: 6.6, box: 14}
	}
	l.boxW = l.box
	if points {
		l.boxW = l.box * 1.8
	}
	return l
}

// ballotRow is one proposal laid out: its lines and height.
type ballotRow struct {
	no, cost string
	title    []string
	desc     []string
	h        float64
}

// Ballots writes the paper ballots of round r: A4, black and white, one
// sheet per ballot number from bo.From to bo.To. Each carries the council,
// the round's title, the rule in plain Danish (r.RuleText), every proposal
// on the ballot (model.OnBallot) with its number, title, the first line of
// its description and its cost (VoteCost) beside a large box to mark (on a
// points ballot, a box to write the points in), the ballot's number and
// room for the polling place (bo.Place printed when given). Proposals that
// do not fit on one page go on to a second, which repeats the number.
//
// The fonts are parsed once for the whole run and the proposals laid out
// once, so 500 ballots take a fraction of a second.
//
// Errors: ErrNoProposalsOnBallot; ErrBallotNumbers when From < 1, To <
// From or more than MaxBallotSheets are asked for.
func Ballots(w io.Writer, council string, r model.PBRound, ps []model.PBProposal, bo BallotOptions, o Options) error {
	on := model.OnBallot(ps)
	if len(on) == 0 {
		return ErrNoProposalsOnBallot
	}
	if bo.From < 1 || bo.To < bo.From || bo.To-bo.From >= MaxBallotSheets || bo.To > model.MaxPBNumber {
		return ErrBallotNumbers
	}
	lang := o.lang()
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	points := r.BallotKind == model.PBPoints
	L := layoutFor(bo.Large, points)
	f := gofpdf.New("P", "mm", "A4", "")
	f.SetCatalogSort(true)
	f.SetCreationDate(now)
	f.SetModificationDate(now)
	title := clean(r.Title)
	f.SetTitle(tr(lang, "pb.ballot")+" – "+title, true)
	f.SetAuthor(clean(council), true)
	f.SetCreator("Lokalråd", true)
	f.SetProducer("Lokalråd", true)
	f.AddUTF8FontFromBytes(family, "", assets.FontRegular)
	f.AddUTF8FontFromBytes(family, "B", assets.FontBold)
	f.SetMargins(marginL, 15, marginR)
	f.SetAutoPageBreak(false, 15)

	// Lay the proposals out once.
	const noW, costW = 14.0, 34.0
	textW := contentW - L.boxW - 4 - noW - costW
	rows := make([]ballotRow, len(on))
	for i, p := range on {
		row := ballotRow{no: strconv.Itoa(p.Number) + ".", cost: model.Kroner(p.VoteCost())}
		f.SetFont(family, "B", L.body)
		row.title = f.SplitText(strings.ReplaceAll(clean(p.Title), "\n", " "), textW)
		first := strings.TrimSpace(strings.SplitN(clean(p.Text), "\n", 2)[0])
		if first != "" {
			f.SetFont(family, "", L.small)
			row.desc = f.SplitText(first, textW)
			if len(row.desc) > 2 {
				row.desc = append(row.desc[:1], fit(f, strings.Join(row.desc[1:], " "), textW))
			}
		}
		row.h = max(float64(len(row.title))*L.lh+float64(len(row.desc))*L.smallLH, L.box) + 5
		rows[i] = row
	}
	rule := clean(r.RuleText())
	if lang == model.English {
		rule = ruleTextEnglish(r)
	}
	// Which rows go on which page: the first page has the heading, the
	// rule and the column heads; the others the title and the heads; the
	// last ends with the place and the note on anonymity. The heights are
	// those the drawing below uses.
	const top, foot = 15.0, 278.0
	headH := 14 + float64(len(splitWith(f, L.title, "B", title, contentW)))*L.title*0.45 + 4 +
		float64(len(splitWith(f, L.rule, "B", rule, contentW-8)))*L.lh + 10 + L.smallLH + 1
	if !r.VotingFrom.IsZero() && !r.VotingTo.IsZero() {
		headH += L.smallLH
	}
	nextH := 14 + L.lh + 4 + L.smallLH + 1
	tailH := 6 + L.lh*float64(1+len(splitWith(f, L.small, "", tr(lang, "pb.anonymous"), contentW))) + L.smallLH + 2
	var pages [][]ballotRow
	y := top + headH
	cur := []ballotRow{}
	for i, row := range rows {
		last := i == len(rows)-1
		need := row.h
		if last {
			need += tailH
		}
		if y+need > foot && len(cur) > 0 {
			pages = append(pages, cur)
			cur = nil
			y = top + nextH
		}
		cur = append(cur, row)
		y += row.h
	}
	pages = append(pages, cur)

	for n := bo.From; n <= bo.To; n++ {
		for pi, page := range pages {
			f.AddPage()
			f.SetDrawColor(0, 0, 0)
			f.SetTextColor(0, 0, 0)
			// The number, top right, large; the council top left.
			f.SetFont(family, "B", L.number)
			no := fmt.Sprintf(tr(lang, "pb.ballotno"), n)
			nw := f.GetStringWidth(no) + 6
			f.SetLineWidth(0.5)
			f.SetXY(pageW-marginR-nw, top)
			f.CellFormat(nw, L.number*0.55, no, "1", 0, "C", false, 0, "")
			f.SetFont(family, "B", L.small)
			f.SetXY(marginL, top)
			f.CellFormat(contentW-nw-4, L.number*0.55, fit(f, clean(council), contentW-nw-6), "", 0, "L", false, 0, "")
			f.SetY(top + 14)
			if pi == 0 {
				f.SetFont(family, "B", L.title)
				for _, l := range f.SplitText(title, contentW) {
					f.SetX(marginL)
					f.CellFormat(contentW, L.title*0.45, l, "", 2, "L", false, 0, "")
				}
				if !r.VotingFrom.IsZero() && !r.VotingTo.IsZero() {
					f.SetFont(family, "", L.small)
					f.SetX(marginL)
					f.CellFormat(contentW, L.smallLH, fmt.Sprintf(tr(lang, "pb.voting"), model.LongDate(r.VotingFrom, lang), model.LongDate(r.VotingTo, lang)), "", 2, "L", false, 0, "")
				}
				f.SetY(f.GetY() + 4)
				// The rule, in a heavy frame.
				ls := splitWith(f, L.rule, "B", rule, contentW-8)
				h := float64(len(ls))*L.lh + 6
				f.SetLineWidth(0.8)
				f.Rect(marginL, f.GetY(), contentW, h, "D")
				y0 := f.GetY() + 3
				f.SetFont(family, "B", L.rule)
				for i, l := range ls {
					f.SetXY(marginL+4, y0+float64(i)*L.lh)
					f.CellFormat(contentW-8, L.lh, l, "", 0, "L", false, 0, "")
				}
				f.SetY(y0 + h + 1)
			} else {
				f.SetFont(family, "B", L.body)
				f.SetX(marginL)
				f.CellFormat(contentW, L.lh, title, "", 2, "L", false, 0, "")
				f.SetY(f.GetY() + 4)
			}
			// The column heads.
			f.SetFont(family, "B", L.small)
			head := tr(lang, "pb.mark")
			if points {
				head = tr(lang, "pb.points")
			}
			y := f.GetY()
			f.SetXY(marginL, y)
			f.CellFormat(L.boxW+4, L.smallLH, head, "", 0, "L", false, 0, "")
			f.CellFormat(noW, L.smallLH, tr(lang, "pb.no"), "", 0, "L", false, 0, "")
			f.CellFormat(textW, L.smallLH, tr(lang, "pb.proposal"), "", 0, "L", false, 0, "")
			f.CellFormat(costW, L.smallLH, tr(lang, "pb.cost"), "", 0, "R", false, 0, "")
			y += L.smallLH + 1
			f.SetLineWidth(0.3)
			f.Line(marginL, y, pageW-marginR, y)
			for _, row := range page {
				top := y + 2.5
				f.SetLineWidth(0.7)
				f.Rect(marginL, top, L.boxW, L.box, "D")
				x := marginL + L.boxW + 4
				f.SetFont(family, "B", L.body)
				f.SetXY(x, top)
				f.CellFormat(noW, L.lh, row.no, "", 0, "L", false, 0, "")
				ty := top
				for _, l := range row.title {
					f.SetXY(x+noW, ty)
					f.CellFormat(textW, L.lh, l, "", 0, "L", false, 0, "")
					ty += L.lh
				}
				f.SetFont(family, "", L.small)
				for _, l := range row.desc {
					f.SetXY(x+noW, ty)
					f.CellFormat(textW, L.smallLH, l, "", 0, "L", false, 0, "")
					ty += L.smallLH
				}
				f.SetFont(family, "", L.body)
				f.SetXY(pageW-marginR-costW, top)
				f.CellFormat(costW, L.lh, row.cost, "", 0, "R", false, 0, "")
				y += row.h
				f.SetLineWidth(0.2)
				f.SetDrawColor(greyRule, greyRule, greyRule)
				f.Line(marginL, y, pageW-marginR, y)
				f.SetDrawColor(0, 0, 0)
			}
			if pi == len(pages)-1 {
				// The polling place and the note on anonymity.
				y += 6
				f.SetFont(family, "B", L.body)
				label := tr(lang, "pb.place")
				lw := f.GetStringWidth(label) + 3
				f.SetXY(marginL, y)
				f.CellFormat(lw, L.lh, label, "", 0, "L", false, 0, "")
				if p := strings.TrimSpace(clean(bo.Place)); p != "" {
					f.SetFont(family, "", L.body)
					f.CellFormat(contentW-lw, L.lh, fit(f, p, contentW-lw), "", 0, "L", false, 0, "")
				} else {
					f.SetLineWidth(0.3)
					f.Line(marginL+lw, y+L.lh, marginL+contentW*0.75, y+L.lh)
				}
				f.SetFont(family, "", L.small)
				for _, l := range f.SplitText(tr(lang, "pb.anonymous"), contentW) {
					y += L.lh
					f.SetXY(marginL, y+2)
					f.CellFormat(contentW, L.smallLH, l, "", 0, "L", false, 0, "")
				}
			}
			// The number again at the foot, with the page when there are
			// more.
			f.SetFont(family, "", 9)
			f.SetXY(marginL, 282)
			foot := fmt.Sprintf(tr(lang, "pb.ballotno"), n)
			if len(pages) > 1 {
				foot = fmt.Sprintf(tr(lang, "pb.sheet"), n, pi+1, len(pages))
			}
			f.CellFormat(contentW, 5, foot, "", 0, "R", false, 0, "")
		}
		if err := f.Error(); err != nil {
			return err
		}
	}
	return f.Output(w)
}

// splitWith wraps text in the given font.
func splitWith(f *gofpdf.Fpdf, pt float64, style, text string, w float64) []string {
	f.SetFont(family, style, pt)
	var out []string
	for _, par := range strings.Split(text, "\n") {
		out = append(out, f.SplitText(par, w)...)
	}
	return out
}

// ruleTextEnglish is r.RuleText in English.
func ruleTextEnglish(r model.PBRound) string {
	switch r.BallotKind {
	case model.PBApproval:
		if r.MaxChoices == 1 {
			return "Mark one proposal"
		}
		if r.MaxChoices > 0 {
			return fmt.Sprintf("Mark at most %d proposals", r.MaxChoices)
		}
		return "Mark the proposals you support"
	case model.PBApprovalPot:
		return "Mark the proposals you support. Together they may cost at most " + model.Kroner(r.Pot)
	case model.PBPoints:
		return fmt.Sprintf("Spread at most %d points over the proposals. Write the points in the box", r.Points)
	}
	return ""
}

// methodText explains a counting method in plain words.
func methodText(m model.CountMethod, l model.Lang) string {
	da := map[model.CountMethod]string{
		model.CountVotes: "Flest stemmer: Forslagene stilles op efter antal stemmer (på en stemmeseddel med point: antal point), flest først. " +
			"Hvert forslag får penge, hvis det kan være i det, der er tilbage af puljen; ellers springes det over, og man går videre til det næste. " +
			"Et forslag, ingen har stemt på, får aldrig penge.",
		model.CountMES: "Lige andele (Method of Equal Shares): Puljen deles ligeligt mellem alle gyldige stemmesedler, så hver stemme råder over sin lige store andel. " +
			"Et forslag kan vælges, når de stemmer, der har sat kryds ved det, tilsammen kan betale det. Det forslag, hvor hver tilhænger skal betale mindst, vælges først, " +
			"og dets tilhængere betaler; så gentages det, til intet forslag kan betales. Kun hvilke forslag man støtter, tæller – ikke antal point.",
		model.CountMESAdd1: "Lige andele med udfyldning: Som lige andele (puljen deles ligeligt mellem de gyldige stemmesedler, og et forslag vælges, når dets tilhængere tilsammen kan betale det; " +
			"det, hvor hver tilhænger betaler mindst, først). Bliver der penge tilovers, får hver stemme 1 krone mere at betale med, og optællingen gøres om, " +
			"indtil intet forslag med tilhængere længere kan være i det, der er tilbage af puljen.",
	}
	en := map[model.CountMethod]string{
		model.CountVotes: "Most votes: the proposals are ranked by votes (on a points ballot: points), most first. Each is funded if it fits in what is left of the pot; " +
			"otherwise it is skipped and the next is considered. A proposal nobody voted for is never funded.",
		model.CountMES: "Equal shares (Method of Equal Shares): the pot is split equally between the valid ballots. A proposal can be funded when its supporters together can pay for it; " +
			"the one where each supporter pays least is funded first, and its supporters pay; this repeats until nothing more can be paid for. Only which proposals a voter supports counts.",
		model.CountMESAdd1: "Equal shares with completion: as equal shares; if money is left, each ballot gets 1 krone more to pay with and the count is run again, " +
			"until no supported proposal fits in what is left of the pot.",
	}
	if l == model.English {
		return en[m]
	}
	return da[m]
}

// tieText states the tie rule.
func tieText(r model.PBRound, l model.Lang) string {
	if r.TieRule == model.TieByLot {
		order := model.FormatNumbers(r.TieOrder)
		if l == model.English {
			return "A tie is decided by the lot drawn before the count; proposals in this order: " + order + "."
		}
		return "Står to forslag lige, afgøres det af den lodtrækning, der blev foretaget før optællingen; forslagene i denne rækkefølge: " + order + "."
	}
	if l == model.English {
		return "A tie goes to the proposal whose number is smaller read as text (10 before 2), as in the international reference program."
	}
	return "Står to forslag lige, vinder det forslag, hvis nummer er mindst læst som tekst (10 kommer før 2), som i det internationale referenceprogram."
}

// PBResults writes the results of round r: the winners with their votes
// and cost, the money left, the turnout against the population (when
// known), the invalid ballots grouped by what was wrong, the differences
// between the two counters still open (the result is then marked
// FORELØBIGT RESULTAT on every page), every proposal's votes, the polling
// places, the method explained in plain Danish with the tie rule, and the
// count step by step. An override of the result is printed with its reason
// on every page, and the counted winners beside it.
func PBResults(w io.Writer, council string, r model.PBRound, ps []model.PBProposal, res model.PBResult, o Options) error {
	l := o.lang()
	title := tr(l, "pb.results") + " – " + r.Title
	var banner []string
	if res.Pending {
		banner = append(banner, tr(l, "pb.prelim"))
	}
	if res.Overridden {
		banner = append(banner, fmt.Sprintf(tr(l, "pb.override"), strings.ReplaceAll(res.Reason, "\n", " ")))
	}
	t := res.Tally
	totalsVotes := t.FromTotals(r.BallotKind)
	return renderBanner(w, o, council, title, strings.Join(banner, " · "), false, false, func(b *doc) {
		f := b.f
		b.docTitle(title, council)
		f.SetY(f.GetY() + 3)
		if res.Pending {
			why := fmt.Sprintf(tr(l, "pb.prelimwhy"), len(t.Differences))
			if len(t.Differences) == 1 {
				why = tr(l, "pb.prelimwhy1")
			}
			b.box(tr(l, "pb.prelim"), why)
		}
		if res.Overridden {
			b.box(tr(l, "pb.overridehd"), res.Reason+"\n"+fmt.Sprintf(tr(l, "pb.overridewas"), strings.Join(res.Outcome.Selected, ", ")))
		}
		facts := [][2]string{
			{tr(l, "pb.pot"), model.Kroner(r.Pot)},
			{tr(l, "pb.method"), model.MethodLabel(r.Method, l)},
			{tr(l, "pb.rule"), map[bool]string{true: ruleTextEnglish(r), false: r.RuleText()}[l == model.English]},
		}
		if r.BlankValid {
			facts = append(facts, [2]string{tr(l, "pb.blankhd"), tr(l, "pb.blankvalid")})
		}
		if !r.VotingFrom.IsZero() && !r.VotingTo.IsZero() {
			facts = append(facts, [2]string{b.t("date"), model.LongDate(r.VotingFrom, l) + " – " + model.LongDate(r.VotingTo, l)})
		}
		b.kv(45, facts...)

		// The winners.
		b.ensure(tableStart) // the heading goes with its table
		b.heading(1, tr(l, "pb.winners"))
		votesHead := tr(l, "pb.votes")
		if r.BallotKind == model.PBPoints {
			votesHead = tr(l, "pb.points")
		}
		if len(res.Winners) == 0 {
			b.para(tr(l, "pb.nowinners"))
		} else {
			tb := table{cols: []col{
				{title: tr(l, "pb.no"), w: 14},
				{title: tr(l, "pb.proposal"), w: 96},
				{title: votesHead, w: 24, align: "R"},
				{title: tr(l, "pb.cost"), w: 36, align: "R"},
			}}
			for _, p := range res.Winners {
				tb.rows = append(tb.rows, []string{strconv.Itoa(p.Number), p.Title, strconv.FormatInt(t.Votes[p.Number], 10), model.Kroner(p.VoteCost())})
			}
			tb.total = []string{"", tr(l, "pb.total"), "", model.Kroner(res.Cost)}
			b.table(tb)
		}
		b.kv(45, [2]string{tr(l, "pb.left"), model.Kroner(res.Left)})

		// Turnout.
		b.heading(1, tr(l, "pb.turnout"))
		counts := [][2]string{
			{tr(l, "pb.handed"), strconv.Itoa(t.Turnout)},
			{tr(l, "pb.valid"), strconv.Itoa(len(t.Valid))},
			{tr(l, "pb.invalid"), strconv.Itoa(len(t.Invalid))},
		}
		if pct := model.TurnoutPercent(t.Turnout, r.Population); pct != "" {
			counts = append(counts, [2]string{tr(l, "pb.pct"), fmt.Sprintf(tr(l, "pb.pctof"), pct, model.KronerNumber(int64(r.Population)*100))})
		}
		if totalsVotes > 0 {
			counts = append(counts, [2]string{tr(l, "pb.totals"), strconv.FormatInt(totalsVotes, 10)})
		}
		b.kv(60, counts...)
		if gs := model.PBInvalidGroups(t.Invalid, l); len(gs) > 0 {
			b.heading(2, tr(l, "pb.invalidhd"))
			for _, g := range gs {
				b.para(fmt.Sprintf(tr(l, "pb.invalidrow"), g.Reason, len(g.Numbers), numberList(g.Numbers, 30)))
			}
		}
		if len(t.Differences) > 0 {
			b.heading(2, tr(l, "pb.diffhd"))
			for _, d := range t.Differences {
				var es []string
				for _, e := range d.Entries {
					marks := model.FormatMarks(e.Marks, r.BallotKind == model.PBPoints)
					if marks == "" {
						marks = tr(l, "pb.blank")
					}
					if e.Place != "" {
						marks += " (" + e.Place + ")"
					}
					es = append(es, fmt.Sprintf(tr(l, "pb.counter"), e.Entry, marks))
				}
				b.para(fmt.Sprintf(tr(l, "pb.diffrow"), d.Number, strings.Join(es, "; ")))
			}
		}

		// Every proposal on the ballot.
		b.ensure(tableStart) // the heading goes with its table
		b.heading(1, tr(l, "pb.all"))
		won := map[int]bool{}
		for _, p := range res.Winners {
			won[p.Number] = true
		}
		all := table{cols: []col{
			{title: tr(l, "pb.no"), w: 14},
			{title: tr(l, "pb.proposal"), w: 82},
			{title: votesHead, w: 24, align: "R"},
			{title: tr(l, "pb.cost"), w: 34, align: "R"},
			{title: tr(l, "pb.chosen"), w: 16, align: "C"},
		}}
		for _, p := range model.OnBallot(ps) {
			yes := ""
			if won[p.Number] {
				yes = tr(l, "pb.yes")
			}
			all.rows = append(all.rows, []string{strconv.Itoa(p.Number), p.Title, strconv.FormatInt(t.Votes[p.Number], 10), model.Kroner(p.VoteCost()), yes})
		}
		b.table(all)

		if len(t.Places) > 1 || len(t.Places) == 1 && t.Places[0].Place != "" {
			b.ensure(tableStart) // the heading goes with its table
			b.heading(2, tr(l, "pb.places"))
			pt := table{cols: []col{
				{title: b.t("place"), w: 90},
				{title: tr(l, "pb.handed"), w: 45, align: "R"},
				{title: tr(l, "pb.valid"), w: 35, align: "R"},
			}}
			for _, p := range t.Places {
				name := p.Place
				if name == "" {
					name = tr(l, "pb.noplace")
				}
				pt.rows = append(pt.rows, []string{name, strconv.Itoa(p.Ballots), strconv.Itoa(p.Valid)})
			}
			b.table(pt)
		}

		// How it was counted.
		b.heading(1, tr(l, "pb.how"))
		b.para(methodText(r.Method, l))
		b.heading(2, tr(l, "pb.tie"))
		b.para(tieText(r, l))
		if res.Outcome.TieDecided {
			b.para(tr(l, "pb.tiedecided"))
		}
		if len(res.Outcome.Steps) > 0 {
			b.heading(2, tr(l, "pb.steps"))
			for i, st := range res.Outcome.Steps {
				b.para(fmt.Sprintf("%d. %s %s: %s", i+1, st.Project, st.Name, res.StepReason(st, l)))
			}
		}
	})
}

// numberList writes ballot numbers, at most n of them, then "…".
func numberList(ns []int, n int) string {
	var parts []string
	for i, v := range ns {
		if i == n {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, strconv.Itoa(v))
	}
	return strings.Join(parts, ", ")
}
