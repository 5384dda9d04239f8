"""Scrape configs: the lab's targets come from lab.json; the cluster's from annotated pods of `inferlab`."""

from __future__ import annotations

from services import lab
from telemetry import jobs
from telemetry.prometheus.config import kubernetes_config, local_config


def targets(config: dict) -> dict[str, list[str]]:
    return {job["job_name"]: job["static_configs"][0]["targets"] for job in config["scrape_configs"]}


def test_the_lab_scrapes_each_component_at_its_lab_json_port() -> None:
    assert targets(local_config()) == {
        "inference": [f"127.0.0.1:{lab.port('service')}"],
        "locust": [f"127.0.0.1:{lab.port('locust')}"],
        "prometheus": [f"127.0.0.1:{lab.port('prometheus')}"],
    }


def test_the_service_and_locust_are_scraped_faster_than_every_5_s() -> None:
    config = local_config()
    assert config["global"]["scrape_interval"] == "5s"
    fast = {job["job_name"]: job.get("scrape_interval") for job in config["scrape_configs"]}
    assert fast == {jobs.SERVICE: "2s", jobs.LOCUST: "2s", jobs.PROMETHEUS: None}


def test_a_test_can_point_the_same_config_at_its_own_ports_and_rules() -> None:
    config = local_config({jobs.SERVICE: 4321}, interval="1s", fast_interval=None, rule_files="/tmp/r/*.yml")
    assert targets(config) == {"inference": ["127.0.0.1:4321"]}
    assert config["global"] == {"scrape_interval": "1s", "evaluation_interval": "1s"}
    assert config["rule_files"] == ["/tmp/r/*.yml"]


def test_the_cluster_discovers_pods_of_its_namespace_that_ask_for_it() -> None:
    pods = kubernetes_config()["scrape_configs"][1]
    assert pods["kubernetes_sd_configs"] == [{"role": "pod", "namespaces": {"names": ["inferlab"]}}]
    keep = pods["relabel_configs"][0]
    assert keep == {
        "source_labels": ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"],
        "action": "keep",
        "regex": "true",
    }
    labels = {rule["target_label"]: rule["source_labels"] for rule in pods["relabel_configs"] if "target_label" in rule}
    assert labels["job"] == ["__meta_kubernetes_pod_label_app_kubernetes_io_name"]
    assert labels["__metrics_path__"] == ["__meta_kubernetes_pod_annotation_prometheus_io_path"]


def test_the_cluster_reads_its_rules_where_the_manifests_mount_them() -> None:
    assert kubernetes_config()["rule_files"] == ["/etc/prometheus/rules/*.yml"]
