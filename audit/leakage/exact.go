package leakage

import (
	"fmt"

	"dataready/audit"
	"dataready/audit/keymap"
	"dataready/audit/norm"
)

// ExactOverlap is the spec of leakage.exact_overlap.
var ExactOverlap = audit.Spec{
	ID:     "leakage.exact_overlap",
	Family: family,
	Title:  "Holdout rows repeated in train",
	Explain: "A holdout row whose row key (its normalized text, or its tuple of feature values) also occurs in train " +
		"measures memory, not generalization: the model has seen the answer, so the holdout score comes out higher " +
		"than on new traffic. A twin with another label is worse still: the same input carries two answers, one " +
		"of them is wrong, and the holdout punishes the model for learning the train label. Exact twins usually " +
		"come from splitting after de-duplication was skipped, from re-exported or re-submitted rows, or from " +
		"templates. Fix: de-duplicate before splitting (or split by row key), drop the listed holdout rows, and " +
		"resolve the labels of twins that disagree; findings.csv lists every such holdout row with its train twin.",
	Metrics: []audit.MetricDoc{
		{Name: "holdout_rows_in_train", Doc: "holdout rows whose row key occurs among train rows (labeled or not)"},
		{Name: "rate", Doc: "holdout_rows_in_train / holdout rows"},
		{Name: "same_label", Doc: "of those, labeled rows whose class is the class of every labeled train twin"},
		{Name: "different_label", Doc: "of those, labeled rows whose class differs from a labeled train twin's (a train key with several classes always counts here)"},
		{Name: "by_split", Doc: "per holdout split: rows, holdout_rows_in_train, rate, same_label, different_label"},
	},
	Params: []audit.Param{
		{Name: "warn", Default: 0, Doc: "warn when rate is above this"},
		{Name: "fail", Default: 0.01, Doc: "fail when rate is at least this"},
	},
	New: newExact,
}

// trainClass is what Revisit learns of the classes of a key's labeled
// train rows, for keys whose labeled rows conflict (audit.KeyStats.Conflict).
type trainClass struct {
	class   uint64 // 0: no labeled train row
	several bool
}

func (a trainClass) join(class uint64) trainClass {
	switch {
	case a.class == 0 && !a.several:
		a.class = class
	case a.class != class:
		a.class, a.several = 0, true
	}
	return a
}

// Label relations of a holdout row to its train twins.
const (
	relNone      = iota // holdout row or every train twin unlabeled
	relSame             // the holdout class is the twins' one class
	relDifferent        // another class, or twins with several classes
)

// overlapCounts are one holdout split's numbers.
type overlapCounts struct{ inTrain, same, different int64 }

// leak is an example candidate: a holdout row and its train twin.
type leak struct {
	ref   audit.RowRef
	key   norm.Key
	first uint64 // packed position of the first train row of the key
	class uint64 // the holdout row's class hash, 0 when missing
}

// pending is a labeled holdout row whose key carries conflicting labels:
// its relation to train is known once Revisit has seen every train row.
type pending struct {
	key   norm.Key
	class uint64
	split uint8
}

type exact struct {
	env   *audit.Env
	roles roleCache
	// train maps every distinct train row key to the packed position of its
	// first train row (labeled or not), in a keymap.Map: 24 bytes per key
	// plus its table (BenchmarkMemory). The labels come from the shared key
	// table, and for its conflicting keys from Revisit.
	train   keymap.Map[uint64]
	classes classNames

	// Filled by Revisit, resolved by Result.
	trainMask    uint64
	trainClasses map[norm.Key]trainClass
	pending      []pending
	counts       [audit.MaxSplits]overlapCounts
	sample       *audit.FirstRows[leak]
}

func newExact(env *audit.Env) audit.Accumulator {
	return &exact{env: env, classes: classNames{},
		trainClasses: map[norm.Key]trainClass{}, sample: audit.NewFirstRows[leak](env.Examples)}
}

func (e *exact) Add(b *audit.Batch) {
	for i := 0; i < b.Rows; i++ {
		if b.Missing[i] < 0 {
			e.classes.add(b, i)
		}
		if e.roles.of(b.Splits, b.Split[i]) != roleTrain {
			continue
		}
		p := pack(b.Pos(i))
		if cur, ok := e.train.Upsert(b.Key[i]); !ok || p < *cur {
			*cur = p
		}
	}
}

func (e *exact) Merge(other audit.Accumulator) {
	o := other.(*exact)
	if o.train.Len() > e.train.Len() {
		e.train, o.train = o.train, e.train
	}
	for k, p := range o.train.Drain() {
		if cur, ok := e.train.Upsert(k); !ok || p < *cur {
			*cur = p
		}
	}
	e.classes.merge(o.classes)
}

// CutKeys moves the train keys into n accumulators by row key (the class
// names go to the first), leaving e empty: see audit.KeySharded. Only
// state of the stream is cut: call it before Revisit.
func (e *exact) CutKeys(n int) []audit.Accumulator {
	out := make([]audit.Accumulator, n)
	for i, m := range keymap.Cut(&e.train, n) {
		shard := newExact(e.env).(*exact)
		shard.train = m
		out[i] = shard
	}
	out[0].(*exact).classes, e.classes = e.classes, classNames{}
	return out
}

// relation tells how a labeled holdout row's class relates to its train
// twins' classes. Without a conflict in the key table, every labeled row
// of the key carries one class, so a labeled train twin has the holdout
// row's class; with one, the train classes Revisit collected decide.
func (e *exact) relation(s *audit.Summary, key norm.Key, class uint64) int {
	if class == 0 {
		return relNone
	}
	ks, ok := s.Keys.Get(key)
	if !ok || ks.Splits&e.trainMask == 0 {
		return relNone
	}
	if !ks.Conflict {
		return relSame
	}
	tc := e.trainClasses[key]
	switch {
	case tc.several:
		return relDifferent
	case tc.class == class:
		return relSame
	}
	return relDifferent
}

// Revisit resolves every holdout row against the train keys, collects the
// train classes of conflicting keys, and keeps the first leaked rows (by
// position) as examples.
func (e *exact) Revisit(s *audit.Summary) func(*audit.RowRecord) {
	train, _, why := needHoldout(s)
	if why != "" {
		return func(*audit.RowRecord) {}
	}
	e.trainMask = s.SplitMask(train)
	roles := splitRoles(s.Splits)
	return func(r *audit.RowRecord) {
		switch roles[r.Split] {
		case roleTrain:
			if r.Missing < 0 {
				if ks, _ := s.Keys.Get(r.Key); ks.Conflict {
					e.trainClasses[r.Key] = e.trainClasses[r.Key].join(r.ClassHash)
				}
			}
			return
		case roleHoldout:
		default:
			return
		}
		first, ok := e.train.Get(r.Key)
		if !ok {
			return
		}
		e.counts[r.Split].inTrain++
		class := r.ClassHash
		if r.Missing >= 0 {
			class = 0
		}
		if class != 0 {
			if ks, _ := s.Keys.Get(r.Key); ks.Conflict && ks.Splits&e.trainMask != 0 {
				e.pending = append(e.pending, pending{r.Key, class, r.Split})
			} else {
				e.count(r.Split, e.relation(s, r.Key, class))
			}
		}
		if !e.sample.Full(r.Pos) {
			e.sample.Offer(r.Pos, leak{ref: recordRef(s, r), key: r.Key, first: first, class: class})
		}
	}
}

func (e *exact) count(split uint8, rel int) {
	switch rel {
	case relSame:
		e.counts[split].same++
	case relDifferent:
		e.counts[split].different++
	}
}

func (e *exact) Result(s *audit.Summary) audit.CheckResult {
	train, holdouts, why := needHoldout(s)
	if why != "" {
		return skip(why)
	}
	for _, p := range e.pending {
		e.count(p.split, e.relation(s, p.key, p.class))
	}
	e.pending = nil
	trainIdx, _ := splitIndex(s.Splits, train)
	var total overlapCounts
	var holdoutRows int64
	bySplit := map[string]any{}
	for _, h := range holdouts {
		i, _ := splitIndex(s.Splits, h)
		c, n := e.counts[i], s.SplitRows[h]
		holdoutRows += n
		total.inTrain += c.inTrain
		total.same += c.same
		total.different += c.different
		bySplit[h] = map[string]any{
			"rows":                  n,
			"holdout_rows_in_train": c.inTrain,
			"rate":                  audit.Ratio(c.inTrain, n),
			"same_label":            c.same,
			"different_label":       c.different,
		}
	}
	rate := audit.Ratio(total.inTrain, holdoutRows)
	r := audit.CheckResult{
		Metrics: map[string]any{
			"holdout_rows_in_train": total.inTrain,
			"rate":                  rate,
			"same_label":            total.same,
			"different_label":       total.different,
			"by_split":              bySplit,
		},
		ExamplesTotal: total.inTrain,
	}
	warn, fail := e.env.Params["warn"], e.env.Params["fail"]
	switch {
	case holdoutRows > 0 && rate >= fail:
		r.Status = audit.Fail
	case rate > warn:
		r.Status = audit.Warn
	default:
		r.Status = audit.Pass
	}
	if total.inTrain == 0 {
		r.Summary = fmt.Sprintf("None of the %d holdout rows repeats a train row.", holdoutRows)
	} else {
		r.Summary = fmt.Sprintf("%d of %d holdout rows (%s) repeat a train row: %d with the same label, %d with another label.",
			total.inTrain, holdoutRows, percent(rate), total.same, total.different)
	}
	for _, it := range e.sample.Items() {
		l := it
		title := "holdout row repeats a train row"
		switch e.relation(s, l.key, l.class) {
		case relSame:
			title += " (same label)"
		case relDifferent:
			title += " (another label)"
		}
		r.Examples = append(r.Examples, audit.Example{
			Title:  title,
			Values: map[string]any{"holdout_class": e.classes.name(l.class), "train_class": e.trainClassName(s, l.key)},
			Rows:   []audit.RowRef{l.ref, s.RefAt(unpack(l.first), trainIdx)},
		})
	}
	return r
}

// trainClassName names the class of a key's labeled train rows: "" when
// none is labeled, "(several)" when they disagree.
func (e *exact) trainClassName(s *audit.Summary, key norm.Key) string {
	ks, ok := s.Keys.Get(key)
	switch {
	case !ok || ks.Splits&e.trainMask == 0:
		return ""
	case !ks.Conflict:
		return e.classes.name(ks.Class)
	case e.trainClasses[key].several:
		return "(several)"
	}
	return e.classes.name(e.trainClasses[key].class)
}

// Flag marks every holdout row whose row key occurs in train.
func (e *exact) Flag(s *audit.Summary) func(*audit.RowRecord) (string, bool) {
	if _, _, why := needHoldout(s); why != "" {
		return func(*audit.RowRecord) (string, bool) { return "", false }
	}
	roles := splitRoles(s.Splits)
	return func(r *audit.RowRecord) (string, bool) {
		if roles[r.Split] != roleHoldout {
			return "", false
		}
		first, ok := e.train.Get(r.Key)
		if !ok {
			return "", false
		}
		reason := "same row key as train row " + where(s, unpack(first))
		class := r.ClassHash
		if r.Missing >= 0 {
			class = 0
		}
		switch e.relation(s, r.Key, class) {
		case relSame:
			reason += " (same label)"
		case relDifferent:
			reason += " (another label)"
		}
		return reason, true
	}
}
