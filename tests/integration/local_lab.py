"""The local lab as `make up` runs it (honcho on the Procfile), on a scratch copy of the repository.

The copy holds the repository's files (committed and new, as `git ls-files` lists them), the test's
virtualenv linked in as `.venv` (the Procfile runs `.venv/bin/python`), and a `lab.json` of free ports,
so the lab runs beside anything on the default ports and its `data/` is the copy's own. It is started
in a session of its own and stopped as Ctrl-C stops it: SIGINT to the whole foreground group.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.live import REPO, free_port

READY_LINE = "inferlab is"  # the console's headline: "inferlab is up" or "inferlab is partly up"
NOT_COPIED = (".venv", "data", "runs", "build", ".cache")


def copy_repository(target: Path) -> None:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if name.split("/", 1)[0] in NOT_COPIED or not source.is_file():
            continue  # a file deleted in the work tree is still listed until the change is staged
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target / name)
    (target / ".venv").symlink_to(Path(sys.prefix))


def free_ports(lab_file: Path) -> dict[str, int]:
    """Give every component of the copy's `lab.json` a free port; answer them by component."""
    layout = json.loads(lab_file.read_text())
    for name, spec in layout.items():
        if not name.startswith("_"):
            spec["port"] = free_port()
    lab_file.write_text(json.dumps(layout, indent=1))
    return {name: spec["port"] for name, spec in layout.items() if not name.startswith("_")}


def lab_environment(**settings: str) -> dict[str, str]:
    """The shell's environment without its INFERLAB_* and MLflow settings, nor pytest's, plus these.

    PYTEST_CURRENT_TEST must go: NiceGUI takes it as its own screen test and waits for a port it sets.
    """
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("INFERLAB_", "MLFLOW_", "PYTEST_", "NICEGUI_"))}
    return kept | {"PYTHONUNBUFFERED": "1"} | settings


@dataclass
class LocalLab:
    root: Path
    ports: dict[str, int]
    log: Path
    process: subprocess.Popen

    def url(self, component: str) -> str:
        return f"http://127.0.0.1:{self.ports[component]}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def lines_of(self, name: str) -> list[str]:
        """What one Procfile process printed (honcho prefixes `name.1 | `)."""
        return [line.split("| ", 1)[1] for line in self.output().splitlines() if f" {name}.1 " in line and "| " in line]

    def python(self, *args: str, timeout_s: float = 120, **settings: str) -> subprocess.CompletedProcess:
        """A command of the README (`make canary`, a promote) run in the copy, as a user runs it."""
        command = [str(self.root / ".venv" / "bin" / "python"), *args]
        return subprocess.run(
            command, cwd=self.root, env=lab_environment(**settings), capture_output=True, text=True, timeout=timeout_s
        )

    def processes(self) -> list[str]:
        """Every process still running from the copy (its working directory), honcho's own included."""
        found = []
        for proc in Path("/proc").iterdir():
            with suppress(OSError):
                if proc.name.isdigit() and Path(os.readlink(proc / "cwd")) == self.root:
                    command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                    found.append(f"{proc.name}: {command}")
        return found

    def stop(self, timeout_s: float) -> float:
        """Ctrl-C: SIGINT to the foreground group; seconds until no process of the copy is left."""
        started = time.monotonic()
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGINT)
        while self.processes() and time.monotonic() - started < timeout_s:
            time.sleep(0.1)
        return time.monotonic() - started

    def kill(self) -> None:
        """Whatever is left after a failed stop, so that nothing outlives the test."""
        for line in self.processes():
            with suppress(ProcessLookupError):
                os.kill(int(line.split(":", 1)[0]), signal.SIGKILL)
        with suppress(subprocess.TimeoutExpired):
            self.process.wait(5)


def wait_for(condition: Any, timeout_s: float, every_s: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every_s)
    return bool(condition())


@contextmanager
def local_lab(root: Path, ready_timeout_s: float, **settings: str) -> Iterator[LocalLab]:
    """`make up` on a copy under `root`, yielded once the console printed its block (or failing if not)."""
    copy_repository(root)
    ports = free_ports(root / "lab.json")
    log = root / "honcho.log"
    honcho = str(root / ".venv" / "bin" / "honcho")
    with log.open("wb") as output:
        process = subprocess.Popen(
            [honcho, "--procfile", "Procfile", "start"],
            cwd=root,
            env=lab_environment(**settings),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    lab = LocalLab(root, ports, log, process)
    try:
        if not wait_for(lambda: READY_LINE in lab.output() or process.poll() is not None, ready_timeout_s):
            raise AssertionError(f"the console printed no block in {ready_timeout_s} s:\n{lab.output()[-4000:]}")
        if process.poll() is not None:
            raise AssertionError(f"honcho ended ({process.returncode}):\n{lab.output()[-4000:]}")
        yield lab
    finally:
        if lab.processes():
            lab.stop(15)
        lab.kill()
