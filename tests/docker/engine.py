"""A Docker engine of the tests' own: Debian's `dockerd`, started as root in folders of its own, stopped after.

No bridge and no iptables rules (`--bridge=none --iptables=false`): the machine's network stays as it
was, builds and containers use the host's network (`--network host`) and listen on 127.0.0.1 only.
The daemon's sockets and state live in a temporary folder; its image store (`--data-root`) is the cache
folder the caller gives, so a second run reuses the layers of the first. One engine per cache folder
at a time (a lock says so).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 30.0
LOG_TAIL_CHARS = 3000


class DockerFailed(RuntimeError):
    """A docker command failed; the message has its command line and its output."""


@dataclass(frozen=True)
class Engine:
    """A running daemon: `docker(...)` runs the client against it."""

    client: str
    socket: Path
    log: Path

    def command(self, *args: str) -> list[str]:
        return [self.client, "--host", f"unix://{self.socket}", *args]

    def docker(self, *args: str, timeout_s: float = 120.0, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            self.command(*args), capture_output=True, text=True, timeout=timeout_s, check=False, env=client_env()
        )
        if check and result.returncode != 0:
            raise DockerFailed(f"docker {' '.join(args)} exited {result.returncode}:\n{result.stdout}{result.stderr}")
        return result

    def build(self, args: Sequence[str], context: Path | bytes, log: Path, timeout_s: float) -> None:
        """`docker build ARGS -` with a context tar (bytes) or a folder; the output goes to `log`."""
        with log.open("wb") as out:
            source = context if isinstance(context, bytes) else None
            command = self.command("build", *args, "-" if source is not None else str(context))
            result = subprocess.run(
                command, input=source, stdout=out, stderr=subprocess.STDOUT, timeout=timeout_s,
                check=False, env=client_env(),
            )  # fmt: skip
        if result.returncode != 0:
            raise DockerFailed(f"docker build {' '.join(args)} failed; its output ends with:\n{tail(log)}")

    def log_tail(self) -> str:
        return tail(self.log)


def client_env() -> dict[str, str]:
    """The client's environment: the classic builder (no buildx here), and no other daemon's settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKER_")}
    return {**env, "DOCKER_BUILDKIT": "0", "DOCKER_CLI_HINTS": "false"}


def tail(path: Path, chars: int = LOG_TAIL_CHARS) -> str:
    return path.read_text(errors="replace")[-chars:] if path.exists() else ""


def daemon_command(dockerd: str, data_root: Path, run_dir: Path) -> list[str]:
    return [
        dockerd,
        *("--iptables=false", "--ip-masq=false", "--ip-forward=false", "--bridge=none"),
        *("--data-root", str(data_root), "--exec-root", str(run_dir / "exec")),
        *("--pidfile", str(run_dir / "dockerd.pid"), "-H", f"unix://{run_dir / 'docker.sock'}"),
        "--log-level=warn",
    ]


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """One engine per data root: a second one would corrupt the image store."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DockerFailed(f"another test run uses {path.parent} (its lock {path} is held)") from None
        yield


@contextmanager
def running_engine(dockerd: str, client: str, data_root: Path) -> Iterator[Engine]:
    """Start the daemon, wait until it answers, and stop it (and every container it runs) at the end."""
    with locked(data_root.parent / f"{data_root.name}.lock"):
        run_dir = Path(tempfile.mkdtemp(prefix="inferlab-docker-"))  # short: a unix socket path has ~100 bytes
        engine = Engine(client, run_dir / "docker.sock", run_dir / "dockerd.log")
        with engine.log.open("wb") as log:
            daemon = subprocess.Popen(
                daemon_command(dockerd, data_root, run_dir), stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )  # fmt: skip
        try:
            wait_until_up(engine, daemon)
            yield engine
        finally:
            stop(engine, daemon)
            unmount_below(run_dir)
            shutil.rmtree(run_dir, ignore_errors=True)


def wait_until_up(engine: Engine, daemon: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if daemon.poll() is not None:
            raise DockerFailed(f"dockerd exited {daemon.returncode}; its log ends with:\n{engine.log_tail()}")
        with suppress(subprocess.TimeoutExpired):  # the socket answers before the daemon is ready
            if engine.socket.exists() and engine.docker("version", check=False, timeout_s=5).returncode == 0:
                return
        time.sleep(0.5)
    raise DockerFailed(f"dockerd did not answer within {START_TIMEOUT_S:g} s; its log ends with:\n{engine.log_tail()}")


def stop(engine: Engine, daemon: subprocess.Popen) -> None:
    """Remove every container, then SIGTERM the daemon (it stops its containerd); SIGKILL what is left of
    its session (containerd, shims) after that."""
    if daemon.poll() is None:
        with suppress(subprocess.SubprocessError, DockerFailed):
            ids = engine.docker("ps", "--all", "--quiet", timeout_s=30).stdout.split()
            if ids:
                engine.docker("rm", "--force", "--volumes", *ids, timeout_s=120)
    daemon.terminate()
    with suppress(subprocess.TimeoutExpired):
        daemon.wait(STOP_TIMEOUT_S)
    with suppress(ProcessLookupError):  # containerd and shims are in the daemon's session: none may stay
        os.killpg(daemon.pid, signal.SIGKILL)
    daemon.wait()


def unmount_below(folder: Path) -> None:
    """What the daemon left mounted in its folders (it binds the host's network namespace at exec/netns/default)."""
    mounts = [line.split()[4] for line in Path("/proc/self/mountinfo").read_text().splitlines()]
    for mount in sorted((m for m in mounts if m.startswith(f"{folder}/")), key=len, reverse=True):
        subprocess.run(["umount", mount], capture_output=True, check=False, timeout=30)
