// Package survey runs the rating survey (随机测评): it issues one-time
// codes, builds each code's form from the campaign's frozen framework, and
// takes a submission exactly once without ever linking it to its code.
package survey

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	"pinggu"
	"pinggu/internal/store"
)

// MaxBatch is the most codes one request issues.
const MaxBatch = 10_000

// Issue draws n codes for a unit (optionally a respondent category) and
// stores their hashes. The codes themselves are returned once, to be
// printed or sent, and kept nowhere.
func Issue(ctx context.Context, db *store.DB, actor store.Actor, c *pinggu.Campaign, u *pinggu.Unit, category string, n int) ([]string, string, error) {
	if !c.State.Collecting() {
		return nil, "", pinggu.Errorf(pinggu.EConflict, "draw.campaign_state", "State", string(c.State))
	}
	if n < 1 || n > MaxBatch {
		return nil, "", pinggu.Invalid("survey.invalid", []pinggu.Problem{pinggu.NewProblem(0, "n", "survey.batch_range", "Max", MaxBatch, "Value", n)})
	}
	if category != "" {
		known := false
		for _, x := range pinggu.RosterCategories {
			known = known || x == category
		}
		if !known {
			return nil, "", pinggu.Invalid("survey.invalid", []pinggu.Problem{pinggu.NewProblem(0, "category", "roster.category_unknown", "Value", category, "Known", "")})
		}
	}
	codes := make([]string, n)
	b := make([]byte, 6)
	rand.Read(b)
	batch := hex.EncodeToString(b)
	err := db.Update(ctx, actor, func(tx *store.Tx) error {
		for i := range codes {
			codes[i] = pinggu.NewCode()
		}
		hashes, err := tx.HashCodes(ctx, c.ID, codes)
		if err != nil {
			return err
		}
		return tx.IssueCodes(ctx, c.ID, u.ID, category, batch, hashes)
	})
	if err != nil {
		return nil, "", err
	}
	return codes, batch, nil
}

// Ballot is what a code opens: the form, the unit it rates, its campaign.
type Ballot struct {
	Code     *store.CodeInfo
	Campaign *pinggu.Campaign
	Unit     *pinggu.Unit
	Form     pinggu.Form
}

// Open finds what a well-formed code is bound to and builds its form. A
// spent, voided or closed code is reported by the error's key.
func Open(ctx context.Context, db *store.DB, code string) (*Ballot, error) {
	var b Ballot
	err := db.View(ctx, func(tx *store.Tx) error {
		var err error
		if b.Code, err = tx.FindCode(ctx, code); err != nil {
			return err
		}
		if b.Campaign, err = tx.Campaign(ctx, b.Code.Campaign); err != nil {
			return err
		}
		if b.Unit, err = tx.Unit(ctx, b.Code.Unit); err != nil {
			return err
		}
		b.Form, err = tx.Form(ctx, b.Campaign, b.Unit.Kind)
		return err
	})
	if err != nil {
		return nil, err
	}
	switch {
	case b.Code.State == pinggu.CodeVoided:
		return &b, pinggu.Errorf(pinggu.EConflict, "survey.code_voided")
	case !b.Campaign.State.Collecting():
		return &b, pinggu.Errorf(pinggu.EConflict, "survey.closed")
	}
	return &b, nil
}

// Submit checks the answers and, when they are complete, spends the code
// and stores the response in one transaction. It returns the code's state
// before: CodeSpent means "already received" and nothing new was stored.
func Submit(ctx context.Context, db *store.DB, b *Ballot, code string, get func(string) string, now time.Time) (string, []pinggu.Problem, error) {
	answers, overall, comment, problems := b.Form.Read(get)
	if len(problems) > 0 {
		return "", problems, nil
	}
	r := &pinggu.Response{CampaignID: b.Campaign.ID, UnitID: b.Unit.ID, Category: b.Code.Category, Channel: pinggu.ChannelOnline,
		Day: store.Day(now), Answers: answers, Overall: overall, Comment: comment}
	var state string
	err := db.Batch(ctx, store.Actor{Login: "respondent"}, func(tx *store.Tx) error {
		c, err := tx.Campaign(ctx, b.Campaign.ID) // closed since the form was opened?
		if err != nil {
			return err
		}
		if !c.State.Collecting() {
			return pinggu.Errorf(pinggu.EConflict, "survey.closed")
		}
		// The code given, under its campaign's key: a ballot opened once
		// may serve several codes of its unit (the demo, the paper form).
		hash, err := tx.HashCode(ctx, c.ID, code)
		if err != nil {
			return err
		}
		state, err = tx.Submit(ctx, hash, r)
		return err
	})
	if err != nil {
		return "", nil, err
	}
	if state == pinggu.CodeVoided {
		return state, nil, pinggu.Errorf(pinggu.EConflict, "survey.code_voided")
	}
	if state == pinggu.CodeIssued {
		db.Mix(ctx, store.Kind{Campaign: r.CampaignID, Unit: r.UnitID, Category: r.Category, Channel: r.Channel})
	}
	return state, nil, nil
}
