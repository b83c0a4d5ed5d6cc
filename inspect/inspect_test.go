package inspect

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"dataready/audit"
	"dataready/source"
)

func TestRolesOnTickets(t *testing.T) {
	var b strings.Builder
	b.WriteString("ticket_id,user_id,created_at,region,channel,body,amount,intent,code\n")
	regions := []string{"eu", "us", "ap"}
	channels := []string{"email", "chat"}
	for i := range 200 {
		fmt.Fprintf(&b, "T%04d,U%03d,2025-01-%02dT10:00:00Z,%s,%s,I would like some help with my order number %d please,%d.50,%s,C%d\n",
			i, i%40, 1+i%28, regions[i%3], channels[i%2], i, i, []string{"refund", "billing"}[i%2], i)
	}
	path := filepath.Join(t.TempDir(), "tickets.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cols, err := Sample(t.Context(), path, source.Options{NullValues: audit.DefaultNullValues}, SampleRows)
	if err != nil {
		t.Fatal(err)
	}
	g := Roles(cols)
	want := Guess{
		Label:    "intent",
		Text:     "body",
		Time:     "created_at",
		IDs:      []string{"ticket_id", "user_id", "code"},
		Segments: []string{"region", "channel"},
	}
	if g.Label != want.Label || g.Text != want.Text || g.Time != want.Time || g.Split != "" {
		t.Errorf("label/text/time/split = %q/%q/%q/%q, want %q/%q/%q/none", g.Label, g.Text, g.Time, g.Split, want.Label, want.Text, want.Time)
	}
	if !reflect.DeepEqual(g.IDs, want.IDs) {
		t.Errorf("ids = %v, want %v (two by name, code because every value is distinct)", g.IDs, want.IDs)
	}
	if !reflect.DeepEqual(g.Segments, want.Segments) {
		t.Errorf("segments = %v, want %v", g.Segments, want.Segments)
	}
	y := YAML(g, []string{"tickets.csv"}, cols)
	for _, s := range []string{`label: "intent"  # named "intent"`, `text: "body"`, "ends in id", "3 distinct values", "# split:"} {
		if !strings.Contains(y, s) {
			t.Errorf("audit.yaml lacks %q:\n%s", s, y)
		}
	}
	// What init writes must load as a config.
	cfgPath := filepath.Join(t.TempDir(), "audit.yaml")
	if err := os.WriteFile(cfgPath, []byte(y), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := audit.LoadConfig(cfgPath); err != nil {
		t.Errorf("the written audit.yaml does not load: %v", err)
	}
}
