package web

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"pinggu"
)

// Action names an audit action in the user's language.
func (p *Page) Action(action string) string {
	key := "action." + action
	if s := p.L.T(key); s != key {
		return s
	}
	return action
}

// Diff renders an audit row's before and after JSON as "field: old → new"
// for the fields that changed (every field of a creation), in the user's
// language, so that the log reads as a record rather than as data.
func (p *Page) Diff(before, after string) string {
	var b, a map[string]any
	json.Unmarshal([]byte(before), &b)
	json.Unmarshal([]byte(after), &a)
	keys := map[string]bool{}
	for k := range b {
		keys[k] = true
	}
	for k := range a {
		keys[k] = true
	}
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	var parts []string
	for _, k := range names {
		old, hadOld := b[k]
		cur, hasCur := a[k]
		if hadOld && hasCur && fmt.Sprint(old) == fmt.Sprint(cur) {
			continue
		}
		field := p.L.FieldName(k)
		o, c := p.value(k, old), p.value(k, cur)
		if before == "" {
			parts = append(parts, field+"："+c)
		} else {
			parts = append(parts, field+"："+o+" → "+c)
		}
	}
	return strings.Join(parts, "；")
}

// value shows a field's value: kinds translated, phones masked (the log is
// read by people who need not see a liaison's number).
func (p *Page) value(field string, v any) string {
	s := show(v)
	switch field {
	case "kind":
		if k := pinggu.UnitKind(s); k.Valid() {
			return p.L.Kind(k)
		}
	case "liaison_phone":
		if s != "—" {
			return pinggu.MaskPhone(s)
		}
	}
	return s
}

func show(v any) string {
	switch x := v.(type) {
	case nil:
		return "—"
	case string:
		if x == "" {
			return "—"
		}
		return x
	case float64:
		return fmt.Sprintf("%g", x)
	case []any:
		s := make([]string, len(x))
		for i, e := range x {
			s[i] = show(e)
		}
		return strings.Join(s, "、")
	}
	return fmt.Sprint(v)
}

// Status names a draw element's status; a non-response carries its reason.
func (p *Page) Status(s string) string {
	if reason, ok := strings.CutPrefix(s, "non_response:"); ok {
		return p.L.T("status.non_response", "Reason", p.L.T("reason."+reason))
	}
	return p.L.T("status." + s)
}
