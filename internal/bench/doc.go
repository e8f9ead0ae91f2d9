// Package bench measures pinggu against baselines taken in the same run:
// survey intake against a bare net/http handler, the streamed export
// against reading the rows alone, and the reports against zipping the
// same bytes again. Each works on a scratch database the caller opens;
// pinggu bench is its command line, and docs/performance.md records the
// figures.
package bench
