package evidence

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"pinggu"
)

// wordFile builds a small Word document the way Word leaves one: an
// author and a last editor in core.xml, the company in app.xml, a tracked
// insertion and a comment by a named person.
func wordFile(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	parts := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>`,
		"_rels/.rels":         `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>`,
		"word/document.xml": `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` +
			`<w:p><w:r><w:t>关于主题教育自查评估情况的报告</w:t></w:r></w:p>` +
			`<w:p><w:r><w:t xml:space="preserve">一、学习情况。</w:t></w:r><w:ins w:id="1" w:author="王小明" w:date="2026-11-30T10:00:00Z"><w:r><w:t>共开展集中学习12次。</w:t></w:r></w:ins></w:p>` +
			`<w:p><w:r><w:t>二、存在问题</w:t></w:r><w:r><w:tab/><w:t>查摆不深。</w:t></w:r></w:p>` +
			`<w:sectPr/></w:body></w:document>`,
		"docProps/core.xml": `<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>自查报告</dc:title><dc:creator>王小明</dc:creator><cp:lastModifiedBy>李四</cp:lastModifiedBy></cp:coreProperties>`,
		"docProps/app.xml":  `<?xml version="1.0" encoding="UTF-8"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Company>某某局办公室</Company></Properties>`,
	}
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml", "docProps/core.xml", "docProps/app.xml"} {
		w, _ := z.Create(name)
		w.Write([]byte(parts[name]))
	}
	z.Close()
	return b.Bytes()
}

func part(t *testing.T, docx []byte, name string) string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(docx), int64(len(docx)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range z.File {
		if f.Name == name {
			r, _ := f.Open()
			var b bytes.Buffer
			b.ReadFrom(r)
			return b.String()
		}
	}
	t.Fatalf("no part %s", name)
	return ""
}

// TestWord: the text comes out in paragraphs, the names go, the title and
// the text stay.
func TestWord(t *testing.T) {
	in := wordFile(t)
	k, err := Check(in, Documents)
	if err != nil {
		t.Fatal(err)
	}
	if k.Type != pinggu.FileDOCX {
		t.Fatalf("type %s", k.Type)
	}
	want := "关于主题教育自查评估情况的报告\n一、学习情况。共开展集中学习12次。\n二、存在问题\t查摆不深。"
	if k.Text != want {
		t.Errorf("text %q\nwant %q", k.Text, want)
	}
	for _, name := range []string{"王小明", "李四", "某某局办公室"} {
		if bytes.Contains(k.Data, []byte(name)) {
			t.Errorf("%s is still in the stored file", name)
		}
		// Deflated parts hide names from a byte search: read them.
		for _, p := range []string{"docProps/core.xml", "docProps/app.xml", "word/document.xml"} {
			if strings.Contains(part(t, k.Data, p), name) {
				t.Errorf("%s is still in %s", name, p)
			}
		}
	}
	if !strings.Contains(part(t, k.Data, "docProps/core.xml"), "<dc:title>自查报告</dc:title>") {
		t.Error("the title went too")
	}
	if strings.Join(k.Stripped, ",") != "作者,单位,修订者" {
		t.Errorf("stripped %v", k.Stripped)
	}
	if k.Received == k.SHA256 || len(k.SHA256) != 64 {
		t.Errorf("digests %s %s", k.Received, k.SHA256)
	}
	// What is kept reads the same again, with nothing more to remove.
	again, err := Check(k.Data, Documents)
	if err != nil || again.Text != k.Text || len(again.Stripped) != 0 {
		t.Errorf("checked again: %v %q %v", err, again.Text, again.Stripped)
	}
}

// TestRefused: every refusal names what it found; nothing is guessed from
// a name.
func TestRefused(t *testing.T) {
	xlsx := func() []byte {
		var b bytes.Buffer
		z := zip.NewWriter(&b)
		w, _ := z.Create("xl/workbook.xml")
		w.Write([]byte("<workbook/>"))
		z.Close()
		return b.Bytes()
	}()
	img := pngFile(t, false)
	cases := []struct {
		name    string
		data    []byte
		allowed []string
		key     string
	}{
		{"empty", nil, Documents, "evidence.empty"},
		{"text renamed .docx", []byte("这是一个文本文件"), Documents, "evidence.type_unknown"},
		{"old .doc", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 100)...), Documents, "evidence.legacy_office"},
		{"xlsx", xlsx, Documents, "evidence.type_found"},
		{"photo as a self-assessment", img, Documents, "evidence.type_refused"},
		{"truncated zip", wordFile(t)[:200], Documents, "evidence.broken"},
		{"truncated pdf", []byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"), Documents, "evidence.broken"},
		{"too large", append([]byte("%PDF-1.7\n"), make([]byte, pinggu.MaxFileSize)...), Documents, "file.too_large"},
	}
	for _, c := range cases {
		_, err := Check(c.data, c.allowed)
		var pe *pinggu.Error
		if !asError(err, &pe) || pe.Key != c.key {
			t.Errorf("%s: %v, want %s", c.name, err, c.key)
		}
	}
}

func asError(err error, pe **pinggu.Error) bool {
	e, ok := err.(*pinggu.Error)
	*pe = e
	return ok
}

// TestZipBomb: a part that inflates past the bound is refused unread.
func TestZipBomb(t *testing.T) {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for _, name := range []string{"[Content_Types].xml", "word/document.xml"} {
		w, _ := z.Create(name)
		if name == "word/document.xml" {
			zero := make([]byte, 1<<20)
			for range maxPart>>20 + 1 {
				w.Write(zero)
			}
		}
	}
	z.Close()
	_, err := Check(b.Bytes(), Documents)
	var pe *pinggu.Error
	if !asError(err, &pe) || pe.Key != "evidence.inflates" {
		t.Errorf("bomb: %v", err)
	}
}

func picture() image.Image {
	m := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for i := range 16 {
		m.Set(i, i, color.RGBA{200, 0, 0, 255})
	}
	return m
}

// pngFile encodes a picture, with a text chunk naming a place if meta.
func pngFile(t *testing.T, meta bool) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, picture()); err != nil {
		t.Fatal(err)
	}
	if !meta {
		return b.Bytes()
	}
	data := b.Bytes()
	iend := bytes.LastIndex(data, []byte("IEND")) - 4
	payload := []byte("Location\x00扬州市广陵区某小区3栋")
	chunk := binary.BigEndian.AppendUint32(nil, uint32(len(payload)))
	chunk = append(chunk, "tEXt"...)
	chunk = append(chunk, payload...)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(append([]byte("tEXt"), payload...)))
	return append(append(append([]byte{}, data[:iend]...), chunk...), data[iend:]...)
}

// TestPhotos: EXIF and text chunks go, the picture stays decodable and
// the same.
func TestPhotos(t *testing.T) {
	var jb bytes.Buffer
	if err := jpeg.Encode(&jb, picture(), nil); err != nil {
		t.Fatal(err)
	}
	exif := append([]byte("Exif\x00\x00"), []byte("GPS 32.39N 119.41E 扬州")...)
	seg := append([]byte{0xFF, 0xE1}, binary.BigEndian.AppendUint16(nil, uint16(len(exif)+2))...)
	withExif := append(append(append([]byte{}, jb.Bytes()[:2]...), append(seg, exif...)...), jb.Bytes()[2:]...)
	for name, in := range map[string][]byte{"jpeg": withExif, "png": pngFile(t, true)} {
		k, err := Check(in, Any)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if bytes.Contains(k.Data, []byte("扬州")) || len(k.Stripped) != 1 {
			t.Errorf("%s: the place is still there (stripped %v)", name, k.Stripped)
		}
		if _, _, err := image.Decode(bytes.NewReader(k.Data)); err != nil {
			t.Errorf("%s: the stripped picture does not decode: %v", name, err)
		}
		if k.Type != name {
			t.Errorf("%s read as %s", name, k.Type)
		}
	}
}

// TestPhotoOrientation: a phone's portrait photo keeps its EXIF
// orientation, and nothing else of its EXIF.
func TestPhotoOrientation(t *testing.T) {
	var jb bytes.Buffer
	jpeg.Encode(&jb, picture(), nil)
	// Big-endian EXIF, as many cameras write it: a make, then orientation 6.
	tiff := []byte{'M', 'M', 0, 42, 0, 0, 0, 8, 0, 2,
		0x01, 0x0F, 0, 2, 0, 0, 0, 4, 'H', 'T', 'C', 0,
		0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0,
		0, 0, 0, 0}
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := append([]byte{0xFF, 0xE1}, binary.BigEndian.AppendUint16(nil, uint16(len(payload)+2))...)
	in := append(append(append([]byte{}, jb.Bytes()[:2]...), append(seg, payload...)...), jb.Bytes()[2:]...)
	k, err := Check(in, Any)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(k.Data, []byte("HTC")) {
		t.Error("the camera's make is still there")
	}
	i := bytes.Index(k.Data, []byte("Exif\x00\x00"))
	if i < 0 || exifOrientation(k.Data[i:]) != 6 {
		t.Errorf("orientation lost (EXIF at %d)", i)
	}
	if _, _, err := image.Decode(bytes.NewReader(k.Data)); err != nil {
		t.Errorf("does not decode: %v", err)
	}
	// Checked again, the orientation stays and nothing more is removed.
	again, err := Check(k.Data, Any)
	if err != nil || !bytes.Equal(again.Data, k.Data) {
		t.Errorf("a second check changed the photo: %v", err)
	}
}

// TestPDF makes a PDF with Chinese text in LibreOffice, puts an author
// in its information, and checks that pinggu reads the text, blanks the
// author, and that poppler's pdftotext still reads the file it keeps.
func TestPDF(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	pdftotext, err2 := exec.LookPath("pdftotext")
	if err != nil || err2 != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("soffice and pdftotext are needed under CI")
		}
		t.Skip("no LibreOffice or poppler")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "自查报告.txt")
	os.WriteFile(src, []byte("关于开展主题教育自查评估情况的报告\n一、学习贯彻情况。我单位认真组织党员学习党章，共开展集中学习12次。\n"), 0o644)
	cmd := exec.Command(soffice, "--headless", "--convert-to", "pdf", "--outdir", dir, src)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v %s", err, out)
	}
	pdf, err := os.ReadFile(filepath.Join(dir, "自查报告.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	// An author in the information dictionary, written over the Producer
	// entry with the same number of bytes so that the offsets still hold:
	// "/Author  <FEFF…>" names whoever LibreOffice's producer string named.
	i := bytes.Index(pdf, []byte("/Producer<"))
	if i < 0 {
		t.Fatal("no Producer in the information dictionary")
	}
	withAuthor := bytes.Clone(pdf)
	copy(withAuthor[i:], "/Author  ")
	name := pdf[i+len("/Producer<") : i+len("/Producer<")+20]
	k, err := Check(withAuthor, Documents)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.ReplaceAll(k.Text, "\n", ""), "我单位认真组织党员学习党章，共开展集中学习12次。") {
		t.Errorf("text %q", k.Text)
	}
	if bytes.Contains(k.Data, name) || len(k.Stripped) != 1 {
		t.Errorf("the author is still there (%v)", k.Stripped)
	}
	if len(k.Data) != len(withAuthor) {
		t.Errorf("the length changed: %d → %d", len(withAuthor), len(k.Data))
	}
	// A literal author string with an escaped parenthesis is blanked to
	// its end and no further.
	lit := []byte("<</Author(\\(zhang\\) 张三)/Title(自查)>>")
	if end := pdfStringEnd(lit, bytes.IndexByte(lit, '(')); string(lit[end+1:]) != "/Title(自查)>>" {
		t.Errorf("literal string ends at %d: %s", end, lit[end+1:])
	}
	kept := filepath.Join(dir, "kept.pdf")
	os.WriteFile(kept, k.Data, 0o644)
	out, err := exec.Command(pdftotext, kept, "-").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "自查评估") {
		t.Errorf("pdftotext on the kept file: %v %s", err, out)
	}
	// A scanned PDF — no text — is kept, with no text.
	scan := []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
	if k, err := Check(scan, Documents); err != nil || k.Text != "" {
		t.Errorf("textless PDF: %v %q", err, k.Text)
	}
}
