package store

import (
	"context"
	"encoding/json"

	"pinggu"
)

func scanFramework(s interface{ Scan(...any) error }) (*pinggu.Framework, error) {
	var id int64
	var doc string
	if err := s.Scan(&id, &doc); err != nil {
		return nil, err
	}
	return parseFramework(id, doc)
}

func parseFramework(id int64, doc string) (*pinggu.Framework, error) {
	var f pinggu.Framework
	if err := json.Unmarshal([]byte(doc), &f); err != nil {
		return nil, pinggu.Internal(err)
	}
	f.ID = id
	return &f, nil
}

// Frameworks returns the current version of every framework template.
func (tx *Tx) Frameworks(ctx context.Context) ([]pinggu.Framework, error) {
	rows, err := tx.query(ctx, "SELECT id, doc FROM frameworks ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []pinggu.Framework
	for rows.Next() {
		f, err := scanFramework(rows)
		if err != nil {
			return nil, pinggu.Internal(err)
		}
		out = append(out, *f)
	}
	return out, rows.Err()
}

// Framework returns the current version of the template with id.
func (tx *Tx) Framework(ctx context.Context, id int64) (*pinggu.Framework, error) {
	f, err := scanFramework(tx.queryRow(ctx, "SELECT id, doc FROM frameworks WHERE id = $1", id))
	if err := scanOne(err, "framework.not_found"); err != nil {
		return nil, err
	}
	return f, nil
}

// FrameworkByCode returns the current version of the template with code.
func (tx *Tx) FrameworkByCode(ctx context.Context, code string) (*pinggu.Framework, error) {
	f, err := scanFramework(tx.queryRow(ctx, "SELECT id, doc FROM frameworks WHERE code = $1", code))
	if err := scanOne(err, "framework.code_not_found", "Code", code); err != nil {
		return nil, err
	}
	return f, nil
}

// FrameworkVersion returns one saved version of a template.
func (tx *Tx) FrameworkVersion(ctx context.Context, id int64, version int) (*pinggu.Framework, error) {
	f, err := scanFramework(tx.queryRow(ctx, "SELECT framework_id, doc FROM framework_versions WHERE framework_id = $1 AND version = $2", id, version))
	if err := scanOne(err, "framework.not_found"); err != nil {
		return nil, err
	}
	return f, nil
}

// frameworkAudiences maps every template ID to its audience, for campaign
// validation.
func (tx *Tx) frameworkAudiences(ctx context.Context) (map[int64]pinggu.Audience, error) {
	rows, err := tx.query(ctx, "SELECT id, audience FROM frameworks")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]pinggu.Audience{}
	for rows.Next() {
		var id int64
		var a string
		if err := rows.Scan(&id, &a); err != nil {
			return nil, pinggu.Internal(err)
		}
		out[id] = pinggu.Audience(a)
	}
	return out, rows.Err()
}

// SaveFramework validates f and stores it as a new version: version 1 of a
// new template (f.ID 0), or the next version of an existing one. Every
// version stays readable; campaigns keep the version they froze.
func (tx *Tx) SaveFramework(ctx context.Context, f *pinggu.Framework) error {
	if ps := f.Validate(); len(ps) > 0 {
		return pinggu.Invalid("framework.invalid", ps)
	}
	var before *pinggu.Framework
	if f.ID == 0 {
		f.Version = 1
	} else {
		var err error
		if before, err = tx.Framework(ctx, f.ID); err != nil {
			return err
		}
		if before.Audience != f.Audience {
			return pinggu.Invalid("framework.invalid", []pinggu.Problem{pinggu.NewProblem(0, "audience", "framework.audience_fixed")})
		}
		f.Version = before.Version + 1
	}
	id := f.ID
	f.ID = 0 // the ID is not part of the stored document
	doc, err := json.Marshal(f)
	f.ID = id
	if err != nil {
		return pinggu.Internal(err)
	}
	if f.ID == 0 {
		err = tx.queryRow(ctx, `INSERT INTO frameworks (code, name, audience, version, doc, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`, f.Code, f.Name, string(f.Audience), f.Version, string(doc), tx.Now).Scan(&f.ID)
		if err != nil {
			return tx.uniqueOr(err, "framework.code_taken", "Code", f.Code)
		}
	} else if _, err := tx.exec(ctx, `UPDATE frameworks SET code = $1, name = $2, version = $3, doc = $4, updated_at = $5 WHERE id = $6`,
		f.Code, f.Name, f.Version, string(doc), tx.Now, f.ID); err != nil {
		return tx.uniqueOr(err, "framework.code_taken", "Code", f.Code)
	}
	if _, err := tx.exec(ctx, `INSERT INTO framework_versions (framework_id, version, doc, actor, created_at)
		VALUES ($1, $2, $3, $4, $5)`, f.ID, f.Version, string(doc), tx.Actor.Login, tx.Now); err != nil {
		return err
	}
	summary := func(x *pinggu.Framework) any {
		if x == nil {
			return nil
		}
		return map[string]any{"code": x.Code, "name": x.Name, "version": x.Version, "items": len(x.ActiveItems())}
	}
	return tx.Audit(ctx, pinggu.ActionFrameworkSave, "framework", f.ID, summary(before), summary(f))
}

// EnsureBuiltinFrameworks installs the work plan's frameworks when no
// template with their code exists yet.
func (tx *Tx) EnsureBuiltinFrameworks(ctx context.Context) error {
	builtins, err := pinggu.BuiltinFrameworks()
	if err != nil {
		return pinggu.Internal(err)
	}
	for i := range builtins {
		_, err := tx.FrameworkByCode(ctx, builtins[i].Code)
		if pinggu.ErrorCodeOf(err) != pinggu.ENotFound {
			if err != nil {
				return err
			}
			continue
		}
		if err := tx.SaveFramework(ctx, &builtins[i]); err != nil {
			return err
		}
	}
	return nil
}

// UseBuiltinFrameworks points every evaluated kind of st at the built-in
// framework of its audience, where that framework exists.
func (tx *Tx) UseBuiltinFrameworks(ctx context.Context, st *pinggu.Settings) error {
	ids := map[pinggu.Audience]int64{}
	for _, code := range []string{"leadership", "branch"} {
		f, err := tx.FrameworkByCode(ctx, code)
		if pinggu.ErrorCodeOf(err) == pinggu.ENotFound {
			continue
		}
		if err != nil {
			return err
		}
		ids[f.Audience] = f.ID
	}
	for _, k := range pinggu.EvaluatedKinds {
		if id := ids[pinggu.AudienceOf(k)]; id != 0 {
			st.Frameworks[k] = id
		}
	}
	return nil
}
