package bench

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"pinggu/internal/tabular"
)

// peakRSS resets the process's peak resident set size (Linux) and returns
// a function that reads it, in MB: the memory a phase really needed.
func peakRSS() func() float64 {
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	return func() float64 {
		f, err := os.Open("/proc/self/status")
		if err != nil {
			return -1
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
				kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
				return float64(kb) / 1024
			}
		}
		return -1
	}
}

type phase struct {
	name  string
	took  time.Duration
	bytes int64
	rss   float64
}

func measure(name string, fn func() (int64, error)) (phase, error) {
	// Give the last phase's memory back to the OS first, or its peak
	// would be counted again.
	debug.FreeOSMemory()
	rss := peakRSS()
	start := time.Now()
	n, err := fn()
	return phase{name, time.Since(start), n, rss()}, err
}

func printPhases(w io.Writer, ps []phase) {
	rows := [][]string{{"", "seconds", "MB written", "peak RSS MB"}}
	for _, p := range ps {
		rows = append(rows, []string{p.name, fmt.Sprintf("%.2f", p.took.Seconds()), fmt.Sprintf("%.1f", float64(p.bytes)/1e6), fmt.Sprintf("%.0f", p.rss)})
	}
	tabular.WriteColumns(w, "  ", rows)
}

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }
