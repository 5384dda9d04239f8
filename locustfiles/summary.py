"""A run's verdict from the files Locust left: rate, p50/p95/p99, failures, the ramp's knee, the thresholds.

Reads `locust_stats.csv` (whole-run figures), `locust_exceptions.csv` (errors in the users' own code),
`locust_stats_history.csv` (the soak's drift) and `ramp_steps.json` (what the ramp shape decided on),
so a summary can be recomputed from a run directory at any time.
"""

from __future__ import annotations

import csv
import json
import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from locustfiles.ramp import Step, knee
from locustfiles.settings import LoadSettings

PREFIX = "locust"
STEPS_FILE = "ramp_steps.json"
AGGREGATED = "Aggregated"


class NoStatistics(Exception):
    """Locust left no figures (it failed before the run); the message says where to look."""


@dataclass(frozen=True)
class Row:
    """One line of Locust's stats CSV, in the units we report."""

    method: str
    name: str
    requests: int
    failures: int
    rate: float
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None

    @property
    def failure_ratio(self) -> float:
        return self.failures / self.requests if self.requests else 0.0


@dataclass
class Summary:
    shape: str
    total: Row
    rows: list[Row]
    exceptions: int = 0
    steps: list[Step] = field(default_factory=list)
    knee: Step | None = None
    drift_p95_ms: tuple[float, float] | None = None
    breaches: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.breaches

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "failure_ratio": self.total.failure_ratio, "passed": self.passed}


def _number(text: str) -> float | None:
    return None if text in ("", "N/A") else float(text)


def read_rows(path: Path) -> list[Row]:
    with path.open(newline="") as file:
        return [
            Row(
                method=line["Type"],
                name=line["Name"],
                requests=int(line["Request Count"]),
                failures=int(line["Failure Count"]),
                rate=float(line["Requests/s"]),
                p50_ms=_number(line["50%"]),
                p95_ms=_number(line["95%"]),
                p99_ms=_number(line["99%"]),
            )
            for line in csv.DictReader(file)
        ]


def count_exceptions(path: Path) -> int:
    if not path.exists():
        return 0
    with path.open(newline="") as file:
        return sum(int(line["Count"]) for line in csv.DictReader(file))


def read_steps(path: Path) -> list[Step]:
    return [Step(**step) for step in json.loads(path.read_text())] if path.exists() else []


def drift(history: Path) -> tuple[float, float] | None:
    """Median windowed p95 of the first and of the last tenth of the run: does latency creep up?"""
    if not history.exists():
        return None
    with history.open(newline="") as file:
        p95s = [_number(line["95%"]) for line in csv.DictReader(file) if line["Name"] == AGGREGATED]
    values = [p for p in p95s if p]  # Locust writes 0 (or N/A) while a window has no answer yet
    if len(values) < 2:
        return None
    tenth = max(1, len(values) // 10)
    return statistics.median(values[:tenth]), statistics.median(values[-tenth:])


def breaches(summary: Summary, settings: LoadSettings) -> list[str]:
    """The objectives this run missed; the ramp is judged by its knee (its last step breaks by design)."""
    total, found = summary.total, []
    if total.requests == 0:
        return ["no request was made"]
    if total.failure_ratio > settings.max_failure_ratio:
        found.append(f"failure ratio {total.failure_ratio:.2%} > {settings.max_failure_ratio:.2%}")
    if summary.exceptions:
        found.append(f"{summary.exceptions} exceptions in the users' code (see locust_exceptions.csv)")
    if summary.shape == "ramp":
        if summary.knee is None:
            found.append(f"no ramp step held p95 <= {settings.max_p95_ms:g} ms")
    elif total.p95_ms is not None and total.p95_ms > settings.max_p95_ms:
        found.append(f"p95 {total.p95_ms:g} ms > {settings.max_p95_ms:g} ms")
    return found


def summarise(run_dir: Path, settings: LoadSettings) -> Summary:
    stats = run_dir / f"{PREFIX}_stats.csv"
    rows = read_rows(stats) if stats.exists() else []
    total = next((row for row in rows if row.name == AGGREGATED), None)
    if total is None:
        raise NoStatistics(f"Locust wrote no statistics in {run_dir}: see locust.log there")
    steps = read_steps(run_dir / STEPS_FILE)
    summary = Summary(
        shape=settings.shape,
        total=total,
        rows=[row for row in rows if row is not total],
        exceptions=count_exceptions(run_dir / f"{PREFIX}_exceptions.csv"),
        steps=steps,
        knee=knee(steps),
        drift_p95_ms=drift(run_dir / f"{PREFIX}_stats_history.csv") if settings.shape == "soak" else None,
    )
    summary.breaches = breaches(summary, settings)
    return summary
