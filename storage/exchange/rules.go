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

// refuseClaimsPastStaff refuses a council device's op whose context says
// it had seen an op of the municipality's (a staff device's or the hub's)
// that the receiver does not hold, in the store or in the batch: top is
// the receiver's highest number of a device's ops. A council device learns
// the municipality's ops only from the hub (a pull, or a file the hub or a
// colleague wrote from what it pulled), so an honest context names ops the
// hub holds. A tampered laptop's context naming every device up to 2^53
// would otherwise count, at every replica, as having seen the answers the
// municipality gives later, and its status edit would replace them (I8;
// TestAtkStatusClaimingToHaveSeenTheAnswer). Claims of colleagues' ops
// are not checked: a colleague's ops can reach a laptop by stick before
// they reach the hub.
func refuseClaimsPastStaff(ops []storage.Change, staff func(device string) bool, top func(device string) (int64, error)) error {
	inBatch := map[string]int64{}
	for _, c := range ops {
		inBatch[c.Device] = max(inBatch[c.Device], c.Seq)
	}
	for _, c := range ops {
		if staff(c.Device) {
			continue
		}
		contexts := []string{c.Base}
		if c.Field == "" {
			if v, ok := c.Value.(string); ok {
				contexts = append(contexts, v) // a delete's: what it had seen of the row
			}
		}
		for _, base := range contexts {
			vv := storage.Claims(base)
			for _, d := range slices.Sorted(maps.Keys(vv)) {
				s := vv[d]
				if !staff(d) || s <= inBatch[d] {
					continue
				}
				held, err := top(d)
				if err != nil {
					return err
				}
				if s > held {
					return fail(CodeForbidden, fmt.Errorf("%w: ændringen %s siger, at den har set kommunens ændring nr. %d, som ikke findes", ErrForbidden, c.ID(), s))
				}
			}
		}
	}
	return nil
}
