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
	err = db.View(ctx, func(tx *store.Tx) (err error) {
		p, _, err = planIn(ctx, tx, t)
		return err
	})
	return p, err
}

// planIn plans t against the registry as tx sees it, and returns the
// stored units too.
func planIn(ctx context.Context, tx *store.Tx, t *tabular.Table) (*Plan, []pinggu.Unit, error) {
	existing, err := tx.Units(ctx)
	if err != nil {
		return nil, nil, err
	}
	p, ps := plan(t, existing)
	if len(ps) > 0 {
		return nil, nil, pinggu.Invalid("import.rejected", ps)
	}
	return p, existing, nil
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
		var existing []pinggu.Unit
		var err error
		if p, existing, err = planIn(ctx, tx, t); err != nil {
			return err
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
		return tx.Audit(ctx, pinggu.ActionRegistryImport, "registry", "", nil, map[string]any{
			"file": filename, "rows": p.Rows, "created": len(p.Creates), "updated": len(p.Updates), "unchanged": p.Unchanged,
		})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}
