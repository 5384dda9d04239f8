"""Scrape configurations: the local lab's (static targets from `lab.json`) and Kubernetes' (pod discovery).

Prometheus cannot read `lab.json`, so the lab's config is generated from it: committed for reading
and for promtool, and rendered again by the launcher at each start with absolute paths (so an edited
`lab.json` needs no regeneration). The integration tests call `local_config` with their own ports
and a shorter interval, so they run the lab's config, not a copy of it.

Two jobs are more than a static target: headless load tests announce their `/metrics` in files that
`file_sd` watches (they come and go with the run), and the Pushgateway is scraped with
`honor_labels`, so what the canary pushed keeps its own `job` and labels.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lab import layout
from telemetry import jobs

SCRAPE_INTERVAL = "5s"
FAST_SCRAPE_INTERVAL = "2s"  # the service and Locust: what a short load test shows
RULE_FILES = "rules/*.yml"  # relative to the config file, as Prometheus resolves it
LOAD_TEST_TARGETS = "../../data/load-tests/*.json"  # likewise: lab.layout.load_test_targets()
K8S_NAMESPACE = "inferlab"
K8S_RULE_FILES = "/etc/prometheus/rules/*.yml"  # where the manifests mount the rules ConfigMap
NAME_LABEL = "__meta_kubernetes_pod_label_app_kubernetes_io_name"  # the pod's job (telemetry/jobs.py)


def _global(interval: str) -> dict[str, str]:
    return {"scrape_interval": interval, "evaluation_interval": interval}


def _static_job(job: str, target: str, interval: str | None) -> dict[str, Any]:
    config: dict[str, Any] = {"job_name": job}
    if interval:
        config["scrape_interval"] = interval
    return {**config, "static_configs": [{"targets": [target]}]}


def local_config(
    ports: Mapping[str, int] | None = None,
    *,
    interval: str = SCRAPE_INTERVAL,
    fast_interval: str | None = FAST_SCRAPE_INTERVAL,
    rule_files: str = RULE_FILES,
    load_test_targets: str | None = LOAD_TEST_TARGETS,
) -> dict[str, Any]:
    """Static targets on 127.0.0.1: each job's port from `ports` (job -> port), else from `lab.json`.

    Locust's job also reads the files headless load tests write (`load_test_targets`, a glob).
    """
    ports = ports or {job: layout.port(component) for job, component in jobs.LAB_COMPONENTS.items()}
    fast = {jobs.SERVICE: fast_interval, jobs.LOCUST: fast_interval}
    scrapes = [_static_job(job, f"127.0.0.1:{port}", fast.get(job)) for job, port in ports.items()]
    for scrape in scrapes:
        if scrape["job_name"] == jobs.LOCUST and load_test_targets:
            scrape["file_sd_configs"] = [{"files": [load_test_targets]}]
        if scrape["job_name"] == jobs.PUSHGATEWAY:
            scrape["honor_labels"] = True
    return {"global": _global(interval), "rule_files": [rule_files], "scrape_configs": scrapes}


def _keep_annotated_pods() -> list[dict[str, Any]]:
    """`prometheus.io/scrape: "true"` pods only, at their `prometheus.io/port` and `prometheus.io/path`."""
    annotation = "__meta_kubernetes_pod_annotation_prometheus_io_"
    return [
        {"source_labels": [f"{annotation}scrape"], "action": "keep", "regex": "true"},
        {"source_labels": ["__meta_kubernetes_pod_phase"], "action": "drop", "regex": "Pending|Succeeded|Failed"},
        {"source_labels": [f"{annotation}path"], "regex": "(.+)", "target_label": "__metrics_path__"},
        {
            "source_labels": ["__address__", f"{annotation}port"],
            "action": "replace",
            "regex": r"([^:]+)(?::\d+)?;(\d+)",
            "replacement": "$1:$2",
            "target_label": "__address__",
        },
    ]  # fmt: skip


def _pushgateway_job() -> dict[str, Any]:
    """The Pushgateway's pods at the lab's port, with `honor_labels`: the canary's own job and labels win."""
    port = layout.port("pushgateway")
    return {
        "job_name": jobs.PUSHGATEWAY,
        "honor_labels": True,
        "kubernetes_sd_configs": [{"role": "pod", "namespaces": {"names": [K8S_NAMESPACE]}}],
        "relabel_configs": [
            {"source_labels": [NAME_LABEL], "action": "keep", "regex": jobs.PUSHGATEWAY},
            {"source_labels": ["__meta_kubernetes_pod_container_port_number"], "action": "keep", "regex": str(port)},
            {"source_labels": ["__meta_kubernetes_pod_phase"], "action": "drop", "regex": "Pending|Succeeded|Failed"},
            *_pod_labels(),
        ],
    }


def _pod_labels() -> list[dict[str, Any]]:
    """`job` from the pod's `app.kubernetes.io/name` (the lab's job names), plus namespace and pod."""
    return [
        {"source_labels": [NAME_LABEL], "target_label": "job"},
        {"source_labels": ["__meta_kubernetes_namespace"], "target_label": "namespace"},
        {"source_labels": ["__meta_kubernetes_pod_name"], "target_label": "pod"},
    ]


def kubernetes_config() -> dict[str, Any]:
    """Pods of the `inferlab` namespace that ask to be scraped, and Prometheus itself."""
    pods = {
        "job_name": "kubernetes-pods",
        "kubernetes_sd_configs": [{"role": "pod", "namespaces": {"names": [K8S_NAMESPACE]}}],
        "relabel_configs": _keep_annotated_pods() + _pod_labels(),
    }
    own = _static_job(jobs.PROMETHEUS, f"localhost:{layout.port('prometheus')}", None)
    scrapes = [own, pods, _pushgateway_job()]
    return {"global": _global(SCRAPE_INTERVAL), "rule_files": [K8S_RULE_FILES], "scrape_configs": scrapes}
