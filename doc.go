// Package pinggu holds the vocabulary of pinggu (评估), the third-party
// evaluation system: units of the registry (单位名录), users and their
// roles, the permission rules, the audit chain and the error type that
// every layer shares; campaigns (评估工作) with their settings and
// deadlines; frameworks (指标体系) of dimensions and items, and the survey
// forms built from them; rosters (名册) and respondent categories; survey
// codes (测评码), responses and their channels; evaluation groups and the
// checklist's grades; and the reports (评估报告) with their sections. It
// holds types, validation and pure rules only, and imports the standard
// library only; storage, statistics, documents, the web and the command
// line live below it in internal/ and depend on it, never the other way
// round (layers_test.go keeps the floors).
package pinggu
