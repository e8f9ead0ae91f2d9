package similar

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// A generator of realistic self-assessment texts: sentences built from
// the campaign's vocabulary, so that unrelated documents share the topic,
// many words and short phrases, but rarely a long passage.
var (
	subjects = []string{"领导班子", "党委（党组）", "班子成员", "机关党支部", "党员干部", "各党支部", "主要负责同志", "分管领导", "支部委员会", "全体党员", "青年党员", "离退休党员"}
	verbs    = []string{"认真组织", "深入开展", "扎实推进", "持续抓好", "统筹推进", "严格落实", "精心组织", "集中开展", "全面推动", "扎实开展", "坚持做好", "有序推进"}
	objects  = []string{"理论学习中心组专题学习", "读书班集中研讨", "基层蹲点调研", "检视问题清单梳理", "为民办实事项目", "专项整治工作", "专题组织生活会",
		"民主评议党员", "调研成果转化运用", "问题整改销号", "谈心谈话活动", "警示教育活动", "主题党日活动", "志愿服务活动", "结对帮扶工作", "党课宣讲活动"}
	effects = []string{"形成调研报告%d篇", "解决群众急难愁盼问题%d个", "完成整改事项%d项", "撰写心得体会%d篇", "开展集中学习%d次", "收集意见建议%d条",
		"建立工作台账%d本", "制定完善制度%d项", "走访困难群众%d户", "推动重点项目%d个"}
	manners = []string{"做到学思用贯通", "推动工作提质增效", "取得阶段性成效", "群众满意度明显提升", "形成长效机制", "确保取得实效", "做到真查真改", "以学促干成效明显"}
)

// Places and projects make sentences specific, as real reports are: a
// unit writes about its own communities, villages and projects.
var (
	placeHeads = []string{"文昌", "和平", "新华", "解放", "幸福", "东风", "南园", "朝阳", "运河", "琼花", "双桥", "友谊", "梅岭", "汶河", "曲江",
		"湾头", "头桥", "沙头", "李典", "泰安", "杭集", "瓜洲", "施桥", "甘泉", "方巷", "槐泗", "公道", "邵伯", "仙女", "宜陵", "真武", "小纪"}
	placeTails = []string{"社区", "村", "小区", "街区", "工业园", "便民服务中心", "卫生院", "中心小学", "敬老院", "农贸市场"}
	projects   = []string{"老旧小区改造", "雨污分流工程", "停车位增设", "适老化改造", "道路修缮", "路灯维修", "垃圾分类设施建设", "养老服务站建设",
		"农田水利改造", "背街小巷整治", "电动车充电桩安装", "健身步道建设", "河道清淤", "危房改造", "饮水安全提升", "网格化服务"}
	people = []string{"困难群众", "老党员", "退役军人", "低保户", "留守儿童", "残疾人", "新就业群体", "独居老人", "外来务工人员", "个体工商户"}
)

// sentence is one random sentence: a common frame and specific content.
func sentence(rng *rand.Rand) string {
	place := func() string { return placeHeads[rng.IntN(len(placeHeads))] + placeTails[rng.IntN(len(placeTails))] }
	switch rng.IntN(3) {
	case 0:
		return subjects[rng.IntN(len(subjects))] + "到" + place() + verbs[rng.IntN(len(verbs))] + objects[rng.IntN(len(objects))] + "，" +
			fmt.Sprintf(effects[rng.IntN(len(effects))], 1+rng.IntN(60)) + "，" + manners[rng.IntN(len(manners))] + "。"
	case 1:
		return "针对" + place() + people[rng.IntN(len(people))] + "反映的" + projects[rng.IntN(len(projects))] + "问题，" +
			subjects[rng.IntN(len(subjects))] + verbs[rng.IntN(len(verbs))] + "专题研究，" + place() + projects[rng.IntN(len(projects))] + "已经完成。"
	}
	return subjects[rng.IntN(len(subjects))] + verbs[rng.IntN(len(verbs))] + objects[rng.IntN(len(objects))] + "，联系" + place() +
		"走访" + people[rng.IntN(len(people))] + fmt.Sprintf("%d户", 2+rng.IntN(40)) + "，" + manners[rng.IntN(len(manners))] + "。"
}

// planQuotes are the work plan's own words, which every unit quotes.
var planQuotes = []string{
	"广泛听取意见。采取召开座谈会、个别访谈等方式，重点组织熟悉了解本地本单位情况的两代表一委员和党员、群众代表，以及工作对象、服务对象等听取意见。",
	"各地各单位要按照本通知要求进行自查评估，并在规定日期前形成自查报告，提前向巡回指导组提供，为做好评估工作创造条件。",
	"自查中，对存在的不足和发现的问题，要及时纠正、改进提高；对走过场的要返工重来。",
	"要切实防止形式主义，不增加基层负担。",
}

// document is a self-assessment of about n sentences in paragraphs of 5,
// under the unit's name, quoting the plan at its start.
func document(rng *rand.Rand, unit string, n int) []string {
	var ss []string
	ss = append(ss, unit+"关于主题教育自查评估情况的报告。")
	ss = append(ss, planQuotes[rng.IntN(len(planQuotes))], planQuotes[rng.IntN(len(planQuotes))])
	for range n {
		s := sentence(rng)
		if rng.IntN(6) == 0 {
			s = unit + s
		}
		ss = append(ss, s)
	}
	return ss
}

// copyOf is a near-copy of src by another unit: the unit's name swapped,
// a share of sentences rewritten, paragraphs (of 5 sentences) reordered,
// and new paragraphs inserted.
func copyOf(rng *rand.Rand, src []string, from, to string, rewrite float64, inserted int) []string {
	var ss []string
	for _, s := range src {
		s = strings.ReplaceAll(s, from, to)
		if rng.Float64() < rewrite {
			s = sentence(rng)
		}
		ss = append(ss, s)
	}
	var paras [][]string
	for i := 0; i < len(ss); i += 5 {
		paras = append(paras, ss[i:min(i+5, len(ss))])
	}
	rng.Shuffle(len(paras), func(i, j int) { paras[i], paras[j] = paras[j], paras[i] })
	for range inserted {
		var p []string
		for range 5 {
			p = append(p, sentence(rng))
		}
		at := rng.IntN(len(paras) + 1)
		paras = append(paras[:at], append([][]string{p}, paras[at:]...)...)
	}
	var out []string
	for _, p := range paras {
		out = append(out, p...)
	}
	return out
}

func join(ss []string) string {
	var b strings.Builder
	for i, s := range ss {
		b.WriteString(s)
		if i%5 == 4 {
			b.WriteString("\n")
		}
	}
	return b.String()
}

// corpus builds sources documents, each with copies near-copies at the
// rewrite level, and the same number of unrelated documents; it returns
// the documents, the unit names, and the planted pairs.
func corpus(seed uint64, sources, copies int, rewrite float64) ([]Doc, []string, map[[2]int]bool) {
	rng := rand.New(rand.NewPCG(seed, 7))
	var docs []Doc
	var names []string
	planted := map[[2]int]bool{}
	unit := func(i int) string {
		return fmt.Sprintf("%s%s街道%d", []string{"东关", "文昌", "汶河", "琼花", "双桥"}[i%5], []string{"甲", "乙", "丙", "丁"}[i%4], i)
	}
	for range sources {
		name := unit(len(docs))
		src := document(rng, name, 110)
		first := len(docs)
		docs = append(docs, Doc{Name: name, Text: join(src)})
		names = append(names, name)
		for range copies {
			other := unit(len(docs))
			docs = append(docs, Doc{Name: other, Text: join(copyOf(rng, src, name, other, rewrite, 1+rng.IntN(2)))})
			names = append(names, other)
		}
		for a := first; a < len(docs); a++ {
			for b := a + 1; b < len(docs); b++ {
				planted[[2]int{a, b}] = true
			}
		}
	}
	for range sources * (copies + 1) {
		name := unit(len(docs))
		docs = append(docs, Doc{Name: name, Text: join(document(rng, name, 110))})
		names = append(names, name)
	}
	return docs, names, planted
}
