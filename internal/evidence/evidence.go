// Package evidence checks and prepares the files pinggu keeps as
// evidence: self-assessment reports (DOCX, PDF) and the photos and
// documents behind a finding (also JPEG, PNG). A file's type is decided
// by its content — magic bytes and structure — never by its name; its
// author metadata is removed from the bytes pinggu keeps and serves back;
// its text is extracted where it has any (DOCX always, PDF when it holds
// text rather than scanned pages), for search and for the 千人一面
// comparison.
package evidence

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"pinggu"
)

// Kept is a checked file, ready to store.
type Kept struct {
	Type     string   // pinggu.FileDOCX, FilePDF, FileJPEG or FilePNG
	Data     []byte   // the bytes to store and serve: metadata removed
	Text     string   // the extracted text ("" for images and scanned PDFs)
	Stripped []string // what was removed, e.g. "作者", "EXIF"
	SHA256   string   // of Data
	Received string   // SHA-256 of the bytes as uploaded
}

// Documents are the types a self-assessment may be; Any adds photos.
var (
	Documents = []string{pinggu.FileDOCX, pinggu.FilePDF}
	Any       = []string{pinggu.FileDOCX, pinggu.FilePDF, pinggu.FileJPEG, pinggu.FilePNG}
)

// typeNames are the file types in messages.
var typeNames = map[string]string{pinggu.FileDOCX: "Word（.docx）", pinggu.FilePDF: "PDF", pinggu.FileJPEG: "JPEG 图片", pinggu.FilePNG: "PNG 图片"}

// Check decides data's type by its content, refuses a type not in
// allowed, a file over pinggu.MaxFileSize and one whose structure is
// broken, and returns it with its metadata removed and its text. The
// errors are pinggu errors of kind EInvalid saying what was found.
func Check(data []byte, allowed []string) (*Kept, error) {
	if len(data) == 0 {
		return nil, pinggu.Errorf(pinggu.EInvalid, "evidence.empty")
	}
	if len(data) > pinggu.MaxFileSize {
		return nil, pinggu.Errorf(pinggu.EInvalid, "file.too_large", "MaxMB", pinggu.MaxFileSize>>20)
	}
	found, err := sniff(data)
	if err != nil {
		return nil, err
	}
	ok := false
	var names []string
	for _, t := range allowed {
		ok = ok || t == found
		names = append(names, typeNames[t])
	}
	if !ok {
		return nil, pinggu.Errorf(pinggu.EInvalid, "evidence.type_refused", "Found", typeNames[found], "Allowed", strings.Join(names, "、"))
	}
	k := &Kept{Type: found, Received: digest(data)}
	switch found {
	case pinggu.FileDOCX:
		err = k.docx(data)
	case pinggu.FilePDF:
		err = k.pdf(data)
	case pinggu.FileJPEG:
		k.Data, k.Stripped, err = stripJPEG(data)
	case pinggu.FilePNG:
		k.Data, k.Stripped, err = stripPNG(data)
	}
	if err != nil {
		return nil, err
	}
	k.SHA256 = digest(k.Data)
	return k, nil
}

func digest(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// ContentType is the MIME type a file of type t is served as.
func ContentType(t string) string {
	return map[string]string{
		pinggu.FileDOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		pinggu.FilePDF:  "application/pdf",
		pinggu.FileJPEG: "image/jpeg",
		pinggu.FilePNG:  "image/png",
	}[t]
}

// Extension is the file name extension of type t.
func Extension(t string) string {
	if t == pinggu.FileJPEG {
		return ".jpg"
	}
	return "." + t
}
