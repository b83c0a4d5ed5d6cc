package audit

import (
	"fmt"
	"sort"
)

// Spec describes one check and makes its accumulators. Specs are listed
// explicitly in one place (package registry), never registered by init.
type Spec struct {
	// ID is stable: family.name, e.g. "labels.missing".
	ID     string
	Family string
	Title  string
	// Explain says why the check matters and how to fix what it finds.
	Explain string
	// Metrics documents every metric the check reports.
	Metrics []MetricDoc
	// Params are the check's thresholds and knobs, settable under
	// checks.<id> in audit.yaml.
	Params []Param
	// New returns an empty accumulator for one worker.
	New func(env *Env) Accumulator
	// UsesTextIndex says the check reads Summary.TextIndex, the shared
	// near-duplicate index of the text column; the pipeline builds it only
	// when an enabled check asks and a text column is set. The index's
	// threshold is the lowest "threshold" param of those checks.
	UsesTextIndex bool
}

// MetricDoc names and explains one metric.
type MetricDoc struct {
	Name string
	Doc  string
}

// Param is one configurable threshold or knob with its default.
type Param struct {
	Name    string
	Default float64
	Doc     string
}

// Accumulator gathers one check's state over the batches a worker sees.
// Add is called by one goroutine at a time; Merge folds another worker's
// accumulator of the same check into this one and must give the same
// result whatever the order of batches and merges.
type Accumulator interface {
	Add(b *Batch)
	Merge(other Accumulator)
	// Result computes the check's outcome. The pipeline fills in ID, Family,
	// Title, Explain and Thresholds; Result sets Status, Summary, Metrics and
	// Examples. The Results of different checks run at the same time: a
	// Result may change its own state but only read the Summary.
	Result(s *Summary) CheckResult
}

// Env is what a check knows when it starts: the configuration, the
// resolved columns and its own parameters.
type Env struct {
	Config *Config
	// Columns are the dataset's columns in canonical order; Batch.Columns
	// follows it.
	Columns []string
	Roles   Roles
	// Params holds the check's parameters: defaults overridden by config.
	Params map[string]float64
	// Examples is the cap on examples per check.
	Examples int
	// Reference counts the segment values of the reference inputs
	// (Config.Reference); nil without a reference.
	Reference *ReferenceCounts
}

// Column returns the canonical index of a column, or -1.
func (e *Env) Column(name string) int {
	for i, c := range e.Columns {
		if c == name {
			return i
		}
	}
	return -1
}

// paramsFor merges a check's defaults with checks.<id> from the config.
// "enabled" is handled by the pipeline; any other unknown key is an error
// naming the check and the keys it accepts.
func paramsFor(spec Spec, cfg map[string]any) (map[string]float64, bool, error) {
	params := make(map[string]float64, len(spec.Params))
	known := make([]string, 0, len(spec.Params)+1)
	known = append(known, "enabled")
	for _, p := range spec.Params {
		params[p.Name] = p.Default
		known = append(known, p.Name)
	}
	enabled := true
	keys := make([]string, 0, len(cfg))
	for k := range cfg {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := cfg[k]
		key := "checks." + spec.ID + "." + k
		if k == "enabled" {
			b, ok := v.(bool)
			if !ok {
				return nil, false, &ConfigError{Key: key, Err: fmt.Errorf("%v is not true or false", v)}
			}
			enabled = b
			continue
		}
		if _, ok := params[k]; !ok {
			return nil, false, &ConfigError{Key: key, Err: fmt.Errorf("unknown setting; %s accepts %v", spec.ID, known)}
		}
		f, ok := toFloat(v)
		if !ok {
			return nil, false, &ConfigError{Key: key, Err: fmt.Errorf("%v is not a number", v)}
		}
		params[k] = f
	}
	return params, enabled, nil
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint64:
		return float64(x), true
	case float64:
		return x, true
	case float32:
		return float64(x), true
	}
	return 0, false
}

// ValidateChecks reports config entries under checks: that name no check.
func ValidateChecks(cfg *Config, specs []Spec) error {
	ids := make(map[string]bool, len(specs))
	all := make([]string, 0, len(specs))
	for _, s := range specs {
		ids[s.ID] = true
		all = append(all, s.ID)
	}
	for id, c := range cfg.Checks {
		if !ids[id] {
			return &ConfigError{Key: "checks." + id, Err: fmt.Errorf("no such check; checks are %v", all)}
		}
		if _, _, err := paramsFor(specByID(specs, id), c); err != nil {
			return err
		}
	}
	return nil
}

func specByID(specs []Spec, id string) Spec {
	for _, s := range specs {
		if s.ID == id {
			return s
		}
	}
	return Spec{}
}
