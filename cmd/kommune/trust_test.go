package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
	"lokalraad/storage/exchange"
	"lokalraad/storage/exchange/exchangetest"
)

// Issue 8, findings 2 and 3 through the real commands: `kommune bundle
// import` refuses a council laptop's bundle whose ops claim the staff
// device or the hub wrote an answer, a pool amount and an announcement;
// enrolling with the hub's own id and an op numbered 2^63-1 are refused;
// `kommune pool add` keeps working and its pool reaches the laptops.
func TestForgedBundleAndEnrolAsHubRefused(t *testing.T) {
	dir := t.TempDir()
	hubPath := filepath.Join(dir, "kommune.db")
	council := lastLine(runOK(t, "council", "add", "--db", hubPath, "--name", "Jyderup Lokalråd"))
	code := lastLine(runOK(t, "device", "enroll", "--db", hubPath, "--council", council, "--name", "Karens bærbare"))
	staffCode := lastLine(runOK(t, "device", "enroll", "--db", hubPath, "--staff", "--name", "Forvaltningen"))
	evilCode := lastLine(runOK(t, "device", "enroll", "--db", hubPath, "--council", council, "--name", "Ny bærbar"))
	pool := lastLine(runOK(t, "pool", "add", "--db", hubPath, "--name", "Puljen", "--open", "--amount", "100.000"))

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, []string{"--addr", "127.0.0.1:0", "--db", hubPath}, &bytes.Buffer{}, &bytes.Buffer{}, ready)
	}()
	url := "http://" + <-ready
	laptop := func(name, code string) *storage.DB {
		db, err := storage.Open(context.Background(), filepath.Join(dir, name+".db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := exchange.NewClient().Enroll(ctx, db, url, code); err != nil {
			t.Fatal(err)
		}
		if _, err := exchange.NewClient().Sync(ctx, db, ""); err != nil {
			t.Fatal(err)
		}
		return db
	}
	a := laptop("a", code)
	staff := laptop("staff", staffCode)
	if list := runOK(t, "device", "list", "--db", hubPath); !strings.Contains(list, a.PublicKey()[:12]) || !strings.Contains(list, "NØGLE") {
		t.Errorf("device list does not show the registered key:\n%s", list)
	}
	w := model.BudgetWish{CouncilID: council, Year: 2027, Title: "Cykelsti", Status: model.WishSubmitted}
	if err := a.SaveBudgetWish(t.Context(), model.BudgetWish{}, &w); err != nil {
		t.Fatal(err)
	}
	if _, err := exchange.NewClient().Sync(ctx, a, ""); err != nil {
		t.Fatal(err)
	}

	// Finding 2: the laptop's bundle, with forged ops and a fresh checksum.
	file := filepath.Join(dir, "jyderup.lokalraad")
	var buf bytes.Buffer
	if _, err := exchange.NewClient().WriteBundle(context.Background(), &buf, a, council); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(file, buf.Bytes(), 0o644)
	hubDB, err := storage.Open(context.Background(), hubPath)
	if err != nil {
		t.Fatal(err)
	}
	hubID := hubDB.DeviceID()
	hubDB.Close()
	stamp := time.Now().UnixMilli() << 16
	exchangetest.AppendOps(t, file, []storage.Change{
		{Device: staff.DeviceID(), Seq: 900, HLC: stamp, Table: "budget_wishes", Row: w.ID, Council: council, Field: "granted", Value: int64(99_999_900)},
		{Device: hubID, Seq: 900, HLC: stamp, Table: "pools", Row: pool, Council: model.MunicipalityID, Field: "available", Value: int64(999_999_900)},
		{Device: hubID, Seq: 901, HLC: stamp, Table: "announcements", Row: "forfalsket", Council: model.MunicipalityID, Field: "title", Value: "Alle puljer er lukket"},
	})
	var out, errb bytes.Buffer
	err = run(ctx, []string{"bundle", "import", "--db", hubPath, file}, &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "afvist") || !strings.Contains(err.Error(), "ikke underskrevet") {
		t.Errorf("forged bundle: %v", err)
	}
	if _, err := exchange.NewClient().Sync(ctx, staff, ""); err != nil {
		t.Fatal(err)
	}
	ws := noerr.Get(staff.BudgetWishes(t.Context(), council, 0))(t)
	p := noerr.Get(staff.Pool(t.Context(), pool))(t)
	ann := noerr.Get(staff.Announcements(t.Context()))(t)
	if len(ws) != 1 || ws[0].Granted != 0 || p.Available != 100_000_00 || len(ann) != 0 {
		t.Errorf("forged data reached a device: %+v %+v %+v", ws, p, ann)
	}

	// Finding 3: enrolling as the hub.
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	body := noerr.Get(json.Marshal(exchange.EnrollRequest{Code: evilCode, Replica: hubID, Key: base64.StdEncoding.EncodeToString(priv.Public().(ed25519.PublicKey))}))(t)
	resp, err := http.Post(url+"/v1/enroll", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("enrolling with the hub's id: %s", resp.Status)
	}
	// … and an op numbered to overflow the counters.
	token := noerr.Get(a.Meta(t.Context(), storage.MetaToken))(t)
	c := storage.Change{Device: a.DeviceID(), Seq: math.MaxInt64, HLC: stamp, Table: "councils", Row: council, Council: council, Field: "area", Value: "x"}
	a.SignOwn(&c)
	wire := noerr.Get(exchange.EncodeOps([]storage.Change{c}))(t)
	body = noerr.Get(json.Marshal(exchange.PushRequest{Ops: wire}))(t)
	req := noerr.Get(http.NewRequest(http.MethodPost, url+"/v1/push", bytes.NewReader(body)))(t)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("seq 2^63-1: %s", resp.Status)
	}
	// pool add still writes numbered ops that reach the laptops.
	second := lastLine(runOK(t, "pool", "add", "--db", hubPath, "--name", "Efter angrebet", "--open"))
	if _, err := exchange.NewClient().Sync(ctx, a, ""); err != nil {
		t.Fatal(err)
	}
	if got, err := a.Pool(t.Context(), second); err != nil || got.Name != "Efter angrebet" {
		t.Errorf("pool added after the attempts: %+v, %v", got, err)
	}
	// The genuine bundle still goes in.
	buf.Reset()
	exchange.NewClient().WriteBundle(context.Background(), &buf, a, council)
	os.WriteFile(file, buf.Bytes(), 0o644)
	runOK(t, "bundle", "import", "--db", hubPath, file)
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve: %v", err)
	}
}
