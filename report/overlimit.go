package report

import "strings"

// overLimitText lists, for the Markdown header, the inputs a sample could
// not read for their size (Input.OverLimit), each once, with the checks
// they leave unjudged said plainly; "" when every input was small enough.
func overLimitText(r *Report) string {
	var names []string
	seen := map[string]bool{}
	for _, in := range r.Inputs {
		if !in.OverLimit {
			continue
		}
		label := in.Name
		if in.Path != "" {
			label += " (" + in.Path + ")"
		}
		if seen[label] {
			continue
		}
		seen[label] = true
		names = append(names, mdText(label))
	}
	if len(names) == 0 {
		return ""
	}
	return "**" + strings.Join(names, ", ") + "**: too large to read; the checks that need it are not evaluated"
}
