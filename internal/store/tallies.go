package store

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"strings"

	"pinggu"
)

// TallyKey names one cell of the tallies: a unit, the category its codes
// carried, a question (an item code or pinggu.OverallCode) and a level
// index (pinggu.Unknown for 不了解).
type TallyKey struct {
	Unit     int64
	Category string
	Question string
	Level    int
}

// TallyRow is a cell with its count.
type TallyRow struct {
	TallyKey
	N int
}

// countAnswers adds one response's answers to counts.
func countAnswers(counts map[TallyKey]int, r *responseRow) error {
	err := ScanAnswers(r.answers, func(q string, level int) { counts[TallyKey{r.unit, r.category, q, level}]++ })
	if err != nil {
		return pinggu.Internal(err)
	}
	counts[TallyKey{r.unit, r.category, pinggu.OverallCode, r.overall}]++
	return nil
}

// addTallies adds the moved responses' answers to the tallies and the
// answer profiles of their campaigns, in the transaction that moves them.
func (tx *Tx) addTallies(ctx context.Context, moved []responseRow) error {
	counts := map[int64]map[TallyKey]int{}
	profiles := map[int64]map[ProfileKey]int{}
	dims := newDimensionIndex(tx)
	for i := range moved {
		r := &moved[i]
		if counts[r.campaign] == nil {
			counts[r.campaign] = map[TallyKey]int{}
			profiles[r.campaign] = map[ProfileKey]int{}
		}
		if err := countAnswers(counts[r.campaign], r); err != nil {
			return err
		}
		if err := dims.countProfiles(ctx, profiles[r.campaign], r); err != nil {
			return err
		}
	}
	for campaign, cells := range profiles {
		if err := tx.addProfiles(ctx, campaign, sortedProfiles(cells)); err != nil {
			return err
		}
	}
	for campaign, cells := range counts {
		for _, row := range sortedTallies(cells) {
			if _, err := tx.exec(ctx, `INSERT INTO tallies (campaign_id, unit_id, category, question, level, n)
				VALUES ($1, $2, $3, $4, $5, $6)
				ON CONFLICT (campaign_id, unit_id, category, question, level) DO UPDATE SET n = tallies.n + excluded.n`,
				campaign, row.Unit, row.Category, row.Question, row.Level, row.N); err != nil {
				return err
			}
		}
	}
	return nil
}

// sortedTallies lists counts in key order, so that writes and
// comparisons do not depend on map order.
func sortedTallies(counts map[TallyKey]int) []TallyRow {
	out := make([]TallyRow, 0, len(counts))
	for k, n := range counts {
		out = append(out, TallyRow{k, n})
	}
	sortTallies(out)
	return out
}

func sortTallies(rows []TallyRow) {
	slices.SortFunc(rows, func(a, b TallyRow) int {
		return cmp.Or(cmp.Compare(a.Unit, b.Unit), strings.Compare(a.Category, b.Category),
			strings.Compare(a.Question, b.Question), cmp.Compare(a.Level, b.Level))
	})
}

// Tallies returns a campaign's tallies, in key order: every response that
// has left the inbox, counted once per question.
func (tx *Tx) Tallies(ctx context.Context, campaign int64) ([]TallyRow, error) {
	rows, err := tx.query(ctx, `SELECT unit_id, category, question, level, n FROM tallies
		WHERE campaign_id = $1 AND n > 0`, campaign)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TallyRow
	for rows.Next() {
		var r TallyRow
		if err := rows.Scan(&r.Unit, &r.Category, &r.Question, &r.Level, &r.N); err != nil {
			return nil, pinggu.Internal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, pinggu.Internal(err)
	}
	// Sorted here, not by the database, whose collation of text may differ
	// from the recount's.
	sortTallies(out)
	return out, nil
}

// RecomputeTallies counts a campaign's stored responses from their raw
// answers, in key order. It must equal Tallies; a test proves it, and
// `pinggu report check` compares them on a live database.
func (tx *Tx) RecomputeTallies(ctx context.Context, campaign int64) ([]TallyRow, error) {
	counts := map[TallyKey]int{}
	err := tx.eachRow(ctx, campaign, func(r *responseRow) error { return countAnswers(counts, r) })
	if err != nil {
		return nil, err
	}
	return sortedTallies(counts), nil
}

// EachResponse calls fn with each moved response of a campaign, in the
// order of their random ids, reading one at a time. fn may keep nothing:
// the response and its answers are reused.
func (tx *Tx) EachResponse(ctx context.Context, campaign int64, fn func(*pinggu.Response) error) error {
	var r pinggu.Response
	r.Answers = map[string]int{}
	return tx.eachRow(ctx, campaign, func(row *responseRow) error {
		clear(r.Answers)
		r = pinggu.Response{ID: row.id, CampaignID: row.campaign, UnitID: row.unit, Category: row.category, Channel: row.channel,
			Day: row.day, Answers: r.Answers, Overall: row.overall, Comment: row.comment}
		if err := ScanAnswers(row.answers, func(q string, level int) { r.Answers[q] = level }); err != nil {
			return pinggu.Internal(err)
		}
		return fn(&r)
	})
}

// RawResponse is a stored response with its answers as stored, for
// readers of millions that parse them with ScanAnswers themselves.
type RawResponse struct {
	UnitID   int64
	Category string
	Channel  string
	Answers  string
	Overall  int
}

// EachRawResponse calls fn with each moved response of a campaign, in the
// order of their random ids, without its id, day or comment. fn may keep
// nothing.
func (tx *Tx) EachRawResponse(ctx context.Context, campaign int64, fn func(*RawResponse) error) error {
	rows, err := tx.query(ctx, "SELECT unit_id, category, channel, answers, overall FROM responses WHERE "+byCampaignInIDOrder, campaign)
	if err != nil {
		return err
	}
	defer rows.Close()
	var r RawResponse
	for rows.Next() {
		if err := rows.Scan(&r.UnitID, &r.Category, &r.Channel, &r.Answers, &r.Overall); err != nil {
			return pinggu.Internal(err)
		}
		if err := fn(&r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// byCampaignInIDOrder reads a campaign's responses in the order of their
// random ids. The unary plus keeps SQLite from taking the (campaign, unit)
// index, which would then sort every row: scanning the table in its key
// order needs no sort (measured: 1.9× faster at 20,000 rows).
const byCampaignInIDOrder = "+campaign_id = $1 ORDER BY id"

func (tx *Tx) eachRow(ctx context.Context, campaign int64, fn func(*responseRow) error) error {
	rows, err := tx.query(ctx, "SELECT "+responseColumns+" FROM responses WHERE "+byCampaignInIDOrder, campaign)
	if err != nil {
		return err
	}
	defer rows.Close()
	var row responseRow
	fields := row.fields()
	for rows.Next() {
		if err := rows.Scan(fields...); err != nil {
			return pinggu.Internal(err)
		}
		if err := fn(&row); err != nil {
			return err
		}
	}
	return rows.Err()
}

// RespondentSamples returns, per stratum of a campaign's respondent draws
// (a unit's element id), how many people have been invited: those
// selected, those released to replace a non-response, and the replaced
// non-responses themselves — the denominator of AAPOR's RR1 (S3).
func (tx *Tx) RespondentSamples(ctx context.Context, campaign int64) (map[string]int, error) {
	rows, err := tx.query(ctx, `SELECT e.stratum, COUNT(*) FROM draw_entries e JOIN draws d ON d.id = e.draw_id
		WHERE d.campaign_id = $1 AND d.kind = 'respondents' AND d.voided_at IS NULL AND e.status <> 'queued'
		GROUP BY e.stratum`, campaign)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, pinggu.Internal(err)
		}
		out[s] = n
	}
	return out, rows.Err()
}

// LoadResponses stores responses as if they had been submitted with codes
// and moved from the inbox: into responses with random ids, and into the
// tallies. It spends no code and is for loads that have none — the
// benchmarks' synthetic campaigns — never for respondents.
func (tx *Tx) LoadResponses(ctx context.Context, rs []pinggu.Response) error {
	rows := make([]responseRow, len(rs))
	for i := range rs {
		answers, _ := json.Marshal(rs[i].Answers)
		rows[i] = responseRow{randomID(), rs[i].CampaignID, rs[i].UnitID, rs[i].Category, rs[i].Channel, rs[i].Day, string(answers), rs[i].Overall, rs[i].Comment}
		if err := tx.insertResponse(ctx, "responses", &rows[i]); err != nil {
			return err
		}
	}
	return tx.addTallies(ctx, rows)
}

// Comments returns the comments left on the moved responses of the given
// units of a campaign, by unit, each unit's in the random order of the
// response ids. Nothing else of a response comes with its comment.
func (tx *Tx) Comments(ctx context.Context, campaign int64, units []int64) (map[int64][]string, error) {
	out := map[int64][]string{}
	if len(units) == 0 {
		return out, nil
	}
	want := map[int64]bool{}
	for _, u := range units {
		want[u] = true
	}
	rows, err := tx.query(ctx, "SELECT unit_id, comment FROM responses WHERE campaign_id = $1 AND comment <> '' ORDER BY unit_id, id", campaign)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var u int64
		var c string
		if err := rows.Scan(&u, &c); err != nil {
			return nil, pinggu.Internal(err)
		}
		if want[u] {
			out[u] = append(out[u], c)
		}
	}
	return out, rows.Err()
}
