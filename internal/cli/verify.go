package cli

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"pinggu"
	"pinggu/internal/sampling"
)

const verifyHelp = `Usage: pinggu verify RECORD.json FRAME_DIR_OR_ZIP

Recomputes a draw from its record and the frame files, needing no database:
each frame's SHA-256, n, k by the rule, every ticket and the order, and that
exactly the first k were drawn and any replacements followed strictly in
order. Prints "match", or the first mismatch and exits with status 1.
Frame files are named <stratum>.csv (as 'pinggu frames export' writes them).`

func runVerify(e *env, args []string) error {
	fs := newFlags(e, "verify", verifyHelp)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return ExitError{2}
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return pinggu.Errorf(pinggu.EInvalid, "file.cannot_read", "Name", fs.Arg(0))
	}
	var rec sampling.Record
	if err := json.Unmarshal(data, &rec); err != nil {
		return pinggu.Errorf(pinggu.EInvalid, "api.bad_json", "Detail", err.Error())
	}
	frames, err := readFrames(fs.Arg(1))
	if err != nil {
		return pinggu.Errorf(pinggu.EInvalid, "file.cannot_read", "Name", fs.Arg(1))
	}
	if m := sampling.Verify(&rec, frames); m != nil {
		fmt.Fprintln(e.stdout, e.l.T("verify.mismatch", "Stratum", m.Stratum, "What", m.What))
		return ExitError{1}
	}
	n := 0
	for _, s := range rec.Strata {
		n += s.N
	}
	fmt.Fprintln(e.stdout, e.l.T("verify.match", "Strata", len(rec.Strata), "N", n))
	return nil
}

// readFrames reads <stratum>.csv files from a directory tree or a zip.
func readFrames(path string) (map[string][]byte, error) {
	frames := map[string][]byte{}
	if strings.HasSuffix(strings.ToLower(path), ".zip") {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return nil, err
		}
		for _, f := range zr.File {
			if !strings.HasSuffix(f.Name, ".csv") {
				continue
			}
			rc, err := f.Open()
			if err != nil {
				return nil, err
			}
			b, err := io.ReadAll(io.LimitReader(rc, 1<<30))
			rc.Close()
			if err != nil {
				return nil, err
			}
			frames[strings.TrimSuffix(f.Name, ".csv")] = b
		}
		return frames, nil
	}
	err := filepath.WalkDir(path, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".csv") {
			return err
		}
		rel, err := filepath.Rel(path, p)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		frames[strings.TrimSuffix(filepath.ToSlash(rel), ".csv")] = b
		return err
	})
	return frames, err
}
