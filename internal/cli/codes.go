package cli

import (
	"fmt"
	"os"
	"strings"

	"pinggu"
	"pinggu/internal/store"
	"pinggu/internal/survey"
	"pinggu/internal/tabular"
)

const codesHelp = `Usage:
  pinggu codes issue --campaign C --unit U --n N [--category 党员] --out FILE.xlsx|FILE.csv
  pinggu codes void --campaign C --unit U [--batch B]

Issues N one-time survey codes (测评码) for a unit, optionally bound to a
respondent category, and writes them once — for SMS or printing — with the
link /s/<code>. pinggu keeps only their keyed hashes: a lost file cannot be
recovered, only voided and issued again. --base sets the address printed in
the links (default http://127.0.0.1:8080). Each issue is a batch, named in
the output; void voids a batch's unspent codes (all the unit's without --batch).`

func runCodes(e *env, args []string) error {
	fs := newFlags(e, "codes", codesHelp)
	dsn := dbFlag(e, fs, "pinggu.db")
	code := fs.String("campaign", "", "campaign code")
	unitID := fs.String("unit", "", "unit code")
	n := fs.Int("n", 0, "number of codes")
	category := fs.String("category", "", "respondent category the codes are bound to")
	out := fs.String("out", "", "output file (.xlsx or .csv)")
	base := fs.String("base", "http://127.0.0.1:8080", "the server's address, for the links")
	batch := fs.String("batch", "", "batch to void")
	db, err := e.begin(fs, dsn, args, "issue", "void")
	if err != nil {
		return err
	}
	defer db.Close()
	if args[0] == "issue" && !strings.HasSuffix(*out, ".xlsx") && !strings.HasSuffix(*out, ".csv") {
		return pinggu.Invalid("survey.invalid", []pinggu.Problem{pinggu.NewProblem(0, "out", "survey.out_format")})
	}
	c, err := campaignByCode(e, db, *code)
	if err != nil {
		return err
	}
	u, err := unitByElementID(e, db, *unitID)
	if err != nil {
		return err
	}
	if args[0] == "void" {
		return voidCodes(e, db, c, u, *batch)
	}
	return issueCodes(e, db, c, u, *category, *n, *out, *base)
}

// voidCodes voids the unspent codes of the unit's batch (all its batches
// for "").
func voidCodes(e *env, db *store.DB, c *pinggu.Campaign, u *pinggu.Unit, batch string) error {
	var n int
	err := db.Update(e.ctx, e.actor(), func(tx *store.Tx) (err error) { n, err = tx.VoidBatch(e.ctx, c.ID, u.ID, batch); return })
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, e.l.T("survey.voided", "N", n, "Unit", u.Name))
	return nil
}

// issueCodes issues n codes of the unit, bound to category, and writes
// them once with their links to out (.xlsx or .csv).
func issueCodes(e *env, db *store.DB, c *pinggu.Campaign, u *pinggu.Unit, category string, n int, out, base string) error {
	codes, issued, err := survey.Issue(e.ctx, db, e.actor(), c, u, category, n)
	if err != nil {
		return err
	}
	rows := make([][]string, len(codes))
	for i, c := range codes {
		rows[i] = []string{pinggu.FormatCode(c), strings.TrimRight(base, "/") + "/s/" + c, u.Name, category, issued}
	}
	header := []string{"测评码", "链接", "单位", "类别", "批次"}
	f, err := os.Create(out)
	if err != nil {
		return pinggu.Internal(err)
	}
	defer f.Close()
	if strings.HasSuffix(out, ".xlsx") {
		err = tabular.WriteXLSX(f, "测评码", header, rows)
	} else {
		err = tabular.WriteCSV(f, header, rows)
	}
	if err != nil {
		return pinggu.Internal(err)
	}
	fmt.Fprintln(e.stdout, e.l.T("survey.issued", "N", len(codes), "Unit", u.Name, "File", out, "Batch", issued))
	return nil
}
