package evidence

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"regexp"
	"strings"

	"pinggu"
)

// Bounds against crafted archives: a part and the whole archive, inflated.
const (
	maxPart  = 64 << 20
	maxTotal = 256 << 20
)

// docxMetadata are the elements and attributes that name people in a
// Word document, by part, with what the stripped list calls them. Their
// values are emptied; the parts stay, so the document opens as before.
var docxMetadata = []struct {
	part  *regexp.Regexp
	value *regexp.Regexp
	what  string
}{
	{regexp.MustCompile(`^docProps/core\.xml$`), regexp.MustCompile(`(<(dc:creator|cp:lastModifiedBy)(?:\s[^>]*)?>)([^<]+)(</(?:dc:creator|cp:lastModifiedBy)>)`), "作者"},
	{regexp.MustCompile(`^docProps/app\.xml$`), regexp.MustCompile(`(<(Company|Manager)>)([^<]+)(</(?:Company|Manager)>)`), "单位"},
	{regexp.MustCompile(`^word/[^/]+\.xml$`), regexp.MustCompile(`(\bw(15)?:(?:author|initials|userId)=")([^"]+)(")`), "修订者"},
}

// docx checks a Word document's parts, empties the names in its
// metadata, comments and tracked changes, and extracts its text.
func (k *Kept) docx(data []byte) error {
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return pinggu.Errorf(pinggu.EInvalid, "evidence.broken", "Type", "Word")
	}
	var out bytes.Buffer
	w := zip.NewWriter(&out)
	total := int64(0)
	stripped := map[string]bool{}
	for _, f := range z.File {
		b, err := readPart(f, &total)
		if err != nil {
			return err
		}
		for _, m := range docxMetadata {
			if !m.part.MatchString(f.Name) {
				continue
			}
			b = m.value.ReplaceAllFunc(b, func(s []byte) []byte {
				stripped[m.what] = true
				sub := m.value.FindSubmatch(s)
				return append(append([]byte{}, sub[1]...), sub[len(sub)-1]...)
			})
		}
		if f.Name == "word/document.xml" {
			if k.Text, err = docxText(b); err != nil {
				return pinggu.Errorf(pinggu.EInvalid, "evidence.broken", "Type", "Word")
			}
		}
		hdr := f.FileHeader
		hdr.CompressedSize64, hdr.UncompressedSize64, hdr.CRC32 = 0, 0, 0
		hdr.Method = zip.Deflate
		pw, err := w.CreateHeader(&hdr)
		if err != nil {
			return pinggu.Internal(err)
		}
		if _, err := pw.Write(b); err != nil {
			return pinggu.Internal(err)
		}
	}
	if err := w.Close(); err != nil {
		return pinggu.Internal(err)
	}
	k.Data = out.Bytes()
	for _, what := range []string{"作者", "单位", "修订者"} {
		if stripped[what] {
			k.Stripped = append(k.Stripped, what)
		}
	}
	return nil
}

// readPart inflates one part within the bounds, adding to total.
func readPart(f *zip.File, total *int64) ([]byte, error) {
	if f.UncompressedSize64 > maxPart {
		return nil, pinggu.Errorf(pinggu.EInvalid, "evidence.inflates", "MaxMB", maxPart>>20)
	}
	r, err := f.Open()
	if err != nil {
		return nil, pinggu.Errorf(pinggu.EInvalid, "evidence.broken", "Type", "Word")
	}
	defer r.Close()
	b, err := io.ReadAll(io.LimitReader(r, maxPart+1))
	if err != nil {
		return nil, pinggu.Errorf(pinggu.EInvalid, "evidence.broken", "Type", "Word")
	}
	*total += int64(len(b))
	if len(b) > maxPart || *total > maxTotal {
		return nil, pinggu.Errorf(pinggu.EInvalid, "evidence.inflates", "MaxMB", maxPart>>20)
	}
	return b, nil
}

// docxText is the text of a document part: its runs' text, a tab for a
// tab, a line break for a break and at the end of every paragraph.
func docxText(doc []byte) (string, error) {
	d := xml.NewDecoder(bytes.NewReader(doc))
	var b strings.Builder
	inText := false
	for {
		t, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
		switch t := t.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "t":
				inText = true
			case "tab":
				b.WriteByte('\t')
			case "br", "cr":
				b.WriteByte('\n')
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				b.WriteByte('\n')
			}
		case xml.CharData:
			if inText {
				b.Write(t)
			}
		}
	}
	return strings.TrimSpace(b.String()), nil
}
