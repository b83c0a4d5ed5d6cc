package volume

import (
	"fmt"
	"sort"

	"dataready/audit"
)

// ClassMinimum is the spec of volume.class_minimum.
var ClassMinimum = audit.Spec{
	ID:     "volume.class_minimum",
	Family: "volume",
	Title:  "Usable examples per class",
	Explain: "A class with a handful of examples cannot be learned, and with a handful of holdout examples its " +
		"accuracy cannot be measured: one mistake moves it by tens of points. Counts are usable examples " +
		"(duplicates once, conflicting keys not at all), per class, in train and in the holdout splits together. " +
		"Fix: label more examples of the short classes, or merge classes too rare to matter.",
	Metrics: []audit.MetricDoc{
		{Name: "by_split", Doc: "per split: usable examples per class (a key counts in every split holding it)"},
		{Name: "train", Doc: "usable examples per class in train (in all rows when there is no train split)"},
		{Name: "holdout", Doc: "usable examples per class in the holdout splits together (absent without a holdout)"},
		{Name: "classes_below_fail", Doc: "list of {split: train|holdout, class, usable} below the fail minimum"},
		{Name: "classes_below_warn", Doc: "list of {split, class, usable} at or above the fail minimum but below the warn minimum"},
	},
	Params: []audit.Param{
		{Name: "train_fail", Default: 10, Doc: "fail when a class has fewer usable train examples"},
		{Name: "train_warn", Default: 30, Doc: "warn when a class has fewer usable train examples"},
		{Name: "holdout_fail", Default: 5, Doc: "fail when a class has fewer usable holdout examples"},
		{Name: "holdout_warn", Default: 20, Doc: "warn when a class has fewer usable holdout examples"},
	},
	New: func(env *audit.Env) audit.Accumulator { return &classMinimum{env: env, names: classNames{}} },
}

type classMinimum struct {
	env   *audit.Env
	names classNames
}

func (c *classMinimum) Add(b *audit.Batch)            { c.names.add(b) }
func (c *classMinimum) Merge(other audit.Accumulator) { c.names.merge(other.(*classMinimum).names) }

func (c *classMinimum) Result(s *audit.Summary) audit.CheckResult {
	u := countUsable(s, c.names)
	train := u.train
	if !u.hasTrain {
		// No train split: the whole data is what a model would learn from.
		train = map[string]int64{}
		for _, counts := range u.bySplit {
			for class, n := range counts {
				train[class] += n
			}
		}
	}
	classes := make([]string, 0, len(c.names))
	for _, n := range c.names {
		classes = append(classes, n)
	}
	sort.Strings(classes)

	type below struct {
		split, class string
		n            int64
	}
	var fails, warns []below
	judge := func(split string, counts map[string]int64, fail, warn float64) {
		for _, class := range classes {
			n := counts[class]
			switch {
			case float64(n) < fail:
				fails = append(fails, below{split, class, n})
			case float64(n) < warn:
				warns = append(warns, below{split, class, n})
			}
		}
	}
	p := c.env.Params
	judge("train", train, p["train_fail"], p["train_warn"])
	if u.hasHoldout {
		judge("holdout", u.holdout, p["holdout_fail"], p["holdout_warn"])
	}
	list := func(bs []below) []any {
		out := []any{}
		for _, b := range bs {
			out = append(out, map[string]any{"split": b.split, "class": b.class, "usable": b.n})
		}
		return out
	}
	bySplit := map[string]any{}
	for split, counts := range u.bySplit {
		m := map[string]any{}
		for class, n := range counts {
			m[class] = n
		}
		bySplit[split] = m
	}
	r := audit.CheckResult{Metrics: map[string]any{
		"by_split":           bySplit,
		"train":              toAny(train),
		"classes_below_fail": list(fails),
		"classes_below_warn": list(warns),
	}}
	if u.hasHoldout {
		r.Metrics["holdout"] = toAny(u.holdout)
	}
	describe := func(bs []below) string {
		out := ""
		for i, b := range bs {
			if i == 3 {
				return out + fmt.Sprintf(" and %d more", len(bs)-3)
			}
			if i > 0 {
				out += ", "
			}
			out += fmt.Sprintf("%q has %d in %s", b.class, b.n, b.split)
		}
		return out
	}
	switch {
	case len(classes) == 0:
		r.Status, r.Summary = audit.Fail, "There are no labeled rows, so no class has usable examples."
	case len(fails) > 0:
		r.Status = audit.Fail
		r.Summary = fmt.Sprintf("%d class(es) below the minimum of usable examples: %s.", len(fails), describe(fails))
	case len(warns) > 0:
		r.Status = audit.Warn
		r.Summary = fmt.Sprintf("%d class(es) below the recommended usable examples: %s.", len(warns), describe(warns))
	default:
		r.Status = audit.Pass
		r.Summary = fmt.Sprintf("Every one of the %d classes has enough usable examples in train%s.", len(classes), map[bool]string{true: " and in the holdout", false: ""}[u.hasHoldout])
	}
	for _, b := range append(fails, warns...) {
		r.Examples = append(r.Examples, audit.Example{
			Title:  "class short of usable examples",
			Values: map[string]any{"class": b.class, "split": b.split, "usable": b.n},
		})
	}
	return r
}

func toAny(m map[string]int64) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
