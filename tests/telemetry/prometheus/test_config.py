"""Scrape configs: the lab's targets come from lab.json; the cluster's from annotated pods of `inferlab`."""

from __future__ import annotations

from lab import layout
from telemetry import jobs
from telemetry.prometheus.config import kubernetes_config, local_config


def targets(config: dict) -> dict[str, list[str]]:
    return {job["job_name"]: job["static_configs"][0]["targets"] for job in config["scrape_configs"]}


def test_the_lab_scrapes_each_component_at_its_lab_json_port() -> None:
    assert targets(local_config()) == {
        "inference": [f"127.0.0.1:{layout.port('service')}"],
        "locust": [f"127.0.0.1:{layout.port('locust')}"],
        "prometheus": [f"127.0.0.1:{layout.port('prometheus')}"],
        "pushgateway": [f"127.0.0.1:{layout.port('pushgateway')}"],
    }


def test_headless_load_tests_are_found_in_files_and_pushed_metrics_keep_their_labels() -> None:
    jobs_by_name = {job["job_name"]: job for job in local_config()["scrape_configs"]}
    assert jobs_by_name["locust"]["file_sd_configs"] == [{"files": ["../../data/load-tests/*.json"]}]
    assert jobs_by_name["pushgateway"]["honor_labels"] is True
    assert [name for name, job in jobs_by_name.items() if job.get("honor_labels")] == ["pushgateway"]


def test_the_service_and_locust_are_scraped_faster_than_every_5_s() -> None:
    config = local_config()
    assert config["global"]["scrape_interval"] == "5s"
    fast = {job["job_name"]: job.get("scrape_interval") for job in config["scrape_configs"]}
    assert fast == {jobs.SERVICE: "2s", jobs.LOCUST: "2s", jobs.PROMETHEUS: None, jobs.PUSHGATEWAY: None}


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


def test_the_cluster_scrapes_the_pushgateway_pods_in_a_job_of_their_own_with_honor_labels() -> None:
    own, pods, gateway = kubernetes_config()["scrape_configs"]
    assert (gateway["job_name"], gateway["honor_labels"]) == ("pushgateway", True)
    keeps = {
        tuple(rule["source_labels"]): rule["regex"]
        for rule in gateway["relabel_configs"]
        if rule.get("action") == "keep"
    }
    assert keeps == {
        ("__meta_kubernetes_pod_label_app_kubernetes_io_name",): "pushgateway",
        ("__meta_kubernetes_pod_container_port_number",): str(layout.port("pushgateway")),
    }
    assert "honor_labels" not in pods and "honor_labels" not in own


def test_the_cluster_reads_its_rules_where_the_manifests_mount_them() -> None:
    assert kubernetes_config()["rule_files"] == ["/etc/prometheus/rules/*.yml"]
