package leakage_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"dataready/audit"
	"dataready/audit/leakage"
)

// specs are this package's checks in report order.
var specs = []audit.Spec{leakage.ExactOverlap, leakage.EntityOverlap, leakage.Temporal, leakage.Target, leakage.Duplicates}

// fixtureReport audits the bundled fixture with this package's checks.
func fixtureReport(t *testing.T) *audit.Report {
	t.Helper()
	cfg, err := audit.LoadConfig("../../fixtures/support-tickets/audit.yaml")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := audit.Run(t.Context(), cfg, audit.RunOptions{Specs: specs, Findings: true})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestFixture asserts the planted problems fixtures/README.md documents:
// 5 (27 holdout rows repeat a train text, 21 with the train label, 6 with
// another), 7 (20 users of train have 26 holdout rows), 10 (5 holdout rows
// before the latest train row, 2024-12-19T19:12:00Z) and the 39 train rows
// whose text repeats an earlier train row. Nothing planted gives the label
// away, so leakage.target passes.
func TestFixture(t *testing.T) {
	rep := fixtureReport(t)
	check := func(id string) audit.CheckResult {
		for _, c := range rep.Checks {
			if c.ID == id {
				return c
			}
		}
		t.Fatalf("no %s", id)
		return audit.CheckResult{}
	}
	findings := map[string][]audit.Finding{}
	for _, f := range rep.Findings {
		findings[f.Check] = append(findings[f.Check], f)
	}

	t.Run("exact_overlap", func(t *testing.T) {
		c := check(leakage.ExactOverlap.ID)
		wantStatus(t, c, audit.Fail)
		wantInts(t, c, map[string]int64{"holdout_rows_in_train": 27, "same_label": 21, "different_label": 6, "by_split/holdout/rows": 800})
		wantRates(t, c, map[string]float64{"rate": 27.0 / 800})
		other := 0
		for _, f := range findings[leakage.ExactOverlap.ID] {
			if strings.HasSuffix(f.Reason, "(another label)") {
				other++
			}
		}
		if n := len(findings[leakage.ExactOverlap.ID]); n != 27 || other != 6 {
			t.Errorf("%d findings (%d with another label), want 27 (6)", n, other)
		}
	})

	t.Run("entity_overlap", func(t *testing.T) {
		c := check(leakage.EntityOverlap.ID)
		wantStatus(t, c, audit.Fail)
		wantInts(t, c, map[string]int64{"shared_entities": 20, "holdout_rows": 26, "columns/user_id/holdout_rows": 26})
		users := map[string]int{}
		for _, f := range findings[leakage.EntityOverlap.ID] {
			users[f.IDs[0]]++
		}
		var got []string
		twice := 0
		for u, n := range users {
			got = append(got, u)
			if n == 2 {
				twice++
			}
		}
		slices.Sort(got)
		want := strings.Fields("U01900 U07276 U21328 U26258 U26259 U27376 U36472 U38248 U39932 U58561 U61620 U63753 U66297 U66923 U70439 U75080 U76434 U77258 U92721 U92802")
		if !reflect.DeepEqual(got, want) || twice != 6 {
			t.Errorf("flagged users = %v (%d with 2 rows), want %v (6 with 2 rows)", got, twice, want)
		}
	})

	t.Run("temporal", func(t *testing.T) {
		c := check(leakage.Temporal.ID)
		wantStatus(t, c, audit.Warn)
		wantInts(t, c, map[string]int64{"holdout_rows_before_train_end": 5, "unparseable": 0})
		for name, want := range map[string]string{"train_max": "2024-12-19T19:12:00Z", "train_min": "2024-01-02T08:09:00Z"} {
			if got := c.Metrics[name]; got != want {
				t.Errorf("%s = %v, want %s", name, got, want)
			}
		}
		if got := c.Metrics["holdout_max"].(string); !strings.HasPrefix(got, "2025-03-28") {
			t.Errorf("holdout_max = %s, want 2025-03-28", got)
		}
		var days []string
		for _, f := range findings[leakage.Temporal.ID] {
			days = append(days, strings.TrimPrefix(f.Reason, "dated ")[:10])
		}
		if want := []string{"2024-09-11", "2024-10-26", "2024-11-03", "2024-11-13", "2024-11-27"}; !reflect.DeepEqual(days, want) {
			t.Errorf("flagged days = %v, want %v", days, want)
		}
	})

	t.Run("target", func(t *testing.T) {
		c := check(leakage.Target.ID)
		wantStatus(t, c, audit.Pass)
		wantInts(t, c, map[string]int64{"fit_rows": 2971, "eval_rows": 783})
		// docs/checks-leakage.md says no column does better than the majority class.
		for _, list := range []string{"columns", "identifier_columns"} {
			for col, p := range powers(t, c, list) {
				if p > 0 {
					t.Errorf("%s power = %v, want at most 0", col, p)
				}
			}
		}
	})

	t.Run("duplicates", func(t *testing.T) {
		c := check(leakage.Duplicates.ID)
		wantStatus(t, c, audit.Pass)
		wantInts(t, c, map[string]int64{"by_split/train/duplicate_rows": 39, "by_split/holdout/duplicate_rows": 0, "duplicate_rows": 39})
		if n := len(findings[leakage.Duplicates.ID]); n != 39 {
			t.Errorf("%d findings, want 39", n)
		}
	})
}

// TestFixtureMatchesSchema validates the fixture's report against
// docs/report.schema.json, whose per-check rules include the leakage checks.
func TestFixtureMatchesSchema(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", "report.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	var root map[string]any
	if err := json.Unmarshal(data, &root); err != nil {
		t.Fatal(err)
	}

	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("report.schema.json", root); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("report.schema.json")
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	rep := fixtureReport(t)
	data, err = json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(doc); err != nil {
		t.Errorf("the fixture's report does not match the schema: %v", err)
	}

	// The fragments must bite: a metric of the wrong type fails.
	for i := range rep.Checks {
		if rep.Checks[i].ID == leakage.Temporal.ID {
			rep.Checks[i].Metrics["holdout_rows_before_train_end"] = "five"
		}
	}
	data, _ = json.Marshal(rep)
	doc, _ = jsonschema.UnmarshalJSON(strings.NewReader(string(data)))
	if schema.Validate(doc) == nil {
		t.Error("a string holdout_rows_before_train_end passes the schema")
	}
}

// TestFixtureEntityOnly checks entity_only_rows on the fixture against the
// findings of the three checks: holdout rows flagged for a shared entity
// but neither as an exact twin nor as a near duplicate. (The fixture plants
// its shared users on rows of their own, so all 26 count; TestEntityOnlyRows
// has rows that leak both ways.)
func TestFixtureEntityOnly(t *testing.T) {
	cfg, err := audit.LoadConfig("../../fixtures/support-tickets/audit.yaml")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := audit.Run(t.Context(), cfg, audit.RunOptions{
		Specs: []audit.Spec{leakage.ExactOverlap, leakage.NearDuplicates, leakage.EntityOverlap}, Findings: true})
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		file string
		line int64
	}
	flagged := map[string]map[row]bool{}
	for _, f := range rep.Findings {
		if flagged[f.Check] == nil {
			flagged[f.Check] = map[row]bool{}
		}
		flagged[f.Check][row{f.File, f.Line}] = true
	}
	var want int64
	for r := range flagged[leakage.EntityOverlap.ID] {
		if !flagged[leakage.ExactOverlap.ID][r] && !flagged[leakage.NearDuplicates.ID][r] {
			want++
		}
	}
	if len(flagged[leakage.EntityOverlap.ID]) != 26 {
		t.Fatalf("%d holdout rows flagged for a shared entity, want the 26 planted", len(flagged[leakage.EntityOverlap.ID]))
	}
	for _, c := range rep.Checks {
		if c.ID == leakage.EntityOverlap.ID {
			wantInts(t, c, map[string]int64{"by_split/holdout/entity_only_rows": want})
			t.Logf("entity_only_rows %d of %d holdout rows sharing an entity", want, len(flagged[leakage.EntityOverlap.ID]))
		}
	}
}
