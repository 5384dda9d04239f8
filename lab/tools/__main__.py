"""`python -m lab.tools prometheus|grafana|pushgateway`: run one of the lab's observability tools, or wait.

Started by the Procfile (`make up`). The binary on PATH is used when there is one; else the tool's
official release, fetched and verified once into `.cache/tools/` (`finder.py`). When the tool can
start, this process becomes it (exec), so honcho's signals reach the tool itself; when it cannot,
this says why in one line and waits for the stop signal.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from lab import layout
from lab.tools.finder import ToolFinder
from lab.tools.grafana import grafana_launch
from lab.tools.launch import DATA, Launch, port_taken
from lab.tools.prometheus import prometheus_launch
from lab.tools.pushgateway import pushgateway_launch
from lab.tools.settings import ToolsSettings

LAUNCHES = {"prometheus": prometheus_launch, "grafana": grafana_launch, "pushgateway": pushgateway_launch}


def wait_for_stop() -> int:
    """Block until SIGTERM or SIGINT, then answer 0: a skipped tool is not a failed lab."""
    stops = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, stops)
    signal.sigwait(stops)
    return 0


def checked(launch: Launch) -> Launch:
    """The launch, or a skipped one when its port is already taken (it would exit at once)."""
    if launch.skipped or not port_taken(launch.port):
        return launch
    hint = "stop whatever listens there (Debian's packages start a service: `systemctl disable --now <name>`)"
    return Launch(launch.tool, launch.port, skipped=f"127.0.0.1:{launch.port} is already taken", hint=hint)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lab.tools", description=__doc__)
    parser.add_argument("tool", choices=sorted(LAUNCHES))
    settings = ToolsSettings()
    finder = ToolFinder(settings)
    launch = LAUNCHES[parser.parse_args(argv).tool](which=finder, data=settings.data_dir)
    if launch.skipped and finder.problems:
        launch = dataclasses.replace(launch, skipped=f"{launch.skipped}; {'; '.join(finder.problems)}")
    return run(launch, settings.data_dir)


def run(launch: Launch, data: Path = DATA) -> int:
    """Become the tool (exec, so honcho's signals reach it), or say why not and wait."""
    launch = checked(launch)
    note = layout.skip_note(launch.tool, data)
    note.unlink(missing_ok=True)
    if launch.skipped:
        message = f"{launch.tool} skipped: {launch.skipped}. To run it: {launch.hint}."
        note.parent.mkdir(parents=True, exist_ok=True)
        note.write_text(message + "\n")
        print(f"{message} The rest of the lab runs on.", flush=True)
        return wait_for_stop()
    for directory in launch.directories:
        directory.mkdir(parents=True, exist_ok=True)
    for path, text in launch.files.items():
        path.write_text(text)
    print(f"{launch.tool} on http://127.0.0.1:{launch.port}: {' '.join(launch.command)}", flush=True)
    os.execve(launch.command[0], launch.command, {**os.environ, **launch.env})
    return 1  # not reached: exec replaces this process


if __name__ == "__main__":
    sys.exit(main())
