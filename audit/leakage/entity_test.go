package leakage_test

import (
	"fmt"
	"strings"
	"testing"

	"dataready/audit"
	"dataready/audit/audittest"
	"dataready/audit/leakage"
	"dataready/audit/norm"
	"dataready/audit/similar"
)

// entityCSV has two id columns, user and device. Lines: header 1, rows from 2.
const entityCSV = `text,label,split,user,device
t1,x,train,u1,d1
t2,x,train,u1,d2
t3,y,train,U2,NA
t4,y,train,NA,d3
t5,x,train,u3,
h1,x,test, U1 ,d9
h2,y,test,u1,d1
h3,x,test,NA,d3
h4,y,test,u9,NA
h5,x,test,,d8
v1,x,val,u2,d2
v2,y,val,u7,d7
`

// TestEntityOverlapByHand, counted by hand (values compared after norm;
// NA and empty never match, although train has them too):
//   - user: u1 is shared with test (lines 7 " U1 " and 8), u2 (train "U2")
//     with val (line 12): 2 entities, 3 holdout rows.
//   - device: d1 (line 8) and d3 (line 9) with test, d2 (line 12) with
//     val: 3 entities, 3 holdout rows.
//   - any column: test lines 7, 8, 9 and val line 12: 4 of 7 holdout rows.
func TestEntityOverlapByHand(t *testing.T) {
	c, rep := run(t, leakage.EntityOverlap, entityCSV, func(c *audit.Config) {
		c.Text, c.IDs = "text", []string{"user", "device"}
	})
	wantStatus(t, c, audit.Fail)
	wantInts(t, c, map[string]int64{
		"shared_entities":                              5,
		"holdout_rows":                                 4,
		"columns/user/shared_entities":                 2,
		"columns/user/holdout_rows":                    3,
		"columns/user/by_split/test/shared_entities":   1,
		"columns/user/by_split/test/holdout_rows":      2,
		"columns/user/by_split/val/shared_entities":    1,
		"columns/user/by_split/val/holdout_rows":       1,
		"columns/device/shared_entities":               3,
		"columns/device/holdout_rows":                  3,
		"columns/device/by_split/test/shared_entities": 2,
		"columns/device/by_split/test/holdout_rows":    2,
		"columns/device/by_split/val/shared_entities":  1,
		"columns/device/by_split/val/holdout_rows":     1,
		"by_split/test/rows":                           5,
		"by_split/test/shared_entities":                3,
		"by_split/test/holdout_rows":                   3,
		"by_split/val/rows":                            2,
		"by_split/val/shared_entities":                 2,
		"by_split/val/holdout_rows":                    1,
		"by_split/test/entity_only_rows":               3,
		"by_split/val/entity_only_rows":                1,
	})
	wantRates(t, c, map[string]float64{
		"rate":                              4.0 / 7,
		"columns/user/rate":                 3.0 / 7,
		"columns/device/by_split/test/rate": 2.0 / 5,
		"by_split/val/rate":                 1.0 / 2,
	})

	wantLines(t, rep, leakage.EntityOverlap.ID, []int64{7, 8, 9, 12})
	want := []string{
		`test:7 user " U1 " also has 2 train row(s)`,
		`test:8 user "u1" also has 2 train row(s)`,
		`test:9 device "d3" also has 1 train row(s)`,
		`val:12 user "u2" also has 1 train row(s)`,
	}
	if got := flagged(rep, leakage.EntityOverlap.ID); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// Examples: u1 has the most rows (2 train + 2 holdout); the others have
	// 1 + 1 and come by their first holdout row: d1 (line 8), d3 (line 9),
	// then u2 and d2 (both line 12: user is the first id column).
	var order []string
	for _, ex := range c.Examples {
		order = append(order, fmt.Sprintf("%s=%s %d/%d", ex.Values["column"], ex.Values["value"], ex.Values["train_rows"], ex.Values["holdout_rows"]))
	}
	wantOrder := "user= U1  2/2, device=d1 1/1, device=d3 1/1, user=u2 1/1, device=d2 1/1"
	if got := strings.Join(order, ", "); got != wantOrder {
		t.Errorf("examples = %s, want %s", got, wantOrder)
	}
	if rows := c.Examples[0].Rows; len(rows) != 2 || rows[0].Line != 2 || rows[0].Split != "train" || rows[1].Line != 7 || rows[1].ID != " U1 " {
		t.Errorf("first example rows = %+v, want train line 2 and holdout line 7", rows)
	}
}

// entityRows builds 20 train rows of users u0..u19 and holdout rows of
// which the first shared reuse train users.
func entityRows(holdout, shared int) string {
	var b strings.Builder
	b.WriteString("text,label,split,user\n")
	for i := range 20 {
		fmt.Fprintf(&b, "t%d,x,train,u%d\n", i, i)
	}
	for i := range holdout {
		user := fmt.Sprintf("new%d", i)
		if i < shared {
			user = fmt.Sprintf("u%d", i)
		}
		fmt.Fprintf(&b, "h%d,x,test,%s\n", i, user)
	}
	return b.String()
}

func TestEntityOverlapThresholds(t *testing.T) {
	tests := []struct {
		name           string
		holdout, share int
		fail           any
		want           audit.Status
	}{
		{"nothing shared passes", 4, 0, nil, audit.Pass},
		{"one shared row fails by default", 4, 1, nil, audit.Fail},
		{"rate 0.25 at fail 0.25 passes", 4, 1, 0.25, audit.Pass},
		{"rate 0.25 above fail 0.24 fails", 4, 1, 0.24, audit.Fail},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, rep := run(t, leakage.EntityOverlap, entityRows(tc.holdout, tc.share), func(c *audit.Config) {
				c.Text, c.IDs = "text", []string{"user"}
				if tc.fail != nil {
					c.Checks = map[string]map[string]any{leakage.EntityOverlap.ID: {"fail": tc.fail}}
				}
			})
			wantStatus(t, c, tc.want)
			wantInts(t, c, map[string]int64{"holdout_rows": int64(tc.share), "shared_entities": int64(tc.share)})
			// Findings list every shared row, whatever the status.
			if n := len(flagged(rep, leakage.EntityOverlap.ID)); n != tc.share {
				t.Errorf("%d findings, want %d", n, tc.share)
			}
		})
	}
}

func TestEntityOverlapSkips(t *testing.T) {
	tests := []struct {
		name string
		csv  string
		ids  []string
		why  string
	}{
		{"no id columns", entityCSV, nil, "no id columns"},
		{"no holdout", "text,label,split,user\na,x,train,u1\nb,x,train,u1\n", []string{"user"}, "no holdout split"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := run(t, leakage.EntityOverlap, tc.csv, func(c *audit.Config) { c.Text, c.IDs = "text", tc.ids })
			wantStatus(t, c, audit.Skip)
			if !strings.Contains(c.Summary, tc.why) {
				t.Errorf("summary = %q, want it to say %q", c.Summary, tc.why)
			}
		})
	}
}

func TestEntityOverlapSameWhateverTheWorkers(t *testing.T) {
	var b strings.Builder
	b.WriteString("text,label,split,user,device\n")
	for i := range 700 {
		split := []string{"train", "train", "test", "train", "val"}[i%5]
		fmt.Fprintf(&b, "text %d,x,%s,u%d,d%d\n", i, split, (i*13)%97, (i*5)%61)
	}
	c := sameWhateverTheWorkers(t, leakage.EntityOverlap, b.String(), func(c *audit.Config) {
		c.Text, c.IDs = "text", []string{"user", "device"}
	})
	if num(t, c, "holdout_rows") == 0 {
		t.Errorf("the data should share entities: %v", c.Metrics)
	}
}

// leakKindsCSV has holdout rows of every kind of leak; the user column is
// the entity. Lines: header 1, rows from 2.
const leakKindsCSV = `text,label,split,user
the parcel never arrived and nobody answers my emails about it,x,train,u1
please reset my password because the link in the email expired,y,train,u2
how do i change the delivery address on an order already placed,x,train,u3
the parcel never arrived and nobody answers my emails about it,x,test,u1
the parcel never arrived and nobody answers my emails about that,y,test,u2
my card was charged twice for the same subscription this month,x,test,u3
can i get an invoice with my company name and tax number on it,y,test,u9
please reset my password because the link in the email expired,y,test,u8
`

// TestEntityOnlyRows counts, by hand, the holdout rows that only their
// entity leaks: line 6 (exact twin of line 2) and line 7 (a near duplicate
// of line 2) share users with train but leak by content already; line 8
// shares u3 with a text of its own: 1 row. Without the near-duplicate
// check, line 7 counts too: 2 rows.
func TestEntityOnlyRows(t *testing.T) {
	if sim := similar.Similarity(norm.String("the parcel never arrived and nobody answers my emails about it"),
		norm.String("the parcel never arrived and nobody answers my emails about that"), similar.DefaultMaxRunes); sim < similar.DefaultThreshold {
		t.Fatalf("the planted near duplicate has similarity %.3f, below %v", sim, similar.DefaultThreshold)
	}
	configure := func(c *audit.Config) {
		c.Split, c.Text, c.IDs = "split", "text", []string{"user"}
	}
	for _, tt := range []struct {
		name       string
		specs      []audit.Spec
		entityOnly int64
	}{
		{"with near duplicates", []audit.Spec{leakage.ExactOverlap, leakage.NearDuplicates, leakage.EntityOverlap}, 1},
		{"without near duplicates", []audit.Spec{leakage.ExactOverlap, leakage.EntityOverlap}, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rep := audittest.RunSpecs(t, leakKindsCSV, configure, tt.specs...)
			wantInts(t, audittest.Check(t, rep, leakage.ExactOverlap.ID), map[string]int64{"holdout_rows_in_train": 2})
			if len(tt.specs) == 3 {
				wantInts(t, audittest.Check(t, rep, leakage.NearDuplicates.ID), map[string]int64{"holdout_rows_near_train": 1})
			}
			wantInts(t, audittest.Check(t, rep, leakage.EntityOverlap.ID), map[string]int64{
				"holdout_rows":                   3,
				"by_split/test/entity_only_rows": tt.entityOnly,
			})
		})
	}
}
