package storage

// The pull cursor: where a puller stands in a hub's numbering. A hub gives
// it, the device keeps it as an opaque string and sends it back; only the
// hub reads it.

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"lokalraad/model"
)

// Cursor is how far a puller has pulled, per stream: a stream is the ops of
// one council, or the municipality's own (every council's devices receive
// them), numbered on their own at a hub on PostgreSQL. Streams are named by
// the small numbers the hub gives them. A stream not listed in At stands at
// Floor. A hub with one counter for all (the SQLite hub) lists none.
//
// The text form is Floor in decimal, then for each listed stream, in
// increasing order, "." + its number + "-" + how far it is past Floor, both
// in base 36: "4711", "4711.1k-3.2a-1f". A plain decimal — the cursor of
// every version before streams, still kept by laptops — is a cursor with
// that floor and nothing listed: N for every stream.
type Cursor struct {
	Floor int64
	At    map[int64]int64
}

// UniformCursor is the cursor standing at n in every stream.
func UniformCursor(n int64) Cursor { return Cursor{Floor: n} }

// Pos is the cursor's position in a stream.
func (c Cursor) Pos(stream int64) int64 {
	if p, ok := c.At[stream]; ok {
		return p
	}
	return c.Floor
}

// Min is the lowest position the cursor holds in any stream.
func (c Cursor) Min() int64 {
	m := c.Floor
	for _, p := range c.At {
		m = min(m, p)
	}
	return m
}

// String is the cursor's text form (see Cursor). Its floor is the lowest
// position held (a listed stream below Floor lowers it: lower is always
// safe, the puller is sent some ops again), and only streams past it are
// listed.
func (c Cursor) String() string {
	floor := c.Min()
	var b strings.Builder
	b.WriteString(strconv.FormatInt(floor, 10))
	ids := make([]int64, 0, len(c.At))
	for id, p := range c.At {
		if p > floor {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		b.WriteByte('.')
		b.WriteString(strconv.FormatInt(id, 36))
		b.WriteByte('-')
		b.WriteString(strconv.FormatInt(c.At[id]-floor, 36))
	}
	return b.String()
}

// Bounds of a cursor a hub reads: its text, and the streams it lists.
const (
	MaxCursorText    = 64 << 10
	MaxCursorStreams = 8192
)

// ErrBadCursor: a pull cursor no hub gave (garbage, a negative number, a
// stream listed twice or out of order). The puller's own cursor is only
// ever one the hub gave it.
var ErrBadCursor = error(model.NewError(model.Invalid, "ugyldigt hentepunkt (cursor): serveren har ikke givet det"))

// ParseCursor reads a cursor in its text form; "" is the cursor at 0.
// Anything else than what String writes (and a plain decimal) is
// ErrBadCursor: streams must be listed in increasing order, once each,
// each past the floor, and no position may exceed math.MaxInt64.
func ParseCursor(s string) (Cursor, error) {
	if s == "" {
		return Cursor{}, nil
	}
	if len(s) > MaxCursorText {
		return Cursor{}, fmt.Errorf("%w: for lang (%d tegn)", ErrBadCursor, len(s))
	}
	head, rest, listed := strings.Cut(s, ".")
	floor, err := strconv.ParseInt(head, 10, 64)
	if err != nil || floor < 0 || head[0] == '+' || head[0] == '-' {
		return Cursor{}, fmt.Errorf("%w: %.40q", ErrBadCursor, s)
	}
	c := Cursor{Floor: floor}
	if !listed {
		return c, nil
	}
	parts := strings.Split(rest, ".")
	if len(parts) > MaxCursorStreams {
		return Cursor{}, fmt.Errorf("%w: for mange strømme (%d)", ErrBadCursor, len(parts))
	}
	c.At = make(map[int64]int64, len(parts))
	last := int64(-1)
	for _, p := range parts {
		ids, ds, ok := strings.Cut(p, "-")
		id, err1 := parseBase36(ids)
		d, err2 := parseBase36(ds)
		if !ok || err1 != nil || err2 != nil || d < 1 || id <= last || d > math.MaxInt64-floor {
			return Cursor{}, fmt.Errorf("%w: %.40q", ErrBadCursor, p)
		}
		c.At[id], last = floor+d, id
	}
	return c, nil
}

func parseBase36(s string) (int64, error) {
	if s == "" || s[0] == '+' || s[0] == '-' || strings.ToLower(s) != s {
		return 0, errors.New("not base 36")
	}
	return strconv.ParseInt(s, 36, 64)
}
