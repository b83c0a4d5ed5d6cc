package reports_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"dataready/audit"
	"dataready/audit/registry"
	"dataready/reports"
	"dataready/snapshot"
)

// schemaFile is the JSON Schema of report.json, relative to this package.
var schemaFile = filepath.Join("..", "docs", "report.schema.json")

// schemaCSV is a small dataset with a split column, two missing labels
// (one empty, one "NA"), a class only in the holdout ("promo"), a
// duplicated text, two rows of one text with different labels, and one
// row with too few fields (a field_count problem).
const schemaCSV = `id,text,label,split
1,win a free phone now,spam,train
2,meeting moved to monday,ham,train
3,lunch at noon?,ham,train
4,cheap pills online,spam,train
5,see you tomorrow,ham,train
6,call me back,,train
7,project status update,NA,train
8,win a free phone now,spam,train
9,are you coming tonight,ham,train
10,are you coming tonight,spam,train
11,limited offer just for you,spam,train
12,quarterly report attached,ham,test
13,claim your prize,spam,test
14,new arrivals this week,promo,test
15,thanks for your help,,test
16,broken row
17,happy birthday,ham,test
`

// compileSchema compiles docs/report.schema.json, asserting formats
// (started_at is a date-time).
func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(schemaFile)
	if err != nil {
		t.Fatalf("open schema: %v", err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("parse schema: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(schemaFile, doc); err != nil {
		t.Fatalf("add schema: %v", err)
	}
	sch, err := c.Compile(schemaFile)
	if err != nil {
		t.Fatalf("compile schema: %v", err)
	}
	return sch
}

// pipelineReport writes files (name -> content) into a temporary folder,
// audits them with every registered check and returns report.json's bytes.
// configure sets the run's inputs and roles; paths resolve against the folder.
func pipelineReport(t *testing.T, files map[string]string, configure func(cfg *audit.Config)) []byte {
	t.Helper()
	data, err := reports.JSON(pipelineRun(t, files, configure))
	if err != nil {
		t.Fatalf("reports.JSON: %v", err)
	}
	return data
}

// pipelineRun is pipelineReport's report before encoding.
func pipelineRun(t *testing.T, files map[string]string, configure func(cfg *audit.Config)) *audit.Report {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg := audit.DefaultConfig()
	cfg.Dir = dir
	cfg.Label = "label"
	cfg.Workers = 2
	configure(cfg)
	rep, err := audit.Run(t.Context(), cfg, audit.RunOptions{Specs: registry.Checks()})
	if err != nil {
		t.Fatalf("audit.Run: %v", err)
	}
	return rep
}

// comparedReport audits trainCSV/holdoutCSV against a baseline audit of
// schemaCSV: a report with a comparison where checks change status,
// classes appear and vanish and metrics move both ways.
func comparedReport(t *testing.T) []byte {
	t.Helper()
	base := pipelineRun(t, map[string]string{"data.csv": schemaCSV}, func(cfg *audit.Config) {
		cfg.Inputs = []string{"data.csv"}
		cfg.Text, cfg.Split, cfg.MaxBadRows = "text", "split", "5"
	})
	cur := pipelineRun(t, map[string]string{"train.csv": trainCSV, "holdout.csv": holdoutCSV}, func(cfg *audit.Config) {
		cfg.Train, cfg.Holdout, cfg.Text = []string{"train.csv"}, []string{"holdout.csv"}, "text"
		cfg.Segments = []string{"channel"}
	})
	c, err := snapshot.Compare(base, cur, snapshot.Options{Tolerance: 0.25, BaselinePath: "base/report.json"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Regressions == 0 || c.Improvements == 0 || c.Classes == nil || len(c.Classes.Appeared) == 0 || len(c.Segments) == 0 {
		t.Fatalf("the comparison lacks a part the schema describes: %d regressions, %d improvements, classes %+v, segments %+v", c.Regressions, c.Improvements, c.Classes, c.Segments)
	}
	cur.Comparison = c
	data, err := reports.JSON(cur)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// splitColumnReport audits schemaCSV by its split column, with the text as
// row key and an id column: the report the negative cases mutate.
func splitColumnReport(t *testing.T) []byte {
	t.Helper()
	return pipelineReport(t, map[string]string{"data.csv": schemaCSV}, func(cfg *audit.Config) {
		cfg.Inputs = []string{"data.csv"}
		cfg.Text = "text"
		cfg.Split = "split"
		cfg.IDs = []string{"id"}
		cfg.MaxBadRows = "5"
	})
}

// decode parses report JSON the way the validator expects it (numbers as
// json.Number).
func decode(t *testing.T, data []byte) map[string]any {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("decode report: %v", err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("report is a %T, want an object", v)
	}
	return m
}

// checkByID returns the entry of checks with the given id.
func checkByID(t *testing.T, rep map[string]any, id string) map[string]any {
	t.Helper()
	checks, _ := rep["checks"].([]any)
	for _, c := range checks {
		if c, ok := c.(map[string]any); ok && c["id"] == id {
			return c
		}
	}
	t.Fatalf("no check %s in the report", id)
	return nil
}

// metricsOf returns the metrics of the check with the given id.
func metricsOf(t *testing.T, rep map[string]any, id string) map[string]any {
	t.Helper()
	m, ok := checkByID(t, rep, id)["metrics"].(map[string]any)
	if !ok {
		t.Fatalf("check %s: metrics is not an object", id)
	}
	return m
}

// trainCSV and holdoutCSV are per-split inputs without a split column; the
// holdout has a class ("promo") that train lacks and lacks one ("other")
// that train has.
const (
	trainCSV = `text,label,channel
win a free phone now,spam,web
meeting moved to monday,ham,mail
cheap pills online,spam,web
see you tomorrow,ham,mail
call me back,NA,mail
one of a kind,other,web
win a free phone now,spam,web
`
	holdoutCSV = `text,label,channel
quarterly report attached,ham,mail
new arrivals this week,promo,web
claim your prize,,web
`
)

func TestReportMatchesSchema(t *testing.T) {
	sch := compileSchema(t)
	tests := []struct {
		name string
		data func(t *testing.T) []byte
		// ran: every registered check must have run (pass, warn or fail),
		// so that the schema's per-check metric rules are exercised.
		ran bool
		// skipped names a check that must be skipped (disabled).
		skipped string
	}{
		{"split column, text key, ids", splitColumnReport, true, ""},
		{"train and holdout files, feature key", func(t *testing.T) []byte {
			return pipelineReport(t, map[string]string{"train.csv": trainCSV, "holdout.csv": holdoutCSV}, func(cfg *audit.Config) {
				cfg.Train = []string{"train.csv"}
				cfg.Holdout = []string{"holdout.csv"}
				cfg.Segments = []string{"channel"}
			})
		}, true, ""},
		{"no split", func(t *testing.T) []byte {
			return pipelineReport(t, map[string]string{"train.csv": trainCSV}, func(cfg *audit.Config) {
				cfg.Inputs = []string{"train.csv"}
				cfg.Text = "text"
			})
		}, true, ""},
		{"with a comparison", comparedReport, true, ""},
		{"check disabled, no examples", func(t *testing.T) []byte {
			return pipelineReport(t, map[string]string{"data.csv": schemaCSV}, func(cfg *audit.Config) {
				cfg.Inputs = []string{"data.csv"}
				cfg.Split = "split"
				cfg.MaxBadRows = "5"
				cfg.Examples = 0
				cfg.Checks = map[string]map[string]any{"volume.pilot_minimum": {"enabled": false}}
			})
		}, false, "volume.pilot_minimum"},
	}
	// The checks the schema has metric rules for must each run (pass, warn
	// or fail) in some case, so that those rules are exercised.
	ranSomewhere := map[string]bool{}
	defer func() {
		for _, id := range schemaChecks {
			if !ranSomewhere[id] {
				t.Errorf("check %s never ran, so its schema rules were not exercised", id)
			}
		}
	}()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := tt.data(t)
			rep := decode(t, data)
			if tt.ran {
				for _, id := range schemaChecks {
					switch c := checkByID(t, rep, id); c["status"] {
					case "pass", "warn", "fail":
						ranSomewhere[id] = true
					}
				}
			}
			if tt.skipped != "" {
				if got := checkByID(t, rep, tt.skipped)["status"]; got != "skip" {
					t.Errorf("check %s: status %v, want skip", tt.skipped, got)
				}
			}
			if err := sch.Validate(rep); err != nil {
				t.Fatalf("report.json does not match %s:\n%v\nreport:\n%s", schemaFile, err, data)
			}
		})
	}
}

// TestSchemaCoversProblems makes sure the report the negative cases start
// from has a problem, so that the problems part of the schema is exercised.
func TestSchemaCoversProblems(t *testing.T) {
	rep := decode(t, splitColumnReport(t))
	problems, _ := rep["problems"].([]any)
	if len(problems) != 1 {
		t.Fatalf("got %d problems, want 1 (the field_count problem of line 17)", len(problems))
	}
	p := problems[0].(map[string]any)
	if p["kind"] != "field_count" {
		t.Errorf("problem kind = %v, want field_count", p["kind"])
	}
}

// TestSchemaRejects proves the schema is not vacuous: each mutation of a
// valid report must fail validation.
func TestSchemaRejects(t *testing.T) {
	sch := compileSchema(t)
	data := splitColumnReport(t)
	if err := sch.Validate(decode(t, data)); err != nil {
		t.Fatalf("the unmutated report does not match the schema: %v", err)
	}

	tests := []struct {
		name   string
		mutate func(t *testing.T, rep map[string]any)
	}{
		{"no verdict", func(t *testing.T, rep map[string]any) {
			delete(rep, "verdict")
		}},
		{"unknown verdict", func(t *testing.T, rep map[string]any) {
			rep["verdict"] = "maybe_ready"
		}},
		{"status maybe", func(t *testing.T, rep map[string]any) {
			checkByID(t, rep, "labels.missing")["status"] = "maybe"
		}},
		{"volume.pilot_minimum without usable_examples", func(t *testing.T, rep map[string]any) {
			delete(metricsOf(t, rep, "volume.pilot_minimum"), "usable_examples")
		}},
		{"unknown top-level key", func(t *testing.T, rep map[string]any) {
			rep["extra"] = true
		}},
		{"missing_rate is a string", func(t *testing.T, rep map[string]any) {
			metricsOf(t, rep, "labels.missing")["missing_rate"] = "0.125"
		}},
		{"missing_rate above 1", func(t *testing.T, rep map[string]any) {
			metricsOf(t, rep, "labels.missing")["missing_rate"] = json.Number("1.5")
		}},
		{"schema_version 3", func(t *testing.T, rep map[string]any) {
			rep["schema_version"] = json.Number("3")
		}},
		{"family is not the id's prefix", func(t *testing.T, rep map[string]any) {
			checkByID(t, rep, "bias.class_balance")["family"] = "labels"
		}},
		{"holdout_only_labels is not a list", func(t *testing.T, rep map[string]any) {
			metricsOf(t, rep, "bias.class_balance")["holdout_only_labels"] = "promo"
		}},
		{"split role dev", func(t *testing.T, rep map[string]any) {
			splits := rep["dataset"].(map[string]any)["splits"].([]any)
			splits[0].(map[string]any)["role"] = "dev"
		}},
		{"volume by_split without usable_examples", func(t *testing.T, rep map[string]any) {
			for _, s := range metricsOf(t, rep, "volume.pilot_minimum")["by_split"].(map[string]any) {
				delete(s.(map[string]any), "usable_examples")
			}
		}},
		{"unknown key in a row reference", func(t *testing.T, rep map[string]any) {
			ex := checkByID(t, rep, "labels.missing")["examples"].([]any)
			if len(ex) == 0 {
				t.Fatal("labels.missing has no examples to mutate")
			}
			rows := ex[0].(map[string]any)["rows"].([]any)
			rows[0].(map[string]any)["column"] = "label"
		}},
		{"check id not family.name", func(t *testing.T, rep map[string]any) {
			checkByID(t, rep, "labels.missing")["id"] = "LabelsMissing"
		}},
		{"threshold is not a number", func(t *testing.T, rep map[string]any) {
			checkByID(t, rep, "labels.missing")["thresholds"].(map[string]any)["fail"] = "20%"
		}},
		{"no run", func(t *testing.T, rep map[string]any) {
			delete(rep, "run")
		}},
		{"no snapshot", func(t *testing.T, rep map[string]any) {
			delete(rep, "snapshot")
		}},
		{"snapshot source guessed", func(t *testing.T, rep map[string]any) {
			rep["snapshot"].(map[string]any)["source"] = "guess"
		}},
		{"no dataset.labels", func(t *testing.T, rep map[string]any) {
			delete(rep["dataset"].(map[string]any), "labels")
		}},
		{"class usable is negative", func(t *testing.T, rep map[string]any) {
			classes := rep["dataset"].(map[string]any)["labels"].(map[string]any)["classes"].(map[string]any)
			for _, c := range classes {
				c.(map[string]any)["usable"] = json.Number("-1")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := decode(t, data)
			tt.mutate(t, rep)
			err := sch.Validate(rep)
			if err == nil {
				t.Fatalf("Validate(mutated report) = nil, want an error")
			}
			t.Logf("rejected as expected: %v", err)
		})
	}
}

// schemaChecks are the check ids docs/report.schema.json has metric rules for.
var schemaChecks = []string{"labels.missing", "labels.variants", "labels.conflicts", "bias.class_balance", "bias.segment_coverage", "bias.label_shift", "leakage.exact_overlap", "leakage.near_duplicates", "leakage.entity_overlap", "labels.near_conflicts", "volume.pilot_minimum",
	"volume.class_minimum", "volume.segment_minimum", "volume.holdout_power", "volume.baseline"}

// TestSchemaRejectsComparisons: mutations of a report's comparison fail
// validation.
func TestSchemaRejectsComparisons(t *testing.T) {
	sch := compileSchema(t)
	data := comparedReport(t)
	if err := sch.Validate(decode(t, data)); err != nil {
		t.Fatalf("the unmutated report does not match the schema: %v", err)
	}
	cmp := func(rep map[string]any) map[string]any { return rep["comparison"].(map[string]any) }
	firstMetric := func(t *testing.T, rep map[string]any) map[string]any {
		for _, c := range cmp(rep)["checks"].([]any) {
			if ms := c.(map[string]any)["metrics"].([]any); len(ms) > 0 {
				return ms[0].(map[string]any)
			}
		}
		t.Fatal("no metric in the comparison")
		return nil
	}
	for _, tc := range []struct {
		name   string
		mutate func(t *testing.T, rep map[string]any)
	}{
		{"no regressions count", func(t *testing.T, rep map[string]any) { delete(cmp(rep), "regressions") }},
		{"verdict change sideways", func(t *testing.T, rep map[string]any) {
			cmp(rep)["verdict"].(map[string]any)["change"] = "sideways"
		}},
		{"metric direction up", func(t *testing.T, rep map[string]any) { firstMetric(t, rep)["direction"] = "up" }},
		{"metric without regression flag", func(t *testing.T, rep map[string]any) { delete(firstMetric(t, rep), "regression") }},
		{"old status maybe", func(t *testing.T, rep map[string]any) {
			cmp(rep)["checks"].([]any)[0].(map[string]any)["old_status"] = "maybe"
		}},
		{"class share above 1", func(t *testing.T, rep map[string]any) {
			cmp(rep)["classes"].(map[string]any)["classes"].([]any)[0].(map[string]any)["new_share"] = json.Number("1.5")
		}},
		{"segment change unknown", func(t *testing.T, rep map[string]any) {
			cmp(rep)["segments"].([]any)[0].(map[string]any)["change"] = "better"
		}},
		{"unknown key", func(t *testing.T, rep map[string]any) { cmp(rep)["extra"] = true }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := decode(t, data)
			tc.mutate(t, rep)
			if err := sch.Validate(rep); err == nil {
				t.Fatalf("Validate(mutated report) = nil, want an error")
			}
		})
	}
}
