"""`python -m tests.docker.kubectl`: a stand-in for the kubectl commands Tilt's buttons run, on the container lab.

The test puts it on PATH as `kubectl` so that tilt/load-test.sh runs unchanged. It knows three commands,
each done as kubectl does it: `get pods -l SELECTOR ... -o jsonpath=...` (the running containers that
carry the pod labels, their names space-separated), `exec POD|deploy/NAME [-c C] -- CMD` (`docker exec`), and
`cp [-c C] POD:SRC DEST` (a tar of SRC made in the container and unpacked here, kubectl's own way).
Anything else fails, saying so. The engine's socket comes from INFERLAB_TEST_DOCKER_HOST.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

ENGINE = "INFERLAB_TEST_DOCKER_HOST"
CLIENT = "INFERLAB_TEST_DOCKER_CLIENT"
WORKLOAD_LABEL = "inferlab.test/workload"  # on each container of the lab: the workload it is a pod of


def docker(*args: str) -> list[str]:
    return [os.environ.get(CLIENT, "docker"), "--host", os.environ[ENGINE], *args]


def options(argv: Sequence[str], *names: str) -> tuple[dict[str, str], list[str]]:
    """The values of the named options (`-n x`, `-o=x`), and the other words in order; none after `--`."""
    found, rest, words = {}, [], list(argv)
    while words:
        word = words.pop(0)
        if word == "--":
            return found, [*rest, word, *words]
        name, equals, value = word.partition("=")
        if name in names:
            found[name] = value if equals else words.pop(0)
        else:
            rest.append(word)
    return found, rest


def get_pods(argv: list[str]) -> int:
    found, rest = options(argv, "-l", "--field-selector", "-o")
    assert rest == [] and found.get("-o", "").startswith("jsonpath="), f"kubectl get pods {argv}: not stood in"
    print(" ".join(running(*found["-l"].split(","))), end="")
    return 0


def running(*labels: str) -> list[str]:
    filters = [arg for label in labels for arg in ("--filter", f"label={label}")]
    listing = docker("ps", "--filter", "status=running", *filters, "--format", "{{.Names}}")
    return sorted(subprocess.run(listing, capture_output=True, text=True, check=True).stdout.split())


def exec_in_pod(argv: list[str]) -> int:
    """`exec POD` or `exec deploy/NAME` (one of its pods, as kubectl picks one)."""
    _, rest = options(argv, "-c")
    pod, separator, *command = rest
    assert separator == "--", f"kubectl exec {argv}: not stood in"
    if pod.startswith(("deploy/", "deployment/")):
        pod = running(f"{WORKLOAD_LABEL}={pod.split('/', 1)[1]}")[0]
    return subprocess.run(docker("exec", pod, *command), check=False).returncode


def copy_from_pod(argv: list[str]) -> int:
    _, rest = options(argv, "-c")
    source, destination = rest
    pod, _, path = source.partition(":")
    Path(destination).mkdir(parents=True, exist_ok=True)
    packed = subprocess.run(docker("exec", pod, "tar", "-C", path, "-cf", "-", "."), capture_output=True, check=True)
    subprocess.run(["tar", "-C", destination, "-xf", "-"], input=packed.stdout, check=True)
    return 0


COMMANDS = {("get", "pods"): get_pods, ("exec",): exec_in_pod, ("cp",): copy_from_pod}


def main(argv: Sequence[str]) -> int:
    _, words = options(argv, "-n", "--namespace")
    for prefix, command in COMMANDS.items():
        if tuple(words[: len(prefix)]) == prefix:
            return command(words[len(prefix) :])
    print(f"kubectl {' '.join(argv)}: not something the container lab's stand-in does", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
