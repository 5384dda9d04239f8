from __future__ import annotations

import json
import shutil
from pathlib import Path

from locustfiles import report
from locustfiles.ramp import Step
from locustfiles.settings import LoadSettings
from locustfiles.summary import summarise
from tests.locustfiles.conftest import DATA


def test_both_summaries_are_written_and_agree(tmp_path: Path, settings: LoadSettings) -> None:
    run_dir = Path(shutil.copytree(DATA / "failing", tmp_path / "run"))
    summary = summarise(run_dir, settings)
    text = report.write(run_dir, summary, settings)
    document = json.loads((run_dir / "summary.json").read_text())
    assert (run_dir / "summary.md").read_text() == text
    assert document["passed"] is False
    assert document["total"]["requests"] == 53
    assert document["settings"]["users"] == 4
    assert document["breaches"] == summary.breaches
    assert "**8.71 req/s**, p50 5 ms, p95 290 ms, p99 1200 ms, 6 failures of 53 (11.32%)" in text
    assert "FAILED: failure ratio 11.32% > 1.00%" in text
    assert "| POST /v2/models/[model]/infer (fp32) | 6 | 6 |" in text


def test_a_ramp_summary_lists_its_steps_and_the_knee(settings: LoadSettings) -> None:
    summary = summarise(DATA / "passing", settings.model_copy(update={"shape": "ramp"}))
    summary.steps = [Step(2, 9.5, 12, 0, True), Step(4, 3.0, 900, 0.2, False)]
    summary.knee = summary.steps[0]
    text = report.markdown(summary, settings)
    assert "- 4 users: 3.00 req/s, p95 900 ms, broke" in text
    assert "**Knee** (highest rate that held): 9.50 req/s at 2 users (p95 12 ms)" in text
