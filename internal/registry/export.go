package registry

import (
	"context"
	"io"
	"strconv"

	"pinggu"
	"pinggu/internal/store"
	"pinggu/internal/tabular"
)

// Format is an export file format.
type Format string

const (
	CSV  Format = "csv"
	XLSX Format = "xlsx"
)

// Rows returns the registry as export rows, parents before children, with
// kinds written in Chinese (or English).
func Rows(units []pinggu.Unit, chinese bool) [][]string {
	out := make([][]string, 0, len(units))
	for _, u := range store.SortTree(units) {
		kind := string(u.Kind)
		if chinese {
			kind = u.Kind.Chinese()
		}
		out = append(out, []string{u.Code, u.Name, kind, u.ParentCode, strconv.Itoa(u.Headcount), u.LiaisonName, u.LiaisonPhone})
	}
	return out
}

// Export writes units (already filtered to what the caller may see) in the
// given format with the import's columns, so that the file imports back to
// the same registry.
func Export(w io.Writer, units []pinggu.Unit, f Format, chinese bool) error {
	rows := Rows(units, chinese)
	switch f {
	case XLSX:
		return tabular.WriteXLSX(w, "单位名录", Header(chinese), rows)
	case CSV:
		return tabular.WriteCSV(w, Header(chinese), rows)
	}
	return pinggu.Errorf(pinggu.EInvalid, "export.format_unknown", "Format", string(f))
}

// ExportAll reads the whole registry and exports it, auditing the export.
func ExportAll(ctx context.Context, db *store.DB, actor store.Actor, w io.Writer, f Format, chinese bool) error {
	var units []pinggu.Unit
	err := db.Update(ctx, actor, func(tx *store.Tx) (err error) {
		if units, err = tx.Units(ctx); err != nil {
			return err
		}
		return tx.Audit(ctx, pinggu.ActionRegistryExport, "registry", "", nil, map[string]any{"format": f, "units": len(units)})
	})
	if err != nil {
		return err
	}
	return Export(w, units, f, chinese)
}
