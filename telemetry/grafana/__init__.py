"""Grafana as code: dashboards built from `telemetry.panels` with grafana-foundation-sdk, and provisioning.

`python -m telemetry.grafana` writes `dashboards/*.json` and `provisioning/**.yaml`; Grafana reads
them at start (file provisioning), so nothing is imported or clicked by hand.
"""
