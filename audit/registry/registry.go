package registry

import (
	"dataready/audit"
	"dataready/audit/bias"
	"dataready/audit/labels"
	"dataready/audit/leakage"
	"dataready/audit/volume"
)

// Checks returns every check in report order.
func Checks() []audit.Spec {
	return []audit.Spec{
		labels.Missing,
		labels.Variants,
		labels.Allowed,
		labels.Conflicts,
		labels.NearConflicts,
		labels.Agreement,
		bias.ClassBalance,
		bias.SegmentCoverage,
		bias.ReferenceCoverage,
		bias.LabelDisparity,
		bias.Missingness,
		bias.LabelShift,
		leakage.ExactOverlap,
		leakage.NearDuplicates,
		leakage.EntityOverlap,
		leakage.Temporal,
		leakage.Target,
		leakage.Duplicates,
		volume.PilotMinimum,
		volume.ClassMinimum,
		volume.SegmentMinimum,
		volume.HoldoutPower,
		volume.Baseline,
	}
}
