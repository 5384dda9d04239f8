"""`summary.json` for machines and `summary.md` for people, written next to Locust's own files."""

from __future__ import annotations

import json
from pathlib import Path

from locustfiles.settings import LoadSettings
from locustfiles.summary import Row, Summary


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"


def _table(rows: list[Row]) -> list[str]:
    lines = [
        "| request | requests | failures | rate (req/s) | p50 (ms) | p95 (ms) | p99 (ms) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        name = f"{row.method} {row.name}".strip()
        lines.append(
            f"| {name} | {row.requests} | {row.failures} | {row.rate:.2f} "
            f"| {_ms(row.p50_ms)} | {_ms(row.p95_ms)} | {_ms(row.p99_ms)} |"
        )
    return lines


def _ramp(summary: Summary) -> list[str]:
    lines = ["", "Ramp steps (judged on the last ~10 s of each):", ""]
    for step in summary.steps:
        verdict = "held" if step.held else "broke"
        lines.append(f"- {step.users} users: {step.rate:.2f} req/s, p95 {_ms(step.p95_ms)} ms, {verdict}")
    knee = summary.knee
    found = f"{knee.rate:.2f} req/s at {knee.users} users (p95 {_ms(knee.p95_ms)} ms)" if knee else "none"
    return [*lines, "", f"**Knee** (highest rate that held): {found}"]


def markdown(summary: Summary, settings: LoadSettings) -> str:
    total = summary.total
    verdict = "passed" if summary.passed else "FAILED: " + "; ".join(summary.breaches)
    lines = [
        f"# Load test: {summary.shape}, {settings.users} users against {settings.host}",
        "",
        f"**{total.rate:.2f} req/s**, p50 {_ms(total.p50_ms)} ms, p95 {_ms(total.p95_ms)} ms, "
        f"p99 {_ms(total.p99_ms)} ms, {total.failures} failures of {total.requests} "
        f"({total.failure_ratio:.2%}). Objectives: p95 <= {settings.max_p95_ms:g} ms, "
        f"failures <= {settings.max_failure_ratio:.2%}: **{verdict}**.",
        "",
        *_table([*summary.rows, total]),
    ]
    if summary.shape == "ramp":
        lines += _ramp(summary)
    if summary.drift_p95_ms:
        first, last = summary.drift_p95_ms
        lines += ["", f"Soak drift: windowed p95 {first:g} ms in the first tenth, {last:g} ms in the last."]
    return "\n".join(lines) + "\n"


def write(run_dir: Path, summary: Summary, settings: LoadSettings) -> str:
    """Write both summaries; answer the Markdown one (to print)."""
    document = {"settings": settings.model_dump(mode="json"), **summary.to_json()}
    (run_dir / "summary.json").write_text(json.dumps(document, indent=2) + "\n")
    text = markdown(summary, settings)
    (run_dir / "summary.md").write_text(text)
    return text
