package demo

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"pinggu"
	"pinggu/internal/registry"
	"pinggu/internal/tabular"
)

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

func person(code string) string {
	h := hashOf(code)
	return string(surnames[h%uint64(len(surnames))]) + givens[(h>>8)%uint64(len(givens))]
}

func mobile(code string) string {
	h := hashOf("phone" + code)
	prefixes := []string{"138", "139", "150", "151", "152", "158", "187", "188", "135", "136"}
	return prefixes[h%uint64(len(prefixes))] + fmt.Sprintf("%08d", (h>>8)%100000000)
}
