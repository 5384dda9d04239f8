#!/bin/sh
# install-deps.sh EXTRA: install one extra's dependencies from /app/pyproject.toml into the venv, and the
# project's metadata without its code: the code runs from /app, on PYTHONPATH, while the installed
# distribution says which version it is (`/v2` and the metrics' service_version read it). The stub has no
# package folder, so the install puts no module in the venv. The Dockerfiles run it before copying the
# code, so that layer is rebuilt only when the dependencies change; Tilt's live_update reruns it when
# pyproject.toml changes. RELOAD=true (Tilt's builds) adds watchfiles, the reloader of overlays/minikube.
set -eu
extra="${1:?usage: install-deps.sh EXTRA}"
stub="$(mktemp -d)"
trap 'rm -rf "$stub"' EXIT
cp /app/pyproject.toml "$stub/"
touch "$stub/README.md"  # pyproject.toml names it as the readme; its text is not needed here
pip install --no-cache-dir "${stub}[${extra}]"
if [ "${RELOAD:-false}" = true ]; then
    pip install --no-cache-dir watchfiles==1.3.0
fi
