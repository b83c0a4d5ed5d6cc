package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"dataready/audit"
)

// JSON encodes the report as indented JSON. Maps are written with sorted
// keys, so the same report gives the same bytes.
func JSON(rep *audit.Report) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(rep); err != nil {
		return nil, fmt.Errorf("encode report: %w", err)
	}
	return buf.Bytes(), nil
}

// WriteFile writes data to path atomically: a temporary file in the same
// folder, synced, then renamed over path.
func WriteFile(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// Summary prints the verdict and one line per check: status, id, summary.
func Summary(w io.Writer, rep *audit.Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", strings.ToUpper(string(rep.Verdict))+" — "+rep.Reason)
	fmt.Fprintf(&b, "rows read %d, audited %d, rejected %d", rep.Dataset.RowsRead, rep.Dataset.RowsAudited, rep.Dataset.RowsRejected)
	for _, s := range rep.Dataset.Splits {
		fmt.Fprintf(&b, "; %s %d", s.Name, s.Rows)
	}
	b.WriteString("\n")
	if n := len(rep.Problems); n > 0 {
		fmt.Fprintf(&b, "%d input problem(s); see problems in report.json\n", n)
	}
	for _, c := range rep.Checks {
		fmt.Fprintf(&b, "  %-4s  %-28s %s\n", c.Status, c.ID, c.Summary)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
