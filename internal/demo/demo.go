// Package demo builds the demo city: the real divisions of 扬州市 with
// invented departments, municipal units, reference units, branches and
// headcounts, imported through the same path as a user's file, and one
// account per role.
package demo

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/csv"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"pinggu"
	"pinggu/internal/auth"
	"pinggu/internal/draw"
	"pinggu/internal/registry"
	"pinggu/internal/report"
	"pinggu/internal/results"
	"pinggu/internal/roster"
	"pinggu/internal/store"
	"pinggu/internal/survey"
	"pinggu/internal/tabular"
)

//go:embed data/yangzhou-divisions.csv
var divisions []byte

var countyDepts = []string{"委办公室", "政府办公室", "纪委监委机关", "委组织部", "委宣传部", "委统战部", "委政法委",
	"发展和改革委员会", "教育局", "公安局", "民政局", "财政局", "人力资源和社会保障局", "自然资源和规划局",
	"住房和城乡建设局", "农业农村局", "卫生健康委员会", "市场监督管理局"}

var municipalUnits = []string{"市委办公室", "市政府办公室", "市纪委监委机关", "市委组织部", "市委宣传部", "市委统战部",
	"市委政法委", "市发展和改革委员会", "市教育局", "市科学技术局", "市工业和信息化局", "市公安局", "市民政局",
	"市司法局", "市财政局", "市人力资源和社会保障局", "市自然资源和规划局", "市生态环境局", "市住房和城乡建设局",
	"市交通运输局", "市水利局", "市农业农村局", "市商务局", "市文化广电和旅游局", "市卫生健康委员会",
	"市退役军人事务局", "市应急管理局", "市审计局", "市市场监督管理局", "市统计局", "市医疗保障局",
	"市城市管理局", "市数据局", "市信访局"}

var communities = []string{"文昌", "和平", "新华", "解放", "幸福", "东风", "南园", "朝阳", "运河", "琼花", "双桥", "友谊"}
var villages = []string{"前进", "红星", "新民", "永丰", "联合", "同心", "光明", "民主", "建设", "富民", "团结", "长春"}

var colleges = []string{"文学院", "数学科学学院", "机械工程学院", "医学院", "农学院"}

// row is one line of the generated registry file.
type row struct{ code, name, kind, parent string }

// Registry returns the demo registry as a CSV file in the import format.
func Registry() ([]byte, error) {
	t, err := tabular.Read("yangzhou-divisions.csv", divisions)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(2026, 11))
	var rows []row
	var city string
	for _, rec := range t.Rows {
		level, code, name, parent := rec[0], rec[1], rec[2], rec[3]
		switch level {
		case "city":
			city = code
			rows = append(rows, row{code, name, "city", ""})
		case "county":
			rows = append(rows, row{code, name, "county", parent})
			depts := countyDepts
			if strings.HasSuffix(name, "开发区") {
				depts = []string{"党工委办公室", "管委会办公室", "党工委组织人事部", "党工委宣传统战部", "纪检监察工委", "经济发展局", "社会事业局"}
			}
			for i, d := range depts {
				dname := name + d // 广陵区 + 委办公室 = 广陵区委办公室
				dcode := fmt.Sprintf("%sD%02d", code, i+1)
				rows = append(rows, row{dcode, dname, "county_dept", code})
				rows = append(rows, branches(rng, dcode, []string{"机关第一党支部", "机关第二党支部", "离退休干部党支部"}, 2+rng.IntN(2))...)
			}
		case "township":
			rows = append(rows, row{code, name, "township", parent})
			names := []string{"机关党支部"}
			pool, suffix := villages, "村党支部"
			if strings.HasSuffix(name, "街道") {
				pool, suffix = communities, "社区党支部"
			}
			for _, i := range rng.Perm(len(pool))[:2+rng.IntN(3)] {
				names = append(names, pool[i]+suffix)
			}
			rows = append(rows, branches(rng, code, names, len(names))...)
		}
	}
	for i, m := range municipalUnits {
		code := fmt.Sprintf("M%03d", i+1)
		rows = append(rows, row{code, "扬州" + m, "municipal_unit", city})
		rows = append(rows, branches(rng, code, []string{"机关第一党支部", "机关第二党支部", "机关第三党支部", "离退休干部党支部"}, 2+rng.IntN(3))...)
	}
	rows = append(rows, row{"R01", "扬州大学", "reference_unit", city})
	for i, c := range colleges {
		code := fmt.Sprintf("R01%02d", i+1)
		rows = append(rows, row{code, c, "reference_unit", "R01"})
		rows = append(rows, branches(rng, code, []string{"教工党支部", "学生第一党支部", "学生第二党支部"}, 3)...)
	}
	return render(rng, rows)
}

func branches(rng *rand.Rand, parent string, names []string, n int) []row {
	out := make([]row, 0, n)
	for _, name := range names[:n] {
		out = append(out, row{"", name, "branch", parent})
	}
	return out
}

// render writes the rows as CSV. Branch headcounts are drawn; every other
// unit's headcount is the sum of its branches and sub-units, so the figures
// add up.
func render(rng *rand.Rand, rows []row) ([]byte, error) {
	head := map[string]int{} // parent code → sum of children
	count := make([]int, len(rows))
	for i, r := range rows {
		if r.kind == "branch" {
			count[i] = 8 + rng.IntN(53)
		}
	}
	// Children follow parents in rows, so summing bottom-up is one reverse pass.
	for i := len(rows) - 1; i >= 0; i-- {
		if rows[i].kind != "branch" {
			count[i] += head[rows[i].code]
		}
		head[rows[i].parent] += count[i]
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(registry.Header(true))
	for i, r := range rows {
		liaison, phone := "", ""
		if r.kind != "branch" && r.kind != "city" {
			liaison, phone = person(r.code), mobile(r.code)
		}
		w.Write([]string{r.code, r.name, pinggu.UnitKind(r.kind).Chinese(), r.parent, strconv.Itoa(count[i]), liaison, phone})
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

var surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾")
var givens = []string{"敏", "静", "伟", "芳", "军", "洁", "涛", "磊", "婷", "强", "燕", "斌", "华", "明", "霞", "晨", "雪", "峰"}

func hashOf(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

func person(code string) string {
	h := hashOf(code)
	return string(surnames[h%uint64(len(surnames))]) + givens[(h>>8)%uint64(len(givens))]
}

func mobile(code string) string {
	h := hashOf("phone" + code)
	prefixes := []string{"138", "139", "150", "151", "152", "158", "187", "188", "135", "136"}
	return prefixes[h%uint64(len(prefixes))] + fmt.Sprintf("%08d", (h>>8)%100000000)
}

// Account is a demo login.
type Account struct {
	Login, Name, Password string
	Role                  pinggu.Role
	Scope                 string // what the account sees, for the printout
}

var accounts = []struct {
	login, name string
	role        pinggu.Role
	scope       []string
	scopeText   string
}{
	{"admin", "市委主题教育办", pinggu.RoleAdmin, nil, "全市"},
	{"pinggu1", "第一评估组组长 周敏", pinggu.RoleEvaluator, nil, "第一评估组：广陵区、邗江区、扬州经济技术开发区和 12 个市直单位"},
	{"pinggu2", "第二评估组组长 王磊", pinggu.RoleEvaluator, nil, "第二评估组：江都区、宝应县和 11 个市直单位"},
	{"pinggu3", "第三评估组组长 李婷", pinggu.RoleEvaluator, nil, "第三评估组：仪征市、高邮市和 11 个市直单位"},
	{"luru1", "第一评估组组员 赵强", pinggu.RoleEvaluator, nil, "第一评估组（组员，录入纸质测评表）"},
	{"lianluo", "东关街道联络员 陈静", pinggu.RoleLiaison, []string{"321002001"}, "广陵区东关街道"},
	{"lingdao", "市领导（只读）", pinggu.RoleViewer, nil, "全市（只读）"},
}

// seededKey marks a database whose demo city is complete; demoKey marks
// one claimed by the demo while it was still empty.
const (
	seededKey = "demo.seeded"
	demoKey   = "demo.database"
)

// Check refuses, before anything is opened for writing, a database at dsn
// that is neither blank nor a demo: the check Seed repeats inside its
// transaction, made here too because opening a database migrates it.
func Check(ctx context.Context, dsn string) error {
	c, err := store.Inspect(ctx, dsn)
	if err != nil {
		return pinggu.Internal(err)
	}
	if c.Blank || c.Settings[seededKey] != "" || c.Settings[demoKey] != "" {
		return nil
	}
	return pinggu.Errorf(pinggu.EConflict, "demo.not_demo_db", "DB", dsn)
}

// Seed fills an empty database with the demo city, once; later calls keep
// the data. Either way every demo account gets a new random password, which
// is returned for printing. A database that is neither empty nor a demo is
// refused and left untouched: the demo's accounts, with their printed
// passwords, must never land in a real installation.
func Seed(ctx context.Context, db *store.DB) ([]Account, error) {
	actor := store.Actor{Login: "demo"}
	var seeded string
	if err := db.Update(ctx, actor, func(tx *store.Tx) (err error) {
		if seeded, err = tx.Setting(ctx, seededKey); err != nil || seeded != "" {
			return err
		}
		claimed, err := tx.Setting(ctx, demoKey)
		if err != nil || claimed != "" {
			return err
		}
		empty, err := tx.Empty(ctx)
		if err != nil {
			return err
		}
		if !empty {
			return pinggu.Errorf(pinggu.EConflict, "demo.not_empty")
		}
		return tx.SetSetting(ctx, demoKey, "1")
	}); err != nil {
		return nil, err
	}
	if seeded == "" {
		data, err := Registry()
		if err != nil {
			return nil, err
		}
		if _, err := registry.Import(ctx, db, actor, "demo-registry.csv", data); err != nil {
			return nil, fmt.Errorf("demo registry: %w", err)
		}
	}
	var out []Account
	for _, a := range accounts {
		pw := auth.RandomPassword(12)
		var existing *pinggu.User
		err := db.View(ctx, func(tx *store.Tx) (err error) { existing, err = tx.UserByLogin(ctx, a.login); return })
		switch {
		case pinggu.ErrorCodeOf(err) == pinggu.ENotFound:
			u := &pinggu.User{Login: a.login, Name: a.name, Role: a.role}
			if err := db.View(ctx, func(tx *store.Tx) error {
				for _, code := range a.scope {
					unit, err := tx.UnitByCode(ctx, code)
					if err != nil {
						return err
					}
					u.Scope = append(u.Scope, unit.ID)
				}
				return nil
			}); err != nil {
				return nil, err
			}
			err = auth.CreateUser(ctx, db, actor, u, pw, pinggu.DefaultPasswordPolicy)
		case err == nil:
			err = auth.SetPassword(ctx, db, actor, existing.ID, pw, pinggu.DefaultPasswordPolicy)
		}
		if err != nil {
			return nil, fmt.Errorf("demo account %s: %w", a.login, err)
		}
		out = append(out, Account{Login: a.login, Name: a.name, Password: pw, Role: a.role, Scope: a.scopeText})
	}
	if seeded == "" {
		err := db.Update(ctx, actor, func(tx *store.Tx) error { return campaign(ctx, tx, time.Now()) })
		if err != nil {
			return nil, fmt.Errorf("demo campaign: %w", err)
		}
		if err := ceremony(ctx, db, actor); err != nil {
			return nil, fmt.Errorf("demo draw: %w", err)
		}
		if err := db.Update(ctx, actor, func(tx *store.Tx) error { return tx.SetSetting(ctx, seededKey, "1") }); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// DemoSeed is the demo's dice digits (the first 20 decimals of π: no dice
// were rolled for the demo, and it says so).
const DemoSeed = "14159265358979323846"

// ceremony freezes the 2026 frames and draws the units.
func ceremony(ctx context.Context, db *store.DB, actor store.Actor) error {
	var c *pinggu.Campaign
	if err := db.View(ctx, func(tx *store.Tx) (err error) { c, err = tx.CampaignByCode(ctx, "2026"); return }); err != nil {
		return err
	}
	if _, err := draw.Freeze(ctx, db, actor, c); err != nil {
		return err
	}
	if _, err := draw.Units(ctx, db, actor, c, DemoSeed, "2026-units"); err != nil {
		return err
	}
	return rosters(ctx, db, actor, c)
}

// DemoSeed2 is the second ceremony's digits (π's next 20 decimals).
const DemoSeed2 = "26433832795028841971"

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
			if sampled[draw.ElementID(u)] {
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
			key := fmt.Sprintf("%s-%d", draw.ElementID(u), i)
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
			if samples[draw.ElementID(u)] > 0 && u.Code != "M001" {
				units = append(units, u)
			}
		}
		return err
	})
	if err != nil {
		return err
	}
	for _, u := range units {
		n := samples[draw.ElementID(u)]
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
			r := &pinggu.Report{CampaignID: c.ID, UnitID: u.ID, Sections: report.Draft(city, city.Area(u.ID))}
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

// groups of the demo campaign: leader, counties, and a range of municipal
// units (M001–M034).
var groups = []struct {
	name, leader string
	members      []string
	counties     []string
	from, to     int
}{
	{"第一评估组", "pinggu1", []string{"luru1"}, []string{"321002", "321003", "321071"}, 1, 12},
	{"第二评估组", "pinggu2", nil, []string{"321012", "321023"}, 13, 23},
	{"第三评估组", "pinggu3", nil, []string{"321081", "321084"}, 24, 34},
}

// campaign creates the city's published 2026 evaluation with three groups
// covering every county and municipal unit. Deadlines are set around now,
// so that the board shows a stage overdue, one due soon and later ones.
func campaign(ctx context.Context, tx *store.Tx, now time.Time) error {
	c := &pinggu.Campaign{Code: "2026", Name: "2026年“不忘初心、牢记使命”主题教育第三方评估", Settings: pinggu.DefaultSettings()}
	if err := tx.UseBuiltinFrameworks(ctx, &c.Settings); err != nil {
		return err
	}
	day := func(n int) pinggu.Date { return pinggu.Date(now.AddDate(0, 0, n).Format("2006-01-02")) }
	c.Settings.Deadlines = map[pinggu.Stage]pinggu.Date{
		pinggu.StageSelfReport: day(-2), pinggu.StageUnitDraw: day(2), pinggu.StageRosters: day(7),
		pinggu.StageFieldwork: day(21), pinggu.StageReports: day(35),
	}
	if err := tx.CreateCampaign(ctx, c); err != nil {
		return err
	}
	for _, g := range groups {
		leader, err := tx.UserByLogin(ctx, g.leader)
		if err != nil {
			return err
		}
		group := &pinggu.Group{CampaignID: c.ID, Name: g.name, LeaderID: leader.ID}
		for _, login := range g.members {
			m, err := tx.UserByLogin(ctx, login)
			if err != nil {
				return err
			}
			group.Members = append(group.Members, m.ID)
		}
		codes := g.counties
		for i := g.from; i <= g.to; i++ {
			codes = append(codes, fmt.Sprintf("M%03d", i))
		}
		for _, code := range codes {
			u, err := tx.UnitByCode(ctx, code)
			if err != nil {
				return err
			}
			group.Units = append(group.Units, u.ID)
		}
		if err := tx.CreateGroup(ctx, group); err != nil {
			return err
		}
	}
	_, err := tx.AdvanceCampaign(ctx, c.ID, pinggu.StatePublished)
	return err
}
