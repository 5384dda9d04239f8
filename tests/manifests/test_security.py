"""Every pod: non-root, no privilege escalation, no capabilities, probes, requests and limits."""

from __future__ import annotations

import pytest

from tests.manifests.build import BASE, OVERLAY, containers, find, objects, pod_spec, workloads

# Every test builds the manifests with kubectl kustomize (a process).
pytestmark = pytest.mark.integration

BUILDS = [BASE, OVERLAY]
# The overlay lets Tilt's live_update write into these (code sync and pip): development only.
LIVE_UPDATED = {"inference", "ui", "locust-master", "locust-worker"}
NO_PORT = {"locust-worker", "inferlab-canary", "registry-bootstrap"}  # a worker talks to its master; jobs run and end


@pytest.mark.parametrize("build", BUILDS)
def test_pods_run_as_non_root_with_the_default_seccomp_profile(build: str) -> None:
    for workload in workloads(objects(build)):
        security = pod_spec(workload)["securityContext"]
        assert security["runAsNonRoot"] is True and security["runAsUser"] >= 10000, workload["metadata"]["name"]
        assert security["seccompProfile"] == {"type": "RuntimeDefault"}


@pytest.mark.parametrize("build", BUILDS)
def test_containers_drop_every_capability_and_cannot_escalate(build: str) -> None:
    for workload in workloads(objects(build)):
        for container in containers(workload):
            security = container["securityContext"]
            assert security["allowPrivilegeEscalation"] is False
            assert security["capabilities"] == {"drop": ["ALL"]}


@pytest.mark.parametrize("build", BUILDS)
def test_root_file_systems_are_read_only_with_a_writable_tmp(build: str) -> None:
    for workload in workloads(objects(build)):
        name = workload["metadata"]["name"]
        writable = build == OVERLAY and name in LIVE_UPDATED
        for container in containers(workload):
            assert container["securityContext"]["readOnlyRootFilesystem"] is (not writable), name
            assert "/tmp" in {mount["mountPath"] for mount in container.get("volumeMounts", [])}, name


@pytest.mark.parametrize("build", BUILDS)
def test_requests_limits_and_probes(build: str) -> None:
    for workload in workloads(objects(build)):
        name = workload["metadata"]["name"]
        for container in containers(workload):
            assert set(container["resources"]["requests"]) == set(container["resources"]["limits"]) == {"cpu", "memory"}
            if name not in NO_PORT:
                assert {"livenessProbe", "readinessProbe"} <= set(container), name


def test_only_prometheus_gets_an_api_token_and_it_may_only_read_pods() -> None:
    items = objects(BASE)
    for workload in workloads(items):
        mounts_token = pod_spec(workload).get("automountServiceAccountToken", True)
        assert mounts_token == (workload["metadata"]["name"] == "prometheus"), workload["metadata"]["name"]
    assert pod_spec(find(items, "Deployment", "prometheus"))["serviceAccountName"] == "prometheus"
    role = find(items, "Role", "prometheus")
    assert role["rules"] == [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list", "watch"]}]
    binding = find(items, "RoleBinding", "prometheus")
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "prometheus", "namespace": "inferlab"}]


def test_the_autoscaler_scales_the_service_on_cpu_and_alone_sets_its_replicas() -> None:
    items = objects(BASE)
    autoscaler = find(items, "HorizontalPodAutoscaler", "inference")
    assert autoscaler["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "inference"}
    (metric,) = autoscaler["spec"]["metrics"]
    assert metric["resource"]["name"] == "cpu"
    service = find(items, "Deployment", "inference")
    assert "replicas" not in service["spec"], "an applied replicas count would undo the autoscaler's"
    assert "cpu" in service["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"]


def test_pods_accept_connections_from_the_lab_only() -> None:
    (policy,) = [o for o in objects(BASE) if o["kind"] == "NetworkPolicy"]
    assert policy["spec"]["podSelector"] == {} and policy["spec"]["ingress"] == [{"from": [{"podSelector": {}}]}]


def test_mlflow_keeps_its_data_on_a_claim_with_one_writer() -> None:
    mlflow = find(objects(BASE), "Deployment", "mlflow")
    assert mlflow["spec"]["replicas"] == 1 and mlflow["spec"]["strategy"] == {"type": "Recreate"}
    (data,) = [v for v in pod_spec(mlflow)["volumes"] if v["name"] == "data"]
    assert (
        data["persistentVolumeClaim"]["claimName"]
        == find(objects(BASE), "PersistentVolumeClaim", "mlflow-data")["metadata"]["name"]
    )
    command = " ".join(mlflow["spec"]["template"]["spec"]["containers"][0]["command"])
    assert "--backend-store-uri=sqlite:////mlflow/" in command and "--artifacts-destination=/mlflow/" in command
