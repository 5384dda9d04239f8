"""Prometheus as code: the lab's and the cluster's scrape configs, the recording and alerting rules.

`python -m telemetry.prometheus` writes them as YAML next to this file (committed, so Prometheus and
the manifests read plain files); `tests/` holds `promtool test rules` unit tests of the rules.
"""
