package audit

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"

	"dataready/audit/norm"
)

// Config is the whole configuration of one audit: what `audit.yaml` holds and
// what the flags of `audit run` override. The zero value is not valid: start
// from DefaultConfig.
type Config struct {
	// Inputs are paths (files, globs, folders) whose rows carry a split
	// column (or no split at all).
	Inputs []string `yaml:"inputs,omitempty" json:"inputs,omitempty"`
	// Train and Holdout are per-split inputs; Splits adds other split names.
	Train   []string            `yaml:"train,omitempty" json:"train,omitempty"`
	Holdout []string            `yaml:"holdout,omitempty" json:"holdout,omitempty"`
	Splits  map[string][]string `yaml:"splits,omitempty" json:"splits,omitempty"`
	// Split is the column naming each row's split.
	Split string `yaml:"split,omitempty" json:"split,omitempty"`
	// TrainSplit is the name of the training split (default "train";
	// "training" is also recognised when this is left at its default).
	TrainSplit string `yaml:"train_split,omitempty" json:"train_split,omitempty"`

	// Roles of columns.
	Label      string   `yaml:"label,omitempty" json:"label,omitempty"`
	Text       string   `yaml:"text,omitempty" json:"text,omitempty"`
	Segments   []string `yaml:"segments,omitempty" json:"segments,omitempty"`
	IDs        []string `yaml:"ids,omitempty" json:"ids,omitempty"`
	Time       string   `yaml:"time,omitempty" json:"time,omitempty"`
	Annotators []string `yaml:"annotators,omitempty" json:"annotators,omitempty"`
	Exclude    []string `yaml:"exclude,omitempty" json:"exclude,omitempty"`

	// Output.
	Out      string   `yaml:"out,omitempty" json:"out,omitempty"`
	Format   []string `yaml:"format,omitempty" json:"format,omitempty"`
	FailOn   string   `yaml:"fail_on,omitempty" json:"fail_on,omitempty"`
	Workers  int      `yaml:"workers,omitempty" json:"-"`
	Quiet    bool     `yaml:"quiet,omitempty" json:"-"`
	Examples int      `yaml:"examples,omitempty" json:"examples,omitempty"`

	// Snapshots.
	// SnapshotTime is when the data was taken (RFC 3339, or a date
	// 2006-01-02 meaning midnight UTC); empty means the newest modification
	// time of the input files. It orders reports in `audit history`.
	SnapshotTime string `yaml:"snapshot_time,omitempty" json:"snapshot_time,omitempty"`
	// Baseline is a previous report.json, or the folder holding it, to
	// compare this run with; a relative path resolves like the inputs.
	Baseline string `yaml:"baseline,omitempty" json:"baseline,omitempty"`
	// Tolerance is the relative change past which a metric moving in its
	// worse direction is a regression (default 0.25; nil means the default).
	Tolerance *float64 `yaml:"tolerance,omitempty" json:"tolerance,omitempty"`

	// Reading.
	NullValues []string `yaml:"null_values,omitempty" json:"null_values"`
	Delimiter  string   `yaml:"delimiter,omitempty" json:"delimiter,omitempty"`
	// Quote is the CSV quote character; nil means `"`, "" turns quoting off.
	Quote      *string  `yaml:"quote,omitempty" json:"quote,omitempty"`
	TrimSpace  bool     `yaml:"trim_space,omitempty" json:"trim_space,omitempty"`
	MaxBadRows RowLimit `yaml:"max_bad_rows,omitempty" json:"max_bad_rows"`

	// Labels and text.
	LabelMap  map[string]string `yaml:"label_map,omitempty" json:"label_map,omitempty"`
	Normalize Normalize         `yaml:"normalize,omitempty" json:"normalize"`

	// SegmentExpected holds expected shares of segment values in the
	// production stream: in audit.yaml, `segments` written as a map
	// `{region: {expected: {eu-west: 0.4, ...}}, channel: {}}`.
	SegmentExpected map[string]map[string]float64 `yaml:"-" json:"segment_expected,omitempty"`
	// SegmentCombinations are tuples of segment columns checked as one
	// segment, e.g. [[region, channel]].
	SegmentCombinations [][]string `yaml:"segment_combinations,omitempty" json:"segment_combinations,omitempty"`
	// Reference are inputs of unlabeled production rows; only the segment
	// columns are read, to compare their shares with train.
	Reference []string `yaml:"reference,omitempty" json:"reference,omitempty"`
	// TimeSplit says the split is by time: holdout rows before the end of
	// train are then a failure, not a warning.
	TimeSplit bool `yaml:"time_split,omitempty" json:"time_split,omitempty"`
	// PositiveClass is the class whose rate bias.label_disparity compares
	// across segments for a two-class label; empty means the minority class.
	PositiveClass string `yaml:"positive_class,omitempty" json:"positive_class,omitempty"`
	// Labels holds the label options that are not thresholds.
	Labels LabelOptions `yaml:"labels,omitempty" json:"labels"`

	// Checks configures each check by id: `enabled` and its thresholds.
	Checks map[string]map[string]any `yaml:"checks,omitempty" json:"checks,omitempty"`

	// Dir is the folder relative input paths resolve against (the config
	// file's folder); empty means the working directory.
	Dir string `yaml:"-" json:"-"`
}

// LabelOptions are the `labels:` section of audit.yaml.
type LabelOptions struct {
	// Allowed lists the classes a label may take (compared after norm and
	// label_map); empty means any.
	Allowed []string `yaml:"allowed,omitempty" json:"allowed,omitempty"`
	// AgreementLevel is the measurement level for annotator agreement:
	// "nominal" (default) or "ordinal".
	AgreementLevel string `yaml:"agreement_level,omitempty" json:"agreement_level,omitempty"`
	// OrdinalOrder orders the classes, lowest first, for the ordinal level.
	OrdinalOrder []string `yaml:"ordinal_order,omitempty" json:"ordinal_order,omitempty"`
}

// Normalize holds the optional extras of text normalization.
type Normalize struct {
	Punctuation bool `yaml:"punctuation,omitempty" json:"punctuation"`
	HTML        bool `yaml:"html,omitempty" json:"html"`
}

// DefaultNullValues are the tokens read as missing unless null_values says otherwise.
var DefaultNullValues = []string{"", "NA", "N/A", "NaN", "nan", "null", "NULL"}

// DefaultFormats are the report formats written unless format says otherwise.
var DefaultFormats = []string{"json", "html", "md", "junit", "findings"}

// DefaultConfig returns a Config with every default filled in.
func DefaultConfig() *Config {
	return &Config{
		TrainSplit: "train",
		Out:        "audit-report",
		Format:     append([]string(nil), DefaultFormats...),
		FailOn:     "fail",
		Examples:   20,
		NullValues: append([]string(nil), DefaultNullValues...),
		MaxBadRows: "1%",
	}
}

// ConfigError is a bad configuration: an unknown key, a bad value, a column
// the data does not have. Key names the offending key (or flag).
type ConfigError struct {
	Key string
	Err error
}

func (e *ConfigError) Error() string {
	if e.Key == "" {
		return "config: " + e.Err.Error()
	}
	return fmt.Sprintf("config %s: %v", e.Key, e.Err)
}

func (e *ConfigError) Unwrap() error { return e.Err }

// LoadConfig reads an audit.yaml over the defaults. Unknown keys are errors
// that name the key and its line. Relative input paths resolve against the
// file's folder.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &ConfigError{Err: fmt.Errorf("read %s: %w", path, err)}
	}
	return ParseConfig(data, path)
}

// ParseConfig reads data, the content of the audit.yaml at path, as
// LoadConfig reads the file: a process that has the content but not the
// file (a worker of a distributed run) gets the same Config.
func ParseConfig(data []byte, path string) (*Config, error) {
	cfg := DefaultConfig()
	if len(bytes.TrimSpace(data)) > 0 {
		data, expected, names, err := segmentMap(data)
		if err != nil {
			return nil, &ConfigError{Key: "segments", Err: fmt.Errorf("%s: %v", path, err)}
		}
		if err := yaml.UnmarshalWithOptions(data, cfg, yaml.Strict()); err != nil {
			return nil, &ConfigError{Err: fmt.Errorf("%s: %s", path, yaml.FormatError(err, false, true))}
		}
		if names != nil {
			cfg.Segments, cfg.SegmentExpected = names, expected
		}
	}
	cfg.Dir = filepath.Dir(path)
	return cfg, cfg.Validate()
}

// segmentMap handles `segments` written as a map (column → {expected:
// {value: share}}): it returns the config without that key, the expected
// shares and the column names in order. With a list (or no segments) it
// returns data unchanged and nil names.
func segmentMap(data []byte) ([]byte, map[string]map[string]float64, []string, error) {
	var doc yaml.MapSlice
	if err := yaml.UnmarshalWithOptions(data, &doc, yaml.UseOrderedMap()); err != nil {
		return data, nil, nil, nil // the strict decode reports it with its position
	}
	for i, item := range doc {
		if item.Key != "segments" {
			continue
		}
		cols, ok := item.Value.(yaml.MapSlice)
		if !ok {
			return data, nil, nil, nil
		}
		names := []string{}
		expected := map[string]map[string]float64{}
		for _, col := range cols {
			name := fmt.Sprint(col.Key)
			names = append(names, name)
			if col.Value == nil {
				continue
			}
			opts, ok := col.Value.(yaml.MapSlice)
			if !ok {
				return nil, nil, nil, fmt.Errorf("segments.%s: want a map like {expected: {value: share}}", name)
			}
			for _, o := range opts {
				if o.Key != "expected" {
					return nil, nil, nil, fmt.Errorf("segments.%s.%v: unknown key; the only key is expected", name, o.Key)
				}
				shares, ok := o.Value.(yaml.MapSlice)
				if !ok {
					return nil, nil, nil, fmt.Errorf("segments.%s.expected: want a map value → share", name)
				}
				expected[name] = map[string]float64{}
				for _, sh := range shares {
					f, ok := toFloat(sh.Value)
					if !ok || f < 0 || f > 1 {
						return nil, nil, nil, fmt.Errorf("segments.%s.expected.%v: %v is not a share between 0 and 1", name, sh.Key, sh.Value)
					}
					expected[name][fmt.Sprint(sh.Key)] = f
				}
			}
		}
		rest := append(append(yaml.MapSlice{}, doc[:i]...), doc[i+1:]...)
		out, err := yaml.Marshal(rest)
		if err != nil {
			return nil, nil, nil, err
		}
		return out, expected, names, nil
	}
	return data, nil, nil, nil
}

// Validate checks values that do not depend on the data.
func (c *Config) Validate() error {
	if c.Label == "" {
		return &ConfigError{Key: "label", Err: errors.New("no label column: set `label:` in audit.yaml or pass --label")}
	}
	if _, err := c.FailOnSet(); err != nil {
		return err
	}
	if _, _, err := c.Snapshot(); err != nil {
		return err
	}
	if t := c.RegressionTolerance(); t < 0 || math.IsNaN(t) {
		return &ConfigError{Key: "tolerance", Err: fmt.Errorf("%v is negative", t)}
	}
	for _, f := range c.Format {
		switch f {
		case "json", "html", "md", "junit", "findings":
		default:
			return &ConfigError{Key: "format", Err: fmt.Errorf("%q is not one of json, html, md, junit, findings", f)}
		}
	}
	if c.Workers < 0 {
		return &ConfigError{Key: "workers", Err: fmt.Errorf("%d is negative", c.Workers)}
	}
	if c.Examples < 0 {
		return &ConfigError{Key: "examples", Err: fmt.Errorf("%d is negative", c.Examples)}
	}
	if _, err := c.Delim(); err != nil {
		return err
	}
	if _, err := c.QuoteOff(); err != nil {
		return err
	}
	if _, _, err := c.BadRowLimit(); err != nil {
		return err
	}
	for i, combo := range c.SegmentCombinations {
		key := fmt.Sprintf("segment_combinations[%d]", i)
		if len(combo) < 2 {
			return &ConfigError{Key: key, Err: fmt.Errorf("%v: a combination needs at least two segment columns", combo)}
		}
		for _, col := range combo {
			if !slices.Contains(c.Segments, col) {
				return &ConfigError{Key: key, Err: fmt.Errorf("%q is not one of the segments %v", col, c.Segments)}
			}
		}
	}
	switch c.Labels.AgreementLevel {
	case "", "nominal", "ordinal":
	default:
		return &ConfigError{Key: "labels.agreement_level", Err: fmt.Errorf("%q is not one of nominal, ordinal", c.Labels.AgreementLevel)}
	}
	if len(c.Inputs) > 0 && (len(c.Train) > 0 || len(c.Holdout) > 0 || len(c.Splits) > 0) {
		return &ConfigError{Key: "inputs", Err: errors.New("give either inputs (with a split column or none) or train/holdout/splits, not both")}
	}
	if c.Split != "" && (len(c.Train) > 0 || len(c.Holdout) > 0 || len(c.Splits) > 0) {
		return &ConfigError{Key: "split", Err: errors.New("a split column and per-split inputs (train/holdout/splits) exclude each other")}
	}
	return nil
}

// DefaultTolerance is the default of tolerance: a metric moving more than
// 25% in its worse direction is a regression.
const DefaultTolerance = 0.25

// RegressionTolerance returns tolerance, or DefaultTolerance when unset.
func (c *Config) RegressionTolerance() float64 {
	if c.Tolerance == nil {
		return DefaultTolerance
	}
	return *c.Tolerance
}

// FailOn says which outcomes make `audit run` exit 1. A verdict not_ready
// always does.
type FailOn struct {
	// Warn: the verdict ready_with_warnings exits 1 too.
	Warn bool
	// Regression: a regression since the baseline exits 1 too.
	Regression bool
}

// FailOnSet parses fail_on: a comma-separated list of fail (the default),
// warn and regression, e.g. "warn,regression".
func (c *Config) FailOnSet() (FailOn, error) {
	var f FailOn
	for _, part := range strings.Split(c.FailOn, ",") {
		switch strings.TrimSpace(part) {
		case "fail":
		case "warn":
			f.Warn = true
		case "regression":
			f.Regression = true
		default:
			return f, &ConfigError{Key: "fail_on", Err: fmt.Errorf("%q is not a list of fail, warn, regression", c.FailOn)}
		}
	}
	return f, nil
}

// Snapshot parses snapshot_time; ok is false when it is not set.
func (c *Config) Snapshot() (t time.Time, ok bool, err error) {
	return ParseSnapshotTime(c.SnapshotTime)
}

// ParseSnapshotTime parses a snapshot time: RFC 3339, or a date 2006-01-02
// meaning midnight UTC. ok is false for "".
func ParseSnapshotTime(s string) (t time.Time, ok bool, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), true, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, true, nil
	}
	return time.Time{}, false, &ConfigError{Key: "snapshot_time", Err: fmt.Errorf("%q is neither RFC 3339 (2025-03-31T02:00:00Z) nor a date (2025-03-31)", s)}
}

// Delim returns the configured delimiter, or 0 to detect it.
func (c *Config) Delim() (rune, error) {
	switch c.Delimiter {
	case "":
		return 0, nil
	case `\t`, "tab", "\t":
		return '\t', nil
	}
	r := []rune(c.Delimiter)
	if len(r) != 1 || r[0] == '"' || r[0] == '\n' || r[0] == '\r' {
		return 0, &ConfigError{Key: "delimiter", Err: fmt.Errorf("%q is not a single delimiter character", c.Delimiter)}
	}
	return r[0], nil
}

// QuoteOff reports whether quoting is turned off (quote: "").
func (c *Config) QuoteOff() (bool, error) {
	if c.Quote == nil || *c.Quote == `"` {
		return false, nil
	}
	if *c.Quote == "" {
		return true, nil
	}
	return false, &ConfigError{Key: "quote", Err: fmt.Errorf("%q: only \"\\\"\" (the default) or \"\" (quoting off) are supported", *c.Quote)}
}

// BadRowLimit parses max_bad_rows: a count ("500") or a percentage of the
// rows read ("1%"). It returns either the count or the fraction.
func (c *Config) BadRowLimit() (count int64, fraction float64, err error) {
	s := strings.TrimSpace(string(c.MaxBadRows))
	if p, ok := strings.CutSuffix(s, "%"); ok {
		f, perr := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if perr != nil || f < 0 || f > 100 {
			return 0, 0, &ConfigError{Key: "max_bad_rows", Err: fmt.Errorf("%q is not a percentage between 0%% and 100%%", c.MaxBadRows)}
		}
		return -1, f / 100, nil
	}
	n, perr := strconv.ParseInt(s, 10, 64)
	if perr != nil || n < 0 {
		return 0, 0, &ConfigError{Key: "max_bad_rows", Err: fmt.Errorf("%q is neither a row count nor a percentage like 1%%", c.MaxBadRows)}
	}
	return n, 0, nil
}

// RowLimit is max_bad_rows: a row count ("500", or the YAML number 500) or a
// percentage of the rows read ("1%").
type RowLimit string

// UnmarshalYAML accepts a YAML number or string.
func (l *RowLimit) UnmarshalYAML(b []byte) error {
	*l = RowLimit(strings.Trim(strings.TrimSpace(string(b)), `"'`))
	return nil
}

// IsTrainSplit reports whether a split name denotes the training split.
// Names are compared after norm, as split values are.
func (c *Config) IsTrainSplit(name string) bool {
	n, train := norm.String(name), norm.String(c.TrainSplit)
	if n == train {
		return true
	}
	return train == "train" && n == "training"
}
