package reports

import (
	"fmt"
	"maps"
	"regexp"
	"strings"
	"testing"

	"dataready/audit"
	"dataready/audit/audittest"
)

// squashed removes the line breaks the templates put between elements, so
// that a test can look for a sequence of elements.
func squashed(s string) string { return regexp.MustCompile(`\s*\n\s*`).ReplaceAllString(s, "") }

// familySection returns the markup of a family section up to its first
// card.
func familySection(t *testing.T, page, family string) string {
	t.Helper()
	start := strings.Index(page, `<section id="family-`+family+`"`)
	if start < 0 {
		t.Fatalf("no section for family %s", family)
	}
	end := strings.Index(page[start:], "<article ")
	if end < 0 {
		end = len(page) - start
	}
	return page[start : start+end]
}

// wantAll reports every string of want that s lacks.
func wantAll(t *testing.T, what, s string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

// wantNone reports every string of not that s contains.
func wantNone(t *testing.T, what, s string, not ...string) {
	t.Helper()
	for _, n := range not {
		if strings.Contains(s, n) {
			t.Errorf("%s contains %q", what, n)
		}
	}
}

// wantOrder reports when the strings do not occur in s in this order.
func wantOrder(t *testing.T, what, s string, seq ...string) {
	t.Helper()
	at := 0
	for _, w := range seq {
		i := strings.Index(s[at:], w)
		if i < 0 {
			t.Errorf("%s lacks %q after position %d (want the order %q)", what, w, at, seq)
			return
		}
		at += i + len(w)
	}
}

// TestHTMLFamilyFixture: the fixture's report shows the visuals of every
// family. The expected numbers are read off fixtures/support-tickets'
// report.json (and its README's planted problems), not from the renderer.
func TestHTMLFamilyFixture(t *testing.T) {
	page := renderHTML(t, htmlFixtureReport(t))

	t.Run("variants", func(t *testing.T) {
		raw := cardOf(t, page, "labels.variants")
		card := squashed(raw)
		wantAll(t, "variants card", raw, "label_map:\n  &#34;Refund&#34;: &#34;refund&#34;\n  &#34;refund &#34;: &#34;refund&#34;\n  &#34;login-issue&#34;: &#34;login_issue&#34;</pre>")
		wantAll(t, "variants card", card,
			`<table class="tbl variants-table">`,
			// "refund " keeps its trailing space, inside quotes.
			`<code class="spelling">“<span class="v">refund </span>”</code>`,
			`<code class="spelling">“<span class="v">refund</span>”</code> <span class="keep">keep</span>`,
			`32 rows to remap`, `23 rows to remap`,
			`train.csv:69`, `train.csv:156`,
		)
		wantNone(t, "variants card", card, `examples-table`)
		if n := strings.Count(card, `<tbody class="group">`); n != 2 {
			t.Errorf("variants table has %d groups, want 2", n)
		}
	})

	t.Run("conflicts", func(t *testing.T) {
		card := squashed(cardOf(t, page, "labels.conflicts"))
		if n := strings.Count(card, `<tbody class="group">`); n != 13 {
			t.Errorf("conflicts table has %d groups, want 13", n)
		}
		// The largest group (3 classes) comes first, its rows in input order.
		wantOrder(t, "conflicts card", card, "row key with 3 classes", "train.csv:362", "train.csv:383", "train.csv:390", "row key with 2 classes")
		wantAll(t, "conflicts card", card,
			`<span class="chip"><span class="v">account_update</span> <span class="n">× 1</span></span>`,
			`across splits`, `holdout.parquet:771`, `U87515`)
		wantNone(t, "conflicts card", card, `examples-table`)
	})

	t.Run("segment coverage", func(t *testing.T) {
		card := squashed(cardOf(t, page, "bias.segment_coverage"))
		for _, chart := range []string{`<svg class="small-multiples"`, `<svg class="heat-map"`} {
			if n := strings.Count(card, chart); n != 3 {
				t.Errorf("segment coverage card has %d %s, want one per segment column (3)", n, chart)
			}
		}
		wantOrder(t, "segment coverage card", card, `<h4 class="visual-head">region</h4>`, `<h4 class="visual-head">channel</h4>`, `<h4 class="visual-head">user_type</h4>`)
		wantAll(t, "segment coverage card", card,
			`font-weight="bold"><title>uk-south</title>uk-south</text>`, ">unseen in train</text>",
			">rare in train: 12 labeled</text>",
			// eu-west: 768 of 3000 train rows, 224 of 800 holdout rows.
			`<title>eu-west, train: 25.6%</title>`, `<title>eu-west, holdout: 28%</title>`,
			// Heat map: all of train, then eu-west × shipping_delay (166 of 759 labeled rows).
			`<title>all values</title>all values</text>`, `<title>eu-west × shipping_delay: 166 labeled train rows, 21.9% of eu-west</title>`,
			"Values without labeled train rows are left out: uk-south.",
			// The tables behind the charts, no JSON.
			`<caption>by_column › region › values</caption>`, `<th scope="col" class="num">shares · holdout</th>`,
			`<caption>by_column › region › train_classes</caption>`,
		)
	})

	t.Run("label disparity", func(t *testing.T) {
		card := cardOf(t, page, "bias.label_disparity")
		// No positive class for a 13-class label, and the heat maps are in
		// the segment coverage card.
		wantNone(t, "label disparity card", card, `<svg class="interval-chart"`, `<svg class="heat-map"`)
		wantAll(t, "label disparity card", card, "No positive class, so there are no rates to compare", "drawn under Segment coverage.")
	})

	t.Run("leakage overview", func(t *testing.T) {
		head := squashed(familySection(t, page, "leakage"))
		wantAll(t, "leakage overview", head,
			`<svg class="stacked-bars"`, ">holdout · 800 rows</text>",
			// One bar: 27 exact twins, 16 near duplicates, 26 rows that only
			// their user leaks (planted on rows of their own), 731 clean.
			">27 exact · 16 near · 26 entity only</text>", "Rows sharing an entity, whatever else they leak: holdout 26 of 800.",
			`<title>exact twin, another label: 6 (0.75%)</title>`,
			`<title>only an entity shared with train: 26 (3.2%)</title>`,
			`<title>no leak found: 731 (91.4%)</title>`,
		)
	})

	t.Run("leaked pairs", func(t *testing.T) {
		card := squashed(cardOf(t, page, "leakage.exact_overlap"))
		wantAll(t, "exact overlap card", card, `<table class="tbl pairs-table">`, "7 more pairs not shown: the report keeps the first 20 of 27")
		// The first pair: holdout row 18 and its twin, train line 17, in one row.
		wantOrder(t, "exact overlap card", card, `<td class="num">1</td>`, `holdout.parquet:18</span>`, "= same label", `train.csv:17</span>`, `<td class="num">2</td>`)
		if n := strings.Count(card, "≠ another label"); n != 4 {
			t.Errorf("the 20 pairs shown have %d with another label, want 4", n)
		}
		wantNone(t, "exact overlap card", card, `examples-table`)
	})

	if strings.Contains(page, `class="v json"`) {
		i := strings.Index(page, `class="v json"`)
		t.Errorf("the fixture page still shows compact JSON: %q", page[max(i-300, 0):min(i+200, len(page))])
	}
}

// agreementReport is a report whose only check is labels.agreement, with
// hand-made metrics: three annotators in the roles order b, a, c; a and b
// agree moderately, a and c worse than chance, b and c share no item.
func agreementReport(p string) *audit.Report {
	rep := payloadReport("x")
	rep.Dataset.Roles.Annotators = []string{"ann_b", "ann_a", "ann_c" + p}
	c := "ann_c" + p
	rep.Checks = []audit.CheckResult{{
		ID: "labels.agreement", Family: "labels", Title: "Annotator agreement", Status: audit.Fail,
		Summary: "alpha is low",
		Metrics: map[string]any{
			"alpha": 0.41, "level": "nominal", "annotators": 3,
			"cohen_kappa": map[string]any{
				"ann_a": map[string]any{"ann_b": 0.5, c: -0.25},
				"ann_b": map[string]any{"ann_a": 0.5},
				c:       map[string]any{"ann_a": -0.25},
			},
			"cohen_items": map[string]any{
				"ann_a": map[string]any{"ann_b": 12, c: 9},
				"ann_b": map[string]any{"ann_a": 12, c: 0},
				c:       map[string]any{"ann_a": 9, "ann_b": 0},
			},
			"per_class": map[string]any{
				"x" + p: map[string]any{"values": 10, "agreement": 0.9},
				"y":     map[string]any{"values": 6, "agreement": 0.4},
			},
		},
		Thresholds: map[string]float64{"fail": 0.667, "warn": 0.8},
	}}
	return rep
}

// TestHTMLAgreementVisuals: the kappa matrix as a heat map and the
// per-class agreement as bars, from hand-made metrics and from the real
// pipeline.
func TestHTMLAgreementVisuals(t *testing.T) {
	t.Run("synthetic", func(t *testing.T) {
		card := squashed(cardOf(t, renderHTML(t, agreementReport("")), "labels.agreement"))
		// Annotators in the roles order, as columns and as rows.
		wantOrder(t, "kappa heat map", card, `<svg class="heat-map"`, "<title>ann_b</title>", "<title>ann_a</title>", "<title>ann_c</title>",
			"<title>ann_b</title>ann_b</text>", "<title>ann_a</title>ann_a</text>", "<title>ann_c</title>ann_c</text>")
		wantAll(t, "kappa heat map", card,
			`<title>ann_a × ann_b: kappa 0.5 over 12 items both rated</title>`, `>0.50</text>`,
			// A negative kappa gets the lightest shade but keeps its sign.
			`fill="#f7fbff" stroke="#d0d7de" stroke-width="0.5"><title>ann_a × ann_c: kappa -0.25 over 9 items both rated</title></rect>`, `>-0.25</text>`,
			`<title>ann_b × ann_c: no kappa over 0 items both rated</title>`,
		)
		// Per class: lowest agreement first.
		wantOrder(t, "agreement bars", card, `<svg class="bar-chart"`, "<title>y</title>y</text>", ">40%</text>", "<title>x</title>x</text>", ">90%</text>")
	})

	t.Run("pipeline", func(t *testing.T) {
		// Two annotators on four rows: a1 x x y y, a2 x x y x. Cohen's kappa:
		// p_o = 3/4, p_e = 1/2·3/4 + 1/2·1/4 = 1/2, kappa = 1/2. Per class
		// o(c,c)/n_c: x 4/5, y 2/3.
		csv := "id,text,label,a1,a2\n1,one,x,x,x\n2,two,x,x,x\n3,three,y,y,y\n4,four,y,y,x\n"
		rep := audittest.Run(t, csv, func(cfg *audit.Config) {
			cfg.Text = "text"
			cfg.Annotators = []string{"a1", "a2"}
		})
		card := squashed(cardOf(t, renderHTML(t, rep), "labels.agreement"))
		wantAll(t, "agreement card", card, `<svg class="heat-map"`, `<title>a1 × a2: kappa 0.5 over 4 items both rated</title>`, ">0.50</text>")
		wantOrder(t, "agreement bars", card, `<svg class="bar-chart"`, "<title>y</title>y</text>", ">66.7%</text>", "<title>x</title>x</text>", ">80%</text>")
	})
}

// biasReport is a report with hand-made bias metrics: a segment column
// region with values a, b and new (only in the holdout), a reference, and
// the rate of class y per value.
func biasReport(p string) *audit.Report {
	rep := payloadReport("x")
	region, val := "region"+p, "new"+p
	rep.Dataset.Splits = []audit.SplitInfo{{Name: "train", Role: "train", Rows: 100}, {Name: "holdout", Role: "holdout", Rows: 20}}
	rep.Dataset.Roles.Segments = []string{region}
	shares := func(train, holdout float64) map[string]any {
		return map[string]any{"train": train, "holdout": holdout}
	}
	rep.Checks = []audit.CheckResult{
		{
			ID: "bias.segment_coverage", Family: "bias", Title: "Segment coverage", Status: audit.Fail, Summary: "unseen",
			Metrics: map[string]any{
				"unseen_values": 1,
				"by_column": map[string]any{region: map[string]any{
					"values": map[string]any{
						"a": map[string]any{"rows": map[string]any{"train": 60, "holdout": 10}, "shares": shares(0.6, 0.5), "labeled_train": 60},
						"b": map[string]any{"rows": map[string]any{"train": 40, "holdout": 6}, "shares": shares(0.4, 0.3), "labeled_train": 40},
						val: map[string]any{"rows": map[string]any{"train": 0, "holdout": 4}, "shares": shares(0, 0.2), "labeled_train": 0},
					},
					"unseen_in_train": []any{val},
					"rare_in_train":   []any{},
					"train_classes": map[string]any{
						"a": map[string]any{"x" + p: 40, "y": 20},
						"b": map[string]any{"x" + p: 10, "y": 30},
						val: map[string]any{},
					},
					"empty_cells":     []any{},
					"js_divergence":   0.12,
					"max_share_shift": 0.2,
				}},
			},
		},
		{
			ID: "bias.reference_coverage", Family: "bias", Title: "Coverage of production", Status: audit.Warn, Summary: "psi",
			Metrics: map[string]any{
				"source": "reference", "reference_rows": 50,
				"by_column": map[string]any{region: map[string]any{
					"values": map[string]any{
						"a": map[string]any{"train_share": 0.6, "reference_share": 0.5, "train_rows": 60, "reference_rows": 25},
						"b": map[string]any{"train_share": 0.4, "reference_share": 0.3, "train_rows": 40, "reference_rows": 15},
						val: map[string]any{"train_share": 0, "reference_share": 0.2, "train_rows": 0, "reference_rows": 10},
					},
					"missing_from_train": []any{val},
					"psi":                0.9, "js_divergence": 0.1,
				}},
			},
		},
		{
			ID: "bias.label_disparity", Family: "bias", Title: "Label disparity", Status: audit.Warn, Summary: "disparity",
			Metrics: map[string]any{
				"positive_class": "y",
				"overall":        map[string]any{"x" + p: 50, "y": 50},
				"by_column": map[string]any{region: map[string]any{
					"counts": map[string]any{"a": map[string]any{"x" + p: 40, "y": 20}, "b": map[string]any{"x" + p: 10, "y": 30}, "tiny": map[string]any{"y": 1, "x" + p: 4}},
					"rates": map[string]any{
						"a":    map[string]any{"rows": 60, "positives": 20, "rate": 1.0 / 3, "low": 0.23, "high": 0.46},
						"b":    map[string]any{"rows": 40, "positives": 30, "rate": 0.75, "low": 0.6, "high": 0.86},
						"tiny": map[string]any{"rows": 5, "positives": 1, "rate": 0.2, "low": 0.04, "high": 0.62},
					},
					"lowest_value": "a", "highest_value": "b", "min_max_ratio": 0.444, "intervals_overlap": false,
				}},
			},
			Thresholds: map[string]float64{"min_rows": 30, "warn": 0.8},
		},
	}
	return rep
}

// TestHTMLBiasVisuals: shares per split and reference, the segment × class
// heat map, and the disparity chart with Wilson intervals.
func TestHTMLBiasVisuals(t *testing.T) {
	page := renderHTML(t, biasReport(""))

	coverage := squashed(cardOf(t, page, "bias.segment_coverage"))
	// One small-multiples chart with the train, holdout and reference panels.
	wantOrder(t, "segment coverage", coverage, `<svg class="small-multiples"`, "<title>train</title>train</text>", "<title>holdout</title>holdout</text>", "<title>reference</title>reference</text>")
	wantAll(t, "segment coverage", coverage,
		`<title>new, holdout: 20%</title>`, `<title>new, reference: 20%</title>`, ">unseen in train</text>",
		`<svg class="heat-map"`, `<title>b × y: 30 labeled train rows, 75% of b</title>`,
		"JS divergence between train and holdout 0.12, largest share shift 20 points.")

	reference := squashed(cardOf(t, page, "bias.reference_coverage"))
	wantAll(t, "reference coverage", reference, `<svg class="small-multiples"`, ">missing from train</text>", "PSI 0.9, JS divergence 0.1.")

	disparity := squashed(cardOf(t, page, "bias.label_disparity"))
	wantAll(t, "label disparity", disparity,
		`<svg class="interval-chart"`, ">all train 50%</text>", ">0.8 × highest rate</text>",
		">33.3% · 20 of 60 · lowest</text>", ">75% · 30 of 40 · highest</text>", ">20% · 1 of 5 · under 30 rows</text>",
		"Lowest to highest rate: 0.444 (the four-fifths rule compares it with 0.8); their intervals do not overlap.",
	)
	// Highest rate first; the value under min_rows is hollow.
	wantOrder(t, "label disparity", disparity, "<title>b</title>b</text>", "<title>a</title>a</text>", "<title>tiny</title>tiny</text>", `fill="#ffffff" stroke="#59636e"`)
	// The heat map is drawn once, in the segment coverage card.
	wantNone(t, "label disparity", disparity, `<svg class="heat-map"`)

	t.Run("coverage skipped", func(t *testing.T) {
		rep := biasReport("")
		rep.Checks[0] = audit.CheckResult{ID: "bias.segment_coverage", Family: "bias", Title: "Segment coverage", Status: audit.Skip, Summary: "no holdout", Metrics: map[string]any{}}
		page := renderHTML(t, rep)
		wantNone(t, "skipped coverage card", cardOf(t, page, "bias.segment_coverage"), `<svg class="small-multiples"`, `<svg class="heat-map"`)
		// The heat map moves to the disparity card, from its counts.
		wantAll(t, "label disparity", cardOf(t, page, "bias.label_disparity"), `<svg class="heat-map"`, `<title>tiny × y: 1 labeled train rows, 20% of tiny</title>`)
	})
}

// TestHTMLLeakageOverview: the stacked bars of the leakage family tolerate
// a leakage.near_duplicates check (coming) and absent or skipped checks.
func TestHTMLLeakageOverview(t *testing.T) {
	fixture := htmlFixtureReport(t)
	with := func(edit func(*audit.Report)) string {
		rep := *fixture
		rep.Checks = append([]audit.CheckResult(nil), fixture.Checks...)
		edit(&rep)
		return squashed(familySection(t, renderHTML(t, &rep), "leakage"))
	}
	drop := func(ids ...string) func(*audit.Report) {
		return func(rep *audit.Report) {
			var kept []audit.CheckResult
			for _, c := range rep.Checks {
				if !strings.Contains(strings.Join(ids, " "), c.ID) {
					kept = append(kept, c)
				}
			}
			rep.Checks = kept
		}
	}
	skip := func(id string) func(*audit.Report) {
		return func(rep *audit.Report) {
			for i, c := range rep.Checks {
				if c.ID == id {
					rep.Checks[i] = audit.CheckResult{ID: c.ID, Family: c.Family, Title: c.Title, Status: audit.Skip, Metrics: map[string]any{}}
				}
			}
		}
	}
	near := audit.CheckResult{
		ID: "leakage.near_duplicates", Family: "leakage", Title: "Near duplicates", Status: audit.Warn, Summary: "12 near",
		Metrics: map[string]any{
			"holdout_rows_near_train": 12, "rate": 0.015, "threshold": 0.8,
			"by_split": map[string]any{"holdout": map[string]any{"rows": 800, "holdout_rows_near_train": 12, "rate": 0.015}},
		},
	}
	for _, tc := range []struct {
		name      string
		edit      func(*audit.Report)
		want, not []string
	}{
		{"near duplicates", func(rep *audit.Report) {
			drop("leakage.near_duplicates")(rep)
			rep.Checks = append(rep.Checks, near)
		},
			[]string{">near duplicate of a train row</text>", ">all leaks</text>", ">27 exact · 12 near · 26 entity only</text>", "<title>no leak found: 735 (91.9%)</title>"},
			[]string{"not measured", ">row content</text>"}},
		// A report from before entity_only_rows: two bars, drawn apart.
		{"no entity-only counts", func(rep *audit.Report) {
			for i, c := range rep.Checks {
				if c.ID == "leakage.entity_overlap" {
					// Copies: the fixture's maps are shared between cases.
					metrics, bySplit := maps.Clone(c.Metrics), map[string]any{}
					for split, v := range c.Metrics["by_split"].(map[string]any) {
						m := maps.Clone(v.(map[string]any))
						delete(m, "entity_only_rows")
						bySplit[split] = m
					}
					metrics["by_split"] = bySplit
					rep.Checks[i].Metrics = metrics
				}
			}
		},
			[]string{">row content</text>", ">27 repeat train (3.4%): 21 same label, 6 another, 16 near (2%)</text>", "<title>no leak found: 757 (94.6%)</title>", ">26 share an entity (3.2%)</text>", "report.json does not count those rows"},
			[]string{">all leaks</text>"}},
		{"no leakage checks", drop("leakage.exact_overlap", "leakage.near_duplicates", "leakage.entity_overlap"), nil, []string{`<svg class="stacked-bars"`}},
		{"exact overlap skipped", skip("leakage.exact_overlap"),
			[]string{`<svg class="stacked-bars"`, ">26 share an entity (3.2%)</text>"}, []string{">row key</text>", "repeat train ("}},
		{"entity overlap absent", drop("leakage.entity_overlap"),
			[]string{">27 repeat train (3.4%): 21 same label, 6 another, 16 near (2%)</text>"}, []string{"share an entity", ">user_id</text>"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			head := with(tc.edit)
			wantAll(t, "leakage overview", head, tc.want...)
			wantNone(t, "leakage overview", head, tc.not...)
		})
	}
}

// TestHTMLNestedMetricTables: a metric three maps deep becomes a table per
// outer key; only a metric deeper than the renderer follows keeps JSON.
func TestHTMLNestedMetricTables(t *testing.T) {
	deep := map[string]any{"leaf": 1}
	for range maxNesting + 2 {
		deep = map[string]any{"k": deep, "n": 2}
	}
	rep := payloadReport("x")
	rep.Checks = []audit.CheckResult{{
		ID: "bias.segment_coverage", Family: "bias", Title: "Segment coverage", Status: audit.Pass,
		Metrics: map[string]any{
			"by_column": map[string]any{
				"region": map[string]any{
					"js_divergence": 0.01,
					"values": map[string]any{
						"eu": map[string]any{"rows": map[string]any{"train": 3, "holdout": 1}, "labeled_train": 3},
						"us": map[string]any{"rows": map[string]any{"train": 5}, "labeled_train": 5},
						"ap": map[string]any{"rows": map[string]any{"train": 2, "holdout": 2}, "labeled_train": 1},
					},
					"empty_cells": []any{map[string]any{"value": "eu", "class": "x"}},
				},
			},
			"deep": deep,
		},
	}}
	rep.Dataset.Splits = []audit.SplitInfo{{Name: "train", Role: "train"}, {Name: "holdout", Role: "holdout"}}
	card := squashed(cardOf(t, renderHTML(t, rep), "bias.segment_coverage"))
	wantAll(t, "card", card,
		// The outer table: a row per column, its leaf fields.
		`<caption>by_column</caption><thead><tr><th scope="col">column</th><th scope="col" class="num">js_divergence</th></tr></thead>`,
		// Per column: values with rows per split spread into columns, train first.
		`<caption>by_column › region › values</caption><thead><tr><th scope="col">values</th><th scope="col" class="num">labeled_train</th><th scope="col" class="num">rows · train</th><th scope="col" class="num">rows · holdout</th></tr></thead>`,
		`<th scope="row"><span class="v">us</span></th><td class="num"><span class="v num">5</span></td><td class="num"><span class="v num">5</span></td><td class="empty num"><span class="v empty num" title="not present">—</span></td>`,
		// A list of objects is a table too.
		`<caption>by_column › region › empty_cells</caption><thead><tr><th scope="col">class</th><th scope="col">value</th></tr></thead>`,
		// A mixed map: its leaves, then its nested maps.
		`<caption>deep</caption>`, `<caption>deep › k</caption>`, `<caption>deep › k › k › k › k</caption>`,
	)
	// Beyond maxNesting levels, the rest is compact JSON.
	wantAll(t, "card", card, `class="v json"`)
	if n := strings.Count(card, `class="v json"`); n != 1 {
		t.Errorf("card has %d JSON cells, want 1 (the part deeper than %d maps)", n, maxNesting)
	}
}

// familyPayloadReport has the payload in every string of the family
// visuals: spellings, the label_map, conflict texts and classes,
// annotators, segment columns, values and classes, rows of leaked pairs,
// entity columns and split names.
func familyPayloadReport(p string) *audit.Report {
	rep := biasReport(p)
	rep.Reason = "not ready: 5 checks fail — " + p
	rep.Dataset.Splits = []audit.SplitInfo{{Name: "train", Role: "train", Rows: 100}, {Name: "holdout" + p, Role: "holdout", Rows: 20}}
	rep.Dataset.Roles.Annotators = []string{"a" + p, "b"}
	row := func(split string) audit.RowRef {
		return audit.RowRef{Split: split, File: "data/" + p + ".csv", Line: 3, ID: p, Label: p, Text: p}
	}
	rep.Checks = append(rep.Checks,
		audit.CheckResult{
			ID: "labels.variants", Family: "labels", Title: p, Status: audit.Fail, Summary: p,
			Examples: []audit.Example{{
				Title: p,
				Values: map[string]any{
					"base_form": p, "classes": []string{p}, "most_frequent": p, "variant_rows": 1,
					"label_map": `"` + p + `": "` + p + "\"\n",
					"spellings": []any{
						map[string]any{"spelling": p, "class": p, "rows": 2, "splits": map[string]any{"holdout" + p: 2}},
						map[string]any{"spelling": p + " ", "class": p, "rows": 1, "splits": map[string]any{"train": 1}},
					},
				},
				Rows: []audit.RowRef{row("train")},
			}},
			ExamplesTotal: 1,
		},
		audit.CheckResult{
			ID: "labels.conflicts", Family: "labels", Title: p, Status: audit.Warn, Summary: p,
			Examples: []audit.Example{{
				Title:  p,
				Values: map[string]any{"text": p, "labeled_rows": 2, "classes": map[string]any{p: 1, "ok": 1}, "splits": []string{"train"}},
				Rows:   []audit.RowRef{row("train"), row("holdout" + p)},
			}},
			ExamplesTotal: 1,
		},
		audit.CheckResult{
			ID: "labels.agreement", Family: "labels", Title: p, Status: audit.Fail, Summary: p,
			Metrics: map[string]any{
				"cohen_kappa": map[string]any{"a" + p: map[string]any{"b": 0.3}, "b": map[string]any{"a" + p: 0.3}},
				"cohen_items": map[string]any{"a" + p: map[string]any{"b": 3}, "b": map[string]any{"a" + p: 3}},
				"per_class":   map[string]any{p: map[string]any{"values": 3, "agreement": 0.5}},
			},
		},
		audit.CheckResult{
			ID: "leakage.exact_overlap", Family: "leakage", Title: p, Status: audit.Fail, Summary: p,
			Metrics: map[string]any{"by_split": map[string]any{"holdout" + p: map[string]any{"rows": 20, "holdout_rows_in_train": 2, "same_label": 1, "different_label": 1}}},
			Examples: []audit.Example{{
				Title:  p,
				Values: map[string]any{"holdout_class": p, "train_class": "ok", p: p},
				Rows:   []audit.RowRef{row("holdout" + p), row("train")},
			}},
			ExamplesTotal: 1,
		},
		audit.CheckResult{
			ID: "leakage.entity_overlap", Family: "leakage", Title: p, Status: audit.Fail, Summary: p,
			Metrics: map[string]any{
				"columns":  map[string]any{p: map[string]any{"holdout_rows": 1}},
				"by_split": map[string]any{"holdout" + p: map[string]any{"rows": 20, "holdout_rows": 1}},
			},
		},
	)
	return rep
}

// TestHTMLFamilyEscaping: markup in the data is text in every family
// visual.
func TestHTMLFamilyEscaping(t *testing.T) {
	for _, tc := range []struct{ name, raw, escaped string }{
		{"script", scriptLabel, scriptEscaped},
		{"img", imgColumn, imgEscaped},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page := renderHTML(t, familyPayloadReport(tc.raw))
			if strings.Contains(page, tc.raw) {
				i := strings.Index(page, tc.raw)
				t.Errorf("page contains the raw payload: %q", page[max(i-200, 0):min(i+100, len(page))])
			}
			if n := strings.Count(page, "<script"); n != 1 {
				t.Errorf("page has %d <script elements, want 1", n)
			}
			if regexp.MustCompile(`(?i)<img\b`).MatchString(page) {
				t.Errorf("page contains an <img element")
			}
			if strings.Contains(page, "ZgotmplZ") {
				t.Errorf("the template rejected a value (ZgotmplZ)")
			}
			// The payload reaches every visual, escaped.
			for _, where := range []struct{ name, markup string }{
				{"variants", cardOf(t, page, "labels.variants")},
				{"conflicts", cardOf(t, page, "labels.conflicts")},
				{"agreement", cardOf(t, page, "labels.agreement")},
				{"segment coverage", cardOf(t, page, "bias.segment_coverage")},
				{"reference coverage", cardOf(t, page, "bias.reference_coverage")},
				{"label disparity", cardOf(t, page, "bias.label_disparity")},
				{"leaked pairs", cardOf(t, page, "leakage.exact_overlap")},
				{"leakage overview", familySection(t, page, "leakage")},
			} {
				if !strings.Contains(where.markup, tc.escaped) {
					t.Errorf("%s lacks the escaped payload %q", where.name, tc.escaped)
				}
			}
		})
	}
}

// TestHTMLFamilySizeBounded: huge family metrics (100,000 segment values
// and classes, 5,000 annotators, thousands of examples) still make a page
// under 2 MB, and the visuals say what they leave out.
func TestHTMLFamilySizeBounded(t *testing.T) {
	rep := biasReport("")
	big := func(n int, v func(i int) any) map[string]any {
		m := make(map[string]any, n)
		for i := range n {
			m[fmt.Sprintf("v%06d", i)] = v(i)
		}
		return m
	}
	const values = 100_000
	col := rep.Checks[0].Metrics["by_column"].(map[string]any)["region"].(map[string]any)
	col["values"] = big(values, func(i int) any {
		return map[string]any{"rows": map[string]any{"train": i%9 + 1, "holdout": i % 5}, "shares": map[string]any{"train": float64(i%9+1) / 1e6, "holdout": float64(i%5) / 1e6}, "labeled_train": i%9 + 1}
	})
	col["train_classes"] = big(values, func(i int) any { return big(3, func(j int) any { return i%7 + j }) })
	var unseen []any
	for i := range 5000 {
		unseen = append(unseen, fmt.Sprintf("v%06d", i*17))
	}
	col["unseen_in_train"] = unseen
	byColumn := rep.Checks[0].Metrics["by_column"].(map[string]any)
	for i := range 39 {
		byColumn[fmt.Sprintf("c%02d", i)] = map[string]any{
			"values":        map[string]any{"a": map[string]any{"rows": map[string]any{"train": 1}, "shares": map[string]any{"train": 1.0}}},
			"train_classes": map[string]any{"a": map[string]any{"x": 1}},
		}
	}
	dispCol := rep.Checks[2].Metrics["by_column"].(map[string]any)["region"].(map[string]any)
	dispCol["rates"] = big(values, func(i int) any {
		return map[string]any{"rows": i%50 + 1, "positives": i % 3, "rate": 0.1, "low": 0.05, "high": 0.2}
	})
	kappa, items := map[string]any{}, map[string]any{}
	for i := range 5000 {
		a := fmt.Sprintf("ann%04d", i)
		kappa[a] = map[string]any{"ann0000": 0.5}
		items[a] = map[string]any{"ann0000": 4}
	}
	var variants, conflicts, pairs []audit.Example
	for i := range 3000 {
		variants = append(variants, audit.Example{Title: "group", Values: map[string]any{"base_form": fmt.Sprint(i), "label_map": "\"A\": \"a\"\n", "spellings": []any{map[string]any{"spelling": "A", "class": "a", "rows": 1}}}})
		conflicts = append(conflicts, audit.Example{Title: "row key with 2 classes", Values: map[string]any{"text": strings.Repeat("long text ", 20)}, Rows: []audit.RowRef{{Split: "train", File: "t.csv", Line: int64(i)}}})
		pairs = append(pairs, audit.Example{Title: "pair", Values: map[string]any{"holdout_class": "a", "train_class": "b"}, Rows: []audit.RowRef{{Split: "holdout", File: "h.csv", Line: int64(i)}, {Split: "train", File: "t.csv", Line: int64(i)}}})
	}
	rep.Checks = append(rep.Checks,
		audit.CheckResult{ID: "labels.agreement", Family: "labels", Status: audit.Fail, Metrics: map[string]any{"cohen_kappa": kappa, "cohen_items": items, "per_class": big(values, func(i int) any { return map[string]any{"agreement": 0.5, "values": 3} })}},
		audit.CheckResult{ID: "labels.variants", Family: "labels", Status: audit.Fail, Examples: variants, ExamplesTotal: 3000},
		audit.CheckResult{ID: "labels.conflicts", Family: "labels", Status: audit.Fail, Examples: conflicts, ExamplesTotal: 3000},
		audit.CheckResult{ID: "leakage.exact_overlap", Family: "leakage", Status: audit.Fail, Examples: pairs, ExamplesTotal: 3000},
	)
	page := renderHTML(t, rep)
	if len(page) >= 2<<20 {
		t.Errorf("page is %d bytes, want under 2 MB", len(page))
	}
	t.Logf("page: %d bytes", len(page))
	wantAll(t, "page", page,
		"99,960 smaller values not shown",                            // shares chart: 40 of 100,001 values
		"99,960 values with fewer rows not shown",                    // disparity chart
		"4,988 more annotators not shown",                            // kappa heat map: 12 of 5,000
		"2,980 more groups not shown (see report.json)",              // variants
		"2,980 more groups not shown: the report keeps the first 20", // conflicts
		"2,980 more pairs not shown",                                 // leaked pairs
		"by_column: 57 more tables not shown (see report.json)",      // 81 tables from by_column: the outer one, 2 per column
		"28 more columns not drawn",                                  // segment columns
	)
}
