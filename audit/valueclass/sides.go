package valueclass

import (
	"dataready/audit"
	"dataready/audit/norm"
)

// Cell says where a labeled row falls: its class, its split, and its half
// of the deterministic 80/20 split by row key (EvalHalf).
type Cell struct {
	Class uint64 // audit.Batch.ClassHash
	Split uint8
	// Eval is set for the 20% half (EvalHalf of the row key).
	Eval bool
}

// EvalHalf reports whether a row key falls in the 20% half of the
// deterministic 80/20 split: its low 64 bits modulo 10 are 8 or 9. Rows of
// one key always fall on the same side, whatever their split.
func EvalHalf(k norm.Key) bool { return k.Lo%10 >= 8 }

// Measured-on names for reports.
const (
	OnHoldout  = "holdout"
	OnHashHalf = "hash_split"
)

// Sides says which labeled rows a no-ML rule is fitted on and which it is
// scored on. It is the one definition shared by leakage.target and
// volume.baseline:
//
//   - when the run has a train split and at least one holdout split, the
//     rules are fitted on the rows of the train split(s) and scored on the
//     rows of every holdout split; rows of other splits ("all",
//     "(missing)") are on neither side;
//   - otherwise every labeled row counts, whatever its split: fitted on the
//     80% half of the hash split by row key, scored on the 20% half
//     (EvalHalf).
//
// The choice is made once per run from its splits (audit.Summary), never
// per row, so every row of a run follows the same rule.
type Sides struct {
	// Holdout is set when rules are fitted on train and scored on the
	// holdout splits; otherwise the hash split applies.
	Holdout bool
	// Holdouts names the holdout splits in report order (nil with the
	// hash split).
	Holdouts []string
	// roles is the role of every split index of the run.
	roles []uint8
	index map[string]uint8
}

const (
	roleOther uint8 = iota
	roleTrain
	roleHoldout
)

// SidesOf decides the sides of a run.
func SidesOf(s *audit.Summary) Sides {
	sd := Sides{roles: make([]uint8, s.Splits.Len()), index: map[string]uint8{}}
	hasTrain := false
	for i := range sd.roles {
		name := s.Splits.Name(uint8(i))
		sd.index[name] = uint8(i)
		switch s.Splits.Role(name) {
		case audit.RoleTrain:
			sd.roles[i], hasTrain = roleTrain, true
		case audit.RoleHoldout:
			sd.roles[i] = roleHoldout
		}
	}
	if holdouts := s.Holdouts(); hasTrain && len(holdouts) > 0 {
		sd.Holdout, sd.Holdouts = true, holdouts
	}
	return sd
}

// MeasuredOn names the sides: OnHoldout or OnHashHalf.
func (sd Sides) MeasuredOn() string {
	if sd.Holdout {
		return OnHoldout
	}
	return OnHashHalf
}

// Fit reports whether rows of a cell are on the fitting side.
func (sd Sides) Fit(c Cell) bool {
	if sd.Holdout {
		return sd.roles[c.Split] == roleTrain
	}
	return !c.Eval
}

// Eval reports whether rows of a cell are on the scoring side.
func (sd Sides) Eval(c Cell) bool {
	if sd.Holdout {
		return sd.roles[c.Split] == roleHoldout
	}
	return c.Eval
}

// EvalSplit returns the scoring side restricted to one holdout split (by
// name); it is empty for a name the run does not have.
func (sd Sides) EvalSplit(name string) func(Cell) bool {
	i, ok := sd.index[name]
	return func(c Cell) bool { return ok && sd.Eval(c) && c.Split == i }
}

// MayFit and MayEval tell, while counting (before the run's sides are
// known), whether a row could end up on the fitting or the scoring side:
// train rows and rows of the 80% half may be fitted on, holdout rows and
// rows of the 20% half may be scored on. role is the row's split role
// (audit.SplitTable.Role).
func MayFit(role string, eval bool) bool { return role == audit.RoleTrain || !eval }

// MayEval: see MayFit.
func MayEval(role string, eval bool) bool { return role == audit.RoleHoldout || eval }
