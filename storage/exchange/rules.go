package exchange

// The municipality's answer stays answered (finding 7).
//
// A wish's status is a short field: the last op in replay order (HLC,
// device) wins. A council device's status op "indsendt" with an empty base,
// stamped after the municipality's "besvaret", would win and turn an
// answered wish back into a submitted one at the hub and on every laptop.
// The merge could instead be taught that a council's status never beats
// the municipality's answer; but then the council's laptop would show
// "indsendt" until it synced and the op would sit in every log as a
// winner that loses. Refusing it at the door is simpler and says why:
// the council device gets a Danish message and its editor cannot make
// such an op anyway (the status select is locked once answered).
//
// The rule is "as of the op": the municipality's answer must sort before
// the council's op. A council's status op that sorts before the answer
// (an edit made offline before the answer came) loses in the replay and
// passes. The staff may move an answered wish on; so the rule asks who
// wrote the op: the device registry at the hub, and on a laptop importing
// a bundle, whether the author has written the municipality's data or an
// answer (the signature checks of bundles say whether that is true).

import (
	"fmt"
	"net/http"
	"slices"
	"sort"

	"lokalraad/model"
	"lokalraad/storage"
)

// AuthorizeStatus refuses ops of non-staff authors that would move a budget
// wish out of the municipality's answered status. staff tells whether a
// device is the municipality's. Ops the receiver holds already pass.
func AuthorizeStatus(db *storage.DB, ops []storage.Change, staff func(device string) bool) error {
	byRow := map[string][]storage.Change{}
	for _, c := range ops {
		if c.Table == "budget_wishes" && c.Field == "status" {
			byRow[c.Row] = append(byRow[c.Row], c)
		}
	}
	rows := make([]string, 0, len(byRow))
	for r := range byRow {
		rows = append(rows, r)
	}
	sort.Strings(rows)
	for _, row := range rows {
		held, err := db.FieldOps("budget_wishes", row, "status")
		if err != nil {
			return err
		}
		all := append([]storage.Change{}, held...)
		for _, c := range byRow[row] {
			if !slices.ContainsFunc(held, func(h storage.Change) bool { return h.ID() == c.ID() }) {
				all = append(all, c)
			}
		}
		sort.Slice(all, func(i, j int) bool {
			return all[i].HLC < all[j].HLC || all[i].HLC == all[j].HLC && all[i].Device < all[j].Device
		})
		for i, c := range all {
			if i == 0 || staff(c.Device) || c.Value == string(model.WishAnswered) {
				continue
			}
			if slices.ContainsFunc(held, func(h storage.Change) bool { return h.ID() == c.ID() }) {
				continue
			}
			if prev := all[i-1]; prev.Value == string(model.WishAnswered) {
				title := "budgetønsket"
				if ts, err := db.FieldOps("budget_wishes", row, "title"); err == nil && len(ts) > 0 {
					title = fmt.Sprintf("budgetønsket »%v«", ts[len(ts)-1].Value)
				}
				return fail(http.StatusForbidden, CodeForbidden, fmt.Errorf("%w: %s er besvaret af kommunen; et lokalråd kan ikke ændre feltet »status« til »%v«",
					ErrForbidden, title, c.Value))
			}
		}
	}
	return nil
}

// registryStaff is the hub's answer to "is this device the municipality's".
func registryStaff(db *storage.DB) func(string) bool {
	known := map[string]bool{}
	return func(device string) bool {
		s, ok := known[device]
		if !ok {
			d, err := db.DeviceByReplica(device)
			s = err == nil && d.Staff
			known[device] = s
		}
		return s
	}
}

// answerAuthors is a laptop's answer: a device that has written the
// municipality's data or an answer, here or in the ops it imports.
func answerAuthors(db *storage.DB, ops []storage.Change) (func(string) bool, error) {
	authors, err := db.MunicipalAuthors()
	if err != nil {
		return nil, err
	}
	for _, c := range ops {
		if MunicipalField(c) && c.Value != nil && c.Value != "" && c.Value != int64(0) {
			authors[c.Device] = true
		}
	}
	return func(d string) bool { return authors[d] }, nil
}
