package exchange

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

// The device secret and the private key live in the secrets file beside
// the database (mode 0600), not in it: a backup carries neither, and a
// database restored on the same laptop keeps syncing.
func TestSecretsStayOutOfBackups(t *testing.T) {
	h, council, a := syncedLaptop(t, "Jyderup")
	token := noerr.Get(a.Meta(t.Context(), storage.MetaToken))(t)
	_, secret, _ := strings.Cut(token, ".")
	if secret == "" {
		t.Fatalf("token %q", token)
	}
	fi, err := os.Stat(storage.SecretPath(a.Path()))
	ok(t, err)
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("secrets file mode %v", fi.Mode().Perm())
	}
	seed := keyOf(t, a).Seed()
	backup := filepath.Join(t.TempDir(), "usb.db")
	ok(t, a.Backup(context.Background(), backup))
	raw, err := os.ReadFile(backup)
	ok(t, err)
	if bytes.Contains(raw, []byte(secret)) || bytes.Contains(raw, seed) {
		t.Error("the backup carries the device secret or the private key")
	}

	// Work after the backup, then restore it on the same laptop: it syncs.
	ok(t, a.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: council, Name: "Efter kopien", Role: model.RoleMember}))
	syncOK(t, a)
	path := a.Path()
	ok(t, a.Close())
	_, err = storage.Restore(t.Context(), path, backup)
	ok(t, err)
	a = reopen(t, path, time.Minute)
	ok(t, a.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: council, Name: "Efter gendannelsen", Role: model.RoleMember}))
	syncOK(t, a)
	ms := noerr.Get(h.db.Members(t.Context(), council))(t)
	if len(ms) != 2 {
		t.Errorf("hub members after restore = %+v", ms)
	}
}

// A database copied without its secrets file is a new replica: it will not
// sync until enrolled again (a Danish message says so), and then its edits
// not yet sent arrive under its new id.
func TestCopiedDatabaseMustEnrolAgain(t *testing.T) {
	h, council, a := syncedLaptop(t, "Jyderup")
	unsent := model.Member{CouncilID: council, Name: "Ikke sendt", Role: model.RoleMember}
	ok(t, a.SaveMember(t.Context(), model.Member{}, &unsent))
	copyPath := filepath.Join(t.TempDir(), "kopi.db")
	ok(t, a.Backup(context.Background(), copyPath)) // the database alone, as a copy on a stick
	cp := reopen(t, copyPath, time.Second)
	if cp.DeviceID() == a.DeviceID() {
		t.Fatal("the copy kept the original's id")
	}
	if msg := noerr.Get(cp.Meta(t.Context(), storage.MetaError))(t); !strings.Contains(msg, "tilmeld computeren igen") {
		t.Errorf("status after opening the copy: %q", msg)
	}
	_, err := cli.Sync(t.Context(), cp, "")
	if !errors.Is(err, storage.ErrSecretMissing) || !strings.Contains(err.Error(), "tilmeld computeren igen") {
		t.Fatalf("copy without secrets: %v", err)
	}
	// Enrolled again with a new code, it syncs, and its unsent edit (the
	// original's too, until it syncs) reaches the hub.
	_, err = cli.Enroll(t.Context(), cp, h.url, h.code(t, council))
	ok(t, err)
	syncOK(t, cp)
	if ms := noerr.Get(h.db.Members(t.Context(), council))(t); len(ms) != 1 || ms[0].Name != "Ikke sendt" {
		t.Errorf("the copy's unsent edit did not arrive: %+v", ms)
	}
	// The original is untouched and keeps syncing.
	syncOK(t, a)
	if n := noerr.Get(a.PendingCount(context.Background(), council))(t); n != 0 {
		t.Errorf("original: %d pending", n)
	}
}
