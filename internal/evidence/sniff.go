package evidence

import (
	"archive/zip"
	"bytes"

	"pinggu"
)

// sniff decides a file's type by its first bytes and, for a ZIP, by the
// parts inside: a Word document has [Content_Types].xml and
// word/document.xml. Anything else is refused, named as what it is.
func sniff(data []byte) (string, error) {
	head := data[:min(len(data), 1024)]
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return pinggu.FilePNG, nil
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return pinggu.FileJPEG, nil
	case bytes.Contains(head, []byte("%PDF-")):
		return pinggu.FilePDF, nil
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		return "", pinggu.Errorf(pinggu.EInvalid, "evidence.legacy_office")
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return "", pinggu.Errorf(pinggu.EInvalid, "evidence.broken", "Type", "ZIP")
		}
		has := map[string]bool{}
		for _, f := range z.File {
			has[f.Name] = true
		}
		switch {
		case has["[Content_Types].xml"] && has["word/document.xml"]:
			return pinggu.FileDOCX, nil
		case has["xl/workbook.xml"]:
			return "", pinggu.Errorf(pinggu.EInvalid, "evidence.type_found", "Found", "Excel（.xlsx）")
		case has["ppt/presentation.xml"]:
			return "", pinggu.Errorf(pinggu.EInvalid, "evidence.type_found", "Found", "PowerPoint（.pptx）")
		case has["content.xml"] && has["mimetype"]:
			return "", pinggu.Errorf(pinggu.EInvalid, "evidence.type_found", "Found", "OpenDocument（.odt）")
		}
		return "", pinggu.Errorf(pinggu.EInvalid, "evidence.type_found", "Found", "ZIP 压缩包")
	}
	return "", pinggu.Errorf(pinggu.EInvalid, "evidence.type_unknown")
}
