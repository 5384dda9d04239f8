#!/bin/sh
# Grafana's admin password: random, made once per cluster and kept in the Secret grafana-admin, which
# Grafana reads as a file (GF_SECURITY_ADMIN_PASSWORD__FILE). No password is written in the repository.
# Tilt runs this before Grafana starts; to log in as admin:
#   kubectl -n inferlab get secret grafana-admin -o jsonpath='{.data.password}' | base64 -d
set -eu
namespace=inferlab
if kubectl -n "$namespace" get secret grafana-admin >/dev/null 2>&1; then
    echo "secret grafana-admin exists: keeping its password"
    exit 0
fi
# From stdin, not the command line, so that the password never shows in a process list.
LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c 32 \
    | kubectl -n "$namespace" create secret generic grafana-admin --from-file=password=/dev/stdin
kubectl -n "$namespace" label secret grafana-admin app.kubernetes.io/name=grafana app.kubernetes.io/part-of=inferlab
