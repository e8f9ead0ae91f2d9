// Package i18n holds the message catalogs (Simplified Chinese by default,
// English) and turns message keys and pinggu errors into text in the
// user's language.
package i18n

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"pinggu"
)

//go:embed catalogs/*.json
var catalogs embed.FS

// Languages pinggu speaks; the first is the default.
var Languages = []string{"zh-CN", "en"}

// Default is the language used when none is chosen.
const Default = "zh-CN"

// Catalog is the loaded set of messages.
type Catalog struct {
	bundle *goi18n.Bundle
}

// Load parses the embedded catalogs.
func Load() (*Catalog, error) {
	// language.SimplifiedChinese is zh-Hans, which does not match files named
	// zh-CN; parse the tag the files use.
	b := goi18n.NewBundle(language.MustParse(Default))
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	for _, lang := range Languages {
		if _, err := b.LoadMessageFileFS(catalogs, "catalogs/"+lang+".json"); err != nil {
			return nil, fmt.Errorf("catalog %s: %w", lang, err)
		}
	}
	return &Catalog{bundle: b}, nil
}

// MustLoad is Load for start-up, where a broken catalog is a build error.
func MustLoad() *Catalog {
	c, err := Load()
	if err != nil {
		panic(err)
	}
	return c
}

// Keys returns the message IDs of one language's catalog, sorted.
func Keys(lang string) ([]string, error) {
	data, err := fs.ReadFile(catalogs, path.Join("catalogs", lang+".json"))
	if err != nil {
		return nil, err
	}
	var m map[string]string
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys, nil
}

// Normalize maps a requested language to one pinggu speaks.
func Normalize(lang string) string {
	if strings.HasPrefix(strings.ToLower(lang), "en") {
		return "en"
	}
	return Default
}

// Localizer speaks one language.
type Localizer struct {
	Lang string
	l    *goi18n.Localizer
}

// For returns a localizer for lang.
func (c *Catalog) For(lang string) *Localizer {
	lang = Normalize(lang)
	return &Localizer{Lang: lang, l: goi18n.NewLocalizer(c.bundle, lang)}
}

// T returns the message key filled with alternating name/value arguments.
// A missing key shows itself, so that the test of catalogs catches it.
func (l *Localizer) T(key string, kv ...any) string {
	data := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		data[fmt.Sprint(kv[i])] = kv[i+1]
	}
	return l.tmap(key, data)
}

func (l *Localizer) tmap(key string, data map[string]any) string {
	s, err := l.l.Localize(&goi18n.LocalizeConfig{MessageID: key, TemplateData: data})
	if err != nil && s == "" {
		return key
	}
	return s
}

// Error returns the user-facing message of err: the translated key of a
// pinggu error, or the generic internal message for anything else.
func (l *Localizer) Error(err error) string {
	var e *pinggu.Error
	if !errors.As(err, &e) || e.Code == pinggu.EInternal {
		return l.T("error.internal")
	}
	return l.tmap(e.Key, e.Args)
}

// Problem renders one problem with its place: "第 3 行，“名称”列：不能为空".
func (l *Localizer) Problem(p pinggu.Problem) string {
	msg := l.tmap(p.Key, p.Args)
	switch {
	case p.Row > 0 && p.Column != "":
		return l.T("problem.row_column", "Row", p.Row, "Column", p.Column, "Message", msg)
	case p.Row > 0:
		return l.T("problem.row", "Row", p.Row, "Message", msg)
	case p.Column != "":
		return l.T("problem.field", "Field", l.FieldName(p.Column), "Message", msg)
	}
	return msg
}

// FieldName translates a field name if the catalog knows it ("field.name.<f>").
func (l *Localizer) FieldName(f string) string {
	key := "fieldname." + f
	if s := l.T(key); s != key {
		return s
	}
	return f
}

// Kind returns the display name of a unit kind.
func (l *Localizer) Kind(k pinggu.UnitKind) string { return l.T("kind." + string(k)) }

// Role returns the display name of a role.
func (l *Localizer) Role(r pinggu.Role) string { return l.T("role." + string(r)) }
