package report

import (
	"fmt"

	"pinggu"
	"pinggu/internal/analysis"
)

// MethodTitle heads the method note: an appendix of every report, a
// sheet of the data book, a section of the results pages.
const MethodTitle = "统计方法说明"

// MethodNote is SAMPLING.md S3 and S4 (v2) in plain Chinese, for a reader
// who is not a statistician: what was drawn, what each answer stands
// for, what the interval means. The formulas are in docs/statistics.md.
func MethodNote(s pinggu.Scale) []string {
	return []string{
		"一是抽样分两步。第一步，在每个县市区内按单位类型（县直部门、乡镇街道、党支部）用公布的随机种子公开抽取评估对象，市直单位全部参评；第二步，从每个评估对象冻结的名单中再公开抽取受访者。任何人都可以用公布的种子、名单和抽样记录复算抽样结果。",
		fmt.Sprintf("二是好评率为评价“%s”“%s”的答案所占的比例。某一题答“%s”的，不计入这一题的分母；一个抽中的单位在某一题上无人作答的，这一题不计这个单位。平均分按%s计算。",
			s.Levels[0].Label, s.Levels[1].Label, s.UnknownText(), scaleText(s)),
		"三是每份测评表代表的人数不同。某类单位中抽中的比例越小、某单位名单中抽中的比例越小，那里的每份测评表代表的人就越多。县市区和全市的结果按每份测评表代表的人数加权计算，不是把测评表简单相加；单个评估对象的结果就是其受访者中的比例。评估方面的小计合并其各要点的作答，同一受访者的作答合在一起计算误差。",
		"四是95%置信区间表示抽样带来的不确定范围，同时计入“抽中哪些单位”和“抽中哪些人”两步的误差。县市区抽中的单位不多，区间按自由度放宽（自由度为抽中并有作答的单位数减去单位类型数，市直单位为受访者人数减一）；自由度不足时只给结果、不给区间。某类单位全部参评且名单全员作答的，视为普查，没有抽样误差，不给区间。",
		"五是应答率为收回的有效测评表占全部受邀人数的比例，受邀人数包括抽中的人、按规程递补的人和被递补的未应答者（AAPOR RR1）；发放测评码多于抽取人数时以发放数为准。",
		fmt.Sprintf("六是不足%d人的结果在任何页面、报告、数据表、导出和接口中都不显示；能由合计和其他单位的数字推算出来的结果，一并不显示，以“*”表示；为此，含有不显示单位的那一类评估对象，其各项指标不列各等次人数，方面小计不列置信区间；仍可能被推算的，好评率取整数百分比、平均分取整数、不列置信区间。位次只在置信区间不重叠时区分，“2–5”表示可能位于第2至第5名之间。百分比由计算结果四舍五入保留一位小数。",
			analysis.MinRespondents),
		"七是计算方法与统计软件R的survey程序包对两阶段分层抽样的计算一致，可由公开的抽样记录和原始测评数据复算。",
	}
}

// methodAppendix adds the method note as the document's appendix.
func methodAppendix(d *Document, s pinggu.Scale) {
	d.h1("附件：" + MethodTitle)
	for _, line := range MethodNote(s) {
		d.p("%s", line)
	}
}
