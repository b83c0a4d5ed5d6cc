package audit_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"dataready/audit"
	"dataready/audit/bias"
	"dataready/audit/labels"
	"dataready/audit/norm"
	"dataready/audit/registry"
	"dataready/audit/volume"
)

func write(t *testing.T, dir, name, body string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// check returns the result of one check of a report.
func check(t *testing.T, rep *audit.Report, id string) audit.CheckResult {
	t.Helper()
	for _, c := range rep.Checks {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no check %s in the report", id)
	return audit.CheckResult{}
}

// metric reads a metric, following a path through nested maps.
func metric(t *testing.T, c audit.CheckResult, path ...string) any {
	t.Helper()
	var v any = c.Metrics
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%s: metric path %v: %v is not a map", c.ID, path, v)
		}
		v, ok = m[p]
		if !ok {
			t.Fatalf("%s: no metric %v", c.ID, path)
		}
	}
	return v
}

func run(t *testing.T, cfg *audit.Config, opts audit.RunOptions) *audit.Report {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	opts.Allocator = mem
	if opts.Specs == nil {
		opts.Specs = registry.Checks()
	}
	rep, err := audit.Run(t.Context(), cfg, opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return rep
}

// handCounted is a dataset small enough to count by hand; the expected
// numbers in TestRunCountsByHand are worked out in the comments.
const handCounted = `id,text,label,split
1,Refund please,refund,train
2,refund  please,Refund,train
3,Where is my order,shipping,train
4,where is my order,billing,train
5,Cancel my plan,cancel,train
6,NA text,NA,train
7,,  ,train
8,Reset password,login,test
9,Refund please,refund,test
10,Gift card balance,gift_card,test
11,Where is my order,shipping,test
12,bad,row,with,extra,fields
`

func TestRunCountsByHand(t *testing.T) {
	dir := t.TempDir()
	cfg := audit.DefaultConfig()
	cfg.Inputs = []string{write(t, dir, "data.csv", handCounted)}
	cfg.Label, cfg.Text, cfg.Split, cfg.IDs = "label", "text", "split", []string{"id"}
	cfg.MaxBadRows = "10%" // 1 of 12 rows is malformed
	rep := run(t, cfg, audit.RunOptions{})

	// 12 data lines, line 13 (id 12) has 6 fields instead of 4.
	d := rep.Dataset
	if d.RowsRead != 12 || d.RowsAudited != 11 || d.RowsRejected != 1 {
		t.Errorf("rows read/audited/rejected = %d/%d/%d, want 12/11/1", d.RowsRead, d.RowsAudited, d.RowsRejected)
	}
	if len(rep.Problems) != 1 || rep.Problems[0].Kind != "field_count" || !reflect.DeepEqual(rep.Problems[0].Lines, []int64{13}) {
		t.Errorf("problems = %+v, want one field_count at line 13", rep.Problems)
	}
	wantSplits := []audit.SplitInfo{{Name: "train", Role: "train", Rows: 7}, {Name: "test", Role: "holdout", Rows: 4}}
	if !reflect.DeepEqual(d.Splits, wantSplits) {
		t.Errorf("splits = %+v, want %+v", d.Splits, wantSplits)
	}

	// labels.missing: row 6 ("NA") and row 7 ("  ") of 11.
	m := check(t, rep, "labels.missing")
	if got := metric(t, m, "missing"); got != int64(2) {
		t.Errorf("missing = %v, want 2", got)
	}
	if got := metric(t, m, "missing_rate"); got != 2.0/11 {
		t.Errorf("missing_rate = %v, want 2/11", got)
	}
	if got := metric(t, m, "tokens"); !reflect.DeepEqual(got, map[string]any{"NA": int64(1), "(empty)": int64(1)}) {
		t.Errorf("tokens = %v", got)
	}
	if got := metric(t, m, "by_split", "test", "missing"); got != int64(0) {
		t.Errorf("test missing = %v, want 0", got)
	}
	if m.Status != audit.Warn {
		t.Errorf("labels.missing status = %s, want warn (0 < 2/11 < 0.2)", m.Status)
	}
	if len(m.Examples) != 2 || m.Examples[0].Rows[0].Line != 7 || m.Examples[0].Rows[0].ID != "6" || m.Examples[1].Rows[0].Line != 8 {
		t.Errorf("missing examples = %+v, want lines 7 (id 6) and 8", m.Examples)
	}

	// bias.class_balance: train refund 2 (Refund is the same class), shipping 1,
	// billing 1, cancel 1; test login, refund, gift_card, shipping 1 each.
	b := check(t, rep, "bias.class_balance")
	wantTrain := map[string]any{"refund": int64(2), "shipping": int64(1), "billing": int64(1), "cancel": int64(1)}
	if got := metric(t, b, "by_split", "train", "counts"); !reflect.DeepEqual(got, wantTrain) {
		t.Errorf("train counts = %v, want %v", got, wantTrain)
	}
	for name, want := range map[string]any{
		"classes": 4, "imbalance_ratio": 2.0, "majority_class": "refund", "minority_class": "billing", "minority_count": int64(1),
		"minority_share": 0.2, "holdout_only_labels": []string{"gift_card", "login"}, "train_only_labels": []string{"billing", "cancel"},
	} {
		if got := metric(t, b, name); !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v, want %#v", name, got, want)
		}
	}
	if b.Status != audit.Fail {
		t.Errorf("class_balance status = %s, want fail (holdout-only classes)", b.Status)
	}

	// volume.pilot_minimum: labeled rows 9. Keys: "refund please" rows 1,2,9
	// (usable, 2 duplicates); "where is my order" rows 3,4,11 (conflict);
	// "cancel my plan", "reset password", "gift card balance" (usable).
	p := check(t, rep, "volume.pilot_minimum")
	for name, want := range map[string]int64{"labeled_rows": 9, "usable_examples": 4, "duplicate_rows": 2, "conflicting_rows": 3, "conflicting_keys": 1} {
		if got := metric(t, p, name); got != want {
			t.Errorf("%s = %v, want %d", name, got, want)
		}
	}
	if got := metric(t, p, "by_split", "train", "usable_examples"); got != int64(2) {
		t.Errorf("train usable = %v, want 2 (refund please, cancel my plan)", got)
	}
	if got := metric(t, p, "by_split", "test", "usable_examples"); got != int64(3) {
		t.Errorf("test usable = %v, want 3 (reset password, refund please, gift card balance)", got)
	}
	if p.Status != audit.Fail {
		t.Errorf("pilot status = %s, want fail", p.Status)
	}
	// The conflict example comes first and points at its first row (line 4).
	if len(p.Examples) != 2 || p.Examples[0].Rows[0].Line != 4 || p.Examples[1].Rows[0].Line != 2 {
		t.Errorf("pilot examples = %+v", p.Examples)
	}
	if rep.Verdict != audit.NotReady {
		t.Errorf("verdict = %s, want not_ready", rep.Verdict)
	}
}

func TestRunTooManyBadRows(t *testing.T) {
	dir := t.TempDir()
	cfg := audit.DefaultConfig()
	cfg.Inputs = []string{write(t, dir, "data.csv", handCounted)}
	cfg.Label, cfg.Text, cfg.Split = "label", "text", "split"
	rep, err := audit.Run(t.Context(), cfg, audit.RunOptions{Specs: registry.Checks()})
	if !errors.Is(err, audit.ErrTooManyBadRows) {
		t.Fatalf("err = %v, want ErrTooManyBadRows (1 of 12 rows > 1%%)", err)
	}
	if rep == nil || rep.Dataset.RowsRejected != 1 || rep.Verdict != audit.NotReady {
		t.Errorf("report = %+v, want one with the rejected row and verdict not_ready", rep)
	}
}

// randomDataset writes a CSV with duplicates, conflicts, missing labels and
// three splits, and returns the expected pilot numbers computed naively.
func randomDataset(t *testing.T, dir string, rows int, seed uint64) (string, map[string]int64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, seed))
	var b strings.Builder
	b.WriteString("text,label,split,region\n")
	type row struct{ text, label, split string }
	var all []row
	classes := []string{"a", "b", "c", "D", "d "}
	splits := []string{"train", "train", "train", "test", "val"}
	for i := range rows {
		text := fmt.Sprintf("message %d about things", rng.IntN(rows*2/3))
		if rng.IntN(10) == 0 {
			text = strings.ToUpper(text) // same key after norm
		}
		label := classes[rng.IntN(len(classes))]
		if rng.IntN(20) == 0 {
			label = "NA"
		}
		r := row{text, label, splits[rng.IntN(len(splits))]}
		if i%7 == 0 {
			r.text = "\"quoted, with comma\n and newline " + fmt.Sprint(i%50) + "\""
		}
		all = append(all, r)
		fmt.Fprintf(&b, "%s,%s,%s,r%d\n", r.text, r.label, r.split, rng.IntN(4))
	}
	path := write(t, dir, "random.csv", b.String())

	// Naive reference: group labeled rows by normalized text.
	classesOf := map[string]map[string]bool{}
	count := map[string]int64{}
	for _, r := range all {
		if r.label == "NA" {
			continue
		}
		text := strings.Trim(r.text, `"`)
		k := norm.String(text)
		if classesOf[k] == nil {
			classesOf[k] = map[string]bool{}
		}
		classesOf[k][norm.String(r.label)] = true
		count[k]++
	}
	want := map[string]int64{}
	for k, cs := range classesOf {
		want["labeled_rows"] += count[k]
		if len(cs) > 1 {
			want["conflicting_rows"] += count[k]
			want["conflicting_keys"]++
		} else {
			want["usable_examples"]++
			want["duplicate_rows"] += count[k] - 1
		}
	}
	return path, want
}

func TestRunMatchesNaiveReference(t *testing.T) {
	path, want := randomDataset(t, t.TempDir(), 3000, 1)
	cfg := audit.DefaultConfig()
	cfg.Inputs = []string{path}
	cfg.Label, cfg.Text, cfg.Split = "label", "text", "split"
	rep := run(t, cfg, audit.RunOptions{ChunkBytes: 4096})
	p := check(t, rep, "volume.pilot_minimum")
	for name, w := range want {
		if got := metric(t, p, name); got != w {
			t.Errorf("%s = %v, want %d", name, got, w)
		}
	}
}

// TestRunSameReportWhateverTheWorkers runs the same data with 1, 2 and 8
// workers and small chunks (many units decoded concurrently) and expects
// byte-identical reports apart from the run section.
func TestRunSameReportWhateverTheWorkers(t *testing.T) {
	dir := t.TempDir()
	a, _ := randomDataset(t, dir, 4000, 2)
	b, _ := randomDataset(t, t.TempDir(), 2000, 3)
	var first []byte
	for _, workers := range []int{1, 2, 8} {
		cfg := audit.DefaultConfig()
		cfg.Inputs = []string{a, b}
		cfg.Label, cfg.Split, cfg.Workers, cfg.Examples = "label", "split", workers, 5
		rep := run(t, cfg, audit.RunOptions{ChunkBytes: 2048, BatchRows: 64})
		rep.Run = audit.RunInfo{}
		rep.Config = nil
		got, err := json.Marshal(rep)
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = got
			continue
		}
		if !bytes.Equal(first, got) {
			t.Errorf("report with %d workers differs from the one with 1 worker", workers)
		}
	}
}

// TestSplitValues: split values compare after norm, --train-split too, and
// rows without a split value are unassigned (neither train nor holdout).
func TestSplitValues(t *testing.T) {
	dir := t.TempDir()
	cfg := audit.DefaultConfig()
	cfg.Inputs = []string{write(t, dir, "s.csv", "text,label,split\na,x, Train\nb,y,TRAIN\nc,x,Test\nd,z,\ne,y,test\n")}
	cfg.Label, cfg.Text, cfg.Split, cfg.TrainSplit = "label", "text", "split", "Train"
	rep := run(t, cfg, audit.RunOptions{})
	want := []audit.SplitInfo{
		{Name: "train", Role: "train", Rows: 2},
		{Name: "(missing)", Role: "unassigned", Rows: 1},
		{Name: "test", Role: "holdout", Rows: 2},
	}
	if !reflect.DeepEqual(rep.Dataset.Splits, want) {
		t.Errorf("splits = %+v, want %+v", rep.Dataset.Splits, want)
	}
	if len(rep.Problems) != 1 || rep.Problems[0].Kind != "missing_split" || rep.Problems[0].Lines[0] != 5 {
		t.Errorf("problems = %+v, want missing_split at line 5", rep.Problems)
	}
	// z is only in the unassigned row: it is not a holdout-only class.
	b := check(t, rep, "bias.class_balance")
	if got := metric(t, b, "holdout_only_labels"); !reflect.DeepEqual(got, []string{}) {
		t.Errorf("holdout_only_labels = %v, want none", got)
	}
}

// TestTypeMismatchesAreCountedNotFatal: a column guessed as integer from
// its first rows keeps a later non-integer value and counts it.
func TestTypeMismatchesAreCountedNotFatal(t *testing.T) {
	var b strings.Builder
	b.WriteString("text,amount,label\n")
	for i := range 1200 { // more than the 1,000 rows types are guessed from
		fmt.Fprintf(&b, "t%d,%d,x\n", i, i)
	}
	b.WriteString("late,12.5,y\nlater,n/a,y\n") // lines 1202 and 1203
	dir := t.TempDir()
	cfg := audit.DefaultConfig()
	cfg.Inputs = []string{write(t, dir, "types.csv", b.String())}
	cfg.Label = "label"
	rep := run(t, cfg, audit.RunOptions{})
	var amount audit.ColumnInfo
	for _, c := range rep.Dataset.Columns {
		if c.Name == "amount" {
			amount = c
		}
	}
	if amount.Type != "integer" || amount.TypeMismatches != 2 {
		t.Errorf("amount = %+v, want type integer with 2 mismatches", amount)
	}
	if len(rep.Problems) != 1 || rep.Problems[0].Column != "amount" || !reflect.DeepEqual(rep.Problems[0].Lines, []int64{1202, 1203}) {
		t.Errorf("problems = %+v, want type_mismatch on amount at lines 1202, 1203", rep.Problems)
	}
	if rep.Dataset.RowsAudited != 1202 {
		t.Errorf("rows audited = %d, want 1202 (mismatches are kept)", rep.Dataset.RowsAudited)
	}
}

// TestPerSplitInputs: --train, --holdout and other named splits, folders
// expanded in sorted order, every split's role.
func TestPerSplitInputs(t *testing.T) {
	dir := t.TempDir()
	body := "text,label\na,x\nb,y\n"
	train := write(t, dir, "train.csv", body)
	parts := filepath.Join(dir, "holdout")
	if err := os.Mkdir(parts, 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, parts, "part-2.csv", body+"c,x\n")
	write(t, parts, "part-1.csv", body)
	write(t, parts, "_SUCCESS", "")
	val := write(t, dir, "val.csv", body)
	cfg := audit.DefaultConfig()
	cfg.Train, cfg.Holdout, cfg.Splits = []string{train}, []string{parts}, map[string][]string{"val": {val}}
	cfg.Label, cfg.Text = "label", "text"
	rep := run(t, cfg, audit.RunOptions{})
	var got []string
	for _, in := range rep.Inputs {
		got = append(got, fmt.Sprintf("%s:%s:%d", filepath.Base(in.Path), in.Split, in.Rows))
	}
	want := []string{"train.csv:train:2", "part-1.csv:holdout:2", "part-2.csv:holdout:3", "val.csv:val:2"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("inputs = %v, want %v", got, want)
	}
	wantSplits := []audit.SplitInfo{{Name: "train", Role: "train", Rows: 2}, {Name: "holdout", Role: "holdout", Rows: 5}, {Name: "val", Role: "holdout", Rows: 2}}
	if !reflect.DeepEqual(rep.Dataset.Splits, wantSplits) {
		t.Errorf("splits = %+v, want %+v", rep.Dataset.Splits, wantSplits)
	}
}

// TestFindingsListEveryFlaggedRow uses the hand-counted dataset: every row
// behind a number, not only the capped examples.
func TestFindingsListEveryFlaggedRow(t *testing.T) {
	dir := t.TempDir()
	cfg := audit.DefaultConfig()
	cfg.Inputs = []string{write(t, dir, "data.csv", handCounted)}
	cfg.Label, cfg.Text, cfg.Split, cfg.IDs = "label", "text", "split", []string{"id"}
	cfg.MaxBadRows = "10%"
	cfg.Examples = 1 // findings are not capped by examples
	for _, workers := range []int{1, 3} {
		cfg.Workers = workers
		// The checks whose flagged rows are counted by hand below.
		specs := []audit.Spec{labels.Missing, bias.ClassBalance, volume.PilotMinimum}
		rep := run(t, cfg, audit.RunOptions{Findings: true, ChunkBytes: 64, Specs: specs})
		var got []string
		for _, f := range rep.Findings {
			got = append(got, fmt.Sprintf("%s %s:%d id=%v %s", f.Check, f.Split, f.Line, f.IDs, f.Reason))
		}
		want := []string{
			"labels.missing train:7 id=[6] label missing: NA",
			"labels.missing train:8 id=[7] label missing: (empty)",
			`bias.class_balance test:9 id=[8] class "login" never appears in train`,
			`bias.class_balance test:11 id=[10] class "gift_card" never appears in train`,
			"volume.pilot_minimum train:3 id=[2] duplicate of " + cfg.Inputs[0] + ":2; counts once",
			"volume.pilot_minimum train:4 id=[3] row key carries two or more labels (3 rows; first at " + cfg.Inputs[0] + ":4); does not count",
			"volume.pilot_minimum train:5 id=[4] row key carries two or more labels (3 rows; first at " + cfg.Inputs[0] + ":4); does not count",
			"volume.pilot_minimum test:10 id=[9] duplicate of " + cfg.Inputs[0] + ":2; counts once",
			"volume.pilot_minimum test:12 id=[11] row key carries two or more labels (3 rows; first at " + cfg.Inputs[0] + ":4); does not count",
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("workers %d: findings =\n%s\nwant\n%s", workers, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// captureEnv is a check that records the Env it was given and the segment
// values it saw, to test what the pipeline hands to checks.
type captureEnv struct {
	segs map[string]int
}

func (c *captureEnv) Add(b *audit.Batch) {
	for i := 0; i < b.Rows; i++ {
		c.segs[b.Segments[0][i]+"/"+b.Segments[1][i]]++
	}
}
func (c *captureEnv) Merge(o audit.Accumulator) {
	for k, v := range o.(*captureEnv).segs {
		c.segs[k] += v
	}
}
func (c *captureEnv) Result(*audit.Summary) audit.CheckResult {
	return audit.CheckResult{Status: audit.Pass, Metrics: map[string]any{"segs": c.segs}}
}

func TestSegmentsAndReference(t *testing.T) {
	dir := t.TempDir()
	cfg := audit.DefaultConfig()
	cfg.Inputs = []string{write(t, dir, "d.csv", "text,label,region,channel\na,x,EU , chat\nb,y,eu,NA\nc,x,US,chat\n")}
	cfg.Reference = []string{write(t, dir, "ref.csv", "region,channel,other\neu,chat,1\nUS,web,2\n,web,3\n")}
	cfg.Label, cfg.Text, cfg.Segments = "label", "text", []string{"region", "channel"}
	var env *audit.Env
	spec := audit.Spec{ID: "test.capture", Family: "test", New: func(e *audit.Env) audit.Accumulator {
		env = e
		return &captureEnv{segs: map[string]int{}}
	}}
	rep := run(t, cfg, audit.RunOptions{Specs: []audit.Spec{spec}})
	want := map[string]int{"eu/chat": 1, "eu/(missing)": 1, "us/chat": 1}
	if got := rep.Checks[0].Metrics["segs"]; !reflect.DeepEqual(got, want) {
		t.Errorf("segment values = %v, want %v", got, want)
	}
	ref := env.Reference
	if ref == nil || ref.Rows != 3 {
		t.Fatalf("reference = %+v, want 3 rows", ref)
	}
	wantRef := map[string]map[string]int64{
		"region":  {"eu": 1, "us": 1, "(missing)": 1},
		"channel": {"chat": 1, "web": 2},
	}
	if !reflect.DeepEqual(ref.Values, wantRef) {
		t.Errorf("reference values = %v, want %v", ref.Values, wantRef)
	}

	// A reference without a segment column is an error naming file and column.
	cfg.Reference = []string{write(t, dir, "bad.csv", "region,x\neu,1\n")}
	_, err := audit.Run(t.Context(), cfg, audit.RunOptions{Specs: []audit.Spec{spec}})
	if err == nil || !strings.Contains(err.Error(), "bad.csv") || !strings.Contains(err.Error(), `"channel"`) {
		t.Errorf("err = %v, want one naming bad.csv and channel", err)
	}
}

// TestNoRowKeyIsAConfigError: without a text column and with every other
// column given a role, all rows would share one row key.
func TestNoRowKeyIsAConfigError(t *testing.T) {
	cfg := audit.DefaultConfig()
	cfg.Inputs = []string{write(t, t.TempDir(), "d.csv", "id,label\n1,a\n2,b\n")}
	cfg.Label, cfg.IDs = "label", []string{"id"}
	_, err := audit.Run(t.Context(), cfg, audit.RunOptions{Specs: registry.Checks()})
	var ce *audit.ConfigError
	if !errors.As(err, &ce) || ce.Key != "text" {
		t.Errorf("err = %v, want a config error on text", err)
	}
}

// TestRunStages checks the stage timings of a run against a clock that
// moves one second each time it is read: the stages come in order, each
// one second long, and add up to the run's duration.
func TestRunStages(t *testing.T) {
	dir := t.TempDir()
	cfg := audit.DefaultConfig()
	cfg.Inputs = []string{write(t, dir, "data.csv", handCounted)}
	cfg.Label, cfg.Text, cfg.Split, cfg.IDs = "label", "text", "split", []string{"id"}
	cfg.TrainSplit = "train"
	cfg.MaxBadRows = "10%" // 1 of 12 rows is malformed
	reads := 0
	start := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	now := func() time.Time {
		reads++
		return start.Add(time.Duration(reads-1) * time.Second)
	}
	rep := run(t, cfg, audit.RunOptions{Now: now, Findings: true})
	want := []audit.Stage{{Name: "open", MS: 1000}, {Name: "read", MS: 1000}, {Name: "merge", MS: 1000},
		{Name: "search", MS: 1000}, {Name: "revisit", MS: 1000}, {Name: "results", MS: 1000}}
	if !reflect.DeepEqual(rep.Run.Stages, want) {
		t.Errorf("stages %+v, want %+v", rep.Run.Stages, want)
	}
	if rep.Run.DurationMS != 7000 || !rep.Run.StartedAt.Equal(start) {
		t.Errorf("run started %v and took %d ms; want %v and 7000 ms (the stages, then the end)", rep.Run.StartedAt, rep.Run.DurationMS, start)
	}
}
