package report

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"pinggu"
	"pinggu/internal/results"
)

// hostile is text a group might paste: markup, entities, control
// characters, emoji, a lone surrogate's bytes, a 10,000-character line.
var hostile = []string{
	"<w:p>&amp; <script>alert(1)</script> ]]> \"'",
	"控制字符\x00\x01\x08\x0b\x0c\x1b\x7f结束",
	"表情🙂👍🏽🇨🇳 and \U0001F9E7",
	"bad utf8 \xff\xfe\xed\xa0\x80 end",
	"- 列表一\n- 列表二\r\n1. 编号\n（三）括号编号\n\t缩进",
	strings.Repeat("很长的段落", 2000),
}

// wellFormed parses every XML part of a DOCX package.
func wellFormed(t testing.TB, b []byte) map[string]string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	parts := map[string]string{}
	for _, f := range z.File {
		if !strings.HasSuffix(f.Name, ".xml") && !strings.HasSuffix(f.Name, ".rels") {
			continue // the charts' embedded workbooks
		}
		r, _ := f.Open()
		data, _ := io.ReadAll(r)
		r.Close()
		dec := xml.NewDecoder(bytes.NewReader(data))
		for {
			if _, err := dec.Token(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("%s is not well-formed XML: %v", f.Name, err)
			}
		}
		parts[f.Name] = string(data)
	}
	return parts
}

func areaDoc(t testing.TB, sections map[string]string, justification string) *Document {
	city := fakeCity(t, 3, 2)
	return Area(city, city.Areas[0], &pinggu.Report{Sections: sections, Justification: justification}, Meta{City: "扬州市", Group: "第一评估组", Date: "2026年12月31日"})
}

func TestDOCXLayout(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteDOCX(&buf, areaDoc(t, map[string]string{"achievements": "- 学习教育扎实"}, "")); err != nil {
		t.Fatal(err)
	}
	parts := wellFormed(t, buf.Bytes())
	doc := parts["word/document.xml"]
	for _, want := range []string{
		`<w:pgSz w:w="11906" w:h="16838"/>`, `w:top="2098" w:right="1474" w:bottom="1984" w:left="1587"`,
		`<w:docGrid w:type="lines" w:linePitch="579"/>`, `<w:tblHeader/>`, `<w:gridSpan w:val="2"/>`, `<w:vMerge w:val="restart"/>`, `<w:vMerge/>`,
		`w:eastAsia="方正小标宋简体"`, `<w:sz w:val="44"/>`, `w:eastAsia="仿宋_GB2312"`, `w:eastAsia="黑体"`, `w:eastAsia="楷体_GB2312"`,
		`w:firstLineChars="200"`, `<c:chart r:id="rIdChart1"/>`,
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("document.xml lacks %s", want)
		}
	}
	if !strings.Contains(parts["word/settings.xml"], "<w:evenAndOddHeaders/>") ||
		!strings.Contains(parts["word/footer1.xml"], `<w:jc w:val="right"/>`) || !strings.Contains(parts["word/footer2.xml"], `<w:jc w:val="left"/>`) ||
		!strings.Contains(parts["word/footer1.xml"], "— ") || !strings.Contains(parts["word/footer1.xml"], " PAGE ") {
		t.Error("page numbers are not — n — on the outer side")
	}
	if !strings.Contains(parts["word/charts/chart1.xml"], `<c:errValType val="cust"/>`) {
		t.Error("the chart has no intervals")
	}
}

func TestHostileTextStaysText(t *testing.T) {
	sections := map[string]string{}
	for i, k := range pinggu.ReportSections {
		sections[k] = strings.Join(hostile[i:], "\n")
	}
	var buf bytes.Buffer
	if err := WriteDOCX(&buf, areaDoc(t, sections, hostile[0])); err != nil {
		t.Fatal(err)
	}
	doc := wellFormed(t, buf.Bytes())["word/document.xml"]
	if !strings.Contains(doc, "&lt;script&gt;alert(1)&lt;/script&gt;") || strings.Contains(doc, "<script>") || !strings.Contains(doc, "控制字符结束") ||
		!strings.Contains(doc, "🙂👍🏽🇨🇳") || !strings.Contains(doc, strings.Repeat("很长的段落", 2000)) {
		t.Error("hostile text was not carried as text")
	}
	var html bytes.Buffer
	if err := WriteHTML(&html, areaDoc(t, sections, "")); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(html.String(), "<script>") || !strings.Contains(html.String(), "&lt;script&gt;") {
		t.Error("the HTML view carries markup from the text")
	}
}

// FuzzDOCX feeds arbitrary text to every place a user's text reaches and
// checks that the package stays well-formed XML.
func FuzzDOCX(f *testing.F) {
	for _, h := range hostile {
		f.Add(h, h)
	}
	city := fakeCity(f, 1, 1)
	f.Fuzz(func(t *testing.T, section, unitName string) {
		a := *city.Areas[0]
		a.Unit.Name = unitName
		d := Area(city, &a, &pinggu.Report{Sections: map[string]string{"problems": section, "causes": section}, Justification: section}, Meta{City: unitName, Group: section})
		var buf bytes.Buffer
		if err := WriteDOCX(&buf, d); err != nil {
			t.Fatal(err)
		}
		wellFormed(t, buf.Bytes())
	})
}

func TestNoResponsesRenders(t *testing.T) {
	city := fakeCity(t, 1, 0)
	empty := &results.Area{Unit: pinggu.Unit{ID: 999, Code: "321099", Name: "无数据区", Kind: pinggu.KindCounty}, Minimum: 100}
	var buf bytes.Buffer
	if err := WriteDOCX(&buf, Area(city, empty, nil, Meta{City: "扬州市"})); err != nil {
		t.Fatal(err)
	}
	parts := wellFormed(t, buf.Bytes())
	doc := parts["word/document.xml"]
	if !strings.Contains(doc, "无数据区尚无回收的测评表") || strings.Contains(doc, "总体评价") || parts["word/charts/chart1.xml"] != "" ||
		!strings.Contains(doc, "五、意见建议") {
		t.Error("a report without data does not say so, or shows results")
	}
}

// TestDOCXOpensInLibreOffice converts the reports with LibreOffice and
// reads them back with python-docx. Under CI both must be there.
func TestDOCXOpensInLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("soffice is not installed: under CI the documents must be opened")
		}
		t.Skip("soffice is not installed")
	}
	dir := t.TempDir()
	if out := os.Getenv("PINGGU_DOCX_OUT"); out != "" {
		dir = out
	}
	city := fakeCity(t, 3, 2)
	sections := map[string]string{"achievements": "- 学习教育扎实开展\n- 调查研究形成报告 12 篇", "problems": strings.Join(hostile, "\n"), "suggestions": "1. 深化整改\n2. 建立长效机制"}
	docs := map[string]*Document{
		"area.docx": Area(city, city.Areas[0], &pinggu.Report{Sections: sections, Justification: "该区部分支部党员人数少，已全部参评。"}, Meta{City: "扬州市", Group: "第一评估组", Date: "2026年12月31日"}),
		"city.docx": CitySummary(city, Meta{City: "扬州市", Date: "2026年12月31日"}),
	}
	for name, d := range docs {
		var buf bytes.Buffer
		if err := WriteDOCX(&buf, d); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644)
	}
	cmd := exec.Command(soffice, "--headless", "--convert-to", "pdf", "--outdir", dir, filepath.Join(dir, "area.docx"), filepath.Join(dir, "city.docx"))
	fonts, _ := filepath.Abs("../../testdata/fonts.conf")
	cmd.Env = append(os.Environ(), "FONTCONFIG_FILE="+fonts, "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	for _, name := range []string{"area", "city"} {
		info, err := os.Stat(filepath.Join(dir, name+".pdf"))
		if err != nil || info.Size() < 10000 {
			t.Fatalf("LibreOffice made no PDF of %s.docx: %v", name, err)
		}
	}
	script, _ := filepath.Abs("../../testdata/check_docx.py")
	out, err := exec.Command("/usr/bin/python3", script, filepath.Join(dir, "area.docx")).CombinedOutput()
	if err != nil {
		if os.Getenv("CI") != "true" && strings.Contains(string(out), "No module named") {
			t.Skip("python3-docx is not installed")
		}
		t.Fatalf("python-docx: %v\n%s", err, out)
	}
	var got struct {
		Page       []int    `json:"page_mm"`
		Margins    []int    `json:"margins_mm"`
		OddEven    bool     `json:"odd_even_footers"`
		FooterOdd  bool     `json:"footer_odd"`
		FooterEven bool     `json:"footer_even"`
		Paragraphs []string `json:"paragraphs"`
		Fonts      []string `json:"fonts"`
		Tables     []struct {
			Rows, Cols   int
			RepeatHeader bool     `json:"repeat_header"`
			GridSpan     int      `json:"grid_span"`
			VMerge       int      `json:"v_merge"`
			FirstRow     []string `json:"first_row"`
		}
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if !slices.Equal(got.Page, []int{210, 297}) || !slices.Equal(got.Margins, []int{37, 35, 28, 26}) || !got.OddEven || !got.FooterOdd || !got.FooterEven {
		t.Errorf("page setup read back: %+v", got)
	}
	text := strings.Join(got.Paragraphs, "\n")
	for _, h := range []string{"一、基本情况", "二、主要成效", "三、存在问题", "四、原因分析", "五、意见建议", "学习教育扎实开展", "<script>alert(1)</script>"} {
		if !strings.Contains(text, h) {
			t.Errorf("python-docx does not read %q", h)
		}
	}
	if len(got.Tables) < 3 || !got.Tables[0].RepeatHeader || got.Tables[1].VMerge == 0 || got.Tables[1].GridSpan == 0 || got.Tables[0].FirstRow[0] != "评估对象" {
		t.Errorf("tables read back: %+v", got.Tables)
	}
}

// TestXLSXOpensInLibreOffice writes the data book of the city and of one
// area, reads them back with excelize, and converts the city's with
// LibreOffice.
func TestXLSXOpensInLibreOffice(t *testing.T) {
	city := fakeCity(t, 3, 2)
	dir := t.TempDir()
	if out := os.Getenv("PINGGU_DOCX_OUT"); out != "" {
		dir = out
	}
	for name, a := range map[string]*results.Area{"book.xlsx": nil, "area.xlsx": city.Areas[0]} {
		var buf bytes.Buffer
		if err := WriteXLSX(&buf, city, a); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644)
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows("评估对象")
		want := 1 + 9*3 + 2
		if a != nil {
			want = 1 + 9
		}
		if len(rows) != want || rows[9][7] != "*" || len(f.GetSheetList()) != 5 {
			t.Errorf("%s: %d object rows (want %d), sheets %v, row 9 %v", name, len(rows), want, f.GetSheetList(), rows[9])
		}
	}
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("soffice is not installed")
		}
		t.Skip("soffice is not installed")
	}
	cmd := exec.Command(soffice, "--headless", "--convert-to", "pdf", "--outdir", dir, filepath.Join(dir, "book.xlsx"))
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	if info, err := os.Stat(filepath.Join(dir, "book.pdf")); err != nil || info.Size() < 5000 {
		t.Fatalf("LibreOffice made no PDF of the data book: %v", err)
	}
}
