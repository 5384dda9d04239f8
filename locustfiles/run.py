"""`python -m locustfiles.run`: one headless load test that leaves its evidence in `runs/<UTC timestamp>/`.

Locust's CSVs (whole run and full history), its HTML report and log, then `summary.json` and
`summary.md`. Exits 1 when an objective is missed (failure ratio, p95; the ramp: no step held) or
Locust itself failed. Settings come from `INFERLAB_LOAD_*` variables or the flags (`--help`).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from locustfiles import report
from locustfiles.command import deadline_s, headless_command, run_directory
from locustfiles.settings import REPO, LoadSettings, as_environment
from locustfiles.summary import NoStatistics, summarise


def make_run_directory(runs_dir: Path) -> Path:
    run_dir = run_directory(runs_dir)
    for attempt in range(1, 100):  # two runs in one second get -2, -3, ...
        try:
            run_dir.mkdir(parents=True)
            return run_dir
        except FileExistsError:
            run_dir = run_dir.with_name(f"{run_directory(runs_dir).name}-{attempt + 1}")
    raise FileExistsError(f"too many runs in one second under {runs_dir}")


def run_locust(settings: LoadSettings, run_dir: Path) -> int:
    """Run Locust to its end (bounded: SIGTERM after the deadline, then SIGKILL); answer its exit code."""
    environment = {**os.environ, **as_environment(settings.model_copy(update={"report_dir": run_dir}))}
    command = headless_command(settings, run_dir)
    process = subprocess.Popen(command, cwd=REPO, env=environment, start_new_session=True)
    try:
        return process.wait(timeout=deadline_s(settings))
    except subprocess.TimeoutExpired:
        print(f"locust ran past {deadline_s(settings):g} s: stopping it", file=sys.stderr)
        os.killpg(process.pid, signal.SIGTERM)
        try:
            return process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            return process.wait()


def log_tail(run_dir: Path, lines: int = 15) -> str:
    log = run_dir / "locust.log"
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else "(no log)"


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    settings = LoadSettings(_cli_parse_args=arguments, _cli_prog_name="python -m locustfiles.run")
    run_dir = make_run_directory(settings.runs_dir)
    print(f"load test: {settings.shape}, {settings.users} users against {settings.host} -> {run_dir}", flush=True)
    code = run_locust(settings, run_dir)
    try:
        summary = summarise(run_dir, settings)
    except NoStatistics as exc:
        print(f"{exc} (exit code {code}); it ends with:\n{log_tail(run_dir)}", file=sys.stderr)
        return 1
    if code > 1:  # 1 only says some request failed, which the thresholds judge
        summary.breaches.append(f"locust exited with code {code} (see locust.log)")
    print(report.write(run_dir, summary, settings), flush=True)
    return 0 if summary.passed else 1


if __name__ == "__main__":
    sys.exit(main())
