package cli

import (
	"fmt"

	"pinggu"
	"pinggu/internal/sampling"
	"pinggu/internal/store"
	"pinggu/internal/tabular"
)

const seedHelp = `Usage:
  pinggu seed commitment --share S --salt T            (offline: print SHA-256(S|T))
  pinggu seed commit --campaign C --label L --party P --commitment HEX
  pinggu seed reveal --campaign C --label L --party P --share S --salt T
  pinggu seed show --campaign C --label L

Commit–reveal, when the seed should come from several parties instead of
dice: each party chooses a share and a salt, publishes only the commitment
(SHA-256 of share|salt) and registers it; when all have registered, each
reveals its share and salt, which must match. The seed is the hex SHA-256 of
the shares joined by "|" in registration order. Once a party has revealed,
nobody can join. 'pinggu draw units' (or respondents) without --seed then
uses that seed, and the record lists every party so that anyone can check it.`

func runSeed(e *env, args []string) error {
	fs := newFlags(e, "seed", seedHelp)
	dsn := dbFlag(e, fs, "pinggu.db")
	code := fs.String("campaign", "", "campaign code")
	label := fs.String("label", "", "draw label")
	party := fs.String("party", "", "party name")
	commitment := fs.String("commitment", "", "hex SHA-256 of share|salt")
	share := fs.String("share", "", "the party's share")
	salt := fs.String("salt", "", "the party's salt")
	if err := verb(fs, args, "commitment", "commit", "reveal", "show"); err != nil {
		return err
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if args[0] == "commitment" {
		fmt.Fprintln(e.stdout, sampling.Commitment(*share, *salt))
		return nil
	}
	db, err := e.open(*dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	c, err := campaignByCode(e, db, *code)
	if err != nil {
		return err
	}
	ctx := e.ctx
	switch args[0] {
	case "commit":
		return db.Update(ctx, e.actor(), func(tx *store.Tx) error { return tx.CommitSeed(ctx, c.ID, *label, *party, *commitment) })
	case "reveal":
		return db.Update(ctx, e.actor(), func(tx *store.Tx) error { return tx.RevealSeed(ctx, c.ID, *label, *party, *share, *salt) })
	}
	var parties []sampling.Party
	if err := db.View(ctx, func(tx *store.Tx) (err error) { parties, err = tx.SeedParties(ctx, c.ID, *label); return }); err != nil {
		return err
	}
	rows := [][]string{{"PARTY", "COMMITMENT", "REVEALED"}}
	all := len(parties) > 0
	for _, p := range parties {
		revealed := "-"
		if p.Share != "" {
			revealed = p.Share + " | " + p.Salt
		}
		all = all && p.Share != ""
		rows = append(rows, []string{p.Party, p.Commitment, revealed})
	}
	tabular.WriteColumns(e.stdout, "", rows)
	if all {
		fmt.Fprintln(e.stdout, e.l.T("seed.ready", "Seed", sampling.RevealedSeed(parties)))
	} else if len(parties) == 0 {
		return pinggu.Errorf(pinggu.ENotFound, "seed.none")
	}
	return nil
}
