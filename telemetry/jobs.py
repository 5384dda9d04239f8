"""Scrape job names: the `job` label of each process Prometheus scrapes, and its component in `lab.json`.

Locally the jobs are written into the Prometheus config under these names; in Kubernetes the job is
the pod's `app.kubernetes.io/name`, so the manifests name their pods the same way.
"""

from __future__ import annotations

SERVICE = "inference"
LOCUST = "locust"
PROMETHEUS = "prometheus"
PUSHGATEWAY = "pushgateway"  # scraped with honor_labels: the canary's metrics keep job="inferlab-canary"

# job -> component of lab.json (where it listens), in the order the config lists them
LAB_COMPONENTS = {SERVICE: "service", LOCUST: "locust", PROMETHEUS: "prometheus", PUSHGATEWAY: "pushgateway"}
