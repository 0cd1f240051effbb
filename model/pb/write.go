package pb

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"lokalraad/model"
)

// Info is what an export says about the election besides the ballots.
type Info struct {
	Description string // e.g. "Borgerbudget 2026, Lokalråd Vestby"
	Unit        string // the municipality, e.g. "Aarhus"
	Subunit     string // the local council's area (optional)
	Instance    string // the year or round, e.g. "2026"
	Rule        string // the counting rule used: votes, mes or mes-add1
}

// FromElection makes the file an export writes: META with description,
// country Denmark, unit, instance, num_projects, num_votes, budget,
// vote_type and rule (and max_length for ordinal ballots); PROJECTS with
// project_id, cost, votes (ballots naming it; on points ballots also a
// score column), name and selected (1 for the ids in selected, else 0);
// VOTES with voter_id (1, 2, …), vote and, on cumulative and scoring
// ballots, points.
func FromElection(e model.Election, info Info, selected []string) *File {
	kind := e.Kind
	if kind == "" {
		kind = model.BallotApproval
	}
	withPoints := kind == model.BallotCumulative || kind == model.BallotScoring
	budget := "0"
	if e.Budget != nil {
		budget = FormatAmount(e.Budget)
	}
	f := &File{Meta: []Field{
		{"description", info.Description},
		{"country", "Denmark"},
		{"unit", info.Unit},
	}}
	if info.Subunit != "" {
		f.Meta = append(f.Meta, Field{"subunit", info.Subunit})
	}
	f.Meta = append(f.Meta,
		Field{"instance", info.Instance},
		Field{"num_projects", strconv.Itoa(len(e.Projects))},
		Field{"num_votes", strconv.Itoa(len(e.Ballots))},
		Field{"budget", budget},
		Field{"vote_type", string(kind)},
		Field{"rule", info.Rule},
	)
	if kind == model.BallotOrdinal && e.MaxLength > 0 {
		f.Meta = append(f.Meta, Field{"max_length", strconv.Itoa(e.MaxLength)})
	}
	votes := map[string]int{}
	score := map[string]int64{}
	for _, b := range e.Ballots {
		for k, id := range b.Projects {
			votes[id]++
			if k < len(b.Points) {
				score[id] += b.Points[k]
			}
		}
	}
	chosen := map[string]bool{}
	for _, id := range selected {
		chosen[id] = true
	}
	f.Projects.Header = []string{"project_id", "cost", "votes", "name", "selected"}
	if withPoints {
		f.Projects.Header = []string{"project_id", "cost", "votes", "score", "name", "selected"}
	}
	for _, p := range e.Projects {
		cost := "0"
		if p.Cost != nil {
			cost = FormatAmount(p.Cost)
		}
		sel := "0"
		if chosen[p.ID] {
			sel = "1"
		}
		row := []string{p.ID, cost, strconv.Itoa(votes[p.ID]), p.Name, sel}
		if withPoints {
			row = []string{p.ID, cost, strconv.Itoa(votes[p.ID]), strconv.FormatInt(score[p.ID], 10), p.Name, sel}
		}
		f.Projects.Rows = append(f.Projects.Rows, row)
	}
	f.Votes.Header = []string{"voter_id", "vote"}
	if withPoints {
		f.Votes.Header = append(f.Votes.Header, "points")
	}
	for i, b := range e.Ballots {
		row := []string{strconv.Itoa(i + 1), strings.Join(b.Projects, ",")}
		if withPoints {
			pts := make([]string, len(b.Points))
			for k, p := range b.Points {
				pts[k] = strconv.FormatInt(p, 10)
			}
			row = append(row, strings.Join(pts, ","))
		}
		f.Votes.Rows = append(f.Votes.Rows, row)
	}
	return f
}

// Write writes f as a .pb file: META, PROJECTS and VOTES, ';'-separated,
// fields quoted (with doubled quotes inside) when they hold ';', '"' or a
// line break. Parse trims spaces around fields, so those do not survive. It refuses a file without the
// META keys and columns an export must have (see FromElection).
func Write(w io.Writer, f *File) error {
	for _, k := range []string{"description", "country", "unit", "instance", "num_projects", "num_votes", "budget", "vote_type", "rule"} {
		if !hasKey(f.Meta, k) {
			return fmt.Errorf("META mangler %s", k)
		}
	}
	for _, c := range []string{"project_id", "cost", "votes", "name", "selected"} {
		if f.Projects.Col(c) < 0 {
			return fmt.Errorf("PROJECTS mangler kolonnen %s", c)
		}
	}
	for _, c := range []string{"voter_id", "vote"} {
		if f.Votes.Col(c) < 0 {
			return fmt.Errorf("VOTES mangler kolonnen %s", c)
		}
	}
	bw := bufio.NewWriter(w)
	bw.WriteString("META\nkey;value\n")
	for _, m := range f.Meta {
		writeRow(bw, []string{m.Key, m.Value})
	}
	bw.WriteString("PROJECTS\n")
	writeRow(bw, f.Projects.Header)
	for _, r := range f.Projects.Rows {
		writeRow(bw, r)
	}
	bw.WriteString("VOTES\n")
	writeRow(bw, f.Votes.Header)
	for _, r := range f.Votes.Rows {
		writeRow(bw, r)
	}
	return bw.Flush()
}

func writeRow(w *bufio.Writer, fields []string) {
	for i, s := range fields {
		if i > 0 {
			w.WriteByte(';')
		}
		if strings.ContainsAny(s, ";\"\r\n") {
			w.WriteByte('"')
			w.WriteString(strings.ReplaceAll(s, `"`, `""`))
			w.WriteByte('"')
		} else {
			w.WriteString(s)
		}
	}
	w.WriteByte('\n')
}
