package evidence

import (
	"bytes"
	"encoding/binary"

	"pinggu"
)

// stripJPEG drops the segments that carry metadata — APP1 (EXIF, with
// the camera, the time and the place; XMP), APP13 (IPTC) and comments —
// and keeps the rest, the picture itself untouched. A phone's portrait
// photo is stored sideways with an EXIF orientation: that one tag is kept,
// in an EXIF segment of its own, so the photo still shows upright.
func stripJPEG(data []byte) ([]byte, []string, error) {
	broken := pinggu.Errorf(pinggu.EInvalid, "evidence.broken", "Type", "JPEG")
	out := bytes.NewBuffer(make([]byte, 0, len(data)))
	out.Write(data[:2])
	dropped := false
	orientation := 0
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
			if orientation > 1 {
				out.Write(orientationSegment(orientation))
			}
			out.Write(data[i:])
			break
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		if n < 2 || i+2+n > len(data) {
			return nil, nil, broken
		}
		if marker == 0xE1 || marker == 0xED || marker == 0xFE {
			dropped = true
			if marker == 0xE1 && orientation == 0 {
				orientation = exifOrientation(data[i+4 : i+2+n])
			}
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

// exifOrientation reads the Orientation tag (0x0112) of IFD0 from an APP1
// payload ("Exif\0\0" and a TIFF structure); 0 when there is none.
func exifOrientation(p []byte) int {
	if !bytes.HasPrefix(p, []byte("Exif\x00\x00")) || len(p) < 14 {
		return 0
	}
	t := p[6:]
	var order binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		order = binary.LittleEndian
	case "MM":
		order = binary.BigEndian
	default:
		return 0
	}
	ifd := int(order.Uint32(t[4:]))
	if ifd < 8 || ifd+2 > len(t) {
		return 0
	}
	n := int(order.Uint16(t[ifd:]))
	for k := range n {
		e := ifd + 2 + 12*k
		if e+12 > len(t) {
			return 0
		}
		if order.Uint16(t[e:]) == 0x0112 && order.Uint16(t[e+2:]) == 3 { // SHORT
			if v := int(order.Uint16(t[e+8:])); v >= 1 && v <= 8 {
				return v
			}
		}
	}
	return 0
}

// orientationSegment is an APP1 segment whose EXIF holds the orientation
// and nothing else.
func orientationSegment(v int) []byte {
	tiff := []byte{'I', 'I', 42, 0, 8, 0, 0, 0, // little-endian, IFD0 at 8
		1, 0, // one entry
		0x12, 0x01, 3, 0, 1, 0, 0, 0, byte(v), 0, 0, 0, // Orientation, SHORT, 1, v
		0, 0, 0, 0} // no next IFD
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1}
	seg = binary.BigEndian.AppendUint16(seg, uint16(len(payload)+2))
	return append(seg, payload...)
}
