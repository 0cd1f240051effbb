package exchange

// The municipality's answer stays answered (finding 7).
//
// A wish's status is a short field, but the merge rule keeps the
// municipality's "besvaret" against any edit that had not seen it (merge.go,
// I8): a council's status op made offline, or forged with an empty base,
// loses and is kept as a conflict the council sees. What is left to refuse
// at the door is a council op made on the answered wish itself: a council
// that saw "besvaret" and changes it. It gets a Danish message, and its
// editor cannot make such an op anyway (the status select is locked once
// answered). The staff may move an answered wish on; so the rule asks who
// wrote the op: the device registry at the hub, and on a laptop importing
// a bundle, the staff flag of the author in the hub's signed key list.

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"lokalraad/model"
	"lokalraad/storage"
)

// AuthorizeStatus refuses ops of non-staff authors that would move a budget
// wish out of the municipality's answered status. staff tells whether a
// device is the municipality's. Ops the receiver holds already pass.
func AuthorizeStatus(ctx context.Context, db fieldReader, ops []storage.Change, staff func(device string) bool) error {
	byRow := map[string][]storage.Change{}
	for _, c := range ops {
		if c.Table == "budget_wishes" && c.Field == "status" {
			byRow[c.Row] = append(byRow[c.Row], c)
		}
	}
	rows := slices.Sorted(maps.Keys(byRow))
	for _, row := range rows {
		held, err := db.FieldOps(ctx, "budget_wishes", row, "status")
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
		for _, c := range all {
			if staff(c.Device) || c.Value == string(model.WishAnswered) {
				continue
			}
			if slices.ContainsFunc(held, func(h storage.Change) bool { return h.ID() == c.ID() }) {
				continue
			}
			// What the op's author saw: the latest op it had seen.
			var seen *storage.Change
			for k := range all {
				h := &all[k]
				if h.Device == c.Device && h.Seq < c.Seq || h.Device != c.Device && storage.Saw(c.Base, h.Device, h.Seq) {
					seen = h
				}
			}
			if seen != nil && seen.Value == string(model.WishAnswered) {
				title := "budgetønsket"
				if ts, err := db.FieldOps(ctx, "budget_wishes", row, "title"); err == nil && len(ts) > 0 {
					title = fmt.Sprintf("budgetønsket »%v«", ts[len(ts)-1].Value)
				}
				return fail(CodeForbidden, fmt.Errorf("%w: %s er besvaret af kommunen; et lokalråd kan ikke ændre feltet »status« til »%v«",
					ErrForbidden, title, c.Value))
			}
		}
	}
	return nil
}

// registryStaff is the hub's answer to "is this device the municipality's".
func registryStaff(ctx context.Context, db deviceFinder) func(string) bool {
	known := map[string]bool{}
	return func(device string) bool {
		s, ok := known[device]
		if !ok {
			d, err := db.DeviceByReplica(ctx, device)
			s = err == nil && d.Staff
			known[device] = s
		}
		return s
	}
}

// refuseLegacyBase refuses, at the hub, a council device's new op on a
// wish's status or answer whose base is the single op id older versions
// wrote: what such an op had seen cannot be told exactly (merge.go), and
// every version that can sign ops writes a version vector.
func refuseLegacyBase(ops []storage.Change) error {
	for _, c := range ops {
		if c.Base == "" || strings.HasPrefix(c.Base, "=") || !model.MunicipalColumn(c.Table, c.Field) {
			continue
		}
		return fail(CodeBadRequest, fmt.Errorf("%w: %s, feltet »%s«: ændringen er skrevet i et gammelt format; opdatér programmet", ErrBadInput, model.TableNoun(c.Table), c.Field))
	}
	return nil
}

// refuseClaimsPastStaff refuses a council device's edit of a field that
// holds a value of the municipality's (a wish's status, »besvaret«: I8)
// whose context names an op of the field by a staff device, the hub, or
// a device the receiver does not know, that the receiver does not hold
// (held: the field's ops it holds) and the batch does not bring. A writer
// names the last op of each device it held of the field, so an honest
// context names an op that exists; a council device learns the
// municipality's answers from the hub. A tampered laptop's context naming
// every device up to 2^53 (or the staff device's next number, or one the
// hub has a gap at) would otherwise count, everywhere, as having seen the
// answers given after it, and its status would replace them
// (TestAtkStatusClaimingToHaveSeenTheAnswer,
// TestRev3ForgedClaimBelowTopButNotHeld). Other fields, deletes and
// colleagues' ops are not checked: a colleague's ops reach a laptop by
// stick before the hub, and a whole's delete names every op of the
// council held, which the hub may lack honestly (README, Known gaps). A
// council's honest status edit that names the municipality's op of the
// field is refused by the status rule anyway (AuthorizeStatus).
//
// checked tells of a device whose claims are checked: the municipality's,
// and on a laptop one it does not know (a staff device enrolled since).
func refuseClaimsPastStaff(ops []storage.Change, checked func(device string) bool, held func(table, row, field string) ([]storage.Change, error)) error {
	inBatch := map[string]bool{}
	for _, c := range ops {
		inBatch[c.ID()] = true
	}
	for _, c := range ops {
		f, ok := model.FieldOf(c.Table, c.Field)
		if !ok || f.MunicipalValue == "" || checked(c.Device) {
			continue // not such a field, or the municipality's own op (its authors are known)
		}
		vv := storage.Claims(c.Base)
		var have map[string]bool
		for _, d := range slices.Sorted(maps.Keys(vv)) {
			named := storage.Change{Device: d, Seq: vv[d]}
			if !checked(d) || inBatch[named.ID()] {
				continue
			}
			if have == nil {
				hs, err := held(c.Table, c.Row, c.Field)
				if err != nil {
					return err
				}
				have = make(map[string]bool, len(hs))
				for _, h := range hs {
					have[h.ID()] = true
				}
			}
			if !have[named.ID()] {
				return fail(CodeForbidden, fmt.Errorf("%w: ændringen %s af feltet »%s« siger, at den bygger på kommunens ændring %s, som ikke er modtaget her", ErrForbidden, c.ID(), c.Field, named.ID()))
			}
		}
	}
	return nil
}
