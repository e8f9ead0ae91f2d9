package cli_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"image"
	imgpng "image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	pg "pinggu"
	"pinggu/internal/evidence"
	"pinggu/internal/registry"
	"pinggu/internal/report"
	"pinggu/internal/store"
)

// fieldworkDB builds a small city with a published campaign: 市委办公室
// submitted its self-assessment as a Word file (accepted), 广陵区 wrote
// it in the browser (returned), 邗江区 and 市委组织部 have none; 广陵区
// held a symposium with a finding and a photo, and a phone survey.
func fieldworkDB(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "p.db")
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	actor := store.Actor{Login: "cli:test"}
	csv := "code,name,kind,parent_code,headcount\n3210,扬州市,city,,0\n321002,广陵区,county,3210,900\n321003,邗江区,county,3210,900\n" +
		"321002001,东关街道,township,321002,300\nM001,市委办公室,municipal_unit,3210,80\nM002,市委组织部,municipal_unit,3210,60\n"
	if _, err := registry.Import(ctx, db, actor, "r.csv", []byte(csv)); err != nil {
		t.Fatal(err)
	}
	var doc bytes.Buffer
	d := &report.Document{Title: "市委办公室自查报告", Blocks: []report.Block{report.Heading{Level: 1, Text: "四、整改落实情况"}, report.Paragraph{Text: "逐条建立台账。"}}}
	if err := report.WriteDOCX(&doc, d); err != nil {
		t.Fatal(err)
	}
	kept, err := evidence.Check(doc.Bytes(), evidence.Documents)
	if err != nil {
		t.Fatal(err)
	}
	var png bytes.Buffer
	imgpng.Encode(&png, image.NewGray(image.Rect(0, 0, 4, 4)))
	photo, err := evidence.Check(png.Bytes(), evidence.Any)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(ctx, actor, func(tx *store.Tx) error {
		c, err := tx.NewCampaign(ctx, "2026", "2026 评估", func(c *pg.Campaign) error {
			c.Settings.Deadlines = map[pg.Stage]pg.Date{pg.StageSelfReport: "2026-01-05", pg.StageUnitDraw: "2026-01-08",
				pg.StageRosters: "2026-01-12", pg.StageFieldwork: "2026-01-25", pg.StageReports: "2026-01-31"}
			return nil
		})
		if err != nil {
			return err
		}
		if c, err = tx.AdvanceCampaign(ctx, c.ID, pg.StatePublished); err != nil {
			return err
		}
		unit := map[string]int64{}
		for _, code := range []string{"321002", "M001"} {
			u, err := tx.UnitByCode(ctx, code)
			if err != nil {
				return err
			}
			unit[code] = u.ID
		}
		f := &pg.StoredFile{Name: "市委办公室自查报告.docx", Type: kept.Type, SHA256: kept.SHA256, Received: kept.Received}
		if err := tx.SaveFile(ctx, c.ID, unit["M001"], f, kept.Data, kept.Text); err != nil {
			return err
		}
		if err := tx.SubmitSelfCheck(ctx, &pg.SelfCheck{CampaignID: c.ID, UnitID: unit["M001"], File: f}); err != nil {
			return err
		}
		if err := tx.ReviewSelfCheck(ctx, c.ID, unit["M001"], 1, pg.SelfCheckAccept, "", "问题具体"); err != nil {
			return err
		}
		if err := tx.SubmitSelfCheck(ctx, &pg.SelfCheck{CampaignID: c.ID, UnitID: unit["321002"], Sections: map[string]string{"L1": "学习情况……", "L4": "整改情况……"}}); err != nil {
			return err
		}
		if err := tx.ReviewSelfCheck(ctx, c.ID, unit["321002"], 1, pg.SelfCheckReturn, "问题查摆不深", "走过场"); err != nil {
			return err
		}
		for _, h := range []*pg.Hearing{
			{CampaignID: c.ID, UnitID: unit["321002"], Kind: pg.HearingSymposium, HeldOn: "2026-01-20", Place: "区委会议室", Evaluators: "周敏", Participants: map[string]int{"党员": 5, "群众": 4}},
			{CampaignID: c.ID, UnitID: unit["321002"], Kind: pg.HearingPhone, HeldOn: "2026-01-21", Place: "电话", Evaluators: "周敏", Participants: map[string]int{"群众": 10}},
		} {
			if err := tx.SaveHearing(ctx, h); err != nil {
				return err
			}
			if h.Kind != pg.HearingSymposium {
				continue
			}
			sf := &pg.StoredFile{Name: "现场.png", Type: photo.Type, SHA256: photo.SHA256, Received: photo.Received}
			if err := tx.SaveFile(ctx, c.ID, unit["321002"], sf, photo.Data, ""); err != nil {
				return err
			}
			if err := tx.AddFinding(ctx, &pg.Finding{HearingID: h.ID, ObjectID: unit["321002"], Item: "L4.1", Nature: pg.FindingProblem, Text: "整改台账不细"}, []string{sf.ID}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// TestSelfCheckExportAndHearingList runs both commands: every area in the
// index, a file for each one that submitted, the Word file as uploaded
// (python-docx reads it), and the hearings as a table and as JSON.
func TestSelfCheckExportAndHearingList(t *testing.T) {
	path := fieldworkDB(t)
	out := t.TempDir()
	r := pinggu(t, "", "selfcheck", "export", "--db", path, "--campaign", "2026", "--out", out)
	if r.code != 0 || !strings.Contains(r.out, "已导出 2 份自查报告（共 4 个县市区和市直单位）") {
		t.Fatalf("export: %+v", r)
	}
	f, err := os.Open(filepath.Join(out, "自查报告清单.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) != 5 {
		t.Fatalf("index: %d rows, %v", len(rows), err)
	}
	states := map[string]int{}
	for _, row := range rows[1:] {
		states[strings.TrimPrefix(row[2], "\ufeff")]++
	}
	if states["已通过"] != 1 || states["退回重写"] != 1 || states["逾期未交"] != 2 {
		t.Errorf("states %v", states)
	}
	docx, _ := filepath.Glob(filepath.Join(out, "*.docx"))
	txt, _ := filepath.Glob(filepath.Join(out, "*.txt"))
	if len(docx) != 1 || len(txt) != 1 {
		t.Errorf("%d docx and %d txt files", len(docx), len(txt))
	}
	// python-docx as Debian packages it (python3-docx), under /usr/bin.
	if _, err := os.Stat("/usr/bin/python3"); err == nil || os.Getenv("CI") == "true" {
		for _, d := range docx {
			cmd := exec.Command("/usr/bin/python3", "-c", "import docx,sys; d=docx.Document(sys.argv[1]); print(d.core_properties.author or '-'); print('\\n'.join(p.text for p in d.paragraphs))", d)
			b, err := cmd.CombinedOutput()
			if err != nil && (os.Getenv("CI") == "true" || !strings.Contains(string(b), "No module named")) {
				t.Errorf("python-docx on %s: %v %s", filepath.Base(d), err, b)
			} else if err == nil && (!strings.Contains(string(b), "四、整改落实情况") || !strings.HasPrefix(string(b), "-\n")) {
				t.Errorf("%s reads %s", filepath.Base(d), b)
			}
		}
	}

	r = pinggu(t, "", "hearing", "list", "--db", path, "--campaign", "2026", "--unit", "321002")
	if r.code != 0 || strings.Count(r.out, "广陵区") != 2 || !strings.Contains(r.out, "座谈会") || !strings.Contains(r.out, "电话调查") {
		t.Errorf("list: %+v", r)
	}
	r = pinggu(t, "", "hearing", "list", "--db", path, "--campaign", "2026", "--json")
	var hs []struct {
		Unit     string `json:"unit"`
		Kind     string `json:"kind"`
		Findings []struct {
			Object   string `json:"object"`
			Item     string `json:"item"`
			Evidence []struct {
				SHA256 string `json:"sha256"`
			} `json:"evidence"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(r.out), &hs); err != nil || len(hs) != 2 {
		t.Fatalf("json: %d hearings, %v", len(hs), err)
	}
	photos := 0
	for _, h := range hs {
		for _, f := range h.Findings {
			if f.Object == "" || f.Item == "" {
				t.Errorf("finding without object or item in %s", h.Unit)
			}
			photos += len(f.Evidence)
		}
	}
	if photos != 1 {
		t.Errorf("%d photos", photos)
	}
}
