package volume_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"dataready/audit"
	"dataready/audit/audittest"
	"dataready/audit/volume"
)

// TestBaseline scores the three rules on a hand-built holdout.
//
// Train (10 rows): channel email → refund ×4, billing ×1; chat → billing ×3,
// refund ×0; phone → login ×2. Majority class: refund (4) vs billing (4):
// tie broken by name → billing. Texts: "money back please" for refund,
// "invoice wrong" for billing, "cannot log in" for login, each repeated
// with a row number so keys differ.
//
// Holdout (6 rows): email/refund, email/billing, chat/billing, phone/login,
// web/refund (unseen value → majority billing), chat/login.
//
//	majority (billing): right on 2 of 6 → 0.3333.
//	channel rule: email→refund, chat→billing, phone→login, web→billing:
//	right: email/refund, chat/billing, phone/login → 3 of 6 = 0.5.
//	keywords (min count 2 in train): "money","back","please" → refund,
//	"invoice","wrong" → billing, "cannot","log","in"(too short? "in" has 2
//	runes → kept) → login. Holdout texts follow their class except the last
//	(chat/login says "invoice wrong") → 5 of 6 right.
func TestBaseline(t *testing.T) {
	var b strings.Builder
	b.WriteString("text,label,split,channel\n")
	row := func(text, label, split, channel string, n int) {
		for i := range n {
			fmt.Fprintf(&b, "%s %s%d,%s,%s,%s\n", text, split, b.Len()+i, label, split, channel)
		}
	}
	row("money back please", "refund", "train", "email", 4)
	row("invoice wrong", "billing", "train", "email", 1)
	row("invoice wrong", "billing", "train", "chat", 3)
	row("cannot log in", "login", "train", "phone", 2)
	row("money back please", "refund", "test", "email", 1)
	row("invoice wrong", "billing", "test", "email", 1)
	row("invoice wrong", "billing", "test", "chat", 1)
	row("cannot log in", "login", "test", "phone", 1)
	row("money back please", "refund", "test", "web", 1)
	row("invoice wrong", "login", "test", "chat", 1)
	rep := audittest.RunSpecs(t, b.String(), func(c *audit.Config) {
		c.Text, c.Split = "text", "split"
		c.Checks = map[string]map[string]any{"volume.baseline": {"min_token_count": 2}}
	}, volume.Baseline)
	c := audittest.Check(t, rep, "volume.baseline")
	maj := audittest.Metric(t, c, "majority").(map[string]any)
	// Always "billing": F1(billing) = 2·2/(2·2 + 4 + 0) = 0.5; refund and login 0.
	if maj["class"] != "billing" || maj["accuracy"] != 2.0/6 || maj["macro_f1"] != 0.5/3 {
		t.Errorf("majority = %v, want billing at 2/6, macro-F1 0.5/3", maj)
	}
	col := audittest.Metric(t, c, "best_column").(map[string]any)
	if col["column"] != "channel" || col["accuracy"] != 0.5 {
		t.Errorf("best column = %v, want channel at 0.5", col)
	}
	kw := audittest.Metric(t, c, "keywords").(map[string]any)
	if kw["accuracy"] != 5.0/6 {
		t.Errorf("keyword accuracy = %v, want 5/6", kw["accuracy"])
	}
	lists := kw["by_class"].(map[string]any)
	if got := lists["refund"]; !reflect.DeepEqual(got, []string{"back", "money", "please"}) {
		t.Errorf("refund keywords = %v", got)
	}
	if audittest.Metric(t, c, "eval_rows") != int64(6) || audittest.Metric(t, c, "eval_split") != "holdout" {
		t.Errorf("eval rows/split = %v/%v, want 6/holdout", audittest.Metric(t, c, "eval_rows"), audittest.Metric(t, c, "eval_split"))
	}
	if c.Status != audit.Pass || !strings.Contains(c.Summary, "0.83 accuracy") {
		t.Errorf("status %s, summary %q; want pass naming the keyword rule's 0.83", c.Status, c.Summary)
	}
}

// TestBaselineSameWhateverTheWorkers: the table, the token counts and the
// spilled rows merge to the same result with 1 or 4 workers and small
// batches, with a holdout and with the hash split.
func TestBaselineSameWhateverTheWorkers(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 2))
	words := []string{"refund", "invoice", "login", "password", "parcel", "late", "money", "card"}
	var b strings.Builder
	b.WriteString("text,label,split,channel,amount\n")
	for i := range 3000 {
		c := rng.IntN(4)
		fmt.Fprintf(&b, "%s %s %d,%s,%s,%s,%.1f\n", words[2*c+rng.IntN(2)], words[rng.IntN(len(words))], i,
			[]string{"a", "b", "c", "d"}[c], []string{"train", "train", "train", "test", "val", ""}[rng.IntN(6)],
			[]string{"email", "chat", "web"}[rng.IntN(3)], float64(c)*10+rng.Float64()*15)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "data.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, split := range []string{"split", ""} {
		var first []byte
		for _, workers := range []int{1, 4} {
			cfg := audit.DefaultConfig()
			cfg.Inputs, cfg.Label, cfg.Text, cfg.Split, cfg.Workers = []string{path}, "label", "text", split, workers
			if split == "" {
				cfg.Exclude = []string{"split"}
			}
			cfg.Checks = map[string]map[string]any{"volume.baseline": {"min_token_count": 2}}
			rep, err := audit.Run(t.Context(), cfg, audit.RunOptions{Specs: []audit.Spec{volume.Baseline}, BatchRows: 64, ChunkBytes: 4096})
			if err != nil {
				t.Fatal(err)
			}
			c := audittest.Check(t, rep, "volume.baseline")
			if c.Status != audit.Pass {
				t.Fatalf("split %q: status %s: %s", split, c.Status, c.Summary)
			}
			got, err := json.Marshal(c)
			if err != nil {
				t.Fatal(err)
			}
			if first == nil {
				first = got
			} else if !bytes.Equal(first, got) {
				t.Errorf("split %q: %d workers give another result than 1:\n%s\n%s", split, workers, first, got)
			}
		}
	}
}
