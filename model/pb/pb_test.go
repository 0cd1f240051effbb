package pb_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/model/pb"
)

func parseFile(t *testing.T, path string) *pb.File {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	f, err := pb.Parse(fh)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return f
}

// TestReferenceElections counts three real Pabulib elections and compares
// with pabutools' outcomes: the selected set, the order of selection and
// the total cost, for every rule.
func TestReferenceElections(t *testing.T) {
	paths := noerr.Get(filepath.Glob("testdata/instances/*.pb"))(t)
	if len(paths) != 3 {
		t.Fatalf("found %d instances", len(paths))
	}
	for _, path := range paths {
		name := strings.TrimSuffix(filepath.Base(path), ".pb")
		t.Run(name, func(t *testing.T) {
			var want struct {
				VoteType string `json:"vote_type"`
				Rules    map[string]*struct {
					Selected     []string `json:"selected"`
					Order        []string `json:"order"`
					TotalCost    string   `json:"total_cost"`
					TieSensitive bool     `json:"tie_sensitive"`
				} `json:"rules"`
			}
			data, err := os.ReadFile(filepath.Join("testdata/expected", name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(data, &want); err != nil {
				t.Fatal(err)
			}
			e, err := parseFile(t, path).Election()
			if err != nil {
				t.Fatal(err)
			}
			votesRule := "greedy-votes"
			if want.VoteType != "approval" {
				votesRule = "greedy-score"
			}
			for m, rule := range map[model.CountMethod]string{model.CountVotes: votesRule, model.CountMES: "mes-cost", model.CountMESAdd1: "mes-cost-add1"} {
				w := want.Rules[rule]
				out, err := model.Count(e, m)
				if err != nil {
					t.Fatalf("%s: %v", m, err)
				}
				got := slices.Clone(out.Selected)
				sort.Strings(got)
				ws := slices.Clone(w.Selected)
				sort.Strings(ws)
				if !slices.Equal(got, ws) {
					t.Errorf("%s: selected %v, pabutools %v", m, got, ws)
				}
				if !slices.Equal(out.Selected, w.Order) {
					t.Errorf("%s: order %v, pabutools %v", m, out.Selected, w.Order)
				}
				if out.Cost.RatString() != w.TotalCost {
					t.Errorf("%s: cost %s, pabutools %s", m, out.Cost.RatString(), w.TotalCost)
				}
				if out.TieDecided && !w.TieSensitive {
					t.Errorf("%s: a tie decided, pabutools says the outcome is not tie sensitive", m)
				}
			}
		})
	}
}

func TestParseQuotingDecimalsAndShortRows(t *testing.T) {
	src := "\uFEFFMETA\r\nkey;value\r\ndescription;\"Borgerbudget; Vestby \"\"2026\"\"\"\r\n" +
		"budget;969245.38\r\nvote_type;approval\r\n" +
		"PROJECTS\r\nproject_id;cost;name;category\r\n" +
		"M/10/VII;1000.5;\"\"\"Odkupmy\"\" i my\";\n" +
		"P132ZM;200;\"Two\nlines\"\n" + // a quoted line break, and a short row
		"\nVOTES\nvoter_id;vote;age\n1;M/10/VII,P132ZM;33\n2;;\n3;P132ZM\n"
	f, err := pb.Parse(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Get("description"); got != `Borgerbudget; Vestby "2026"` {
		t.Errorf("description %q", got)
	}
	e, err := f.Election()
	if err != nil {
		t.Fatal(err)
	}
	if e.Budget.Cmp(big.NewRat(96924538, 100)) != 0 {
		t.Errorf("budget %s, want exactly 969245.38", e.Budget.RatString())
	}
	if e.Projects[0].ID != "M/10/VII" || e.Projects[0].Name != `"Odkupmy" i my` || e.Projects[0].Cost.Cmp(big.NewRat(10005, 10)) != 0 {
		t.Errorf("project 0: %+v", e.Projects[0])
	}
	if e.Projects[1].Name != "Two\nlines" {
		t.Errorf("project 1 name %q", e.Projects[1].Name)
	}
	if len(e.Ballots) != 3 || len(e.Ballots[1].Projects) != 0 || !slices.Equal(e.Ballots[0].Projects, []string{"M/10/VII", "P132ZM"}) {
		t.Errorf("ballots %+v", e.Ballots)
	}
	if f.Votes.Line[2] != 16 {
		t.Errorf("third vote on line %d, want 16", f.Votes.Line[2])
	}
}

func TestParseErrorsNameTheLine(t *testing.T) {
	head := "META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost;name\n1;50;A\n2;30;B\nVOTES\nvoter_id;vote\n"
	cases := []struct {
		name, src, want string
		election        bool
	}{
		{"empty", "", "META mangler", false},
		{"not pb", "hello;world\n", "linje 1: filen skal begynde med META", false},
		{"unclosed quote", head + "1;\"1,2\n", "linje 11: et citationstegn", false},
		{"sections out of order", "META\nkey;value\nVOTES\n", "linje 3: afsnittet VOTES står forkert", false},
		{"no VOTES", "META\nkey;value\nbudget;1\nPROJECTS\nproject_id;cost\n", "VOTES mangler", false},
		{"too many fields", head + "1;1;x;y\n", "linje 11: 4 felter, men overskriften har 2", false},
		{"budget twice", "META\nkey;value\nbudget;1\nbudget;2\n", "linje 4: nøglen \"budget\" står to gange", false},
		{"unknown project in a vote", head + "1;1\n2;3\n", "linje 12: stemmen nævner forslaget \"3\"", true},
		{"bad cost", strings.Replace(head, "1;50;A", "1;50 kr;A", 1), "linje 7: pris", true},
		{"negative cost", strings.Replace(head, "1;50;A", "1;-50;A", 1), "negativt", true},
		{"bad budget", strings.Replace(head, "budget;100", "budget;1e9", 1), "META budget", true},
		{"fraction budget", strings.Replace(head, "budget;100", "budget;1/3", 1), "META budget", true},
		{"no budget", strings.Replace(head, "budget;100\n", "", 1), "META mangler budget", true},
		{"unknown vote type", strings.Replace(head, "approval", "stv", 1), "vote_type \"stv\"", true},
		{"project twice", strings.Replace(head, "2;30;B", "1;30;B", 1), "linje 8: forslaget \"1\" står der to gange", true},
		{"points missing", strings.Replace(head, "approval", "cumulative", 1) + "1;1\n", "kolonnen points", true},
		{"points wrong", strings.Replace(strings.Replace(head, "approval", "cumulative", 1), "voter_id;vote", "voter_id;vote;points", 1) + "1;1,2;3\n", "linje 11: 2 forslag men 1 point", true},
		{"points not a number", strings.Replace(strings.Replace(head, "approval", "scoring", 1), "voter_id;vote", "voter_id;vote;points", 1) + "1;1;x\n", "linje 11: \"x\" er ikke et antal point", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := pb.Parse(strings.NewReader(c.src))
			if c.election {
				if err != nil {
					t.Fatalf("parse: %v", err)
				}
				_, err = f.Election()
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one containing %q", err, c.want)
			}
			if model.ErrorCode(err) != model.Invalid {
				t.Errorf("code %q, want invalid: a screen shows it as it is", model.ErrorCode(err))
			}
		})
	}
}

// endless is a reader of a valid start and then lines for ever.
type endless struct {
	head []byte
	line []byte
	n    int
}

func (r *endless) Read(p []byte) (int, error) {
	if len(r.head) > 0 {
		n := copy(p, r.head)
		r.head = r.head[n:]
		return n, nil
	}
	n := 0
	for n < len(p) {
		k := copy(p[n:], r.line[r.n%len(r.line):])
		n += k
		r.n += k
	}
	return n, nil
}

func TestParseIsBounded(t *testing.T) {
	t.Run("a million projects", func(t *testing.T) {
		_, err := pb.Parse(&endless{head: []byte("META\nkey;value\nbudget;1\nPROJECTS\nproject_id;cost\n"), line: []byte("7;1\n")})
		if err == nil || !strings.Contains(err.Error(), "for mange rækker i PROJECTS") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("an endless file of votes", func(t *testing.T) {
		r := &endless{head: []byte("META\nkey;value\nbudget;1\nPROJECTS\nproject_id;cost\n1;1\nVOTES\nvoter_id;vote\n"), line: []byte("1;1\n")}
		_, err := pb.Parse(r)
		if err == nil || !strings.Contains(err.Error(), "for mange rækker i VOTES") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("a file bigger than the limit", func(t *testing.T) {
		r := &endless{head: []byte("META\nkey;value\nbudget;1\nPROJECTS\nproject_id;cost;name\n"), line: []byte("1;1;" + strings.Repeat("x", 200_000) + "\n")}
		_, err := pb.Parse(r)
		if !errors.Is(err, pb.ErrTooLarge) && (err == nil || !strings.Contains(err.Error(), "for mange rækker")) {
			t.Errorf("error %v", err)
		}
	})
	t.Run("one endless line", func(t *testing.T) {
		r := &endless{head: []byte("META\nkey;value\ndescription;"), line: []byte("xxxxxxxx")}
		_, err := pb.Parse(r)
		if err == nil || !strings.Contains(err.Error(), "linje 3: linjen er længere end") {
			t.Errorf("error %v", err)
		}
	})
}

// TestRoundTrip writes an election and reads it back: the same election,
// and the same outcome.
func TestRoundTrip(t *testing.T) {
	paths := noerr.Get(filepath.Glob("testdata/instances/*.pb"))(t)
	for _, path := range paths {
		e, err := parseFile(t, path).Election()
		if err != nil {
			t.Fatal(err)
		}
		e.Projects[0].Name = `Name; with "quotes"` + "\nand a line break"
		e.Projects[1].Cost = big.NewRat(123457, 100)
		e.Budget = big.NewRat(1, 3) // not a decimal: written with 18 digits
		e.Budget.Add(e.Budget, big.NewRat(1_000_000, 3))
		out := noerr.Get(model.Count(e, model.CountMES))(t)
		var buf bytes.Buffer
		info := pb.Info{Description: "Borgerbudget 2026", Unit: "Vestby", Instance: "2026", Rule: "mes"}
		if err := pb.Write(&buf, pb.FromElection(e, info, out.Selected)); err != nil {
			t.Fatal(err)
		}
		f2, err := pb.Parse(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatalf("%s: reading back: %v\n%s", path, err, buf.String()[:500])
		}
		e2, err := f2.Election()
		if err != nil {
			t.Fatal(err)
		}
		// The budget 1000001/3 was written as a decimal: 18 digits exact.
		if d := new(big.Rat).Sub(e.Budget, e2.Budget); d.Abs(d).Cmp(big.NewRat(1, 1e17)) > 0 {
			t.Errorf("budget %s came back %s", e.Budget.FloatString(20), e2.Budget.FloatString(20))
		}
		e2.Budget = e.Budget
		if !reflect.DeepEqual(e, e2) {
			t.Errorf("%s: the election changed in the round trip", path)
		}
		for _, k := range []string{"description", "country", "unit", "instance", "num_projects", "num_votes", "budget", "vote_type", "rule"} {
			if f2.Get(k) == "" {
				t.Errorf("export lacks META %s", k)
			}
		}
		sel := 0
		for i := range f2.Projects.Rows {
			if f2.Projects.Get(i, f2.Projects.Col("selected")) == "1" {
				sel++
			}
		}
		if sel != len(out.Selected) || f2.Get("country") != "Denmark" {
			t.Errorf("export marks %d selected, want %d; country %q", sel, len(out.Selected), f2.Get("country"))
		}
		// And the written file of an exact election is byte-stable.
		var again bytes.Buffer
		pb.Write(&again, f2)
		if !bytes.Equal(again.Bytes(), buf.Bytes()) {
			t.Errorf("%s: writing the read file again changed it", path)
		}
	}
}

func TestWriteRefusesIncompleteFile(t *testing.T) {
	err := pb.Write(io.Discard, &pb.File{})
	if err == nil || !strings.Contains(err.Error(), "META mangler description") {
		t.Errorf("error %v", err)
	}
}

func FuzzParse(f *testing.F) {
	paths := noerr.Get(filepath.Glob("testdata/instances/*.pb"))(f)
	for _, p := range paths {
		data := noerr.Get(os.ReadFile(p))(f)
		f.Add(data[:min(len(data), 3000)])
	}
	f.Add([]byte("META\nkey;value\nbudget;1.5\nvote_type;ordinal\nmax_length;2\nPROJECTS\nproject_id;cost\n\"a;b\";1\nVOTES\nvoter_id;vote\n1;\"a;b\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := pb.Parse(bytes.NewReader(data))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "linje ") && !strings.Contains(err.Error(), "META mangler") {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		e, err := file.Election()
		if err != nil {
			return
		}
		for _, m := range []model.CountMethod{model.CountVotes, model.CountMES} {
			out, err := model.Count(e, m)
			if err == nil && out.Cost.Cmp(e.Budget) > 0 {
				t.Fatalf("%s spends %s of %s", m, out.Cost.RatString(), e.Budget.RatString())
			}
		}
		// What parses and makes an election writes and reads back the same.
		var buf bytes.Buffer
		if err := pb.Write(&buf, pb.FromElection(e, pb.Info{Rule: "mes"}, nil)); err != nil {
			t.Fatal(err)
		}
		f2, err := pb.Parse(&buf)
		if err != nil {
			t.Fatalf("reading back: %v", err)
		}
		e2, err := f2.Election()
		if err != nil {
			t.Fatalf("reading back: %v", err)
		}
		if len(e2.Projects) != len(e.Projects) || len(e2.Ballots) != len(e.Ballots) || e2.Budget.Cmp(e.Budget) != 0 {
			t.Fatalf("round trip changed the election")
		}
	})
}

func TestParseToleratesRealFileQuirks(t *testing.T) {
	src := "meta\nKey;Value;\ndescription;Park; bænke og lys\nbudget;100,5\nunit;A\nunit;B\nvote_type;scoring\n" +
		"Projects\nid;cost\n1;50\n2;50,5\nvotes\nvoter_id;vote;points\n1;1,2,1;3,-1,9\n"
	f, err := pb.Parse(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	if f.Get("description") != "Park;bænke og lys" || f.Get("unit") != "B" {
		t.Errorf("description %q, unit %q", f.Get("description"), f.Get("unit"))
	}
	e, err := f.Election()
	if err != nil {
		t.Fatal(err)
	}
	if e.Budget.Cmp(big.NewRat(201, 2)) != 0 || e.Projects[1].Cost.Cmp(big.NewRat(101, 2)) != 0 {
		t.Errorf("decimal commas: budget %s, cost %s", e.Budget.RatString(), e.Projects[1].Cost.RatString())
	}
	// A project named twice on a ballot counts once (its first mention).
	if !slices.Equal(e.Ballots[0].Projects, []string{"1", "2"}) || !slices.Equal(e.Ballots[0].Points, []int64{3, -1}) {
		t.Errorf("ballot %+v", e.Ballots[0])
	}
	out, err := model.Count(e, model.CountVotes)
	if err != nil || !slices.Equal(out.Selected, []string{"1"}) {
		t.Errorf("votes: %v %v (a negative score is never funded)", out.Selected, err)
	}
}
