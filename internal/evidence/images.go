package evidence

import (
	"bytes"
	"encoding/binary"

	"pinggu"
)

// stripJPEG drops the segments that carry metadata — APP1 (EXIF, with
// the camera, the time and the place; XMP), APP13 (IPTC) and comments —
// and keeps the rest, the picture itself untouched.
func stripJPEG(data []byte) ([]byte, []string, error) {
	broken := pinggu.Errorf(pinggu.EInvalid, "evidence.broken", "Type", "JPEG")
	out := bytes.NewBuffer(make([]byte, 0, len(data)))
	out.Write(data[:2])
	dropped := false
	for i := 2; ; {
		if i+4 > len(data) || data[i] != 0xFF {
			return nil, nil, broken
		}
		marker := data[i+1]
		if marker == 0xFF { // fill byte
			i++
			continue
		}
		if marker == 0xDA || marker == 0xD9 { // start of scan, or end: the rest is the picture
			out.Write(data[i:])
			break
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		if n < 2 || i+2+n > len(data) {
			return nil, nil, broken
		}
		if marker == 0xE1 || marker == 0xED || marker == 0xFE {
			dropped = true
		} else {
			out.Write(data[i : i+2+n])
		}
		i += 2 + n
	}
	if dropped {
		return out.Bytes(), []string{"EXIF"}, nil
	}
	return out.Bytes(), nil, nil
}

// pngMetadata are the chunks that carry text, EXIF or a time.
var pngMetadata = map[string]bool{"tEXt": true, "zTXt": true, "iTXt": true, "eXIf": true, "tIME": true}

// stripPNG drops the text, EXIF and time chunks of a PNG.
func stripPNG(data []byte) ([]byte, []string, error) {
	broken := pinggu.Errorf(pinggu.EInvalid, "evidence.broken", "Type", "PNG")
	out := bytes.NewBuffer(make([]byte, 0, len(data)))
	out.Write(data[:8])
	dropped := false
	for i := 8; ; {
		if i+12 > len(data) {
			return nil, nil, broken
		}
		n := int(binary.BigEndian.Uint32(data[i:]))
		if n < 0 || n > len(data) || i+12+n > len(data) {
			return nil, nil, broken
		}
		typ := string(data[i+4 : i+8])
		if pngMetadata[typ] {
			dropped = true
		} else {
			out.Write(data[i : i+12+n])
		}
		i += 12 + n
		if typ == "IEND" {
			break
		}
	}
	if dropped {
		return out.Bytes(), []string{"EXIF"}, nil
	}
	return out.Bytes(), nil, nil
}
