"""Fast checks of how the image tests read the repository: manifests into `docker run`, Tilt's builds into a
context, the machine's apt and pip settings into the stand-in. No engine needed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.docker import builds, kubectl, standin
from tests.docker.lab import NOT_RUN, ordered
from tests.docker.pods import LOOPBACK, Network, Pod, pods
from tests.manifests.build import BASE, objects, workloads


@pytest.fixture(scope="module")
def network() -> Network:
    items = objects(BASE)
    return Network.of(items, [w for w in workloads(items) if w["metadata"]["name"] not in NOT_RUN])


def pod(name: str, network: Network, tmp_path: Path) -> Pod:
    (workload,) = [w for w in workloads(objects(BASE)) if w["metadata"]["name"] == name]
    (found,) = pods(workload, network, tmp_path, "t-")
    return found


def options(found: Pod) -> list[tuple[str, str]]:
    args = found.run_args
    return [(args[i], args[i + 1]) for i in range(len(args) - 1) if args[i].startswith("--")]


def env(found: Pod) -> dict[str, str]:
    return dict(value.split("=", 1) for flag, value in options(found) if flag == "--env")


@pytest.mark.integration  # builds the manifests with kubectl kustomize
def test_the_service_runs_as_its_manifest_says(network: Network, tmp_path: Path) -> None:
    service = pod("inference", network, tmp_path)
    assert ("--user", "10001:10001") in options(service)
    assert {"--read-only", "--network"} <= set(service.run_args)
    assert ("--cap-drop", "ALL") in options(service)
    assert ("--security-opt", "no-new-privileges") in options(service)
    assert ("--tmpfs", "/tmp:rw,exec,mode=1777,size=64m") in options(service)
    assert ("--memory", "1g") in options(service) and ("--cpus", "1.0") in options(service)
    assert ("--restart", "always") in options(service)
    assert service.command[:3] == ["python", "-m", "services.inference"]


@pytest.mark.integration  # builds the manifests with kubectl kustomize
def test_servers_listen_on_the_loopback_port_that_stands_for_their_service(network: Network, tmp_path: Path) -> None:
    service = pod("inference", network, tmp_path)
    port = network.services[("inference", 8000)]
    assert env(service)["INFERLAB_HOST"] == LOOPBACK and env(service)["INFERLAB_PORT"] == str(port)
    assert service.readiness == f"http://{LOOPBACK}:{port}/v2/health/ready"
    mlflow = pod("mlflow", network, tmp_path)
    assert f"--port={network.services[('mlflow', 5000)]}" in mlflow.command
    assert f"--host={LOOPBACK}" in mlflow.command and "--host=0.0.0.0" not in mlflow.command


@pytest.mark.integration  # builds the manifests with kubectl kustomize
def test_clients_reach_services_by_their_loopback_port(network: Network, tmp_path: Path) -> None:
    assert env(pod("ui", network, tmp_path))["INFERLAB_API_URL"] == network.url("inference", 8000)
    worker = pod("locust-worker", network, tmp_path)
    assert env(worker)["LOCUST_MASTER_NODE_PORT"] == str(network.services[("locust-master", 5557)])
    assert ("--add-host", f"locust-master:{LOOPBACK}") in options(worker)


@pytest.mark.integration  # builds the manifests with kubectl kustomize
def test_the_rewrite_leaves_what_names_no_service_alone(network: Network) -> None:
    assert network.rewrite("http://inference:8000/v1") == f"{network.url('inference', 8000)}/v1"
    assert network.rewrite("http://inference:9999") == "http://inference:9999"
    assert network.rewrite("mlflow:*,localhost:*") == "mlflow:*,localhost:*"


@pytest.mark.integration  # builds the manifests with kubectl kustomize
def test_every_workload_of_the_base_runs_or_is_left_out_by_name() -> None:
    items = workloads(objects(BASE))
    started = {w["metadata"]["name"] for w in ordered([w for w in items if w["metadata"]["name"] not in NOT_RUN])}
    assert {"mlflow", "inference", "ui", "locust-master", "locust-worker", "pushgateway"} <= started
    with pytest.raises(AssertionError, match="does not run"):
        ordered([*items, {"kind": "Deployment", "metadata": {"name": "newcomer"}}])


@pytest.mark.integration  # reads the Tiltfile's builds, which run kubectl kustomize
def test_the_build_context_is_only_less_dockerignore() -> None:
    (locust,) = [b for b in builds.tilt_builds() if b.ref == "inferlab/locust"]
    files = builds.context_files(locust)
    assert "locustfiles/locustfile.py" in files and "pyproject.toml" in files
    assert "locustfiles/README.md" not in files  # .dockerignore
    assert not [f for f in files if f.startswith(("ui/", "models/", "tests/"))]  # outside `only`


def test_the_mlflow_image_has_a_stand_in_of_its_version() -> None:
    dockerfile = builds.stand_in_dockerfile("ghcr.io/mlflow/mlflow:v3.17.2")
    assert dockerfile is not None and "pip install --no-cache-dir mlflow==3.17.2" in dockerfile
    assert builds.stand_in_dockerfile("grafana/grafana:11.6.0") is None


def test_the_mirror_is_read_from_deb822_sources(tmp_path: Path) -> None:
    (tmp_path / "sources.list.d").mkdir()
    (tmp_path / "sources.list.d" / "debian.sources").write_text(
        "Types: deb\n# a comment\nURIs: http://mirror.invalid/debian\nSuites: bookworm bookworm-updates\n"
        "Components: main\n\nTypes: deb\nURIs: http://mirror.invalid/security\nSuites: bookworm-security\n"
    )
    assert standin.debian_mirror(tmp_path) == "http://mirror.invalid/debian"


def test_the_mirror_is_read_from_a_one_line_sources_list(tmp_path: Path) -> None:
    (tmp_path / "sources.list.d").mkdir()
    lines = ["# deb http://old.invalid bookworm main", "deb [arch=amd64] http://m.invalid/debian bookworm main"]
    (tmp_path / "sources.list").write_text("\n".join(lines) + "\n")
    assert standin.debian_mirror(tmp_path) == "http://m.invalid/debian"
    (tmp_path / "sources.list").write_text("deb http://m.invalid/debian trixie main\n")
    with pytest.raises(standin.StandInFailed, match="no Debian bookworm mirror"):
        standin.debian_mirror(tmp_path)


def test_only_pip_settings_that_work_inside_an_image_are_copied() -> None:
    host = {
        "cert": "/somewhere/ca.crt", "find-links": "/opt/wheels", "constraint": "/etc/x/constraints.txt",
        "extra-index-url": "file:///opt/pypi/simple https://mirror.invalid/simple", "default-timeout": "180",
    }  # fmt: skip
    conf = standin.image_pip_conf(host)
    assert conf.splitlines() == [
        "[global]",
        "cert = /etc/ssl/certs/ca-certificates.crt",
        "extra-index-url = https://mirror.invalid/simple",
        "default-timeout = 180",
    ]


@pytest.mark.integration  # builds the manifests with kubectl kustomize
def test_what_runs_in_the_master_s_pod_finds_the_master_on_its_loopback_port(network: Network, tmp_path: Path) -> None:
    master = pod("locust-master", network, tmp_path)
    assert env(master)["INFERLAB_LOAD_MASTER_URL"] == network.url("locust-master", 8089)
    assert ("--label", "app.kubernetes.io/component=master") in options(master)


def test_kubectl_s_stand_in_reads_options_up_to_the_double_dash() -> None:
    found, rest = kubectl.options(["-n", "inferlab", "exec", "pod", "--", "python", "-n", "x"], "-n")
    assert found == {"-n": "inferlab"} and rest == ["exec", "pod", "--", "python", "-n", "x"]
    assert kubectl.main(["-n", "inferlab", "delete", "pod", "x"]) == 2
