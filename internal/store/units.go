package store

import (
	"context"
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"pinggu"
)

const unitColumns = `u.id, COALESCE(u.code, ''), u.name, u.kind, COALESCE(u.parent_id, 0),
	COALESCE(p.code, ''), u.headcount, u.liaison_name, u.liaison_phone, u.created_at, u.updated_at`

const unitFrom = ` FROM units u LEFT JOIN units p ON p.id = u.parent_id `

func scanUnit(s interface{ Scan(...any) error }, u *pinggu.Unit) error {
	var kind string
	err := s.Scan(&u.ID, &u.Code, &u.Name, &kind, &u.ParentID, &u.ParentCode, &u.Headcount,
		&u.LiaisonName, &u.LiaisonPhone, &u.CreatedAt, &u.UpdatedAt)
	u.Kind = pinggu.UnitKind(kind)
	u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	return err
}

func (tx *Tx) queryUnits(ctx context.Context, where string, args ...any) ([]pinggu.Unit, error) {
	rows, err := tx.query(ctx, "SELECT "+unitColumns+unitFrom+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var units []pinggu.Unit
	for rows.Next() {
		var u pinggu.Unit
		if err := scanUnit(rows, &u); err != nil {
			return nil, pinggu.Internal(err)
		}
		units = append(units, u)
	}
	if err := rows.Err(); err != nil {
		return nil, pinggu.Internal(err)
	}
	return units, nil
}

// Unit returns the unit with id.
func (tx *Tx) Unit(ctx context.Context, id int64) (*pinggu.Unit, error) {
	var u pinggu.Unit
	err := scanUnit(tx.queryRow(ctx, "SELECT "+unitColumns+unitFrom+"WHERE u.id = $1", id), &u)
	if err := scanOne(err, "unit.not_found"); err != nil {
		return nil, err
	}
	return &u, nil
}

// UnitByCode returns the unit with code.
func (tx *Tx) UnitByCode(ctx context.Context, code string) (*pinggu.Unit, error) {
	var u pinggu.Unit
	err := scanUnit(tx.queryRow(ctx, "SELECT "+unitColumns+unitFrom+"WHERE u.code = $1", code), &u)
	if err := scanOne(err, "unit.code_not_found", "Code", code); err != nil {
		return nil, err
	}
	return &u, nil
}

// Units returns every unit, ordered by kind rank and code so that a parent
// always comes before its children.
func (tx *Tx) Units(ctx context.Context) ([]pinggu.Unit, error) {
	units, err := tx.queryUnits(ctx, "ORDER BY u.id")
	if err != nil {
		return nil, err
	}
	return SortTree(units), nil
}

// Children returns the units directly under parent (0: the roots).
func (tx *Tx) Children(ctx context.Context, parent int64) ([]pinggu.Unit, error) {
	if parent == 0 {
		return tx.queryUnits(ctx, "WHERE u.parent_id IS NULL ORDER BY u.code, u.name")
	}
	return tx.queryUnits(ctx, "WHERE u.parent_id = $1 ORDER BY u.kind, u.code, u.name", parent)
}

// SearchUnits finds units whose name or code contains q, at most limit.
func (tx *Tx) SearchUnits(ctx context.Context, q string, limit int) ([]pinggu.Unit, error) {
	like := "%" + escapeLike(q) + "%"
	return tx.queryUnits(ctx, `WHERE u.name LIKE $1 ESCAPE '\' OR u.code LIKE $1 ESCAPE '\'
		ORDER BY u.code, u.name LIMIT $2`, like, limit)
}

func escapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// UnitPath returns the stored unit with id and its ancestors, the input to
// every permission check about a unit.
func (tx *Tx) UnitPath(ctx context.Context, id int64) (*pinggu.UnitPath, error) {
	u, err := tx.Unit(ctx, id)
	if err != nil {
		return nil, err
	}
	path := &pinggu.UnitPath{Unit: *u}
	if u.ParentID == 0 {
		return path, nil
	}
	// The ancestors in one recursive query, nearest first; the depth
	// bound stops a cycle (which the registry refuses to write).
	rows, err := tx.query(ctx, `WITH RECURSIVE up (id, parent_id, depth) AS (
			SELECT id, parent_id, 0 FROM units WHERE id = $1
			UNION ALL
			SELECT u.id, u.parent_id, up.depth + 1 FROM units u JOIN up ON u.id = up.parent_id WHERE up.depth <= 65
		) SELECT id, depth FROM up WHERE depth >= 1 ORDER BY depth`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var a int64
		var depth int
		if err := rows.Scan(&a, &depth); err != nil {
			return nil, pinggu.Internal(err)
		}
		if depth > 65 {
			return nil, pinggu.Internal(errCycle(id))
		}
		path.Ancestors = append(path.Ancestors, a)
	}
	return path, rows.Err()
}

type errCycle int64

func (e errCycle) Error() string {
	return "unit " + strconv.FormatInt(int64(e), 10) + " sits in a cycle"
}

// UnitCount is how many units of a kind there are and their headcount.
type UnitCount struct {
	Kind      pinggu.UnitKind
	Units     int
	Headcount int
}

// UnitCounts returns counts per kind, in pinggu.UnitKinds order.
func (tx *Tx) UnitCounts(ctx context.Context) ([]UnitCount, error) {
	rows, err := tx.query(ctx, "SELECT kind, COUNT(*), COALESCE(SUM(headcount), 0) FROM units GROUP BY kind")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	got := map[pinggu.UnitKind]UnitCount{}
	for rows.Next() {
		var c UnitCount
		var kind string
		if err := rows.Scan(&kind, &c.Units, &c.Headcount); err != nil {
			return nil, pinggu.Internal(err)
		}
		c.Kind = pinggu.UnitKind(kind)
		got[c.Kind] = c
	}
	counts := make([]UnitCount, 0, len(pinggu.UnitKinds))
	for _, k := range pinggu.UnitKinds {
		c := got[k]
		c.Kind = k
		counts = append(counts, c)
	}
	return counts, rows.Err()
}

// CreateUnit inserts u (its ParentID must be set when it has a parent),
// audits it and fills u.ID. Tree rules are the caller's to check with
// CheckPlacement.
func (tx *Tx) CreateUnit(ctx context.Context, u *pinggu.Unit) error {
	u.CreatedAt, u.UpdatedAt = tx.Now, tx.Now
	err := tx.queryRow(ctx, `INSERT INTO units (code, name, kind, parent_id, headcount, liaison_name,
		liaison_phone, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		nullString(u.Code), u.Name, string(u.Kind), nullID(u.ParentID), u.Headcount, u.LiaisonName,
		u.LiaisonPhone, tx.Now, tx.Now).Scan(&u.ID)
	if err != nil {
		return tx.uniqueOr(err, "unit.code_taken", "Code", u.Code)
	}
	return tx.Audit(ctx, pinggu.ActionUnitCreate, "unit", u.ID, nil, auditUnit(u))
}

// UpdateUnit stores every field of u over the row with u.ID and audits the
// change. It is a no-op (and writes no audit row) when nothing changed.
func (tx *Tx) UpdateUnit(ctx context.Context, u *pinggu.Unit) error {
	before, err := tx.Unit(ctx, u.ID)
	if err != nil {
		return err
	}
	if sameUnit(before, u) {
		return nil
	}
	u.CreatedAt, u.UpdatedAt = before.CreatedAt, tx.Now
	_, err = tx.exec(ctx, `UPDATE units SET code = $1, name = $2, kind = $3, parent_id = $4, headcount = $5,
		liaison_name = $6, liaison_phone = $7, updated_at = $8 WHERE id = $9`,
		nullString(u.Code), u.Name, string(u.Kind), nullID(u.ParentID), u.Headcount, u.LiaisonName,
		u.LiaisonPhone, tx.Now, u.ID)
	if err != nil {
		return tx.uniqueOr(err, "unit.code_taken", "Code", u.Code)
	}
	return tx.Audit(ctx, pinggu.ActionUnitUpdate, "unit", u.ID, auditUnit(before), auditUnit(u))
}

func sameUnit(a, b *pinggu.Unit) bool {
	return a.Code == b.Code && a.Name == b.Name && a.Kind == b.Kind && a.ParentID == b.ParentID &&
		a.Headcount == b.Headcount && a.LiaisonName == b.LiaisonName && a.LiaisonPhone == b.LiaisonPhone
}

// auditUnit is the unit as the audit log records it: the fields a user can
// change, without timestamps that the row carries anyway.
func auditUnit(u *pinggu.Unit) any {
	return struct {
		Code         string `json:"code,omitempty"`
		Name         string `json:"name"`
		Kind         string `json:"kind"`
		ParentID     int64  `json:"parent_id,omitempty"`
		Headcount    int    `json:"headcount"`
		LiaisonName  string `json:"liaison_name,omitempty"`
		LiaisonPhone string `json:"liaison_phone,omitempty"`
	}{u.Code, u.Name, string(u.Kind), u.ParentID, u.Headcount, u.LiaisonName, u.LiaisonPhone}
}

// CheckPlacement verifies that u may sit under its ParentID: the parent
// exists, its kind admits u's kind, and u would not become its own ancestor.
func (tx *Tx) CheckPlacement(ctx context.Context, u *pinggu.Unit) error {
	if u.ParentID == 0 {
		if !pinggu.AllowedParent(u.Kind, "") {
			return pinggu.Invalid("unit.invalid", []pinggu.Problem{pinggu.NewProblem(0, pinggu.FieldParentCode, "unit.parent_required")})
		}
		return nil
	}
	parent, err := tx.UnitPath(ctx, u.ParentID)
	if err != nil {
		return err
	}
	var p []pinggu.Problem
	switch {
	case !pinggu.AllowedParent(u.Kind, parent.Unit.Kind):
		p = append(p, pinggu.NewProblem(0, pinggu.FieldParentCode, "unit.parent_kind",
			"Kind", u.Kind.Chinese(), "ParentKind", parent.Unit.Kind.Chinese()))
	case u.ID != 0 && parent.Contains(u.ID):
		p = append(p, pinggu.NewProblem(0, pinggu.FieldParentCode, "unit.cycle", "Code", u.Code))
	}
	if len(p) > 0 {
		return pinggu.Invalid("unit.invalid", p)
	}
	return nil
}

// uniqueOr turns a unique-constraint violation into a conflict error.
func (tx *Tx) uniqueOr(err error, key string, kv ...any) error {
	msg := strings.ToLower(err.Error())
	if strings.Contains(msg, "unique") || strings.Contains(msg, "duplicate key") {
		return pinggu.Errorf(pinggu.EConflict, key, kv...)
	}
	return pinggu.Internal(err)
}

// SortTree orders units so that each parent precedes its children, siblings
// by kind order, then code, then name. Units whose parent is missing from
// the slice are treated as roots.
func SortTree(units []pinggu.Unit) []pinggu.Unit {
	children := map[int64][]int{}
	present := map[int64]bool{}
	for _, u := range units {
		present[u.ID] = true
	}
	for i, u := range units {
		p := u.ParentID
		if !present[p] {
			p = 0
		}
		children[p] = append(children[p], i)
	}
	rank := map[pinggu.UnitKind]int{}
	for i, k := range pinggu.UnitKinds {
		rank[k] = i
	}
	less := func(a, b pinggu.Unit) bool {
		if rank[a.Kind] != rank[b.Kind] {
			return rank[a.Kind] < rank[b.Kind]
		}
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		return a.Name < b.Name
	}
	out := make([]pinggu.Unit, 0, len(units))
	var walk func(parent int64)
	walk = func(parent int64) {
		idx := children[parent]
		sort.SliceStable(idx, func(i, j int) bool { return less(units[idx[i]], units[idx[j]]) })
		for _, i := range idx {
			out = append(out, units[i])
			walk(units[i].ID)
		}
	}
	walk(0)
	return out
}

func auditJSON(v any) string {
	if v == nil {
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}
