package volume

import (
	"fmt"

	"dataready/audit"
)

// HoldoutPower is the spec of volume.holdout_power.
var HoldoutPower = audit.Spec{
	ID:     "volume.holdout_power",
	Family: "volume",
	Title:  "Holdout size for the promised lift",
	Explain: "A pilot promises an improvement (\"+3 points of accuracy\"); the holdout must be big enough to tell that " +
		"improvement from noise, or the pilot's verdict is a coin toss. The required size is the normal-approximation " +
		"sample size for one proportion: n = ⌈((z₁₋α/₂·√(p₀(1−p₀)) + z₁₋β·√(p₁(1−p₁))) / Δ)²⌉, with p₀ the accuracy " +
		"of predicting the majority train class on the holdout, p₁ = p₀ + Δ and Δ the target lift. It assumes " +
		"independent examples and accuracy as the metric; duplicated or correlated rows (the same user many times) " +
		"make the real requirement larger. Fix: grow the holdout to required_holdout usable examples, or promise " +
		"a lift at least min_detectable_lift.",
	Metrics: []audit.MetricDoc{
		{Name: "holdout_usable", Doc: "usable examples with a labeled row in a holdout split"},
		{Name: "baseline_accuracy", Doc: "share of those whose class is the majority usable train class"},
		{Name: "margin_of_error", Doc: "95% Wilson half-width at baseline_accuracy and holdout_usable"},
		{Name: "target_lift", Doc: "the lift the pilot promises (Δ)"},
		{Name: "required_holdout", Doc: "usable holdout examples needed to detect target_lift (0 when p₀ + Δ > 1)"},
		{Name: "min_detectable_lift", Doc: "the smallest lift the current holdout can detect under the same test"},
		{Name: "majority_class", Doc: "the majority usable train class"},
	},
	Params: []audit.Param{
		{Name: "target_lift", Default: 0.03, Doc: "the accuracy lift the pilot promises"},
		{Name: "alpha", Default: 0.05, Doc: "two-sided significance level"},
		{Name: "power", Default: 0.8, Doc: "power of the test"},
		{Name: "fail", Default: 100, Doc: "fail when holdout_usable is below this"},
	},
	New: func(env *audit.Env) audit.Accumulator { return &holdoutPower{env: env, names: classNames{}} },
}

type holdoutPower struct {
	env   *audit.Env
	names classNames
}

func (h *holdoutPower) Add(b *audit.Batch)            { h.names.add(b) }
func (h *holdoutPower) Merge(other audit.Accumulator) { h.names.merge(other.(*holdoutPower).names) }

func (h *holdoutPower) Result(s *audit.Summary) audit.CheckResult {
	u := countUsable(s, h.names)
	if !u.hasHoldout {
		return audit.CheckResult{Status: audit.Skip, Summary: "There is no holdout split (and a train split) to size."}
	}
	majority := ""
	for class, n := range u.train {
		if majority == "" || n > u.train[majority] || n == u.train[majority] && class < majority {
			majority = class
		}
	}
	p := h.env.Params
	n := u.holdoutTotal
	p0 := audit.Ratio(u.holdout[majority], n)
	required := requiredHoldout(p0, p["target_lift"], p["alpha"], p["power"])
	mdl := minDetectableLift(p0, n, p["alpha"], p["power"])
	r := audit.CheckResult{Metrics: map[string]any{
		"holdout_usable":      n,
		"baseline_accuracy":   p0,
		"margin_of_error":     wilsonHalfWidth(p0, n, p["alpha"]),
		"target_lift":         p["target_lift"],
		"required_holdout":    required,
		"min_detectable_lift": mdl,
		"majority_class":      majority,
	}}
	switch {
	case float64(n) < p["fail"]:
		r.Status = audit.Fail
		r.Summary = fmt.Sprintf("Only %d usable holdout examples: below %g, no lift can be measured reliably.", n, p["fail"])
	case required == 0:
		r.Status = audit.Warn
		r.Summary = fmt.Sprintf("The majority class already scores %.3f on the holdout: a lift of %g is impossible.", p0, p["target_lift"])
	case n < required:
		r.Status = audit.Warn
		r.Summary = fmt.Sprintf("%d usable holdout examples detect a lift of %.3f, not the promised %g: that needs %d.", n, mdl, p["target_lift"], required)
	default:
		r.Status = audit.Pass
		r.Summary = fmt.Sprintf("%d usable holdout examples are enough to detect a lift of %g (needs %d; smallest detectable %.3f).", n, p["target_lift"], required, mdl)
	}
	return r
}
