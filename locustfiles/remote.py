"""`python -m locustfiles.remote`: one load test on a Locust that is already running, master and workers.

Tilt's "Load test" button runs it in the Locust master's pod (tilt/load-test.sh): the master's workers
run the users, and the master's `/metrics`, which Prometheus scrapes, counts the run as it happens. The
shape (steady, ramp, spike, soak) is played from here over the master's web API: each change of the
plan's users is a `POST /swarm`, the ramp judges each step on the master's live window, and the end is
a `POST /stop`. Then the master's CSVs and HTML report, the windows read each second (as the history
CSV) and the same `summary.json` / `summary.md` as `locustfiles.run` land in `runs/<UTC timestamp>/`.
Exits 0 when the objectives held, 1 when one was missed, 2 when the master could not run the test.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence

from pydantic import Field

from lab import layout
from locustfiles import report
from locustfiles.command import deadline_s
from locustfiles.master_api import Master, MasterError
from locustfiles.remote_files import write_files
from locustfiles.remote_plan import Reading, drive
from locustfiles.run import make_run_directory
from locustfiles.settings import LoadSettings
from locustfiles.shapes import WORKERS_DRAIN_S, Drained, Plan, plan_for
from locustfiles.summary import NoStatistics, summarise

BUSY = ("spawning", "running")


class RemoteSettings(LoadSettings):
    """A load test's settings (`INFERLAB_LOAD_*`), and the master that runs it."""

    master_url: str = Field(
        default_factory=lambda: layout.url("locust"), description="Web UI of the running Locust master."
    )
    workers_wait_s: float = Field(60.0, ge=0, description="Longest wait for a worker to connect to the master.")
    poll_s: float = Field(1.0, gt=0, description="How often the master's live figures are read.")


def wait_until_ready(master: Master, settings: RemoteSettings) -> None:
    """The master answers, runs no test, and (a distributed one) has a worker; bounded."""
    deadline = time.monotonic() + settings.workers_wait_s
    state = master.state()
    while state.workers == 0 and time.monotonic() < deadline:
        time.sleep(settings.poll_s)
        state = master.state()
    if state.workers == 0:
        raise MasterError(f"no worker connected to the master at {master.url} in {settings.workers_wait_s:g} s")
    if state.state in BUSY:
        raise MasterError(f"the master at {master.url} is running a test: stop it in its web UI first")


def drained(plan: Plan) -> Plan:
    """Workers report every 3 s: end with a few seconds at zero users, so their last figures arrive."""
    return plan if isinstance(plan, Drained) else Drained(plan, WORKERS_DRAIN_S)


def play(master: Master, settings: RemoteSettings, plan: Plan) -> list[Reading]:
    master.reset()
    try:
        return drive(master, plan, settings.poll_s, deadline_s(settings))
    finally:
        master.stop()


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    settings = RemoteSettings(_cli_parse_args=arguments, _cli_prog_name="python -m locustfiles.remote")
    master, plan = Master(settings.master_url), drained(plan_for(settings))
    try:
        wait_until_ready(master, settings)
        run_dir = make_run_directory(settings.runs_dir)
        print(f"load test: {settings.shape}, {settings.users} users on {master.url} -> {run_dir}", flush=True)
        write_files(master, run_dir, plan, play(master, settings, plan), settings.poll_s)
        summary = summarise(run_dir, settings)
    except (MasterError, NoStatistics) as exc:
        print(f"load test not run: {exc}", file=sys.stderr)
        return 2
    print(report.write(run_dir, summary, settings), flush=True)
    return 0 if summary.passed else 1


if __name__ == "__main__":
    sys.exit(main())
