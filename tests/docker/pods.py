"""The cluster's pods as containers: a workload of the base manifests becomes one `docker run`, as Kubernetes runs it.

Taken from the manifest: the command and args, the environment, the user, a read-only root, dropped
capabilities, no privilege escalation, the CPU and memory limits, the restart policy, and an emptyDir as
a tmpfs of its size limit (a volume claim as a folder of the test's). What differs is the network: every
container shares the host's (`--network host`), so each Service becomes a free port on 127.0.0.1, its name
resolves to 127.0.0.1 (`--add-host`), clients are given its port in place of the Service's, and servers
are told to listen there
(`LISTEN`: the settings each program reads; the manifests leave them at their defaults).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.docker.kubectl import WORKLOAD_LABEL
from tests.live import free_port
from tests.manifests.build import containers, pod_spec, pod_template

LOOPBACK = "127.0.0.1"
# Where each workload's programs listen: settings (env) set to 127.0.0.1 and to the host port that stands
# for a container port (an int here, or `{8089}` in a URL). Flags in the command (`--port=5000`) are
# rewritten instead. The master's own URL too: what runs in its pod (the Load test button's command)
# reaches it on the pod's localhost, which here is the host's.
LISTEN: dict[str, dict[str, str | int]] = {
    "inference": {"INFERLAB_HOST": LOOPBACK, "INFERLAB_PORT": 8000},
    "ui": {"INFERLAB_UI_HOST": LOOPBACK, "INFERLAB_UI_PORT": 8600},
    "locust-master": {
        "INFERLAB_LOAD_WEB_HOST": LOOPBACK, "INFERLAB_LOAD_WEB_PORT": 8089,
        "LOCUST_MASTER_BIND_HOST": LOOPBACK, "LOCUST_MASTER_BIND_PORT": 5557,
        "INFERLAB_LOAD_MASTER_URL": f"http://{LOOPBACK}:{{8089}}",
    },
}  # fmt: skip
# A client that names a Service host alone (`--master-host locust-master`) is told its port this way.
CLIENT_PORTS: dict[str, dict[str, tuple[str, int]]] = {
    "locust-master": {"LOCUST_MASTER_NODE_PORT": ("locust-master", 5557)},
}
LISTEN_FLAGS = re.compile(r"^(?P<flag>--(?:host|web\.listen-address))=(?P<host>[^:]*)(?::(?P<port>\d+))?$")
PORT_FLAG = re.compile(r"^--port=(?P<port>\d+)$")
SIZE_UNITS = {"Ki": "k", "Mi": "m", "Gi": "g"}


@dataclass
class Network:
    """Each Service port of the manifests as a free port on 127.0.0.1, and each pod's container ports too."""

    services: dict[tuple[str, int], int] = field(default_factory=dict)  # (service, port) -> host port
    pods: dict[tuple[str, int], int] = field(default_factory=dict)  # (workload, container port) -> host port
    # The Secrets the cluster's scripts make (tilt/random-secret.sh): a random value per (Secret, key).
    secrets: dict[tuple[str, str], str] = field(default_factory=dict)

    def secret(self, name: str, key: str) -> str:
        return self.secrets.setdefault((name, key), secrets.token_urlsafe(24))

    @classmethod
    def of(cls, objects: list[dict[str, Any]], workloads: list[dict[str, Any]]) -> Network:
        network = cls()
        for workload in workloads:
            for container in containers(workload):
                for port in container.get("ports", []):
                    network.pods[(workload["metadata"]["name"], port["containerPort"])] = free_port()
        for service in (o for o in objects if o["kind"] == "Service"):
            selected = [w for w in workloads if selects(service, w)]
            for port in service["spec"]["ports"]:
                for workload in selected:
                    target = container_port(workload, port.get("targetPort", port["port"]))
                    network.services[(service["metadata"]["name"], port["port"])] = network.pods[
                        (workload["metadata"]["name"], target)
                    ]
        return network

    def url(self, service: str, port: int) -> str:
        return f"http://{LOOPBACK}:{self.services[(service, port)]}"

    def rewrite(self, value: str) -> str:
        """A value that names a Service (`http://inference:8000`, `mlflow:5000`) names its host port instead."""
        for (service, port), host_port in self.services.items():
            value = re.sub(rf"\b{re.escape(service)}(\.[a-z.-]+)?:{port}\b", f"{LOOPBACK}:{host_port}", value)
        return value

    def hosts(self) -> list[str]:
        """`--add-host` options: a Service's bare name (`--master-host locust-master`) resolves to 127.0.0.1."""
        names = sorted({service for service, _ in self.services})
        return [arg for name in names for arg in ("--add-host", f"{name}:{LOOPBACK}")]


def selects(service: dict[str, Any], workload: dict[str, Any]) -> bool:
    labels = pod_template(workload)["metadata"].get("labels", {})
    selector = service["spec"].get("selector", {})
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def container_port(workload: dict[str, Any], target: int | str) -> int:
    if isinstance(target, int):
        return target
    (found,) = [p["containerPort"] for c in containers(workload) for p in c.get("ports", []) if p.get("name") == target]
    return found


@dataclass(frozen=True)
class Pod:
    """One container of a workload, ready to `docker run`."""

    name: str  # the container's name in the engine
    workload: str
    image: str
    run_args: list[str]  # docker run's options
    command: list[str]  # entrypoint and arguments
    readiness: str | None  # URL of the readiness probe, when the manifest has an HTTP one

    def docker_run(self, detach: bool = True, name: str | None = None) -> list[str]:
        options = ["--detach"] if detach else []
        return ["run", *options, "--name", name or self.name, *self.run_args, self.image, *self.command[1:]]


def security_context(workload: dict[str, Any], container: dict[str, Any]) -> dict[str, Any]:
    return {**pod_spec(workload).get("securityContext", {}), **container.get("securityContext", {})}


def docker_size(quantity: str) -> str:
    number, unit = re.fullmatch(r"(\d+)([KMG]i)?", quantity).groups()  # type: ignore[union-attr]
    return number + SIZE_UNITS.get(unit or "", "")


def volume_args(workload: dict[str, Any], container: dict[str, Any], claims: Path) -> list[str]:
    volumes = {v["name"]: v for v in pod_spec(workload).get("volumes", [])}
    args = []
    for mount in container.get("volumeMounts", []):
        volume = volumes[mount["name"]]
        if "emptyDir" in volume:
            size = volume["emptyDir"].get("sizeLimit")
            options = ["rw", "exec", "mode=1777", *([f"size={docker_size(size)}"] if size else [])]
            args += ["--tmpfs", f"{mount['mountPath']}:{','.join(options)}"]
        elif "persistentVolumeClaim" in volume:
            folder = claims / volume["persistentVolumeClaim"]["claimName"]
            args += ["--volume", f"{folder}:{mount['mountPath']}"]
        else:
            raise AssertionError(f"{workload['metadata']['name']}: volume {mount['name']} of a kind not run here")
    return args


def limit_args(container: dict[str, Any]) -> list[str]:
    limits = container.get("resources", {}).get("limits", {})
    args = []
    if "memory" in limits:
        args += ["--memory", docker_size(limits["memory"])]
    if "cpu" in limits:
        cpu = limits["cpu"]
        args += ["--cpus", str(int(cpu[:-1]) / 1000 if cpu.endswith("m") else float(cpu))]
    return args


def environment(workload: str, container: dict[str, Any], network: Network) -> dict[str, str]:
    env = {}
    for variable in container.get("env", []):
        reference = variable.get("valueFrom", {}).get("secretKeyRef")
        if reference is not None:
            env[variable["name"]] = network.secret(reference["name"], reference["key"])
            continue
        assert "value" in variable, f"{workload}: env {variable['name']} from a source not run here"
        env[variable["name"]] = network.rewrite(str(variable["value"]))
    for name, value in LISTEN.get(workload, {}).items():
        env[name] = listen_value(workload, value, network)
    command = " ".join(container.get("command", []) + container.get("args", []))
    for service, settings in CLIENT_PORTS.items():
        if re.search(rf"(^|\s){re.escape(service)}(\s|$)", command):
            env |= {name: str(network.services[target]) for name, target in settings.items()}
    return env


def listen_value(workload: str, value: str | int, network: Network) -> str:
    """A LISTEN setting with each container port (`8089`, or `{8089}` in a URL) as its host port."""
    if isinstance(value, int):
        return str(network.pods[(workload, value)])
    return re.sub(r"\{(\d+)\}", lambda match: str(network.pods[(workload, int(match[1]))]), value)


def listen_flags(workload: str, words: list[str], network: Network) -> list[str]:
    """`--host=0.0.0.0` and `--port=5000` (MLflow), `--web.listen-address=:9091`: 127.0.0.1 and the host port."""
    ports = [port for (name, port) in network.pods if name == workload]
    rewritten: list[str] = []
    for word in words:
        if (match := LISTEN_FLAGS.match(word)) and (match["port"] or match["flag"] == "--host"):
            port = f":{network.pods[(workload, int(match['port']))]}" if match["port"] else ""
            word = f"{match['flag']}={LOOPBACK}{port}"
        elif (match := PORT_FLAG.match(word)) and int(match["port"]) in ports:
            word = f"--port={network.pods[(workload, int(match['port']))]}"
        rewritten.append(network.rewrite(word))
    return rewritten


def readiness_url(workload: dict[str, Any], container: dict[str, Any], network: Network) -> str | None:
    probe = container.get("readinessProbe", {}).get("httpGet")
    if probe is None:
        return None
    port = network.pods[(workload["metadata"]["name"], container_port(workload, probe["port"]))]
    return f"http://{LOOPBACK}:{port}{probe['path']}"


def pods(workload: dict[str, Any], network: Network, claims: Path, prefix: str, replica: int = 0) -> list[Pod]:
    """The containers of one replica of `workload`, as the manifest runs them."""
    name = workload["metadata"]["name"]
    restart = pod_spec(workload).get("restartPolicy", "Always")
    found = []
    for container in containers(workload):
        context = security_context(workload, container)
        user = context.get("runAsUser")
        assert user is not None, f"{name}: no runAsUser, and the tests run nothing as the image's default user"
        args = ["--network", "host", *network.hosts(), "--user", f"{user}:{context.get('runAsGroup', user)}"]
        labels = pod_template(workload)["metadata"].get("labels", {})  # kubectl's stand-in selects pods by them
        args += [arg for key, value in labels.items() for arg in ("--label", f"{key}={value}")]
        args += ["--label", f"{WORKLOAD_LABEL}={name}"]
        args += ["--read-only"] if context.get("readOnlyRootFilesystem") else []
        args += [arg for cap in context.get("capabilities", {}).get("drop", []) for arg in ("--cap-drop", cap)]
        args += ["--security-opt", "no-new-privileges"] if context.get("allowPrivilegeEscalation") is False else []
        args += volume_args(workload, container, claims) + limit_args(container)
        args += ["--restart", "always"] if restart == "Always" else []
        env = environment(name, container, network)
        args += [arg for key, value in env.items() for arg in ("--env", f"{key}={value}")]
        command = listen_flags(name, container.get("command", []) + container.get("args", []), network)
        assert command, f"{name}: no command in the manifest (the image's own is not what the cluster runs)"
        args += ["--entrypoint", command[0]]
        readiness = readiness_url(workload, container, network)
        found.append(Pod(f"{prefix}{name}-{replica}", name, container["image"], args, command, readiness))
    return found
