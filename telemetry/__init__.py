"""inferlab's telemetry: OpenTelemetry instruments exported to Prometheus, the Prometheus
configuration and rules, and the Grafana dashboards generated from one set of panel definitions.
"""
