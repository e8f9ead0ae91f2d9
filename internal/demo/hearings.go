package demo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"

	"pinggu"
	"pinggu/internal/draw"
	"pinggu/internal/evidence"
	"pinggu/internal/report"
	"pinggu/internal/store"
)

// DemoSeed3 is the symposium draw's digits (π's decimals 41–60).
const DemoSeed3 = "69399375105820974944"

// selfCheckPlan is where each area's self-assessment stands in the demo:
// the counties and a few municipal units; the rest have none, and the
// deadline passed two days ago, so they show as overdue.
var selfCheckPlan = []struct {
	code, state, reason, quality string
	file                         bool
}{
	{"321002", pinggu.SelfCheckAccept, "", "问题查摆具体，整改措施明确", true},
	{"321003", "", "", "", true},
	{"321071", "", "", "", false},
	{"321012", pinggu.SelfCheckReturn, "只罗列工作成绩，问题查摆不深，整改措施没有时限和责任人，请重写第三、四部分。", "走过场", false},
	{"321081", pinggu.SelfCheckAccept, "", "材料扎实", false},
	{"M001", pinggu.SelfCheckAccept, "", "问题具体", true},
	{"M002", "", "", "", true},
	{"M003", "", "", "", false},
	{"M004", pinggu.SelfCheckReturn, "与去年自查报告内容高度雷同，未反映本年度主题教育情况。", "千篇一律", false},
	{"M013", "", "", "", false},
	{"M024", pinggu.SelfCheckAccept, "", "", false},
}

// selfCheckSections is what a unit writes per dimension of the leadership
// framework, with its name in it.
func selfCheckSections(name string) map[string]string {
	return map[string]string{
		"L1": name + "党委（党组）理论学习中心组开展专题学习 6 次，举办读书班 1 期，班子成员撰写研讨材料 23 篇。",
		"L2": name + "班子成员围绕基层治理、营商环境等确定调研课题 9 个，形成调研报告 9 篇，推动解决实际问题 17 个。",
		"L3": "通过召开座谈会、发放征求意见表等方式，共征求意见建议 86 条，梳理归纳为 4 个方面 21 条问题。",
		"L4": "对检视出的问题逐条建立台账，明确整改时限和责任人，目前已完成整改 15 项，其余 6 项正在推进。",
	}
}

// selfCheckDocx is a self-assessment report as a unit uploads it: a Word
// document, written with pinggu's own document writer.
func selfCheckDocx(name string) ([]byte, error) {
	d := &report.Document{Title: name + "关于主题教育自查评估情况的报告", Date: "2026年12月1日"}
	secs := selfCheckSections(name)
	for i, key := range []string{"L1", "L2", "L3", "L4"} {
		d.Blocks = append(d.Blocks, report.Heading{Level: 1, Text: []string{"一、学习教育情况", "二、调查研究情况", "三、检视问题情况", "四、整改落实情况"}[i]},
			report.Paragraph{Text: secs[key]})
	}
	var b bytes.Buffer
	err := report.WriteDOCX(&b, d)
	return b.Bytes(), err
}

// sitePhoto is a field inspection's photo: a plain picture, made here.
func sitePhoto() []byte {
	m := image.NewRGBA(image.Rect(0, 0, 320, 200))
	for y := range 200 {
		for x := range 320 {
			m.Set(x, y, color.RGBA{uint8(120 + x/4), uint8(140 + y/3), 160, 255})
		}
	}
	var b bytes.Buffer
	png.Encode(&b, m)
	return b.Bytes()
}

// selfChecks submits the planned self-assessments as each area's liaison
// would, and reviews them as its group would.
func selfChecks(ctx context.Context, db *store.DB, c *pinggu.Campaign) error {
	for _, p := range selfCheckPlan {
		var u *pinggu.Unit
		if err := db.View(ctx, func(tx *store.Tx) (err error) { u, err = tx.UnitByCode(ctx, p.code); return }); err != nil {
			return err
		}
		sc := &pinggu.SelfCheck{CampaignID: c.ID, UnitID: u.ID}
		var kept *evidence.Kept
		if p.file {
			data, err := selfCheckDocx(u.Name)
			if err != nil {
				return err
			}
			if kept, err = evidence.Check(data, evidence.Documents); err != nil {
				return err
			}
		} else {
			sc.Sections = selfCheckSections(u.Name)
		}
		err := db.Update(ctx, store.Actor{Login: "liaison:" + p.code}, func(tx *store.Tx) error {
			if kept != nil {
				sc.File = &pinggu.StoredFile{Name: u.Name + "自查报告.docx", Type: kept.Type, SHA256: kept.SHA256, Received: kept.Received}
				if err := tx.SaveFile(ctx, c.ID, u.ID, sc.File, kept.Data, kept.Text); err != nil {
					return err
				}
			}
			return tx.SubmitSelfCheck(ctx, sc)
		})
		if err != nil {
			return err
		}
		if p.state == "" {
			continue
		}
		if err := db.Update(ctx, store.Actor{Login: groupLeader(p.code)}, func(tx *store.Tx) error {
			return tx.ReviewSelfCheck(ctx, c.ID, u.ID, sc.Version, p.state, p.reason, p.quality)
		}); err != nil {
			return err
		}
	}
	return nil
}

// groupLeader is the login of the leader of the group evaluating code.
func groupLeader(code string) string {
	for _, g := range groups {
		for _, cc := range g.counties {
			if cc == code {
				return g.leader
			}
		}
		for i := g.from; i <= g.to; i++ {
			if code == fmt.Sprintf("M%03d", i) {
				return g.leader
			}
		}
	}
	return "admin"
}

// demoHearing is one planned hearing of a county: its kind, day (days
// after the rosters were frozen), people and what it found.
type demoHearing struct {
	kind      pinggu.HearingKind
	day       int
	place     string
	people    map[string]int
	inspected string
	summary   string
	findings  []demoFinding
}

type demoFinding struct {
	drawn  bool // about the county's first drawn unit, not the county
	item   string
	nature pinggu.FindingNature
	text   string
	photo  bool
}

var demoHearings = []demoHearing{
	{pinggu.HearingSymposium, 3, "区委党校第一会议室", map[string]int{"两代表一委员": 3, "党员": 5, "群众": 4},
		"", "与会人员普遍认为，主题教育开展以来区委班子理论学习抓得实，调研解决了一批群众关心的问题；也指出部分整改事项进度偏慢，基层反映的个别问题尚未回应。",
		[]demoFinding{
			{false, "L1.1", pinggu.FindingAchievement, "区委理论学习中心组专题学习扎实，班子成员带头讲党课，与会人员评价较高", false},
			{true, "L4.1", pinggu.FindingProblem, "整改台账中有 5 项未明确完成时限，群众反映的老旧小区改造问题推进较慢", false},
		}},
	{pinggu.HearingInterview, 4, "区委组织部谈话室", map[string]int{"党员": 2, "工作对象": 1},
		"", "个别访谈 3 人，均表示主题教育与业务工作结合较好。", []demoFinding{
			{true, "L2.2", pinggu.FindingAchievement, "调研课题聚焦基层治理，推动解决了社区停车难等具体问题", false},
		}},
	{pinggu.HearingInspection, 5, "老旧小区改造项目现场", nil,
		"老旧小区雨污分流改造项目（公开承诺事项：2026年12月底前完工）", "现场察看改造工地，工程完成约六成，公示牌信息完整。", []demoFinding{
			{true, "L4.2", pinggu.FindingProblem, "承诺 12 月底完工的雨污分流改造工程完成约六成，按期完成有难度", true},
		}},
	{pinggu.HearingPhone, 6, "电话", map[string]int{"群众": 8, "服务对象": 2},
		"", "随机电话调查 10 人，8 人对办事便利程度表示满意。", []demoFinding{
			{false, "L4.3", pinggu.FindingAchievement, "群众反映政务服务“一件事一次办”后办事少跑腿", false},
		}},
}

// hearings records the planned hearings for every county, with the
// symposium's people drawn from 广陵区's first drawn unit's frozen roster.
func hearings(ctx context.Context, db *store.DB, c *pinggu.Campaign) error {
	var all []pinggu.Unit
	var sampled map[string]bool
	err := db.View(ctx, func(tx *store.Tx) (err error) {
		if all, err = tx.Units(ctx); err != nil {
			return err
		}
		sampled, err = tx.SampledUnits(ctx, c.ID)
		return err
	})
	if err != nil {
		return err
	}
	byID := map[int64]pinggu.Unit{}
	for _, u := range all {
		byID[u.ID] = u
	}
	for _, g := range groups {
		for _, code := range g.counties {
			var county, first pinggu.Unit
			for _, u := range all {
				if u.Code == code {
					county = u
				}
			}
			for _, u := range all {
				if first.ID == 0 && u.Kind == pinggu.KindTownship && sampled[u.ElementID()] && inCounty(byID, u, code) {
					first = u
				}
			}
			if err := countyHearings(ctx, db, c, g.leader, county, first); err != nil {
				return fmt.Errorf("%s: %w", county.Name, err)
			}
		}
	}
	return nil
}

func countyHearings(ctx context.Context, db *store.DB, c *pinggu.Campaign, leader string, county, first pinggu.Unit) error {
	actor := store.Actor{Login: leader}
	var drawID int64
	attendance := map[string]string{}
	if county.Code == "321002" && first.ID != 0 {
		rec, err := draw.Interviewees(ctx, db, actor, c, &first, DemoSeed3, "2026-symposium-"+first.Code, "座谈会", map[string]int{"党员": 5, "群众": 4})
		if err != nil {
			return err
		}
		for i, st := range rec.Strata {
			for j, e := range st.Order {
				if e.Status == "selected" {
					attendance[e.ID] = pinggu.AttendCame
					if i == 0 && j == 0 {
						attendance[e.ID] = pinggu.AttendAbsent
					}
				}
			}
		}
		err = db.View(ctx, func(tx *store.Tx) error {
			ds, err := tx.Draws(ctx, c.ID)
			for _, d := range ds {
				if d.Label == rec.Draw {
					drawID = d.ID
				}
			}
			return err
		})
		if err != nil {
			return err
		}
	}
	return db.Update(ctx, actor, func(tx *store.Tx) error {
		for i, p := range demoHearings {
			h := &pinggu.Hearing{CampaignID: c.ID, UnitID: county.ID, Kind: p.kind,
				HeldOn: pinggu.Date(tx.Now.AddDate(0, 0, p.day-8).In(pinggu.Beijing()).Format("2006-01-02")),
				Place:  p.place, Evaluators: groupNames[leader], Participants: p.people, Inspected: p.inspected, Summary: p.summary}
			if i == 0 && drawID != 0 {
				h.DrawID, h.Attendance = drawID, attendance
				h.Participants = map[string]int{"党员": 4, "群众": 4}
			}
			if err := tx.SaveHearing(ctx, h); err != nil {
				return err
			}
			for _, f := range p.findings {
				object := county.ID
				if f.drawn && first.ID != 0 {
					object = first.ID
				}
				var files []string
				if f.photo {
					k, err := evidence.Check(sitePhoto(), evidence.Any)
					if err != nil {
						return err
					}
					sf := &pinggu.StoredFile{Name: "现场照片.png", Type: k.Type, SHA256: k.SHA256, Received: k.Received}
					if err := tx.SaveFile(ctx, c.ID, county.ID, sf, k.Data, ""); err != nil {
						return err
					}
					files = append(files, sf.ID)
				}
				if err := tx.AddFinding(ctx, &pinggu.Finding{HearingID: h.ID, ObjectID: object, Item: f.item, Nature: f.nature, Text: f.text}, files); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// groupNames are the evaluators a group's hearing records list.
var groupNames = map[string]string{"pinggu1": "周敏、赵强", "pinggu2": "王磊", "pinggu3": "李婷"}
