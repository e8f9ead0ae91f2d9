package web

import (
	"net/http"
	"strconv"
	"time"

	"pinggu"
	"pinggu/internal/draw"
	"pinggu/internal/store"
)

// apiDraws lists a campaign's draws, voided ones with their void.
func (s *Server) apiDraws(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	var draws []store.DrawInfo
	if err := s.db.View(r.Context(), func(tx *store.Tx) (err error) { draws, err = tx.Draws(r.Context(), cp.ID); return }); err != nil {
		return err
	}
	type row struct {
		ID         int64  `json:"id"`
		Label      string `json:"label"`
		Kind       string `json:"kind"`
		Seed       string `json:"seed"`
		CreatedAt  string `json:"created_at"`
		Occasion   string `json:"occasion,omitempty"`
		VoidedAt   string `json:"voided_at,omitempty"`
		VoidReason string `json:"void_reason,omitempty"`
	}
	out := []row{}
	for _, d := range draws {
		x := row{ID: d.ID, Label: d.Label, Kind: d.Kind, Seed: d.Seed, CreatedAt: d.CreatedAt.Format(time.RFC3339), Occasion: d.Occasion, VoidReason: d.VoidReason}
		if d.Voided() {
			x.VoidedAt = d.VoidedAt.Format(time.RFC3339)
		}
		out = append(out, x)
	}
	return writeJSON(w, http.StatusOK, map[string]any{"draws": out})
}

// apiDrawCreate runs a ceremony's draw: {"kind": "units" | "respondents",
// "seed": "…", "label": "…"}, under the same rules as the web and the
// command line (no re-draw).
func (s *Server) apiDrawCreate(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	var in struct {
		Kind  string `json:"kind"`
		Seed  string `json:"seed"`
		Label string `json:"label"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	actor := store.ActorOf(c.User)
	switch in.Kind {
	case pinggu.DrawUnits:
		rec, err := draw.Units(r.Context(), s.db, actor, cp, in.Seed, in.Label)
		if err != nil {
			return err
		}
		s.anchorHead(w, r)
		return writeJSON(w, http.StatusCreated, rec)
	case pinggu.DrawRespondents:
		rec, missing, err := draw.Respondents(r.Context(), s.db, actor, cp, in.Seed, in.Label)
		if err != nil {
			return err
		}
		s.anchorHead(w, r)
		names := []string{}
		for _, u := range missing {
			names = append(names, u.Name)
		}
		return writeJSON(w, http.StatusCreated, map[string]any{"record": rec, "missing_rosters": names})
	}
	return pinggu.Invalid("draw.invalid", []pinggu.Problem{pinggu.NewProblem(0, "kind", "draw.kind_unknown", "Value", in.Kind)})
}

// apiDrawVoid voids a draw: {"reason": "…"}.
func (s *Server) apiDrawVoid(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	id, err := drawID(r)
	if err != nil {
		return err
	}
	if err := draw.Void(r.Context(), s.db, store.ActorOf(c.User), cp, id, in.Reason); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"voided": id})
}

// drawVoid is the record page's void form (admins).
func (s *Server) drawVoid(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	cp, err := s.campaignOf(r, c)
	if err != nil {
		return err
	}
	id, err := drawID(r)
	if err != nil {
		return err
	}
	back := "/campaigns/" + itoa(cp.ID) + "/draws/" + itoa(id)
	if err := draw.Void(r.Context(), s.db, store.ActorOf(c.User), cp, id, r.PostFormValue("reason")); err != nil {
		e := pinggu.AsError(err)
		if e.Code != pinggu.EInvalid && e.Code != pinggu.EConflict {
			return err
		}
		msg := c.L.Error(e)
		for _, p := range e.Problems {
			msg += " " + c.L.Problem(localizeField(c, p))
		}
		s.setFlash(r, "error", msg)
		return redirect(w, r, back)
	}
	s.setFlash(r, "ok", c.L.T("draw.voided_done", "Label", ""))
	return redirect(w, r, back)
}

// drawID is the draw id in the path.
func drawID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("did"), 10, 64)
	if err != nil {
		return 0, pinggu.Errorf(pinggu.ENotFound, "draw.not_found")
	}
	return id, nil
}
