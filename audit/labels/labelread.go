package labels

import (
	"sort"
	"strings"

	"dataready/audit"
	"dataready/audit/norm"
)

// labelReader reads label-like values the way the pipeline's prepare step
// reads the label column: a value is missing when it is empty after
// trimming or a null token; otherwise label_map rewrites it (an exact key
// first, then a key with the same norm) and its class is norm of the
// result. Batch only carries the class (normalized) of the label column, so
// labels.variants (which needs the spelling after label_map, before norm)
// and labels.agreement (which reads the annotator columns) repeat that rule
// here. Safe for concurrent use: it is read-only after newLabelReader.
type labelReader struct {
	exact  map[string]string
	normed map[string]string
	tokens map[string]bool
}

func newLabelReader(cfg *audit.Config) *labelReader {
	r := &labelReader{exact: cfg.LabelMap, normed: map[string]string{}, tokens: map[string]bool{}}
	// Sorted, so that two keys with the same norm resolve the same way in
	// every run (the later key wins).
	keys := make([]string, 0, len(cfg.LabelMap))
	for k := range cfg.LabelMap {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		r.normed[norm.String(k)] = cfg.LabelMap[k]
	}
	for _, t := range cfg.NullValues {
		if t = strings.TrimSpace(t); t != "" {
			r.tokens[t] = true
		}
	}
	return r
}

// spelling returns the label as label_map leaves it: the map's value when
// an entry applies to raw, raw itself otherwise.
func (r *labelReader) spelling(raw string) string {
	if v, ok := r.exact[raw]; ok {
		return v
	}
	if len(r.normed) > 0 {
		if v, ok := r.normed[norm.String(raw)]; ok {
			return v
		}
	}
	return raw
}

// class returns the class of a present raw value and whether it is not
// missing.
func (r *labelReader) class(raw string) (string, bool) {
	t := strings.TrimSpace(raw)
	if t == "" || r.tokens[t] {
		return "", false
	}
	c := norm.String(r.spelling(raw))
	return c, c != ""
}
