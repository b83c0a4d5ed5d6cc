package inspect

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"dataready/audit"
	"dataready/source"
)

// SampleRows is how many rows Sample reads by default.
const SampleRows = 10000

// Column is what the sample shows of one column.
type Column struct {
	Name     string
	Type     string
	Rows     int
	Nulls    int
	Distinct int  // distinct non-null values, counted up to maxDistinct+1
	Unique   bool // every non-null value distinct and no nulls
	AvgLen   float64
	Dates    int      // non-null values that parse as a date or timestamp
	Values   []string // distinct values when few (≤ maxDistinct)
}

const maxDistinct = 1000

// Sample reads up to limit rows of the first file and describes its columns.
func Sample(ctx context.Context, path string, opts source.Options, limit int) ([]Column, error) {
	f, err := source.Open(ctx, path, opts)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cols := f.Columns()
	out := make([]Column, len(cols))
	seen := make([]map[string]bool, len(cols))
	lens := make([]int, len(cols))
	for i, c := range cols {
		out[i] = Column{Name: c.Name, Type: c.Type}
		seen[i] = map[string]bool{}
	}
	nulls := map[string]bool{}
	for _, t := range opts.NullValues {
		nulls[t] = true
	}
	rows := 0
	errEnough := errors.New("enough rows")
	err = f.Units(ctx, func(u source.Unit) error {
		return u.Decode(memory.DefaultAllocator, func(b *source.Batch) error {
			n := int(b.Record.NumRows())
			for c := range cols {
				vals := audit.ValuesOf(b.Record.Column(c))
				for i := 0; i < n && rows+i < limit; i++ {
					v, ok := vals.Get(i)
					out[c].Rows++
					if !ok || nulls[strings.TrimSpace(v)] {
						out[c].Nulls++
						continue
					}
					lens[c] += len(v)
					if isDate(strings.TrimSpace(v)) {
						out[c].Dates++
					}
					if len(seen[c]) <= maxDistinct && !seen[c][v] {
						seen[c][strings.Clone(v)] = true
					}
				}
			}
			rows += n
			if rows >= limit {
				return errEnough
			}
			return nil
		})
	})
	if err != nil && !errors.Is(err, errEnough) {
		return nil, err
	}
	for c := range out {
		col := &out[c]
		present := col.Rows - col.Nulls
		col.Distinct = len(seen[c])
		col.Unique = present > 1 && col.Nulls == 0 && col.Distinct == present
		if present > 0 {
			col.AvgLen = float64(lens[c]) / float64(present)
		}
		if col.Distinct <= 50 {
			for v := range seen[c] {
				col.Values = append(col.Values, v)
			}
		}
	}
	return out, nil
}

func isDate(v string) bool {
	for _, layout := range []string{time.RFC3339Nano, time.DateTime, time.DateOnly, "2006/01/02", "02/01/2006"} {
		if _, err := time.Parse(layout, v); err == nil {
			return true
		}
	}
	return false
}

// Guess is a role assignment with the reason for each choice.
type Guess struct {
	Label, Text, Split, Time string
	IDs, Segments            []string
	Why                      map[string]string
}

var labelNames = []string{"label", "target", "class", "category", "intent", "y"}
var splitNames = []string{"split", "fold", "subset", "partition", "set"}

// Roles guesses column roles from a sample.
func Roles(cols []Column) Guess {
	g := Guess{Why: map[string]string{}}
	taken := map[string]bool{}
	lower := func(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

	// Label: the first name in priority order; then a name containing "label".
	for _, want := range labelNames {
		for _, c := range cols {
			if lower(c.Name) == want {
				g.Label = c.Name
				g.Why["label"] = fmt.Sprintf("named %q", c.Name)
				break
			}
		}
		if g.Label != "" {
			break
		}
	}
	if g.Label == "" {
		for _, c := range cols {
			n := lower(c.Name)
			for _, want := range labelNames[:5] {
				if strings.HasSuffix(n, "_"+want) || strings.HasPrefix(n, want+"_") {
					g.Label = c.Name
					g.Why["label"] = fmt.Sprintf("name %q contains %q", c.Name, want)
				}
			}
			if g.Label != "" {
				break
			}
		}
	}
	taken[g.Label] = true

	for _, c := range cols {
		if taken[c.Name] {
			continue
		}
		if contains(splitNames, lower(c.Name)) && c.Distinct >= 1 && c.Distinct <= 10 {
			g.Split = c.Name
			g.Why["split"] = fmt.Sprintf("named %q with %d distinct values", c.Name, c.Distinct)
			taken[c.Name] = true
			break
		}
	}

	// Text: the string column with the longest average length over 30.
	best := 30.0
	for _, c := range cols {
		if !taken[c.Name] && c.Type == source.TypeString && c.AvgLen > best {
			best, g.Text = c.AvgLen, c.Name
		}
	}
	if g.Text != "" {
		g.Why["text"] = fmt.Sprintf("the longest string values, %.0f characters on average", best)
		taken[g.Text] = true
	}

	// Time: most non-null values parse as dates.
	for _, c := range cols {
		present := c.Rows - c.Nulls
		if !taken[c.Name] && present > 0 && float64(c.Dates) >= 0.95*float64(present) {
			g.Time = c.Name
			g.Why["time"] = fmt.Sprintf("%d of %d values parse as dates", c.Dates, present)
			taken[c.Name] = true
			break
		}
	}

	for _, c := range cols {
		if taken[c.Name] {
			continue
		}
		n := lower(c.Name)
		switch {
		case strings.HasSuffix(n, "_id") || strings.HasSuffix(n, "id") && len(n) > 2 || n == "id":
			g.IDs = append(g.IDs, c.Name)
			g.Why["ids."+c.Name] = fmt.Sprintf("name %q ends in id", c.Name)
			taken[c.Name] = true
		case c.Unique && c.Type != source.TypeFloat:
			g.IDs = append(g.IDs, c.Name)
			g.Why["ids."+c.Name] = fmt.Sprintf("all %d sampled values are distinct", c.Rows)
			taken[c.Name] = true
		}
	}
	// A row key needs a text or at least one feature: if every other column
	// became an id by uniqueness alone, keep those columns as features.
	if g.Text == "" {
		features := 0
		for _, c := range cols {
			if !taken[c.Name] {
				features++
			}
		}
		if features == 0 {
			var kept []string
			for _, id := range g.IDs {
				if strings.HasPrefix(g.Why["ids."+id], "all ") {
					delete(g.Why, "ids."+id)
					taken[id] = false
					continue
				}
				kept = append(kept, id)
			}
			g.IDs = kept
		}
	}
	for _, c := range cols {
		if !taken[c.Name] && c.Type == source.TypeString && c.Distinct >= 2 && c.Distinct <= 50 {
			g.Segments = append(g.Segments, c.Name)
			g.Why["segments."+c.Name] = fmt.Sprintf("%d distinct values", c.Distinct)
		}
	}
	return g
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// YAML writes a commented audit.yaml for the guess.
func YAML(g Guess, paths []string, cols []Column) string {
	var b strings.Builder
	b.WriteString("# audit.yaml written by `audit init` from a sample of the first rows.\n")
	b.WriteString("# Every role below is a guess; the comment says why. Check them, then run:\n")
	b.WriteString("#   audit run --config audit.yaml\n")
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = fmt.Sprintf("%s (%s)", c.Name, c.Type)
	}
	fmt.Fprintf(&b, "# Columns: %s\n\n", strings.Join(names, ", "))
	b.WriteString("inputs:\n")
	for _, p := range paths {
		fmt.Fprintf(&b, "  - %q\n", p)
	}
	line := func(key, val, why string) {
		if val == "" {
			fmt.Fprintf(&b, "# %s: (no column looked like one)\n", key)
			return
		}
		fmt.Fprintf(&b, "%s: %q  # %s\n", key, val, why)
	}
	line("label", g.Label, g.Why["label"])
	line("split", g.Split, g.Why["split"])
	line("text", g.Text, g.Why["text"])
	line("time", g.Time, g.Why["time"])
	list := func(key string, vals []string) {
		if len(vals) == 0 {
			fmt.Fprintf(&b, "# %s: [] (none found)\n", key)
			return
		}
		fmt.Fprintf(&b, "%s:\n", key)
		for _, v := range vals {
			fmt.Fprintf(&b, "  - %q  # %s\n", v, g.Why[key+"."+v])
		}
	}
	list("ids", g.IDs)
	list("segments", g.Segments)
	b.WriteString("# exclude: []        # columns to ignore entirely\n")
	b.WriteString("# null_values: [\"\", \"NA\", \"N/A\", \"NaN\", \"nan\", \"null\", \"NULL\"]\n")
	b.WriteString("# label_map: {}      # rewrite raw label spellings, e.g. \">50K.\": \">50K\"\n")
	return b.String()
}
