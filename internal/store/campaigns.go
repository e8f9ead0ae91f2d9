package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"reflect"

	"pinggu"
)

const campaignColumns = "id, code, name, state, settings, created_at, updated_at, published_at"

func scanCampaign(s interface{ Scan(...any) error }) (*pinggu.Campaign, error) {
	var c pinggu.Campaign
	var state, settings string
	var published sql.NullTime
	if err := s.Scan(&c.ID, &c.Code, &c.Name, &state, &settings, &c.CreatedAt, &c.UpdatedAt, &published); err != nil {
		return nil, err
	}
	c.State = pinggu.CampaignState(state)
	if err := json.Unmarshal([]byte(settings), &c.Settings); err != nil {
		return nil, pinggu.Internal(err)
	}
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	if published.Valid {
		c.PublishedAt = published.Time.UTC()
	}
	return &c, nil
}

// Campaigns returns every campaign, newest first.
func (tx *Tx) Campaigns(ctx context.Context) ([]pinggu.Campaign, error) {
	rows, err := tx.query(ctx, "SELECT "+campaignColumns+" FROM campaigns ORDER BY id DESC")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []pinggu.Campaign
	for rows.Next() {
		c, err := scanCampaign(rows)
		if err != nil {
			return nil, pinggu.Internal(err)
		}
		out = append(out, *c)
	}
	return out, rows.Err()
}

// Campaign returns the campaign with id.
func (tx *Tx) Campaign(ctx context.Context, id int64) (*pinggu.Campaign, error) {
	c, err := scanCampaign(tx.queryRow(ctx, "SELECT "+campaignColumns+" FROM campaigns WHERE id = $1", id))
	if err := scanOne(err, "campaign.not_found"); err != nil {
		return nil, err
	}
	return c, nil
}

// CampaignByCode returns the campaign with code.
func (tx *Tx) CampaignByCode(ctx context.Context, code string) (*pinggu.Campaign, error) {
	c, err := scanCampaign(tx.queryRow(ctx, "SELECT "+campaignColumns+" FROM campaigns WHERE code = $1", code))
	if err := scanOne(err, "campaign.code_not_found", "Code", code); err != nil {
		return nil, err
	}
	return c, nil
}

func (tx *Tx) validateCampaign(ctx context.Context, c *pinggu.Campaign, complete bool) error {
	fws, err := tx.frameworkAudiences(ctx)
	if err != nil {
		return err
	}
	if ps := c.Validate(fws, complete); len(ps) > 0 {
		return pinggu.Invalid("campaign.invalid", ps)
	}
	return nil
}

// NewCampaign creates a draft campaign the one way every caller does — the
// web form, the API, the CLI, the demo and the benchmarks: the plan's
// default settings with the built-in frameworks, then adjust (when set)
// changes what its caller brings (posted settings, flags, deadlines).
func (tx *Tx) NewCampaign(ctx context.Context, code, name string, adjust func(*pinggu.Campaign) error) (*pinggu.Campaign, error) {
	c := &pinggu.Campaign{Code: code, Name: name, Settings: pinggu.DefaultSettings()}
	if err := tx.UseBuiltinFrameworks(ctx, &c.Settings); err != nil {
		return c, err
	}
	if adjust != nil {
		if err := adjust(c); err != nil {
			return c, err
		}
	}
	return c, tx.CreateCampaign(ctx, c)
}

// CreateCampaign stores a new draft campaign.
func (tx *Tx) CreateCampaign(ctx context.Context, c *pinggu.Campaign) error {
	c.State = pinggu.StateDraft
	if err := tx.validateCampaign(ctx, c, false); err != nil {
		return err
	}
	settings, _ := json.Marshal(c.Settings)
	c.CreatedAt, c.UpdatedAt = tx.Now, tx.Now
	err := tx.queryRow(ctx, `INSERT INTO campaigns (code, name, state, settings, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`, c.Code, c.Name, string(c.State), string(settings), tx.Now).Scan(&c.ID)
	if err != nil {
		return tx.uniqueOr(err, "campaign.code_taken", "Code", c.Code)
	}
	return tx.Audit(ctx, pinggu.ActionCampaignCreate, "campaign", c.ID, nil, auditCampaign(c))
}

// UpdateCampaign stores c's name and settings. Once published, what was
// promised — scale, frameworks, rates, kmin and minimums — may not change;
// once closed, nothing may.
func (tx *Tx) UpdateCampaign(ctx context.Context, c *pinggu.Campaign) error {
	before, err := tx.Campaign(ctx, c.ID)
	if err != nil {
		return err
	}
	if before.State.Closed() {
		return pinggu.Errorf(pinggu.EConflict, "campaign.closed", "State", string(before.State))
	}
	if before.State.Frozen() {
		if ps := frozenChanges(&before.Settings, &c.Settings); len(ps) > 0 {
			return &pinggu.Error{Code: pinggu.EConflict, Key: "campaign.frozen", Problems: ps}
		}
	}
	c.State, c.CreatedAt, c.PublishedAt = before.State, before.CreatedAt, before.PublishedAt
	if err := tx.validateCampaign(ctx, c, before.State.Frozen()); err != nil {
		return err
	}
	settings, _ := json.Marshal(c.Settings)
	c.UpdatedAt = tx.Now
	if _, err := tx.exec(ctx, `UPDATE campaigns SET code = $1, name = $2, settings = $3, updated_at = $4 WHERE id = $5`,
		c.Code, c.Name, string(settings), tx.Now, c.ID); err != nil {
		return tx.uniqueOr(err, "campaign.code_taken", "Code", c.Code)
	}
	return tx.Audit(ctx, pinggu.ActionCampaignUpdate, "campaign", c.ID, auditCampaign(before), auditCampaign(c))
}

// frozenChanges lists the promised settings that differ.
func frozenChanges(a, b *pinggu.Settings) []pinggu.Problem {
	var ps []pinggu.Problem
	check := func(field string, x, y any) {
		if !reflect.DeepEqual(x, y) {
			ps = append(ps, pinggu.NewProblem(0, field, "campaign.frozen_field"))
		}
	}
	check("scale", a.Scale, b.Scale)
	check("frameworks", a.Frameworks, b.Frameworks)
	check("rates", a.Rates, b.Rates)
	check("kmin", a.Kmin, b.Kmin)
	check("min_county", a.MinCounty, b.MinCounty)
	check("min_municipal", a.MinMunicipal, b.MinMunicipal)
	check("response_rate", a.ExpectedResponse(), b.ExpectedResponse())
	check("anonymity", a.MixSize(), b.MixSize())
	return ps
}

// AdvanceCampaign moves campaign id to state to. Publishing requires
// complete settings and freezes the current version of each framework the
// campaign uses.
func (tx *Tx) AdvanceCampaign(ctx context.Context, id int64, to pinggu.CampaignState) (*pinggu.Campaign, error) {
	c, err := tx.Campaign(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := c.CheckTransition(to); err != nil {
		return nil, err
	}
	from := c.State
	if to == pinggu.StatePublished {
		if err := tx.CheckPublishable(ctx, c); err != nil {
			return nil, err
		}
		seen := map[int64]bool{}
		for _, k := range pinggu.EvaluatedKinds {
			fid := c.Settings.Frameworks[k]
			if seen[fid] {
				continue
			}
			seen[fid] = true
			f, err := tx.Framework(ctx, fid)
			if err != nil {
				return nil, err
			}
			f.ID = 0
			doc, _ := json.Marshal(f)
			if _, err := tx.exec(ctx, `INSERT INTO campaign_frameworks (campaign_id, framework_id, version, doc)
				VALUES ($1, $2, $3, $4)`, c.ID, fid, f.Version, string(doc)); err != nil {
				return nil, err
			}
		}
		c.PublishedAt = tx.Now
		if _, err := tx.exec(ctx, "UPDATE campaigns SET published_at = $1 WHERE id = $2", tx.Now, c.ID); err != nil {
			return nil, err
		}
		// The survey keys are made here, by the one transaction that
		// publishes, never by two instances issuing the first codes at
		// once (each would write its own).
		if _, err := tx.db.keys.ensure(c.ID, nil); err != nil {
			return nil, pinggu.Internal(fmt.Errorf("survey keys: %w", err))
		}
	}
	if to == pinggu.StateClosed {
		// The survey is over: the last responses move, each kind
		// together however few, and once that is committed the campaign's
		// survey keys are destroyed: no copy of anything kept, with the
		// issue files, links a response to a code any more.
		if _, err := tx.MoveResponses(ctx, c.ID, true); err != nil {
			return nil, err
		}
		tx.afterCommit(func() {
			if err := tx.db.keys.shred(c.ID); err != nil {
				tx.db.log.Error("destroy the closed campaign's survey keys", "campaign", c.ID, "err", err)
			}
		})
	}
	c.State, c.UpdatedAt = to, tx.Now
	if _, err := tx.exec(ctx, "UPDATE campaigns SET state = $1, updated_at = $2 WHERE id = $3", string(to), tx.Now, c.ID); err != nil {
		return nil, err
	}
	return c, tx.Audit(ctx, pinggu.ActionCampaignTransition, "campaign", c.ID, map[string]any{"state": from}, map[string]any{"state": to})
}

// CheckPublishable reports what c still lacks to be published: every
// deadline and framework set, and all settings valid.
func (tx *Tx) CheckPublishable(ctx context.Context, c *pinggu.Campaign) error {
	return tx.validateCampaign(ctx, c, true)
}

// CampaignFramework returns the framework with id as campaign c uses it:
// the frozen copy once published, the current template before.
//
// The framework of a frozen campaign is shared between callers: read it,
// never change it.
func (tx *Tx) CampaignFramework(ctx context.Context, c *pinggu.Campaign, id int64) (*pinggu.Framework, error) {
	if !c.State.Frozen() {
		return tx.Framework(ctx, id)
	}
	var doc string
	err := tx.queryRow(ctx, "SELECT doc FROM campaign_frameworks WHERE campaign_id = $1 AND framework_id = $2", c.ID, id).Scan(&doc)
	if err := scanOne(err, "framework.not_found"); err != nil {
		return nil, err
	}
	// Every survey form opens the frozen framework: its parse is reused
	// for as long as the stored document is the same, byte for byte.
	if f, ok := tx.db.frozen.Load(doc); ok {
		return f.(*pinggu.Framework), nil
	}
	f, err := parseFramework(id, doc)
	if err != nil {
		return nil, err
	}
	tx.db.frozen.Store(doc, f)
	return f, nil
}

// Form is the survey form campaign c gives the units of kind: its
// framework for that kind, as c uses it, on c's scale.
func (tx *Tx) Form(ctx context.Context, c *pinggu.Campaign, kind pinggu.UnitKind) (pinggu.Form, error) {
	f, err := tx.CampaignFramework(ctx, c, c.Settings.Frameworks[kind])
	if err != nil {
		return pinggu.Form{}, err
	}
	return pinggu.BuildForm(f, c.Settings.Scale), nil
}

func auditCampaign(c *pinggu.Campaign) any {
	return struct {
		Code     string          `json:"code"`
		Name     string          `json:"name"`
		State    string          `json:"state"`
		Settings pinggu.Settings `json:"settings"`
	}{c.Code, c.Name, string(c.State), c.Settings}
}
