"""What the commands print: short lines and a status table, built from results (pure functions)."""

from __future__ import annotations

import time
from collections.abc import Sequence

from services.registry.aliases import VersionRow
from services.registry.canary import CanaryResult
from services.registry.register import Registered


def registered_line(name: str, registered: Registered, alias: str | None) -> str:
    where = f" @{alias}" if alias else ""
    return f"registered {name} v{registered.version}{where} ({registered.variant}): {registered.scores.summary()}"


def status_table(name: str, tracking_uri: str, rows: Sequence[VersionRow]) -> str:
    if not rows:
        return f"{name} at {tracking_uri}: no versions (run `python -m services.registry bootstrap`)"
    lines = [
        f"{name} at {tracking_uri}",
        f"{'version':<8} {'variant':<8} {'aliases':<20} {'top-1':>6} {'agree':>6}  created",
    ]
    lines += [_status_line(row) for row in rows]
    return "\n".join(lines)


def _status_line(row: VersionRow) -> str:
    created = time.strftime("%Y-%m-%d %H:%M", time.localtime(row.created_ms / 1000))
    aliases = ", ".join(row.aliases) or "-"
    scores = f"{_percent(row.accuracy):>6} {_percent(row.agreement):>6}"
    return f"{row.version:<8} {row.variant:<8} {aliases:<20} {scores}  {created}"


def canary_summary(result: CanaryResult, min_accuracy: float) -> str:
    model, version = result.served
    latency = ", ".join(
        f"p{level * 100:g} {seconds * 1000:.1f} ms" for level, seconds in result.latency_quantiles().items()
    )
    verdict = "ok" if result.accuracy >= min_accuracy else f"FAILED (under {min_accuracy:.0%})"
    requests = f"{len(result.answers)} requests ({result.failed} failed)"
    lines = [
        f"canary of {model}/{version} at {result.service_url}: {verdict}",
        f"top-1 accuracy {result.accuracy:.0%} over {requests}; latency {latency or '-'}",
    ]
    if len(result.versions_seen) > 1:
        lines.append(f"several versions answered: {', '.join(result.versions_seen)}")
    return "\n".join(lines)


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"
