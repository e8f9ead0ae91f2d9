package pinggu

import (
	"embed"
	"encoding/json"
	"fmt"
)

//go:embed frameworks/*.json
var builtinFrameworks embed.FS

// BuiltinFrameworks returns the two frameworks of the work plan's section
// 五, item for item: leadership teams (20 items) and Party branches (6
// items), each followed by the five effects of section 一 that respondents
// rate.
func BuiltinFrameworks() ([]Framework, error) {
	var out []Framework
	for _, name := range []string{"leadership", "branch"} {
		data, err := builtinFrameworks.ReadFile("frameworks/" + name + ".json")
		if err != nil {
			return nil, err
		}
		var f Framework
		if err := json.Unmarshal(data, &f); err != nil {
			return nil, fmt.Errorf("framework %s: %w", name, err)
		}
		out = append(out, f)
	}
	return out, nil
}
