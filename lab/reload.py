"""`python -m lab.reload PATH... -- COMMAND...`: run COMMAND, and again whenever a Python file under PATH changes.

The Procfile runs the service, the UI and Locust through this, so `make up` reloads an edit within about
two seconds, as Tilt does in the cluster. With `INFERLAB_RELOAD=false` (Tilt's local mode, which
restarts on its own `deps`) it becomes COMMAND at once. A stop signal stops COMMAND too.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from watchfiles import PythonFilter, run_process
from watchfiles.main import FileChange

from lab.settings import ReloadSettings

USAGE = "usage: python -m lab.reload PATH... -- COMMAND..."
STOP_TIMEOUT_S = 4  # below honcho's 5 s before it kills the lab's process groups


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


def announce(command: list[str]) -> Callable[[set[FileChange]], None]:
    def changed(changes: set[FileChange]) -> None:
        files = sorted({Path(path).name for _, path in changes})
        print(f"reloading `{shlex.join(command)}`: {', '.join(files)} changed", flush=True)

    return changed


def main(argv: Sequence[str] | None = None) -> int:
    paths, command = split(sys.argv[1:] if argv is None else argv)
    if not ReloadSettings().reload:
        os.execvp(command[0], command)
    run_process(
        *paths,
        target=shlex.join(command),
        target_type="command",
        watch_filter=PythonFilter(),
        callback=announce(command),
        sigint_timeout=STOP_TIMEOUT_S,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
