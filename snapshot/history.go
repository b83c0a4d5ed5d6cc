package snapshot

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"dataready/audit"
)

// HistoryVersion is the version of the history.json layout.
const HistoryVersion = 1

// History is a set of reports ordered by snapshot time, with the key
// metrics of each: what history.json holds and history.html draws.
type History struct {
	HistoryVersion int `json:"history_version"`
	// Snapshots are the reports, oldest snapshot first (ties by path).
	Snapshots []Point `json:"snapshots"`
	// Series are the key metrics, one value per snapshot (nil when the
	// report does not have it: the check was skipped or is absent).
	Series []Series `json:"series"`
}

// Point is one report of a history.
type Point struct {
	Path          string        `json:"path"`
	SchemaVersion int           `json:"schema_version"`
	SnapshotTime  time.Time     `json:"snapshot_time"`
	Verdict       audit.Verdict `json:"verdict"`
	Reason        string        `json:"reason"`
}

// Series is one key metric over the snapshots.
type Series struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	// Source says where the value comes from, e.g. "labels.conflicts
	// conflict_rate".
	Source string `json:"source"`
	// Unit is "count", "rate" (a share 0..1) or "ratio".
	Unit      string     `json:"unit"`
	Direction string     `json:"direction"`
	Values    []*float64 `json:"values"`
}

// seriesDef defines one series: how to read its value from a report.
type seriesDef struct {
	id, title, source, unit, direction string
	value                              func(r *audit.Report, checks map[string]*check) *float64
}

// metricValue reads a top-level numeric metric of a check that ran.
func metricValue(id, name string) func(*audit.Report, map[string]*check) *float64 {
	return func(_ *audit.Report, checks map[string]*check) *float64 {
		c := checks[id]
		if c == nil || c.status == audit.Skip {
			return nil
		}
		if v, ok := c.metrics[name].(float64); ok {
			return ptr(v)
		}
		return nil
	}
}

// historySeries are the key metrics of history.html, in order.
var historySeries = []seriesDef{
	{"usable_examples", "Usable examples", "dataset.labels usable_examples (version 1: volume.pilot_minimum usable_examples)", "count", higher,
		func(r *audit.Report, checks map[string]*check) *float64 {
			if r.SchemaVersion >= 2 {
				return ptr(float64(r.Dataset.Labels.UsableExamples))
			}
			return metricValue("volume.pilot_minimum", "usable_examples")(r, checks)
		}},
	{"conflict_rate", "Label conflict rate", "labels.conflicts conflict_rate", "rate", lower, metricValue("labels.conflicts", "conflict_rate")},
	{"exact_overlap_rate", "Exact overlap rate (holdout rows repeated in train)", "leakage.exact_overlap rate", "rate", lower, metricValue("leakage.exact_overlap", "rate")},
	{"near_overlap_rate", "Near overlap rate (holdout texts nearly repeated in train)", "leakage.near_duplicates rate", "rate", lower, metricValue("leakage.near_duplicates", "rate")},
	{"entity_leakage_rate", "Entity leakage rate (holdout rows of train entities)", "leakage.entity_overlap rate", "rate", lower, metricValue("leakage.entity_overlap", "rate")},
	{"imbalance_ratio", "Class imbalance ratio (largest / smallest train class)", "bias.class_balance imbalance_ratio", "ratio", lower, metricValue("bias.class_balance", "imbalance_ratio")},
	{"largest_segment_shift", "Largest segment shift (share points, train vs holdout)", "bias.segment_coverage: the largest by_column.*.max_share_shift", "rate", lower,
		func(_ *audit.Report, checks map[string]*check) *float64 {
			c := checks["bias.segment_coverage"]
			if c == nil || c.status == audit.Skip {
				return nil
			}
			byCol, _ := c.metrics["by_column"].(map[string]any)
			var best *float64
			for _, col := range byCol {
				m, _ := col.(map[string]any)
				if v, ok := m["max_share_shift"].(float64); ok && (best == nil || v > *best) {
					best = ptr(v)
				}
			}
			return best
		}},
}

// Collect reads every report.json under the given folders (a path may
// also name a report file) and returns them as a History ordered by
// snapshot time (see SnapshotTime), ties by path. A report that cannot be
// read, or of a newer schema version, is an error naming it; so is a set
// of paths holding no report at all.
func Collect(paths []string) (*History, error) {
	var files []string
	seen := map[string]bool{}
	add := func(p string) {
		abs, err := filepath.Abs(p)
		if err != nil {
			abs = p
		}
		if !seen[abs] {
			seen[abs] = true
			files = append(files, p)
		}
	}
	for _, root := range paths {
		fi, err := os.Stat(root)
		if err != nil {
			return nil, &ReadError{File: root, Err: err}
		}
		if !fi.IsDir() {
			add(root)
			continue
		}
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return &ReadError{File: p, Err: err}
			}
			if !d.IsDir() && d.Name() == ReportFile {
				add(p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if len(files) == 0 {
		return nil, &ReadError{File: fmt.Sprint(paths), Err: errors.New("no report.json found under these paths")}
	}
	type entry struct {
		point  Point
		values []*float64
	}
	entries := make([]entry, 0, len(files))
	for _, f := range files {
		rep, file, err := Read(f)
		if err != nil {
			return nil, err
		}
		checks, err := checksByID(rep)
		if err != nil {
			return nil, &ReadError{File: file, Err: err}
		}
		e := entry{point: Point{Path: filepath.ToSlash(file), SchemaVersion: rep.SchemaVersion, SnapshotTime: SnapshotTime(rep), Verdict: rep.Verdict, Reason: rep.Reason}}
		for _, s := range historySeries {
			e.values = append(e.values, s.value(rep, checks))
		}
		entries = append(entries, e)
	}
	slices.SortStableFunc(entries, func(a, b entry) int {
		if c := a.point.SnapshotTime.Compare(b.point.SnapshotTime); c != 0 {
			return c
		}
		return cmp.Compare(a.point.Path, b.point.Path)
	})
	h := &History{HistoryVersion: HistoryVersion, Snapshots: []Point{}, Series: []Series{}}
	for _, e := range entries {
		h.Snapshots = append(h.Snapshots, e.point)
	}
	for i, s := range historySeries {
		series := Series{ID: s.id, Title: s.title, Source: s.source, Unit: s.unit, Direction: s.direction, Values: []*float64{}}
		for _, e := range entries {
			series.Values = append(series.Values, e.values[i])
		}
		h.Series = append(h.Series, series)
	}
	return h, nil
}
