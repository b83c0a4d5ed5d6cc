package reports

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"

	"github.com/parquet-go/parquet-go"

	"dataready/audit"
)

// FindingsColumns returns the columns of findings.csv and findings.parquet,
// in order: check, status, split, file, line, one column per id column
// (named as in the data; "id." + name when that clashes with a fixed
// column), key, label, reason.
func FindingsColumns(idColumns []string) []string {
	fixed := map[string]bool{"check": true, "status": true, "split": true, "file": true, "line": true, "key": true, "label": true, "reason": true}
	cols := []string{"check", "status", "split", "file", "line"}
	for _, c := range idColumns {
		if fixed[c] {
			c = "id." + c
		}
		cols = append(cols, c)
	}
	return append(cols, "key", "label", "reason")
}

// findingRow returns a finding's values in FindingsColumns order.
func findingRow(f audit.Finding, ids int) []string {
	row := []string{f.Check, string(f.Status), f.Split, f.File, strconv.FormatInt(f.Line, 10)}
	for i := range ids {
		v := ""
		if i < len(f.IDs) {
			v = f.IDs[i]
		}
		row = append(row, v)
	}
	return append(row, f.Key, f.Label, f.Reason)
}

// FindingsCSV encodes every finding as CSV with a header row (encoding/csv
// quoting, so labels and ids with commas, quotes or newlines survive).
func FindingsCSV(rep *audit.Report) ([]byte, error) {
	ids := rep.Dataset.Roles.IDs
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(FindingsColumns(ids)); err != nil {
		return nil, fmt.Errorf("findings.csv: %w", err)
	}
	for _, f := range rep.Findings {
		if err := w.Write(findingRow(f, len(ids))); err != nil {
			return nil, fmt.Errorf("findings.csv: %w", err)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, fmt.Errorf("findings.csv: %w", err)
	}
	return buf.Bytes(), nil
}

// FindingsParquet encodes every finding as a Parquet file: line is INT64,
// every other column a UTF-8 string, zstd-compressed.
func FindingsParquet(rep *audit.Report) ([]byte, error) {
	cols := FindingsColumns(rep.Dataset.Roles.IDs)
	group := parquet.Group{}
	for _, c := range cols {
		if c == "line" {
			group[c] = parquet.Compressed(parquet.Int(64), &parquet.Zstd)
		} else {
			group[c] = parquet.Compressed(parquet.String(), &parquet.Zstd)
		}
	}
	schema := parquet.NewSchema("finding", group)
	var buf bytes.Buffer
	w := parquet.NewWriter(&buf, schema, parquet.CreatedBy("dataready", "", ""))
	rows := make([]parquet.Row, 0, 1024)
	flush := func() error {
		if _, err := w.WriteRows(rows); err != nil {
			return fmt.Errorf("findings.parquet: %w", err)
		}
		rows = rows[:0]
		return nil
	}
	for _, f := range rep.Findings {
		values := findingRow(f, len(rep.Dataset.Roles.IDs))
		m := make(map[string]any, len(cols))
		for i, c := range cols {
			if c == "line" {
				m[c] = f.Line
			} else {
				m[c] = values[i]
			}
		}
		rows = append(rows, schema.Deconstruct(nil, m))
		if len(rows) == cap(rows) {
			if err := flush(); err != nil {
				return nil, err
			}
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("findings.parquet: %w", err)
	}
	return buf.Bytes(), nil
}
