#!/bin/sh
# One load test on the cluster's running Locust: `python -m locustfiles.remote` in the master's pod drives
# that master over its web API, so the worker pods run the users and the master's /metrics (which
# Prometheus scrapes: Grafana's Load dashboard) shows the run live. The report (summary.md, report.html,
# CSVs) is then copied to runs/<UTC time>/ here. Tilt's "Load test" button and its `load-test` resource run
# it. USERS, SPAWN_RATE, RUN_TIME and SHAPE come from the button's inputs; empty ones keep the defaults of
# locustfiles/settings.py. Exits as the run does: 1 when an objective was missed, 2 when it could not run.
set -eu
namespace=inferlab
pod=$(kubectl -n "$namespace" get pods \
    -l app.kubernetes.io/name=locust,app.kubernetes.io/component=master \
    --field-selector=status.phase=Running -o jsonpath='{.items[*].metadata.name}')
pod=${pod%% *}
[ -n "$pod" ] || { echo "no running Locust master in namespace $namespace: is the load part on?" >&2; exit 1; }
status=0
kubectl -n "$namespace" exec "$pod" -c locust -- env \
    INFERLAB_LOAD_USERS="${USERS:-}" \
    INFERLAB_LOAD_SPAWN_RATE="${SPAWN_RATE:-}" \
    INFERLAB_LOAD_RUN_TIME="${RUN_TIME:-}" \
    INFERLAB_LOAD_SHAPE="${SHAPE:-}" \
    python -m locustfiles.remote || status=$?
[ "$status" -le 1 ] || exit "$status"  # 2: the run did not happen, so there is no report to fetch
run=$(kubectl -n "$namespace" exec "$pod" -c locust -- ls -1t /app/runs | head -n 1)
mkdir -p runs
kubectl -n "$namespace" cp -c locust "$pod:/app/runs/$run" "runs/$run"
echo "report: runs/$run/summary.md (and report.html)"
exit "$status"
