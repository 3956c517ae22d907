#!/usr/bin/env bash
# demo.sh GOMEMDX — runs gomemdx's main job on the bundled example incident
# (examples/incident). Until `diagnose` exists this is the goroutine
# analysis over the incident's goroutine dumps, oldest first.
set -euo pipefail
bin=$1
cd "$(dirname "$0")/.."
incident=examples/incident
if "$bin" help diagnose >/dev/null 2>&1; then
  exec "$bin" diagnose "$incident"
fi
echo "\$ gomemdx goroutines $incident/goroutine-*.txt"
exec "$bin" goroutines "$incident"/goroutine-*.txt
