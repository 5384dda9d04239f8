"""`python -m locustfiles.worker [locust options]`: a Locust worker that comes back whenever it ends.

A worker exits when its master quits (the master sends `quit` as it stops, exit code 0) or loses it
for a minute; a restarted master (a live update, a new pod) would then have no worker until someone
restarts the worker's pod. This keeps one `locust --worker` running: whatever its exit code, it is
started again after a pause, and it connects to whichever master answers. SIGTERM or SIGINT stop the
worker and this loop, so a pod or `watchfiles` still stops it at once.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from locustfiles.command import LOCUSTFILE
from locustfiles.settings import REPO

log = logging.getLogger("locustfiles.worker")
RESTART_PAUSE_S = 2.0  # a master that is still starting refuses; a worker that cannot start does not spin
STOP_TIMEOUT_S = 20.0


def worker_command(arguments: Sequence[str], python: str = sys.executable) -> list[str]:
    return [python, "-m", "locust", "-f", str(LOCUSTFILE), "--worker", *arguments]


class Supervisor:
    """Runs the worker again each time it ends, until told to stop."""

    def __init__(self, command: Sequence[str], pause_s: float = RESTART_PAUSE_S) -> None:
        self.command = list(command)
        self.pause_s = pause_s
        self.stopping = threading.Event()
        self.process: subprocess.Popen[bytes] | None = None

    def stop(self, signum: int = signal.SIGTERM, _frame: FrameType | None = None) -> None:
        """Stop the loop and pass the signal on; a worker still running after STOP_TIMEOUT_S is killed."""
        self.stopping.set()
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signum)
            killer = threading.Timer(STOP_TIMEOUT_S, self.process.kill)
            killer.daemon = True
            killer.start()

    def run(self) -> int:
        while not self.stopping.is_set():
            self.process = subprocess.Popen(self.command, cwd=REPO)
            if self.stopping.is_set():  # told to stop while this one was starting
                self.process.terminate()
            code = self.process.wait()
            if not self.stopping.is_set():
                log.warning("the Locust worker ended (exit code %s): starting it again in %g s", code, self.pause_s)
                self.stopping.wait(self.pause_s)
        return 0


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    supervisor = Supervisor(worker_command(sys.argv[1:] if argv is None else argv))
    signal.signal(signal.SIGTERM, supervisor.stop)
    signal.signal(signal.SIGINT, supervisor.stop)
    return supervisor.run()


if __name__ == "__main__":
    sys.exit(main())
