package registry

import (
	"context"

	"pinggu"
	"pinggu/internal/store"
	"pinggu/internal/tabular"
)

// Preview parses the file and plans the import against the stored
// registry without changing anything. A file with any bad row returns an
// invalid error listing every problem.
func Preview(ctx context.Context, db *store.DB, filename string, data []byte) (*Plan, error) {
	t, err := tabular.Read(filename, data)
	if err != nil {
		return nil, err
	}
	var p *Plan
	err = db.View(ctx, func(tx *store.Tx) error {
		existing, err := tx.Units(ctx)
		if err != nil {
			return err
		}
		var ps []pinggu.Problem
		if p, ps = plan(t, existing); len(ps) > 0 {
			return pinggu.Invalid("import.rejected", ps)
		}
		return nil
	})
	return p, err
}

// Import plans and applies the file in one transaction: either every row is
// valid and applied, or nothing changes.
func Import(ctx context.Context, db *store.DB, actor store.Actor, filename string, data []byte) (*Plan, error) {
	t, err := tabular.Read(filename, data)
	if err != nil {
		return nil, err
	}
	var p *Plan
	err = db.Update(ctx, actor, func(tx *store.Tx) error {
		existing, err := tx.Units(ctx)
		if err != nil {
			return err
		}
		var ps []pinggu.Problem
		if p, ps = plan(t, existing); len(ps) > 0 {
			return pinggu.Invalid("import.rejected", ps)
		}
		ids := map[string]int64{}
		for _, u := range existing {
			if u.Code != "" {
				ids[u.Code] = u.ID
			}
		}
		for i := range p.Creates {
			u := &p.Creates[i].After
			u.ParentID = ids[u.ParentCode]
			if err := tx.CreateUnit(ctx, u); err != nil {
				return err
			}
			if u.Code != "" {
				ids[u.Code] = u.ID
			}
		}
		for i := range p.Updates {
			u := &p.Updates[i].After
			u.ParentID = ids[u.ParentCode]
			if err := tx.UpdateUnit(ctx, u); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, "registry.import", "registry", "", nil, map[string]any{
			"file": filename, "rows": p.Rows, "created": len(p.Creates), "updated": len(p.Updates), "unchanged": p.Unchanged,
		})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}
