package reports

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"dataready/audit"
	"dataready/audit/registry"
	"dataready/snapshot"
)

// historySnapshot is one generated snapshot: n distinct texts and c of
// them repeated with the other label (c conflicting keys).
type historySnapshot struct {
	folder, time string
	n, c         int
	// noSplit audits without the split column: the checks that need a
	// holdout skip.
	noSplit bool
}

// historySnapshots are written in folder order a..e, with snapshot times
// in another order. By hand: labeled rows n + c, usable examples n − c (a
// conflicting key counts not at all), conflict rate 2c / (n + c).
var historySnapshots = []historySnapshot{
	{"a", "2025-03-03", 240, 4, false},
	{"b", "2025-03-01", 200, 0, false},
	{"c", "2025-03-05", 260, 1, false},
	{"d", "2025-03-02", 220, 2, true},
	{"e", "2025-03-04", 180, 6, false},
}

// historyOrder is historySnapshots by time: b, d, a, e, c.
var historyOrder = []int{1, 3, 0, 4, 2}

func (s historySnapshot) csv() string {
	var b strings.Builder
	b.WriteString("text,label,split,region\n")
	regions := []string{"eu", "us", "ap"}
	for k := range s.n {
		label, split := "ham", "train"
		if k%3 == 0 {
			label = "spam"
		}
		if k%5 == 0 {
			split = "test"
		}
		fmt.Fprintf(&b, "message %d of the day,%s,%s,%s\n", k, label, split, regions[k%3])
		if k < s.c {
			other := map[string]string{"ham": "spam", "spam": "ham"}[label]
			fmt.Fprintf(&b, "message %d of the day,%s,train,%s\n", k, other, regions[k%3])
		}
	}
	return b.String()
}

// writeHistory audits every snapshot with every check and writes its
// report.json into dir/<folder>/.
func writeHistory(t *testing.T, dir string) {
	t.Helper()
	for _, s := range historySnapshots {
		data := filepath.Join(t.TempDir(), "data.csv")
		if err := os.WriteFile(data, []byte(s.csv()), 0o644); err != nil {
			t.Fatal(err)
		}
		cfg := audit.DefaultConfig()
		cfg.Inputs = []string{data}
		cfg.Label, cfg.Text, cfg.Segments, cfg.SnapshotTime = "label", "text", []string{"region"}, s.time
		if !s.noSplit {
			cfg.Split = "split"
		} else {
			cfg.Exclude = []string{"split"}
		}
		rep, err := audit.Run(t.Context(), cfg, audit.RunOptions{Specs: registry.Checks()})
		if err != nil {
			t.Fatalf("audit %s: %v", s.folder, err)
		}
		out, err := JSON(rep)
		if err != nil {
			t.Fatal(err)
		}
		if err := WriteFile(filepath.Join(dir, s.folder, "report.json"), out); err != nil {
			t.Fatal(err)
		}
	}
}

// wantPoints is the number of points each chart must have: a point per
// snapshot whose report has the metric. The snapshot without a split has
// no holdout, so the overlap rates and the segment shift skip there; no
// snapshot has id columns, so entity leakage never runs.
var wantPoints = map[string]int{
	"usable_examples":       5,
	"conflict_rate":         5,
	"exact_overlap_rate":    4,
	"near_overlap_rate":     4,
	"entity_leakage_rate":   0,
	"imbalance_ratio":       5,
	"largest_segment_shift": 4,
}

// wantUsable are the usable examples in time order, by hand (n − c).
func wantUsable() []string {
	var out []string
	for _, i := range historyOrder {
		s := historySnapshots[i]
		out = append(out, fmt.Sprintf("%s: %s", s.time, intText(int64(s.n-s.c))))
	}
	return out
}

func TestHistoryHTML(t *testing.T) {
	dir := t.TempDir()
	writeHistory(t, dir)
	h, err := snapshot.Collect([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range h.Snapshots {
		if want := historySnapshots[historyOrder[i]]; !strings.HasSuffix(p.Path, "/"+want.folder+"/report.json") {
			t.Errorf("snapshot %d is %s, want folder %s (time %s)", i, p.Path, want.folder, want.time)
		}
	}
	// The conflict rates by hand: 2c / (n + c).
	for i, v := range h.Series[1].Values {
		s := historySnapshots[historyOrder[i]]
		if want := float64(2*s.c) / float64(s.n+s.c); v == nil || *v != want {
			t.Errorf("conflict rate of %s = %v, want %v", s.folder, v, want)
		}
	}
	page, err := HistoryHTML(h)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(page)
	for id, want := range wantPoints {
		start := strings.Index(doc, `<figure id="chart-`+id+`"`)
		if start < 0 {
			t.Errorf("no chart %s", id)
			continue
		}
		end := start + strings.Index(doc[start:], "</figure>")
		if got := strings.Count(doc[start:end], `<circle class="point"`); got != want {
			t.Errorf("chart %s has %d points, want %d", id, got, want)
		}
	}
	usable := doc[strings.Index(doc, `<figure id="chart-usable_examples"`):]
	usable = usable[:strings.Index(usable, "</figure>")]
	titles := regexp.MustCompile(`<circle class="point"[^>]*><title>([^<]*)</title>`).FindAllStringSubmatch(usable, -1)
	var got []string
	for _, m := range titles {
		got = append(got, m[1])
	}
	if strings.Join(got, "; ") != strings.Join(wantUsable(), "; ") {
		t.Errorf("usable examples points: %v\nwant %v", got, wantUsable())
	}
	if n := strings.Count(doc, `<rect class="band-cell"`); n != 5 {
		t.Errorf("verdict band has %d cells, want 5", n)
	}
	for _, banned := range []string{"http://", "https://", "<script", "url("} {
		if strings.Contains(doc, banned) {
			t.Errorf("history.html contains %q: it must be self-contained", banned)
		}
	}
}

// TestLineChartGaps: a missing value breaks the line into two paths.
func TestLineChartGaps(t *testing.T) {
	v := func(x float64) *float64 { return &x }
	times := make([]time.Time, 5)
	for i := range times {
		times[i] = time.Date(2025, 3, i+1, 0, 0, 0, 0, time.UTC)
	}
	l := LineChart{Times: times, Values: []*float64{v(1), v(2), nil, v(4), v(8)}}.layout()
	if len(l.Points) != 4 || len(l.Paths) != 2 {
		t.Fatalf("%d points, %d paths; want 4 and 2", len(l.Points), len(l.Paths))
	}
	// Evenly spaced days over the plot width; y from 0 at the bottom to the
	// axis end (8, with ticks of 2) at the top.
	if l.Points[0].X != linePlotLeft || l.Points[3].X != round1(linePlotLeft+l.PlotW) {
		t.Errorf("first and last x = %v, %v; want %v, %v", l.Points[0].X, l.Points[3].X, linePlotLeft, linePlotLeft+l.PlotW)
	}
	if l.Points[3].Y != linePlotTop || l.Points[0].Y != round1(linePlotTop+linePlotH-linePlotH/8) {
		t.Errorf("y of 8 and 1 = %v, %v; want %v, %v", l.Points[3].Y, l.Points[0].Y, float64(linePlotTop), linePlotTop+linePlotH-linePlotH/8)
	}
}
