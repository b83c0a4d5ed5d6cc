#!/bin/sh
# nightly.sh: audit tonight's data snapshot, compare it with the last one,
# and chart the history. Run it from cron (see docs/ci.md).
#
# Usage: nightly.sh CONFIG REPORTS
#   CONFIG   the audit.yaml of the snapshot; its inputs point at tonight's data
#   REPORTS  the folder that keeps the audits: REPORTS/runs/NAME/ per night,
#            REPORTS/latest (the NAME of the last audited snapshot, the next
#            baseline) and REPORTS/history/history.html
#
# Environment:
#   AUDIT          the audit command (default: audit)
#   SNAPSHOT       the NAME of tonight's folder (default: the UTC time, 20250331T020000Z)
#   SNAPSHOT_TIME  when the data was taken, RFC 3339 or 2025-03-31 (default:
#                  the newest input file's modification time)
#   FAIL_ON        what exits 1 besides a not-ready verdict (default: regression;
#                  warn,regression also fails on warnings)
#
# Exit status: 0 ready (warnings allowed) and no regression since the last
# snapshot; 1 not ready, or a regression; 2 could not audit (bad config,
# unreadable data or baseline). A night that exits 2 does not become the
# baseline; a night that exits 1 does, so tomorrow is compared with it.
set -u

config=${1:?usage: nightly.sh CONFIG REPORTS}
reports=${2:?usage: nightly.sh CONFIG REPORTS}
audit=${AUDIT:-audit}
name=${SNAPSHOT:-$(date -u +%Y%m%dT%H%M%SZ)}
out="$reports/runs/$name"

mkdir -p "$reports/runs" || exit 2
set -- run --config "$config" --out "$out" --fail-on "${FAIL_ON:-regression}"
if [ -n "${SNAPSHOT_TIME:-}" ]; then
	set -- "$@" --snapshot-time "$SNAPSHOT_TIME"
fi
if [ -s "$reports/latest" ]; then
	set -- "$@" --baseline "$reports/runs/$(cat "$reports/latest")"
fi

$audit "$@"
status=$?

if [ "$status" -le 1 ] && [ -f "$out/report.json" ]; then
	printf '%s\n' "$name" >"$reports/latest"
	$audit history --quiet --out "$reports/history" "$reports/runs" || status=2
fi
exit "$status"
