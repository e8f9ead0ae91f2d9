package pinggu

import "strings"

// Spreadsheet programs run a CSV cell that begins with =, +, - or @ as a
// formula (=HYPERLINK(…), +cmd|…, @SUM(…)), and a leading tab or carriage
// return can hide one. OWASP's rule for CSV injection: such a cell gets a
// leading apostrophe, which Excel, WPS and LibreOffice show as text and do
// not display. Every CSV pinggu writes goes through Neutralize; reading a
// CSV takes the apostrophe off again (Restore), so an export re-imports to
// the same values.

// Neutralize prefixes a cell that a spreadsheet would run as a formula.
func Neutralize(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// Restore undoes Neutralize for a cell read from a CSV file.
func Restore(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}
