package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

func TestPoolAdd(t *testing.T) {
	hubPath := filepath.Join(t.TempDir(), "kommune.db")
	id := lastLine(runOK(t, "pool", "add", "--db", hubPath, "--name", "Lokalområdernes Udviklingspulje",
		"--deadline", "01.03.2027", "--amount", "200.000", "--max", "50.000"))
	runOK(t, "pool", "add", "--db", hubPath, "--name", "Fællesskabspuljen", "--open", "--max", "20000")
	list := runOK(t, "pool", "list", "--db", hubPath)
	if !strings.Contains(list, id+"\tLokalområdernes Udviklingspulje\t01.03.2027\t200.000 kr.") || !strings.Contains(list, "Fællesskabspuljen\thele året") {
		t.Errorf("pool list:\n%s", list)
	}
	db, err := storage.Open(context.Background(), hubPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p, err := db.Pool(t.Context(), id)
	if err != nil || p.MaxPerApp != 50_000_00 || !p.Deadline.Equal(time.Date(2027, 3, 1, 0, 0, 0, 0, model.Copenhagen)) || p.CouncilID != model.MunicipalityID {
		t.Errorf("pool = %+v, %v", p, err)
	}
	for _, args := range [][]string{
		{"pool", "add", "--db", hubPath, "--name", "Uden frist"},
		{"pool", "add", "--db", hubPath, "--name", "X", "--deadline", "i morgen"},
		{"pool", "add", "--db", hubPath, "--name", "X", "--open", "--amount", "mange"},
		{"pool", "add", "--name", "X", "--open"},
	} {
		var out, errb bytes.Buffer
		if err := run(context.Background(), args, &out, &errb); err == nil {
			t.Errorf("kommune %v: no error", args)
		}
	}
	if pools := noerr.Get(db.Pools(t.Context()))(t); len(pools) != 2 {
		t.Errorf("refused adds wrote pools: %+v", pools)
	}
}
