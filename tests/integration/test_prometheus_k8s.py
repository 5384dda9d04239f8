"""The cluster's pod discovery relabelling, run by a real Prometheus on pods described in a file.

Debian's Prometheus has no Kubernetes discovery, but relabelling does not care where targets come
from: a file target group carrying the `__meta_kubernetes_*` labels Kubernetes discovery would set
goes through the cluster config's own rules, and the targets API shows what would be scraped.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from telemetry.prometheus.config import kubernetes_config
from telemetry.prometheus.paths import RULES_DIR
from tests.integration.prometheus import api, poll, prometheus_process
from tests.live import free_port

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]

META = "__meta_kubernetes_pod_"


def pod(name: str, app: str, phase: str = "Running", port: int = 8080, **annotations: str) -> dict:
    labels = {f"{META}name": name, f"{META}label_app_kubernetes_io_name": app, f"{META}phase": phase}
    labels |= {f"{META}container_port_number": str(port)}
    labels |= {f"{META}annotation_prometheus_io_{key}": value for key, value in annotations.items()}
    return {"targets": [f"10.0.0.7:{port}"], "labels": {"__meta_kubernetes_namespace": "inferlab", **labels}}


PODS = [
    pod("inference-7d9f", "inference", scrape="true", port="8000", path="/metrics"),
    pod("ui-5c4b", "ui"),  # no annotation: not scraped
    pod("inference-new", "inference", phase="Pending", scrape="true", port="8000"),  # no IP yet
    pod("pushgateway-6f2a", "pushgateway", port=9091),  # its own job, not by annotation
]


def file_discovered(config: dict, pods_file: Path, port: int) -> dict:
    """The cluster config with its pod discovery read from `pods_file`, its own target on `port`."""
    for job in config["scrape_configs"]:
        if job.pop("kubernetes_sd_configs", None) is not None:
            job["file_sd_configs"] = [{"files": [str(pods_file)], "refresh_interval": "1s"}]
        else:
            job["static_configs"] = [{"targets": [f"127.0.0.1:{port}"]}]
    return config | {"rule_files": [str(RULES_DIR / "*.yml")]}


def test_annotated_running_pods_are_scraped_as_their_app(tmp_path: Path) -> None:
    pods_file, port = tmp_path / "pods.json", free_port()
    pods_file.write_text(json.dumps(PODS))
    config = file_discovered(kubernetes_config(), pods_file, port)
    with prometheus_process(config, port, tmp_path) as server, httpx.Client(base_url=server.url, timeout=5.0) as client:

        def undiscovered() -> list[str]:
            return [] if api(client, "targets")["droppedTargets"] else ["nothing discovered yet"]

        assert not poll(undiscovered, 15.0)
        targets = api(client, "targets")
    [active] = [t for t in targets["activeTargets"] if t["scrapePool"] == "kubernetes-pods"]
    assert active["scrapeUrl"] == "http://10.0.0.7:8000/metrics"
    assert {k: active["labels"][k] for k in ("job", "namespace", "pod")} == {
        "job": "inference",
        "namespace": "inferlab",
        "pod": "inference-7d9f",
    }
    dropped = [t["discoveredLabels"] for t in targets["droppedTargets"]]
    by_pods_job = [labels[f"{META}name"] for labels in dropped if labels["job"] == "kubernetes-pods"]
    assert sorted(by_pods_job) == ["inference-new", "pushgateway-6f2a", "ui-5c4b"]


def test_the_pushgateway_pod_is_scraped_with_its_pushed_labels_honoured(tmp_path: Path) -> None:
    pods_file, port = tmp_path / "pods.json", free_port()
    pods_file.write_text(json.dumps(PODS))
    config = file_discovered(kubernetes_config(), pods_file, port)
    [job] = [job for job in config["scrape_configs"] if job["job_name"] == "pushgateway"]
    assert job["honor_labels"] is True
    with prometheus_process(config, port, tmp_path) as server, httpx.Client(base_url=server.url, timeout=5.0) as client:

        def undiscovered() -> list[str]:
            active = api(client, "targets")["activeTargets"]
            return [] if any(t["scrapePool"] == "pushgateway" for t in active) else ["no pushgateway target yet"]

        assert not poll(undiscovered, 15.0)
        targets = api(client, "targets")
    [active] = [t for t in targets["activeTargets"] if t["scrapePool"] == "pushgateway"]
    assert active["scrapeUrl"] == "http://10.0.0.7:9091/metrics"
    assert {k: active["labels"][k] for k in ("job", "pod")} == {"job": "pushgateway", "pod": "pushgateway-6f2a"}
