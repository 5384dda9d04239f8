"""`python -m lab.reload PATH... -- COMMAND...`: run COMMAND, and again whenever a Python file under PATH changes.

The Procfile runs the service, the UI and Locust through this, so `make up` reloads an edit within about
two seconds, as Tilt does in the cluster. With `INFERLAB_RELOAD=false` (Tilt's local mode, which
restarts on its own `deps`) it becomes COMMAND at once. A stop signal stops COMMAND too. Once the watch is
set up it says so (`watching PATH... for edits of Python files`): edits from then on restart COMMAND.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from watchfiles import PythonFilter, watch

from lab.settings import ReloadSettings

USAGE = "usage: python -m lab.reload PATH... -- COMMAND..."
STOP_TIMEOUT_S = 4.0  # below honcho's 5 s before it kills the lab's process groups


def split(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """The watched paths and the command, either side of `--`; both must be there."""
    if "--" not in argv:
        raise SystemExit(USAGE)
    at = list(argv).index("--")
    paths, command = list(argv[:at]), list(argv[at + 1 :])
    if not paths or not command:
        raise SystemExit(USAGE)
    missing = [path for path in paths if not Path(path).exists()]
    if missing:
        raise SystemExit(f"lab.reload: no such path to watch: {', '.join(missing)}")
    return paths, command


def start(command: list[str]) -> subprocess.Popen:
    """The command in a session of its own: only this process signals it, once (a second SIGINT would make
    uvicorn skip its graceful shutdown)."""
    return subprocess.Popen(command, start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL if it has not ended within STOP_TIMEOUT_S."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def supervise(paths: list[str], command: list[str], stopping: threading.Event) -> int:
    """Run `command`; restart it after each edit of a Python file under `paths`; stop it when `stopping` is set."""
    process, reported, watching = start(command), False, False
    changes_or_ticks = watch(
        *paths,
        watch_filter=PythonFilter(),
        stop_event=stopping,
        raise_interrupt=False,
        rust_timeout=1_000,
        yield_on_timeout=True,
    )
    try:
        for changes in changes_or_ticks:
            if not changes:  # a tick: say once if the command ended by itself (a crash waits for a fix)
                if not watching:  # the first tick: the watch is set up, edits from now on restart the command
                    print(f"watching {', '.join(paths)} for edits of Python files", flush=True)
                    watching = True
                if process.poll() is not None and not reported:
                    print(f"`{shlex.join(command)}` exited ({process.returncode}); it restarts on the next edit")
                    reported = True
                continue
            files = sorted({Path(path).name for _, path in changes})
            print(f"reloading `{shlex.join(command)}`: {', '.join(files)} changed", flush=True)
            stop(process)
            process, reported = start(command), False
    finally:
        stop(process)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    paths, command = split(sys.argv[1:] if argv is None else argv)
    if not ReloadSettings().reload:
        os.execvp(command[0], command)
    stopping = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopping.set())
    return supervise(paths, command, stopping)


if __name__ == "__main__":
    sys.exit(main())
