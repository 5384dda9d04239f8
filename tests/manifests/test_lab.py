"""The manifests agree with lab.json (ports, readiness paths) and with the scrape jobs of telemetry/."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from telemetry import jobs
from tests.manifests.build import BASE, REPO, containers, find, objects, pod_template, workloads

# Every test builds the manifests with kubectl kustomize (a process).
pytestmark = pytest.mark.integration

LAB = {name: spec for name, spec in json.loads((REPO / "lab.json").read_text()).items() if not name.startswith("_")}
# Deployment (and Service) of each component of lab.json.
DEPLOYMENTS = {
    "service": "inference",
    "ui": "ui",
    "prometheus": "prometheus",
    "grafana": "grafana",
    "locust": "locust-master",
    "mlflow": "mlflow",
    "pushgateway": "pushgateway",
}
# Variables holding another component's URL -> that component.
URL_VARIABLES = {
    "INFERLAB_API_URL": "service",
    "INFERLAB_LOAD_HOST": "service",
    "INFERLAB_PROMETHEUS_URL": "prometheus",
    "INFERLAB_GRAFANA_URL": "grafana",
    "INFERLAB_LOCUST_URL": "locust",
    "INFERLAB_MLFLOW_URL": "mlflow",
    "INFERLAB_REGISTRY_SERVICE_URL": "service",
    "INFERLAB_REGISTRY_PUSHGATEWAY_URL": "pushgateway",
}


def http_port(container: dict) -> int:
    (port,) = [p["containerPort"] for p in container["ports"] if p["name"] == "http"]
    return port


def test_ports_and_readiness_paths_are_lab_json_s() -> None:
    items = objects(BASE)
    for component, name in DEPLOYMENTS.items():
        (container,) = containers(find(items, "Deployment", name))
        assert http_port(container) == LAB[component]["port"], name
        assert container["readinessProbe"]["httpGet"]["path"] == LAB[component]["ready"], name
        (service_port,) = [p for p in find(items, "Service", name)["spec"]["ports"] if p["name"] == "http"]
        assert service_port["port"] == LAB[component]["port"], name


def test_the_pods_prometheus_scrapes_are_the_jobs_of_telemetry() -> None:
    """The job label is the pod's app.kubernetes.io/name; Prometheus scrapes itself statically."""
    scraped = {}
    for workload in workloads(objects(BASE)):
        template = pod_template(workload)
        annotations = template["metadata"].get("annotations", {})
        if annotations.get("prometheus.io/scrape") == "true":
            (container,) = containers(workload)
            assert annotations["prometheus.io/port"] == str(http_port(container))
            assert annotations["prometheus.io/path"] == "/metrics"
            scraped[template["metadata"]["labels"]["app.kubernetes.io/name"]] = workload["metadata"]["name"]
    # Prometheus scrapes itself, and the Pushgateway in a job of its own (honor_labels), by their pod labels.
    assert set(scraped) == set(jobs.LAB_COMPONENTS) - {jobs.PROMETHEUS, jobs.PUSHGATEWAY}
    assert scraped[jobs.SERVICE] == "inference" and scraped[jobs.LOCUST] == "locust-master"


def test_urls_given_to_the_processes_point_at_lab_ports() -> None:
    """In-cluster calls name a Service; links (read by a browser) name localhost, where Tilt forwards."""
    items = objects(BASE)
    services = {o["metadata"]["name"]: o for o in items if o["kind"] == "Service"}
    seen = set()
    for workload in workloads(items):
        for container in containers(workload):
            for variable in container.get("env", []):
                if variable["name"] in URL_VARIABLES:
                    component = URL_VARIABLES[variable["name"]]
                    url = urlsplit(variable["value"])
                    assert url.port == LAB[component]["port"], variable
                    assert url.hostname == "localhost" or url.hostname == DEPLOYMENTS[component]
                    assert url.hostname == "localhost" or url.hostname in services
                    seen.add(variable["name"])
    assert seen == set(URL_VARIABLES)


def test_locust_workers_find_their_master() -> None:
    items = objects(BASE)
    (worker,) = containers(find(items, "Deployment", "locust-worker"))
    master_host = worker["command"][worker["command"].index("--master-host") + 1]
    master_ports = {p["name"]: p["port"] for p in find(items, "Service", master_host)["spec"]["ports"]}
    assert master_ports["master"] == 5557  # Locust's default --master-bind-port
    (master,) = containers(find(items, "Deployment", "locust-master"))
    assert {"name": "LOCUST_MODE_MASTER", "value": "true"} in master["env"]


def test_the_canary_pushes_to_the_official_pushgateway_pinned_by_tag_and_digest() -> None:
    """Prometheus's `pushgateway` job (honor_labels) finds these pods by name; the pods' job must not scrape them."""
    items = objects(BASE)
    gateway = find(items, "Deployment", "pushgateway")
    (container,) = containers(gateway)
    assert container["image"].startswith("prom/pushgateway:v") and "@sha256:" in container["image"]
    template = pod_template(gateway)
    assert template["metadata"]["labels"]["app.kubernetes.io/name"] == "pushgateway"
    assert "prometheus.io/scrape" not in template["metadata"].get("annotations", {})
    (canary,) = containers(find(items, "CronJob", "inferlab-canary"))
    env = {variable["name"]: variable["value"] for variable in canary["env"]}
    assert env["INFERLAB_REGISTRY_PUSHGATEWAY_URL"] == f"http://pushgateway:{LAB['pushgateway']['port']}"
