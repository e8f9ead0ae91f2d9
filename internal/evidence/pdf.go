package evidence

import (
	"bytes"
	"io"
	"regexp"
	"strings"

	"github.com/ledongthuc/pdf"

	"pinggu"
)

// pdfInfo finds the document information entries that name people.
var pdfInfo = regexp.MustCompile(`/(Author)\s*[(<]`)

// pdfXMP finds the XMP elements that name people, where the metadata
// stream is stored uncompressed (as XMP usually is, to be found).
var pdfXMP = regexp.MustCompile(`(?s)<(dc:creator|pdf:Author)>(.*?)</(?:dc:creator|pdf:Author)>`)

// pdf checks that a PDF is whole (it ends with %%EOF), blanks the author
// in place — the same number of bytes, so every cross-reference offset
// still holds — and extracts its text where it has any.
func (k *Kept) pdf(data []byte) error {
	tail := data[max(0, len(data)-2048):]
	if !bytes.Contains(tail, []byte("%%EOF")) {
		return pinggu.Errorf(pinggu.EInvalid, "evidence.broken", "Type", "PDF")
	}
	b := bytes.Clone(data)
	blanked := false
	for _, m := range pdfInfo.FindAllIndex(b, -1) {
		open := m[1] - 1
		if end := pdfStringEnd(b, open); end > open {
			blankPDFString(b[open+1:end], b[open] == '<')
			blanked = true
		}
	}
	for _, m := range pdfXMP.FindAllSubmatchIndex(b, -1) {
		for i := m[4]; i < m[5]; i++ {
			if b[i] != '<' && b[i] != '>' && !isTagByte(b, i, m[4]) {
				b[i] = ' '
			}
		}
		blanked = true
	}
	k.Data = b
	if blanked {
		k.Stripped = []string{"作者"}
	}
	k.Text = pdfText(b)
	return nil
}

// isTagByte reports whether b[i] lies inside a tag (<rdf:li>…) within an
// XMP element that starts at from: tags stay, so the XML stays valid.
func isTagByte(b []byte, i, from int) bool {
	open := bytes.LastIndexByte(b[from:i], '<')
	shut := bytes.LastIndexByte(b[from:i], '>')
	return open > shut
}

// pdfStringEnd is the index of the byte that closes the PDF string that
// opens at b[open] — ')' for a literal, with escapes and nested
// parentheses, '>' for a hex string — or -1.
func pdfStringEnd(b []byte, open int) int {
	if b[open] == '<' {
		if end := bytes.IndexByte(b[open:], '>'); end > 0 {
			return open + end
		}
		return -1
	}
	depth := 0
	for i := open + 1; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '(':
			depth++
		case ')':
			if depth == 0 {
				return i
			}
			depth--
		}
	}
	return -1
}

// blankPDFString overwrites a string's contents: spaces in a literal,
// "20" (a space) in a hex string.
func blankPDFString(s []byte, hex bool) {
	for i := range s {
		switch {
		case !hex:
			s[i] = ' '
		case i%2 == 0:
			s[i] = '2'
		default:
			s[i] = '0'
		}
	}
}

// pdfText is a PDF's text, or "" when it has none (scanned pages) or the
// reader cannot follow it (encrypted, damaged): the file is kept either
// way.
func pdfText(data []byte) (text string) {
	defer func() {
		if recover() != nil {
			text = ""
		}
	}()
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return ""
	}
	plain, err := r.GetPlainText()
	if err != nil {
		return ""
	}
	b, err := io.ReadAll(io.LimitReader(plain, maxPart))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}
