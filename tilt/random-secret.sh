#!/bin/sh
# random-secret.sh SECRET APP: a random password, made once per cluster and kept in the Secret SECRET (key
# `password`), labelled for APP. No password is written in the repository. Tilt runs it before the
# workloads that read the Secret start: grafana-admin (Grafana's admin, read as a file) and postgres-auth
# (the prediction log's PostgreSQL, read by it, the service and Grafana). To read one:
#   kubectl -n inferlab get secret SECRET -o jsonpath='{.data.password}' | base64 -d
set -eu
secret="${1:?usage: random-secret.sh SECRET APP}"
app="${2:?usage: random-secret.sh SECRET APP}"
namespace=inferlab
if kubectl -n "$namespace" get secret "$secret" >/dev/null 2>&1; then
    echo "secret $secret exists: keeping its password"
    exit 0
fi
# From stdin, not the command line, so that the password never shows in a process list.
LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c 32 \
    | kubectl -n "$namespace" create secret generic "$secret" --from-file=password=/dev/stdin
kubectl -n "$namespace" label secret "$secret" "app.kubernetes.io/name=$app" app.kubernetes.io/part-of=inferlab
