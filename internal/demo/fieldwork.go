package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"pinggu"
	"pinggu/internal/draw"
	"pinggu/internal/report"
	"pinggu/internal/results"
	"pinggu/internal/roster"
	"pinggu/internal/store"
	"pinggu/internal/survey"
)

// rosters gives every drawn unit an invented roster (its Party members and
// some citizens), freezes them, draws the respondents, and records two
// non-responses.
func rosters(ctx context.Context, db *store.DB, actor store.Actor, c *pinggu.Campaign) error {
	var units []pinggu.Unit
	err := db.View(ctx, func(tx *store.Tx) error {
		sampled, err := tx.SampledUnits(ctx, c.ID)
		if err != nil {
			return err
		}
		all, err := tx.Units(ctx)
		for _, u := range all {
			if sampled[u.ElementID()] {
				units = append(units, u)
			}
		}
		return err
	})
	if err != nil {
		return err
	}
	for _, u := range units {
		var b strings.Builder
		b.WriteString("姓名,手机号,类别,备注\n")
		n := u.Headcount + u.Headcount/5
		for i := 0; i < n; i++ {
			cat := "党员"
			switch {
			case i >= u.Headcount && i%3 == 0:
				cat = "服务对象"
			case i >= u.Headcount:
				cat = "群众"
			case i%17 == 0:
				cat = "两代表一委员"
			}
			key := fmt.Sprintf("%s-%d", u.ElementID(), i)
			fmt.Fprintf(&b, "%s,%s,%s,\n", person(key), mobile(key), cat)
		}
		if _, err := roster.Upload(ctx, db, actor, c, &u, "名单.csv", []byte(b.String()), false); err != nil {
			return err
		}
		if _, err := roster.Freeze(ctx, db, actor, c, &u, "", pinggu.DefaultMinShare); err != nil {
			return err
		}
	}
	rec, _, err := draw.Respondents(ctx, db, actor, c, DemoSeed2, "2026-respondents")
	if err != nil {
		return err
	}
	// Two people of the first stratum could not be reached.
	err = db.Update(ctx, actor, func(tx *store.Tx) error {
		draws, err := tx.Draws(ctx, c.ID)
		if err != nil {
			return err
		}
		s := rec.Strata[0]
		for i, reason := range []string{"no_answer_3_attempts", "refused"} {
			if _, err := tx.Replace(ctx, draws[len(draws)-1].ID, s.Stratum, s.Order[i].ID, reason, ""); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return responses(ctx, db, actor, c)
}

// responses issues 40 codes to 市委办公室 (M001) and answers 32 of them, so
// that the progress board has figures; the answers lean favourable.
func responses(ctx context.Context, db *store.DB, actor store.Actor, c *pinggu.Campaign) error {
	var m001 *pinggu.Unit
	if err := db.View(ctx, func(tx *store.Tx) (err error) { m001, err = tx.UnitByCode(ctx, "M001"); return }); err != nil {
		return err
	}
	codes, _, err := survey.Issue(ctx, db, actor, c, m001, "", 40)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(7, 7))
	answer := func(code string) (*survey.Ballot, map[string]string, error) {
		b, err := survey.Open(ctx, db, code)
		if err != nil {
			return nil, nil, err
		}
		answers := map[string]string{pinggu.OverallCode: fmt.Sprint(min(3, rng.IntN(4)/2+rng.IntN(2)))}
		for _, q := range b.Form.Questions {
			v := fmt.Sprint(min(3, rng.IntN(3)*rng.IntN(2)+rng.IntN(2)))
			if rng.IntN(20) == 0 {
				v = "u"
			}
			answers[q.Code] = v
		}
		return b, answers, nil
	}
	for _, code := range codes[:32] {
		b, answers, err := answer(code)
		if err != nil {
			return err
		}
		if _, problems, err := survey.Submit(ctx, db, b, code, func(k string) string { return answers[k] }, time.Now()); err != nil || len(problems) > 0 {
			return fmt.Errorf("demo response: %v %v", err, problems)
		}
	}
	if err := paperBallots(ctx, db, codes[32:36], answer); err != nil {
		return err
	}
	return fieldwork(ctx, db, actor, c)
}

// fieldwork answers the survey of every other unit with a respondent
// sample — codes for the whole sample, about nine in ten answered, each
// unit leaning its own way — moves the inbox so that the results count
// every response, grades part of 广陵区's checklist as pinggu1, and starts
// the reports of 广陵区 (a draft) and 市委办公室 (submitted).
func fieldwork(ctx context.Context, db *store.DB, actor store.Actor, c *pinggu.Campaign) error {
	var units []pinggu.Unit
	var samples map[string]int
	byID := map[int64]pinggu.Unit{}
	err := db.View(ctx, func(tx *store.Tx) (err error) {
		if samples, err = tx.RespondentSamples(ctx, c.ID); err != nil {
			return err
		}
		all, err := tx.Units(ctx)
		for _, u := range all {
			byID[u.ID] = u
			if samples[u.ElementID()] > 0 && u.Code != "M001" {
				units = append(units, u)
			}
		}
		return err
	})
	if err != nil {
		return err
	}
	for _, u := range units {
		n := samples[u.ElementID()]
		codes, _, err := survey.Issue(ctx, db, actor, c, &u, "", n)
		if err != nil {
			return err
		}
		// About nine in ten answer; in 广陵区 only three in four, so its
		// county falls short of the minimum and its report needs the
		// justification the office reads.
		skip := 10
		if inCounty(byID, u, "321002") {
			skip = 4
		}
		if err := answerAll(ctx, db, u, codes, skip); err != nil {
			return err
		}
	}
	if err := db.Update(ctx, actor, func(tx *store.Tx) error { _, err := tx.MoveResponses(ctx, c.ID, true); return err }); err != nil {
		return err
	}
	if err := selfChecks(ctx, db, c); err != nil {
		return fmt.Errorf("self-assessments: %w", err)
	}
	if err := hearings(ctx, db, c); err != nil {
		return fmt.Errorf("hearings: %w", err)
	}
	return reports(ctx, db, c)
}

// demoComments are what respondents in the demo write in the comment box.
var demoComments = []string{
	"希望领导干部多到基层走一走，听听群众的真实想法。",
	"整改要落到实处，不要只停留在纸面上。",
	"学习活动形式可以再灵活一些，减少集中开会。",
	"老旧小区改造进度偏慢，希望加快。",
	"办事流程比以前简化了，点赞。",
	"调研报告不少，但解决实际问题的还不够多。",
	"希望把主题教育和日常工作结合起来，不搞形式主义。",
	"支部组织生活比以前规范了。",
}

// inCounty reports whether u lies in the county of code.
func inCounty(byID map[int64]pinggu.Unit, u pinggu.Unit, code string) bool {
	for n := 0; n < 64 && u.ID != 0; n++ {
		if u.Kind == pinggu.KindCounty {
			return u.Code == code
		}
		u = byID[u.ParentID]
	}
	return false
}

// answerAll answers all but one in skip of a unit's codes the way respondents do
// (submit the answers to the form the codes open), eight at a time, so that their
// submits share commits as concurrent respondents' do. The answers are
// drawn in order from the unit's own generator (seeded by its frame id,
// so no two units share one): the results do not depend
// on which goroutine sends which.
func answerAll(ctx context.Context, db *store.DB, u pinggu.Unit, codes []string, skip int) error {
	// Seeded by the unit's frame id, never its code alone: branches have
	// no code and would share one stream.
	id := u.ElementID()
	rng := rand.New(rand.NewPCG(hashOf(id), 11))
	lean := 2 + int(hashOf(id+"lean")%4) // 2..5: higher answers better
	level := func() string {
		x := rng.IntN(10)
		switch {
		case x < lean:
			return "0"
		case x < lean+3:
			return "1"
		case x < 9:
			return "2"
		}
		return "3"
	}
	if len(codes) == 0 {
		return nil
	}
	b, err := survey.Open(ctx, db, codes[0])
	if err != nil {
		return err
	}
	type job struct {
		code    string
		answers map[string]string
	}
	var jobs []job
	for i, code := range codes {
		if i%skip == skip-1 {
			continue // not answered
		}
		answers := map[string]string{pinggu.OverallCode: level()}
		for _, q := range b.Form.Questions {
			answers[q.Code] = level()
			if rng.IntN(25) == 0 {
				answers[q.Code] = "u"
			}
		}
		if rng.IntN(6) == 0 {
			answers["comment"] = demoComments[rng.IntN(len(demoComments))]
		}
		jobs = append(jobs, job{code, answers})
	}
	work := make(chan job)
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			var first error
			for j := range work {
				if first != nil {
					continue
				}
				// Every code of the batch opens the same ballot: the unit's
				// form, no category.
				if _, problems, err := survey.Submit(ctx, db, b, j.code, func(k string) string { return j.answers[k] }, time.Now()); err != nil || len(problems) > 0 {
					first = fmt.Errorf("demo response: %v %v", err, problems)
				}
			}
			errs <- first
		}()
	}
	for _, j := range jobs {
		work <- j
	}
	close(work)
	var first error
	for range 8 {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// reports grades part of 广陵区's checklist and starts two reports.
func reports(ctx context.Context, db *store.DB, c *pinggu.Campaign) error {
	var leader *pinggu.User
	if err := db.View(ctx, func(tx *store.Tx) (err error) { leader, err = tx.UserByLogin(ctx, "pinggu1"); return }); err != nil {
		return err
	}
	as := store.ActorOf(leader)
	notes := []struct {
		unit, item string
		level      int
		note       string
	}{
		{"321002", "L1.1", 0, "查阅区委理论学习中心组学习记录，专题学习 12 次，领导班子成员均作交流发言。"},
		{"321002", "L1.2", 1, "举办读书班 1 期，集中学习 7 天，安排研讨 4 次。"},
		{"321002", "L2.1", 1, "领导班子成员牵头调研课题 11 个，形成调研报告 9 篇。"},
		{"321002", "L3.1", 2, "检视问题清单 23 条，部分问题表述笼统，未细化到具体事项。"},
		{"321002", "L4.1", 2, "整改台账中 5 项未明确完成时限，群众反映的老旧小区改造问题推进较慢。"},
	}
	return db.Update(ctx, as, func(tx *store.Tx) error {
		for _, n := range notes {
			u, err := tx.UnitByCode(ctx, n.unit)
			if err != nil {
				return err
			}
			if err := tx.SetGrade(ctx, &pinggu.Grade{CampaignID: c.ID, UnitID: u.ID, Item: n.item, Level: n.level, Note: n.note}); err != nil {
				return err
			}
		}
		in, err := results.Load(ctx, tx, c)
		if err != nil {
			return err
		}
		city := results.Compute(in)
		for _, code := range []string{"321002", "M001"} {
			u, err := tx.UnitByCode(ctx, code)
			if err != nil {
				return err
			}
			hs, err := tx.Hearings(ctx, c.ID, u.ID)
			if err != nil {
				return err
			}
			r := &pinggu.Report{CampaignID: c.ID, UnitID: u.ID, Sections: report.Draft(city, city.Area(u.ID), hs)}
			r.Sections["causes"] = "- 个别单位对主题教育的重要性认识不足，满足于完成规定动作。\n- 调查研究与解决实际问题结合不够紧密。"
			r.Sections["suggestions"] = "1. 坚持问题导向，对检视出的问题逐项明确整改时限和责任人。\n2. 建立健全长效机制，巩固拓展主题教育成果。"
			if err := tx.CreateReport(ctx, r); err != nil {
				return err
			}
			if code == "M001" {
				if _, err := tx.SubmitReport(ctx, c.ID, u.ID, city.Area(u.ID).MinimumMet()); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// paperBallots keys four paper ballots twice, by the first group's leader
// pinggu1 and its member luru1: three keyings agree and count, the last
// disagrees on two answers and waits on the reconcile page for a third
// person (admin, say).
func paperBallots(ctx context.Context, db *store.DB, codes []string, answer func(string) (*survey.Ballot, map[string]string, error)) error {
	var clerks []*pinggu.User
	err := db.View(ctx, func(tx *store.Tx) error {
		for _, login := range []string{"pinggu1", "luru1"} {
			u, err := tx.UserByLogin(ctx, login)
			if err != nil {
				return err
			}
			clerks = append(clerks, u)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i, code := range codes {
		b, answers, err := answer(code)
		if err != nil {
			return err
		}
		for j, clerk := range clerks {
			if j == 1 && i == len(codes)-1 {
				answers[b.Form.Questions[0].Code] = "0"
				answers[pinggu.OverallCode] = "3"
			}
			_, problems, err := survey.KeyPaper(ctx, db, clerk, b, code, func(k string) string { return answers[k] }, time.Now())
			if err != nil {
				return err
			}
			if len(problems) > 0 {
				return fmt.Errorf("demo ballot: %v", problems)
			}
		}
	}
	return nil
}
