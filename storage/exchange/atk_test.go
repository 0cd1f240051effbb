package exchange

// Attack review (late): hostile and careless inputs at the trust
// boundaries that earlier reviews did not cover.

import (
	"bytes"
	"context"
	"testing"

	"lokalraad/model"
	"lokalraad/storage"
)

// A laptop that is lost (or whose owner leaves in anger) is revoked at the
// hub. Before that, a colleague's laptop a took its unsent edits by stick,
// as councils without network do. Every bundle a writes from then on
// carries those edits, which the hub holds none of, and the hub refuses a
// bundle holding any new op of a revoked device whole: a's own edits can
// never again reach the municipality by stick. Revoking one device must
// stop that device, not its colleagues (the revoked device's unsent ops
// may well be refused, but not a's).
func TestAtkRevokedDevicesUnsentOpsStickCarrier(t *testing.T) {
	h := newHub(t)
	council := h.council(t, "Jyderup Lokalråd")
	a := h.laptop(t, "a", council, 0)
	b := h.laptop(t, "b", council, 0)
	syncOK(t, a)
	syncOK(t, b)
	// b writes offline and hands a its file.
	ok(t, b.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: council, Name: "Søren", Role: model.RoleMember}))
	_, _, err := cli.ImportBundle(context.Background(), bytes.NewReader(bundleOf(t, b, council)), a)
	ok(t, err)
	// b is stolen; the municipality revokes it.
	ok(t, h.db.RevokeDevice(t.Context(), deviceOf(t, h, b).ID))
	// a goes on by stick.
	w := model.BudgetWish{CouncilID: council, Year: 2027, Title: "Cykelsti", Status: model.WishDraft}
	ok(t, a.SaveBudgetWish(t.Context(), model.BudgetWish{}, &w))
	_, _, err = cli.HubImportBundle(context.Background(), bytes.NewReader(bundleOf(t, a, council)), h.db, now, storage.MaxClockSkew)
	if err == nil {
		return
	}
	t.Logf("a's file refused: %v", err)
	// a reads the hub's file, as a laptop stuck by stick is told to, and tries again.
	_, _, err = cli.ImportBundle(context.Background(), bytes.NewReader(bundleOf(t, h.db, council)), a)
	ok(t, err)
	_, _, err = cli.HubImportBundle(context.Background(), bytes.NewReader(bundleOf(t, a, council)), h.db, now, storage.MaxClockSkew)
	if err != nil {
		t.Errorf("a's honest file is refused for good, after reading the hub's file too, for the revoked b's unsent edit it carries: %v", err)
	}
}
