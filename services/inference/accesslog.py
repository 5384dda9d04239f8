"""Access-log lines that say nothing new: Prometheus's scrapes, health probes, registry polls.

A scrape every few seconds and a probe every few more would bury the lines a person reads. They are
dropped unless `INFERLAB_LOG_PROBES` is set; every other request is still logged.
"""

from __future__ import annotations

import logging

PROBE_PATHS = frozenset({"/metrics", "/v2/health/live", "/v2/health/ready"})
# The registry watcher's polls, one line each; urllib3 (MLflow's client) warns of every retry while the
# registry starts, which the watcher already reports as "waiting for ...".
QUIET_LOGGERS = {"httpx": logging.WARNING, "httpcore": logging.WARNING, "urllib3": logging.ERROR}


def probe_path(record: logging.LogRecord) -> str | None:
    """The path of a uvicorn access-log record (client, method, path, version, status), or None."""
    args = record.args
    if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
        return args[2].partition("?")[0]
    return None


class ProbeFilter(logging.Filter):
    """Drops access-log records of probe paths."""

    def filter(self, record: logging.LogRecord) -> bool:
        return probe_path(record) not in PROBE_PATHS


def quiet_probes(log_probes: bool) -> None:
    """Unless `log_probes`, no access line for probes and no line per registry poll."""
    if log_probes:
        return
    logging.getLogger("uvicorn.access").addFilter(ProbeFilter())
    for name, level in QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(level)
