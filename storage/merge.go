package storage

// The merge rule: what a field holds, and whether a row lives, as a pure
// function of the ops a replica holds. No SQL here; sync.go reads the ops
// and writes the result.
//
// An op says what it had seen: its context. A field edit's context is the
// version vector of that field on the device that wrote it (for every
// device, the highest sequence number of that device's ops of the field it
// held); a delete's context is the same for every op of the row. An op has
// seen exactly the ops its context names (an op of an older version, the
// earlier ops of its own device too). Ops are replayed in (HLC, device)
// order.
//
// Invariants, and the test that checks each:
//
//   I1 Order-free: the result depends only on the set of ops, not on the
//      order or batches they came in (TestPropertyConvergence,
//      TestPropertyMinutesNothingLost).
//   I2 A sequential edit (one that had seen every op before it) replaces
//      the value (TestMergeRule "sequential edit").
//   I3 Equal values agree: an edit to the value the field already holds
//      is no conflict (TestMergeRule "equal values").
//   I4 Concurrent short field: the later op in replay order wins; the
//      value it replaced is kept as a conflict (TestMergeRule "concurrent
//      short field").
//   I5 Concurrent long text: merged line by line (model.Merge3) from the
//      state the op's author saw, which is the replay of exactly the ops in
//      its context; so an edit made on a merged state, or an op that
//      arrives late and sorts early, keeps every other line
//      (TestMergeRule "clean long-text merge", "edit on a merged state",
//      "late op before an edit on a merged state").
//   I6 Overlapping long-text edits: the later op's lines are kept in the
//      text and the text it was merged into is kept as a conflict
//      (TestMergeRule "overlapping long-text merge").
//   I8 The municipality's answer stays: a wish's status "besvaret", and
//      its answer, answer text and granted amount once given, are replaced
//      only by an op that had seen them; a concurrent council edit (a blank
//      "creation" stamped late, an offline status change) loses and is kept
//      as a conflict (TestMergeRule "answered status").
//   I7 A delete beats exactly the edits in its context; a row with an
//      edit no delete had seen lives, with all its fields (TestRowAlive).
//   I9 A whole (a meeting, a project, a round: model.PartsOf) lives while
//      an edit of one of its parts, at any depth, was seen by none of its
//      deletes: a meeting deleted on one laptop while another, not yet
//      knowing it, wrote minutes into one of its items or added an item
//      comes back with them, so that no part is left under a row no screen
//      shows. A whole's delete says as its base what it had seen of the
//      parts (storage's writer: every op of the council held); a delete
//      without one (older versions) had seen them all (TestPartsRevive,
//      TestPropertyWholesKeepTheirParts).
//   I10 An erased name stays erased, and an erasure changes no merge: a
//      long-text edit made on the text as it stood before an erasure
//      (offline, on another laptop) is merged with the names erased that
//      it has in the place of an erased line of what its author saw, in
//      its own lines only (model.RestoredNames;
//      TestOfflineEditDuringErasureKeepsTheNameErased); and a merge of an
//      erasure's own edit, made before the erasure's rewrite of the log
//      arrived, takes the lines it erased as erased on every side
//      (model.MeetErasedLines), so that it gives the same lines and
//      conflicts as once the rewrite arrives
//      (TestErasureArrivingLateLosesNoLine).
//
// Every replica computes the same states, so the same conflicts, with the
// same ids. Nothing is discarded that a person has not seen: a value is
// either in the field or kept in a conflict (TestPropertyMinutesNothingLost
// checks this line by line).

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"

	"lokalraad/model"
)

// vvPrefix starts a context written as a version vector:
// "=device:seq,device:seq" sorted by device. Older databases wrote a
// single op id, "device:seq" (optionally with a "*"); see opContext.
const vvPrefix = "="

// maxContext bounds the devices named in one op's context.
const maxContext = 1000

// opContext is what an op had seen. vv is set for ops written by this
// version. Ops of older versions named one op (legacy); such an op is
// taken to have seen every op up to and including that one in replay
// order, which is what they meant when they were written.
type opContext struct {
	vv     map[string]int64
	legacy string
}

// encodeContext writes a version vector as an op's base; an empty vector
// is "".
func encodeContext(vv map[string]int64) string {
	if len(vv) == 0 {
		return ""
	}
	devs := slices.Sorted(maps.Keys(vv))
	var b strings.Builder
	b.WriteString(vvPrefix)
	for i, d := range devs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(opID(d, vv[d]))
	}
	return b.String()
}

// parseContext reads an op's base. It reports false for a base no version
// of the app writes.
func parseContext(base string) (opContext, bool) {
	if base == "" {
		return opContext{}, true
	}
	if !strings.HasPrefix(base, vvPrefix) {
		id := strings.TrimSuffix(base, "*")
		if _, _, ok := parseOpID(id); !ok {
			return opContext{}, false
		}
		return opContext{legacy: id}, true
	}
	if base == vvPrefix {
		return opContext{vv: map[string]int64{}}, true
	}
	parts := strings.Split(base[len(vvPrefix):], ",")
	if len(parts) > maxContext {
		return opContext{}, false
	}
	vv := make(map[string]int64, len(parts))
	for _, p := range parts {
		d, s, ok := parseOpID(p)
		if !ok || strings.ContainsAny(d, ",=") {
			return opContext{}, false
		}
		if _, dup := vv[d]; dup {
			return opContext{}, false
		}
		vv[d] = s
	}
	return opContext{vv: vv}, true
}

// Saw tells whether an op with this base (its context) had seen the op
// device:seq. A legacy base names a single op and says nothing of others.
func Saw(base string, device string, seq int64) bool {
	ctx, ok := parseContext(base)
	if !ok {
		return false
	}
	if ctx.vv != nil {
		return ctx.vv[device] >= seq
	}
	return ctx.legacy == opID(device, seq)
}

// Claims is what a context (an op's base, or a delete's value) says it had
// seen: for each device, the highest sequence number (a version vector).
// Nil for an empty context, one of an older version (a single op) or one
// no version writes.
func Claims(base string) map[string]int64 {
	ctx, ok := parseContext(base)
	if !ok {
		return nil
	}
	return ctx.vv
}

// BaseOn is the base an edit carries when its device holds exactly these
// ops of the field: what it had seen.
func BaseOn(ops []Change) string {
	vv := map[string]int64{}
	for _, o := range ops {
		vv[o.Device] = max(vv[o.Device], o.Seq)
	}
	return encodeContext(vv)
}

// fieldOp is one op of a field, as replay needs it.
type fieldOp struct {
	v     version
	seq   int64
	value any
	base  string
}

func (o fieldOp) id() string { return opID(o.v.device, o.seq) }

// fieldState is a field's value after a replay, and the op that wrote it.
type fieldState struct {
	value     any
	version   fieldOp
	set       bool
	conflicts []conflictRec
	// restored are names an erasure took out that ops brought back
	// (I10), erased from the value; recorded only for the full replay.
	restored []restoredBy
}

// restoredBy is a name an erasure took out, found again in the text op
// wrote (or was the last to merge): op's device wrote it on the text as
// it stood before it received the erasure, in op and maybe in its own
// earlier ops of the field, which the erasure did not name.
type restoredBy struct {
	op    fieldOp
	names []string
}

type conflictRec struct {
	winner, loser fieldOp
	kept, other   any
	merged        bool
}

// fieldRule is what the merge needs to know of a field.
type fieldRule struct {
	long bool // a long text, merged line by line
	// sticky tells of a value that only an op that had seen it may
	// replace (I8); nil for most fields.
	sticky func(v any) bool
}

// rules caches ruleOf: applying a first pull asks for it once a field.
var rules sync.Map // table + "." + field → fieldRule

// ruleOf is a field's merge rule.
func ruleOf(table, field string) fieldRule {
	key := table + "." + field
	if r, ok := rules.Load(key); ok {
		return r.(fieldRule)
	}
	r := makeRule(table, field)
	rules.Store(key, r)
	return r
}

func makeRule(table, field string) fieldRule {
	r := fieldRule{long: model.LongText(table, field)}
	f, _ := model.FieldOf(table, field)
	switch {
	case f.MunicipalValue != "": // the municipality's "besvaret"
		r.sticky = func(v any) bool { return sameValue(v, f.MunicipalValue) }
	case f.Owner == model.OwnerMunicipality: // the municipality's answer, once given
		r.sticky = func(v any) bool { return v != nil && !sameValue(v, "") && !sameValue(v, int64(0)) }
	}
	return r
}

// replayField computes a field's state from all its ops, which must be in
// replay order ((HLC, device) ascending).
func replayField(ops []fieldOp, rule fieldRule) *fieldState {
	r := &replayer{ops: ops, rule: rule, ctx: make([]opContext, len(ops)), pos: map[string]int{}, memo: map[string]any{}}
	all := make([]int, len(ops))
	for i, o := range ops {
		all[i] = i
		r.ctx[i], _ = parseContext(o.base)
		r.pos[o.id()] = i
	}
	return r.run(all, true)
}

type replayer struct {
	ops  []fieldOp
	rule fieldRule
	ctx  []opContext
	pos  map[string]int // op id → index, for legacy contexts
	memo map[string]any // the value of a replay of a subset, by its indices
}

// saw tells whether op i had seen op j (j before i in replay order).
func (r *replayer) saw(i, j int) bool {
	a, b := r.ops[i], r.ops[j]
	c := r.ctx[i]
	if c.vv != nil {
		// Exactly what it names: an editor left open on this device while
		// another edit of the field was saved here had not seen that one.
		return c.vv[b.v.device] >= b.seq
	}
	if a.v.device == b.v.device && b.seq < a.seq {
		return true // an older op: it had seen its own device's earlier ops
	}
	if c.legacy != "" {
		k, ok := r.pos[c.legacy]
		return ok && j <= k
	}
	return false
}

// run replays the ops at the given indices (ascending). Conflicts are
// recorded only for the full replay, not for the states authors saw.
func (r *replayer) run(subset []int, record bool) *fieldState {
	st := &fieldState{}
	applied := make([]int, 0, len(subset))
	at := -1 // the index of the op that wrote the value
	for _, i := range subset {
		o := r.ops[i]
		if !st.set {
			st.value, st.version, st.set = o.value, o, true
			applied = append(applied, i)
			at = i
			continue
		}
		var seen []int
		concurrent := false
		for _, j := range applied {
			if r.saw(i, j) {
				seen = append(seen, j)
			} else {
				concurrent = true
			}
		}
		applied = append(applied, i)
		prev := st.version
		ours, ok1 := o.value.(string)
		theirs, ok2 := st.value.(string)
		switch {
		case !concurrent, sameValue(st.value, o.value):
			// I2, I3: the op had seen everything before it, or agrees.
			st.value, st.version = o.value, o
		case r.rule.sticky != nil && r.rule.sticky(st.value) && !r.rule.sticky(o.value) && !r.saw(i, at):
			// I8: the answer stays; the edit that never saw it is kept.
			if record {
				st.conflicts = append(st.conflicts, conflictRec{winner: prev, loser: o, kept: st.value, other: o.value})
			}
			continue
		case r.rule.long && ok1 && ok2:
			// I5, I6: merge the op's change, from what its author saw,
			// into the text as it stands.
			anc, _ := r.value(seen).(string)
			// I10. A line a side erased (an erasure's own edit, merged
			// before the erasure's rewrite of the log arrived here) is
			// taken as erased into the ancestor and the other side: the
			// merge then comes out as it will once the rewrite arrives, so
			// that nobody's next edit is made on a state the replay later
			// no longer gives. Only those lines: a hand edit that writes
			// "tidligere medlem" in a name's place changes nothing else.
			logged := anc
			anc, ours, theirs = model.MeetErasedLines(anc, ours, theirs)
			// An erasure rewrote the copies of what the op's author saw:
			// the names the op has where those copies now say
			// FormerMember are the erased ones, not edits of the
			// author's, and the same for the text it meets (an op that
			// sorts first). Each side loses only the names found in it:
			// the other side's lines are another author's. They are
			// found against the ancestor as the log holds it, not as the
			// line above made it: "tidligere medlem" there may be a hand
			// edit, which erased nobody (TestRev2PlainEditRewritesAnotherMembersOpInTheLog).
			if names := model.RestoredNames(logged, ours); len(names) > 0 {
				ours = model.EraseNames(ours, names)
				if record {
					st.restored = append(st.restored, restoredBy{op: o, names: names})
				}
			}
			if names := model.RestoredNames(logged, theirs); len(names) > 0 {
				theirs = model.EraseNames(theirs, names)
				if record {
					st.restored = append(st.restored, restoredBy{op: prev, names: names})
				}
			}
			merged, n := model.Merge3(anc, ours, theirs)
			if n > 0 && record {
				st.conflicts = append(st.conflicts, conflictRec{winner: o, loser: prev, kept: merged, other: theirs, merged: true})
			}
			st.value, st.version = merged, o
		default:
			// I4: last writer wins; the value it replaced is kept.
			if record {
				st.conflicts = append(st.conflicts, conflictRec{winner: o, loser: prev, kept: o.value, other: st.value})
			}
			st.value, st.version = o.value, o
		}
		at = i
	}
	return st
}

// value is the field's value as the replay of a subset of its ops gives
// it: what an author saw. "" (nothing) for an empty subset.
func (r *replayer) value(subset []int) any {
	if len(subset) == 0 {
		return ""
	}
	var key strings.Builder
	for _, i := range subset {
		key.WriteString(strconv.Itoa(i))
		key.WriteByte(',')
	}
	if v, ok := r.memo[key.String()]; ok {
		return v
	}
	v := r.run(subset, false).value
	r.memo[key.String()] = v
	return v
}

// sequential tells whether each of the fresh ops, in replay order, had
// seen every op before it: prior are the ops held before them, all
// sorting before fresh[0]. Then the field's value is simply the last fresh
// op's value and no conflict changes: the fast path of applying.
func sequential(prior []fieldOp, fresh []fieldOp) bool {
	held := map[string]int64{}
	for _, p := range prior {
		held[p.v.device] = max(held[p.v.device], p.seq)
	}
	for _, o := range fresh {
		ctx, ok := parseContext(o.base)
		if !ok || ctx.vv == nil && len(held) > 0 {
			return false
		}
		for d, s := range held {
			if ctx.vv == nil && d == o.v.device {
				continue // an older op, with its device's earlier ops
			}
			if ctx.vv[d] < s {
				return false
			}
		}
		held[o.v.device] = max(held[o.v.device], o.seq)
	}
	return true
}

// rowOp is a row's op as the delete rule needs it: an edit (field set) or
// a delete (value: what it had seen).
type rowOp struct {
	field string
	v     version
	seq   int64
	know  string // a delete's context
	parts string // a whole's delete: its base, what it had seen of the parts
}

// partsRevive tells whether a whole that its own ops leave deleted comes
// back (I9): whether some edit of its parts (partEdits, at any depth) was
// seen by none of its deletes. A delete without a context of the parts
// had seen them all; a device's delete, its own earlier ops.
func partsRevive(dels, partEdits []rowOp) bool {
	seenBy := make([]map[string]int64, len(dels))
	some := false
	for i, d := range dels {
		if ctx, ok := parseContext(d.parts); ok && ctx.vv != nil {
			seenBy[i], some = ctx.vv, true
		}
	}
	if !some {
		return false
	}
	for _, e := range partEdits {
		seen := false
		for i, d := range dels {
			if seenBy[i] == nil || d.v.device == e.v.device && e.seq < d.seq || seenBy[i][e.v.device] >= e.seq {
				seen = true
				break
			}
		}
		if !seen {
			return true
		}
	}
	return false
}

// rowAlive tells whether a row lives (I7): while some edit of it was seen
// by no delete. A row with no delete lives.
func rowAlive(edits, dels []rowOp) bool {
	if len(dels) == 0 {
		return true
	}
	type parsed struct {
		op     rowOp
		vv     map[string]int64
		legacy deleteKnowledge
	}
	ds := make([]parsed, len(dels))
	for i, d := range dels {
		ds[i].op = d
		if strings.HasPrefix(d.know, vvPrefix) {
			if ctx, ok := parseContext(d.know); ok {
				ds[i].vv = ctx.vv
			}
		} else {
			ds[i].legacy = decodeKnowledge(d.know)
		}
	}
	for _, e := range edits {
		seen := false
		for _, d := range ds {
			switch {
			case d.op.v.device == e.v.device && e.seq < d.op.seq:
				seen = true
			case d.vv != nil:
				seen = d.vv[e.v.device] >= e.seq
			default:
				// A delete written before contexts: it names the latest
				// version of each field it held.
				v, ok := d.legacy[e.field]
				seen = ok && !e.v.after(v)
			}
			if seen {
				break
			}
		}
		if !seen {
			return true
		}
	}
	return false
}

// RowAlive tells whether a row whose ops (edits and deletes, field "")
// are ops lives, by the rule every replica applies (rowAlive): a store
// that keeps only the op log (storage/postgres) asks it.
func RowAlive(ops []Change) bool {
	var edits, dels []rowOp
	for _, c := range ops {
		o := rowOp{field: c.Field, v: version{hlc: c.HLC, device: c.Device}, seq: c.Seq}
		if c.Field == "" {
			o.know, _ = c.Value.(string)
			dels = append(dels, o)
		} else {
			edits = append(edits, o)
		}
	}
	return rowAlive(edits, dels)
}

// deleteKnowledge is what a delete written by an older version had seen:
// the version of every field.
type deleteKnowledge map[string]version

func encodeKnowledge(k deleteKnowledge) string {
	names := slices.Sorted(maps.Keys(k))
	var b strings.Builder
	for _, f := range names {
		fmt.Fprintf(&b, "%s\t%d\t%s\n", f, k[f].hlc, k[f].device)
	}
	return b.String()
}

func decodeKnowledge(s string) deleteKnowledge {
	k := deleteKnowledge{}
	for _, line := range strings.Split(s, "\n") {
		parts := strings.Split(line, "\t")
		if len(parts) != 3 {
			continue
		}
		hlc, err := strconv.ParseInt(parts[1], 10, 64)
		if err != nil {
			continue
		}
		k[parts[0]] = version{hlc, parts[2]}
	}
	return k
}
