#!/bin/sh
# Classify samples/cat.jpg once: the service at $1 (e.g. http://localhost:8000) answers with predictions.
# Tilt's `smoke` resource runs it as soon as the service is ready, in either mode.
set -eu
url="${1:?usage: tilt/smoke.sh SERVICE_URL}"
answer=$(curl --fail --silent --show-error --max-time 30 --retry 5 --retry-connrefused --retry-delay 2 --form file=@samples/cat.jpg "$url/v1/predict")
echo "$answer"
case "$answer" in
    *'"predictions":[{'*) echo "smoke: samples/cat.jpg classified" ;;
    *) echo "smoke: no predictions in the answer" >&2; exit 1 ;;
esac
