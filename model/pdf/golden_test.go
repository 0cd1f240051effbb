package pdf

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"lokalraad/model"
	"lokalraad/model/pdf/pdftext"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*.txt from what the documents print now")

// TestGolden prints every document the app prints from fixed data on a
// fixed date and compares pdftotext's reading of it (with the layout)
// with testdata/golden/NAME.txt: a change anywhere in what a council sees
// on paper shows in review as a diff of that file. After a change that is
// meant, rewrite the files with
//
//	go test ./model/pdf -run TestGolden -update
//
// and read the diff before committing it.
func TestGolden(t *testing.T) {
	meeting := func(doc encoder, id string, l model.Lang) func(io.Writer) error {
		return func(w io.Writer) error { return doc(w, fixture(), id, Options{Now: printedAt, Lang: l}) }
	}
	r, ps, bs := pbFixture(false)
	rDiff, psDiff, bsDiff := pbFixture(true)
	wheel := model.YearWheel(2027, model.YearWheelInput{
		Rules:   model.DefaultYearRules("c", model.Danish),
		Members: []model.Member{{ID: "m", Name: "Łukasz Nowak", TermEnd: day(2027, 3, 1)}},
		Pools:   []model.Pool{{ID: "p", Name: "Lokalområdernes Udviklingspulje", Deadline: day(2027, 3, 1)}},
	})
	docs := map[string]func(io.Writer) error{
		"packet":        meeting(Packet, "nov", model.Danish),
		"chair":         meeting(ChairCopy, "nov", model.Danish),
		"minutes-draft": meeting(Minutes, "nov", model.Danish),
		"minutes":       meeting(Minutes, "okt", model.Danish),
		"minutes-en":    meeting(Minutes, "okt", model.English),
		"attendance":    meeting(Attendance, "nov", model.Danish),
		"notes":         meeting(NoteSheet, "nov", model.Danish),
		"wishes": func(w io.Writer) error {
			return Wishes(w, fixture(), 2027, Options{Now: printedAt})
		},
		"accounts": func(w io.Writer) error {
			return Accounts(w, accountsFixture(), 2027, Options{Now: time.Date(2028, 3, 1, 12, 0, 0, 0, time.UTC)})
		},
		"plan": func(w io.Writer) error {
			return Plan(w, planFixture(), 2027, Options{Now: time.Date(2027, 1, 5, 12, 0, 0, 0, time.UTC)})
		},
		"yearwheel": func(w io.Writer) error {
			return YearWheel(w, "Jyderup Lokalråd", 2027, wheel, Options{Now: printedAt})
		},
		"ballots": func(w io.Writer) error {
			return Ballots(w, "Vestby Lokalråd", r, ps, BallotOptions{From: 7, To: 8, Place: "Kvanløse Forsamlingshus"}, Options{Now: printedAt})
		},
		"ballots-large": func(w io.Writer) error {
			return Ballots(w, "Vestby Lokalråd", r, ps, BallotOptions{From: 1, To: 1, Large: true}, Options{Now: printedAt})
		},
		"results": func(w io.Writer) error {
			res, err := r.Result(ps, bs, nil)
			if err != nil {
				return err
			}
			return PBResults(w, "Vestby Lokalråd", r, ps, res, Options{Now: printedAt})
		},
		"results-preliminary": func(w io.Writer) error {
			res, err := rDiff.Result(psDiff, bsDiff, nil)
			if err != nil {
				return err
			}
			return PBResults(w, "Vestby Lokalråd", rDiff, psDiff, res, Options{Now: printedAt})
		},
	}
	for name, write := range docs {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := write(&buf); err != nil {
				t.Fatal(err)
			}
			got := pdftext.Bytes(t, buf.Bytes(), true)
			path := filepath.Join("testdata", "golden", name+".txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (make it with -update)", err)
			}
			if got != string(want) {
				t.Errorf("%s prints otherwise than %s (after a change that is meant: go test ./model/pdf -run TestGolden -update)\n%s",
					name, path, lineDiff(string(want), got))
			}
		})
	}
}

// lineDiff names the first line where want and got differ, with both.
func lineDiff(want, got string) string {
	w, g := bytes.Split([]byte(want), []byte("\n")), bytes.Split([]byte(got), []byte("\n"))
	for i := 0; i < max(len(w), len(g)); i++ {
		var a, b []byte
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if !bytes.Equal(a, b) {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + string(a) + "\n  got:  " + string(b)
		}
	}
	return "(only in length)"
}
