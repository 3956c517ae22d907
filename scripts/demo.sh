#!/usr/bin/env bash
# demo.sh GOMEMDX — runs gomemdx's main job, diagnose, on the bundled
# example incident (examples/incident: the runbook's production incident,
# reproduced by the lab's promo service), with its change log and the
# container's memory limit.
set -euo pipefail
bin=$1
cd "$(dirname "$0")/.."
incident=examples/incident
echo "\$ gomemdx diagnose $incident --events $incident/events.csv --limit 128MiB"
exec "$bin" diagnose "$incident" --events "$incident/events.csv" --limit 128MiB
