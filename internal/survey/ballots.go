package survey

import (
	"context"
	"time"

	"pinggu"
	"pinggu/internal/store"
)

// Paper ballots (纸质测评表): two clerks key each ballot's code and answers;
// matching keyings spend the code and count once, differing ones wait for a
// third person who reads the paper (store.KeyBallot, store.Reconcile). Here
// is every way a paper ballot is opened and counted, beside the online
// answer, so that the web, the demo and any other caller do it one way.

// OpenPaper opens a typed code for a clerk keying ballots of campaign c:
// the code must be of c, and its unit one whose codes the clerk may issue.
func OpenPaper(ctx context.Context, db *store.DB, clerk *pinggu.User, c *pinggu.Campaign, code string) (*Ballot, error) {
	b, err := Open(ctx, db, code)
	if err != nil && pinggu.ErrorCodeOf(err) != pinggu.EConflict {
		return nil, err
	}
	if b != nil && b.Campaign.ID != c.ID {
		return nil, pinggu.Errorf(pinggu.EInvalid, "ballot.other_campaign")
	}
	if err != nil {
		return nil, err
	}
	var path *pinggu.UnitPath
	if err := db.View(ctx, func(tx *store.Tx) (err error) { path, err = tx.UnitPath(ctx, b.Unit.ID); return }); err != nil {
		return nil, err
	}
	if err := pinggu.Authorize(clerk, pinggu.PermCodesIssue, path); err != nil {
		return nil, err
	}
	return b, nil
}

// KeyPaper records one clerk's keying of the ballot opened with code: the
// form's answers read by get. Problems (a missing answer) store nothing. A
// keying that matches the first spends the code and counts the response.
// The outcome is one of pinggu.Ballot*.
func KeyPaper(ctx context.Context, db *store.DB, clerk *pinggu.User, b *Ballot, code string, get func(string) string, now time.Time) (string, []pinggu.Problem, error) {
	answers, overall, comment, problems := b.Form.Read(get)
	if len(problems) > 0 {
		return "", problems, nil
	}
	var outcome string
	err := db.Update(ctx, store.ActorOf(clerk), func(tx *store.Tx) error {
		hash, err := tx.HashCode(ctx, b.Campaign.ID, code)
		if err != nil {
			return err
		}
		outcome, err = tx.KeyBallot(ctx, &store.Ballot{CodeHash: hash, ClerkID: clerk.ID, Answers: answers, Overall: overall, Comment: comment}, store.Day(now))
		return err
	})
	if err != nil {
		return "", nil, err
	}
	if outcome == pinggu.BallotMatched {
		db.Mix(ctx, paperKind(b.Campaign.ID, b.Unit.ID, b.Code.Category))
	}
	return outcome, nil, nil
}

// Reconcile settles the disagreeing keyings of the ballot whose code has
// hash in campaign c, with the answers a third person read from the paper
// (get), for a clerk who may issue the codes of its unit.
func Reconcile(ctx context.Context, db *store.DB, clerk *pinggu.User, c *pinggu.Campaign, hash string, get func(string) string, now time.Time) error {
	var kind store.Kind
	err := db.Update(ctx, store.ActorOf(clerk), func(tx *store.Tx) error {
		entries, err := tx.Mismatch(ctx, c.ID, hash)
		if err != nil {
			return err
		}
		path, err := tx.UnitPath(ctx, entries[0].Unit)
		if err != nil {
			return err
		}
		if err := pinggu.Authorize(clerk, pinggu.PermCodesIssue, path); err != nil {
			return err
		}
		code, err := tx.Code(ctx, hash)
		if err != nil {
			return err
		}
		kind = paperKind(c.ID, path.Unit.ID, code.Category)
		form, err := tx.Form(ctx, c, path.Unit.Kind)
		if err != nil {
			return err
		}
		answers, overall, comment, problems := form.Read(get)
		if len(problems) > 0 {
			return pinggu.Invalid("ballot.incomplete", problems)
		}
		return tx.Reconcile(ctx, &store.Ballot{CodeHash: hash, ClerkID: clerk.ID, Answers: answers, Overall: overall, Comment: comment}, store.Day(now))
	})
	if err != nil {
		return err
	}
	db.Mix(ctx, kind)
	return nil
}

func paperKind(campaign, unit int64, category string) store.Kind {
	return store.Kind{Campaign: campaign, Unit: unit, Category: category, Channel: pinggu.ChannelPaper}
}
