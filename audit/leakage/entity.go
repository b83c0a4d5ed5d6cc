package leakage

import (
	"fmt"
	"sort"
	"strings"

	"dataready/audit"
	"dataready/audit/norm"
)

// EntityOverlap is the spec of leakage.entity_overlap.
var EntityOverlap = audit.Spec{
	ID:     "leakage.entity_overlap",
	Family: family,
	Title:  "Entities in train and holdout",
	Explain: "Declaring a column under ids (a user, customer, device, patient) says its rows belong together and " +
		"must not cross the split: a model that has seen a user's other rows in train recognises the user's " +
		"habits, wording or history instead of solving the task, so its holdout score does not carry over to " +
		"new users. Values are compared after norm; null values and null tokens never match. Fix: split by " +
		"entity (group split: every row of a user on one side), or drop the holdout rows of the listed " +
		"entities; findings.csv lists every holdout row whose entity is also in train.",
	Metrics: []audit.MetricDoc{
		{Name: "shared_entities", Doc: "distinct values present in train and in a holdout split, summed over the id columns"},
		{Name: "holdout_rows", Doc: "holdout rows whose value in at least one id column is shared"},
		{Name: "rate", Doc: "holdout_rows / holdout rows"},
		{Name: "columns", Doc: "per id column: shared_entities, holdout_rows, rate, by_split"},
		{Name: "by_split", Doc: "per holdout split: rows, shared_entities, holdout_rows, rate"},
	},
	Params: []audit.Param{
		{Name: "fail", Default: 0, Doc: "fail when an id column's rate (its holdout_rows / holdout rows) is above this"},
	},
	New: newEntity,
}

// splitEntity is an entity value hash in one holdout split.
type splitEntity struct {
	h     uint64
	split uint8
}

// holdEntity is what entity keeps per (holdout split, value).
type holdEntity struct {
	rows  int64
	first uint64 // packed position of the first row
}

// entityCol is the state of one id column.
type entityCol struct {
	name string
	idx  int // canonical column index
	// train counts train rows per value hash (norm, then 64-bit xxh3: with
	// n distinct values the chance of any collision is below n²/2⁶⁵).
	train map[uint64]int64
	hold  map[splitEntity]holdEntity
}

// wantedEntity collects the rows of an example entity during Revisit.
type wantedEntity struct {
	col                   int
	h                     uint64
	trainRows, holdRows   int64
	value                 string
	trainFirst, holdFirst *audit.FirstRows[audit.RowRef]
}

type entity struct {
	env   *audit.Env
	nulls nullTokens
	roles roleCache
	cols  []*entityCol
	buf   []byte

	// Filled by Revisit.
	rowsAny [audit.MaxSplits]int64 // holdout rows with a shared value in any id column
	// entityOnly counts the rowsAny rows with no exact twin in train and
	// no near duplicate (Summary.NearTrain): what only the entity leaks.
	entityOnly [audit.MaxSplits]int64
	wanted     []*wantedEntity
}

func newEntity(env *audit.Env) audit.Accumulator {
	e := &entity{env: env, nulls: newNullTokens(env.Config)}
	for _, name := range env.Roles.IDs {
		e.cols = append(e.cols, &entityCol{name: name, idx: env.Column(name), train: map[uint64]int64{}, hold: map[splitEntity]holdEntity{}})
	}
	return e
}

func (e *entity) Add(b *audit.Batch) {
	for _, c := range e.cols {
		vals := audit.ValuesOf(b.Columns[c.idx])
		for i := 0; i < b.Rows; i++ {
			role := e.roles.of(b.Splits, b.Split[i])
			if role != roleTrain && role != roleHoldout {
				continue
			}
			v, ok := vals.Get(i)
			if !ok || e.nulls.isNull(v) {
				continue
			}
			var h uint64
			h, e.buf = valueHash(e.buf, v)
			if role == roleTrain {
				c.train[h]++
				continue
			}
			k := splitEntity{h, b.Split[i]}
			cur, p := c.hold[k], pack(b.Pos(i))
			if cur.rows == 0 || p < cur.first {
				cur.first = p
			}
			cur.rows++
			c.hold[k] = cur
		}
	}
}

func (e *entity) Merge(other audit.Accumulator) {
	o := other.(*entity)
	for j, c := range e.cols {
		oc := o.cols[j]
		for h, n := range oc.train {
			c.train[h] += n
		}
		for k, x := range oc.hold {
			cur, ok := c.hold[k]
			if ok {
				x.rows += cur.rows
				x.first = min(x.first, cur.first)
			}
			c.hold[k] = x
		}
		oc.train, oc.hold = nil, nil
	}
}

// CutKeys moves the per-value counts of every id column into n
// accumulators by value hash (h % n), leaving e empty: see
// audit.KeySharded. Only state of the stream is cut: call it before
// Revisit.
func (e *entity) CutKeys(n int) []audit.Accumulator {
	out := make([]audit.Accumulator, n)
	shards := make([]*entity, n)
	for i := range out {
		shards[i] = newEntity(e.env).(*entity)
		out[i] = shards[i]
	}
	for j, c := range e.cols {
		for h, x := range c.train {
			shards[h%uint64(n)].cols[j].train[h] = x
		}
		for k, x := range c.hold {
			shards[k.h%uint64(n)].cols[j].hold[k] = x
		}
		c.train, c.hold = map[uint64]int64{}, map[splitEntity]holdEntity{}
	}
	return out
}

// skipReason says why the check does not apply, "" when it does.
func (e *entity) skipReason(s *audit.Summary) string {
	if len(e.cols) == 0 {
		return "Skipped: no id columns are configured (ids: names entity columns such as user_id)."
	}
	_, _, why := needHoldout(s)
	return why
}

// Revisit picks the example entities (most rows on both sides together,
// then the earliest first holdout row), collects their first rows, and
// counts the holdout rows sharing a value in any id column.
func (e *entity) Revisit(s *audit.Summary) func(*audit.RowRecord) {
	if e.skipReason(s) != "" {
		return func(*audit.RowRecord) {}
	}
	type cand struct {
		col       int
		h         uint64
		train     int64
		hold      int64
		firstHold uint64
	}
	byKey := map[[2]uint64]*cand{}
	for j, c := range e.cols {
		for k, x := range c.hold {
			n := c.train[k.h]
			if n == 0 {
				continue
			}
			key := [2]uint64{uint64(j), k.h}
			cd, ok := byKey[key]
			if !ok {
				cd = &cand{col: j, h: k.h, train: n, firstHold: x.first}
				byKey[key] = cd
			}
			cd.hold += x.rows
			cd.firstHold = min(cd.firstHold, x.first)
		}
	}
	cands := make([]*cand, 0, len(byKey))
	for _, cd := range byKey {
		cands = append(cands, cd)
	}
	sort.Slice(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if a.train+a.hold != b.train+b.hold {
			return a.train+a.hold > b.train+b.hold
		}
		if a.firstHold != b.firstHold {
			return a.firstHold < b.firstHold
		}
		return a.col < b.col
	})
	wanted := map[[2]uint64]*wantedEntity{}
	for i, cd := range cands {
		if i == e.env.Examples {
			break
		}
		w := &wantedEntity{col: cd.col, h: cd.h, trainRows: cd.train, holdRows: cd.hold,
			trainFirst: audit.NewFirstRows[audit.RowRef](1), holdFirst: audit.NewFirstRows[audit.RowRef](1)}
		e.wanted = append(e.wanted, w)
		wanted[[2]uint64{uint64(cd.col), cd.h}] = w
	}

	roles := splitRoles(s.Splits)
	trainMask := s.SplitMask(mustTrain(s))
	var buf []byte
	return func(r *audit.RowRecord) {
		role := roles[r.Split]
		if role != roleTrain && role != roleHoldout {
			return
		}
		shared := false
		for j, c := range e.cols {
			v := r.IDs[j]
			if e.nulls.isNull(string(v)) {
				continue
			}
			var h uint64
			h, buf = valueHash(buf, string(v))
			if role == roleHoldout && c.train[h] > 0 {
				shared = true
			}
			w := wanted[[2]uint64{uint64(j), h}]
			if w == nil {
				continue
			}
			side := w.trainFirst
			if role == roleHoldout {
				side = w.holdFirst
			}
			if !side.Full(r.Pos) {
				side.Offer(r.Pos, recordRef(s, r))
				if role == roleHoldout {
					w.value = string(v)
				}
			}
		}
		if shared {
			e.rowsAny[r.Split]++
			_, near := s.NearTrain[r.Key]
			if ks, _ := s.Keys.Get(r.Key); ks.Splits&trainMask == 0 && !near {
				e.entityOnly[r.Split]++
			}
		}
	}
}

func (e *entity) Result(s *audit.Summary) audit.CheckResult {
	if why := e.skipReason(s); why != "" {
		return skip(why)
	}
	holdouts := s.Holdouts()
	var holdoutRows, rowsAny, sharedTotal int64
	idx := map[string]uint8{}
	for _, h := range holdouts {
		i, _ := splitIndex(s.Splits, h)
		idx[h] = i
		holdoutRows += s.SplitRows[h]
		rowsAny += e.rowsAny[i]
	}
	columns := map[string]any{}
	sharedPerSplit := map[string]int64{}
	var failing []string
	for _, c := range e.cols {
		shared := map[uint64]bool{}
		perSplit := map[uint8]*[2]int64{} // split → {shared entities, holdout rows}
		for k, x := range c.hold {
			if c.train[k.h] == 0 {
				continue
			}
			shared[k.h] = true
			ps := perSplit[k.split]
			if ps == nil {
				ps = &[2]int64{}
				perSplit[k.split] = ps
			}
			ps[0]++
			ps[1] += x.rows
		}
		var rows int64
		bySplit := map[string]any{}
		for _, h := range holdouts {
			ps := perSplit[idx[h]]
			if ps == nil {
				ps = &[2]int64{}
			}
			rows += ps[1]
			sharedPerSplit[h] += ps[0]
			bySplit[h] = map[string]any{
				"shared_entities": ps[0],
				"holdout_rows":    ps[1],
				"rate":            audit.Ratio(ps[1], s.SplitRows[h]),
			}
		}
		rate := audit.Ratio(rows, holdoutRows)
		if rate > e.env.Params["fail"] {
			failing = append(failing, c.name)
		}
		sharedTotal += int64(len(shared))
		columns[c.name] = map[string]any{
			"shared_entities": int64(len(shared)),
			"holdout_rows":    rows,
			"rate":            rate,
			"by_split":        bySplit,
		}
	}
	bySplit := map[string]any{}
	for _, h := range holdouts {
		bySplit[h] = map[string]any{
			"rows":             s.SplitRows[h],
			"shared_entities":  sharedPerSplit[h],
			"holdout_rows":     e.rowsAny[idx[h]],
			"rate":             audit.Ratio(e.rowsAny[idx[h]], s.SplitRows[h]),
			"entity_only_rows": e.entityOnly[idx[h]],
		}
	}
	rate := audit.Ratio(rowsAny, holdoutRows)
	r := audit.CheckResult{
		Metrics: map[string]any{
			"shared_entities": sharedTotal,
			"holdout_rows":    rowsAny,
			"rate":            rate,
			"columns":         columns,
			"by_split":        bySplit,
		},
		ExamplesTotal: sharedTotal,
	}
	names := strings.Join(e.env.Roles.IDs, ", ")
	if len(failing) > 0 {
		r.Status = audit.Fail
		r.Summary = fmt.Sprintf("%d entities (%s) appear in train and in the holdout; %d of %d holdout rows (%s) belong to them.",
			sharedTotal, strings.Join(failing, ", "), rowsAny, holdoutRows, percent(rate))
	} else {
		r.Status = audit.Pass
		r.Summary = fmt.Sprintf("%d of %d holdout rows (%s) share a %s value with train (%d entities), within the allowed rate.",
			rowsAny, holdoutRows, percent(rate), names, sharedTotal)
		if sharedTotal == 0 {
			r.Summary = fmt.Sprintf("No %s value of the %d holdout rows appears in train.", names, holdoutRows)
		}
	}
	for _, w := range e.wanted {
		ex := audit.Example{
			Title: "entity in train and holdout",
			Values: map[string]any{
				"column":       e.cols[w.col].name,
				"value":        w.value,
				"train_rows":   w.trainRows,
				"holdout_rows": w.holdRows,
			},
		}
		for _, side := range []*audit.FirstRows[audit.RowRef]{w.trainFirst, w.holdFirst} {
			ex.Rows = append(ex.Rows, side.Items()...)
		}
		r.Examples = append(r.Examples, ex)
	}
	return r
}

// Flag marks every holdout row whose value in an id column is also in train.
func (e *entity) Flag(s *audit.Summary) func(*audit.RowRecord) (string, bool) {
	if e.skipReason(s) != "" {
		return func(*audit.RowRecord) (string, bool) { return "", false }
	}
	roles := splitRoles(s.Splits)
	return func(r *audit.RowRecord) (string, bool) {
		if roles[r.Split] != roleHoldout {
			return "", false
		}
		for j, c := range e.cols {
			v := string(r.IDs[j])
			if e.nulls.isNull(v) {
				continue
			}
			if n := c.train[norm.Hash64(norm.String(v))]; n > 0 {
				return fmt.Sprintf("%s %q also has %d train row(s)", c.name, v, n), true
			}
		}
		return "", false
	}
}
