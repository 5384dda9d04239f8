"""`locustfiles.run.main` end to end, with Locust replaced by a copy of a real run's files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from locustfiles import run
from locustfiles.settings import LoadSettings
from tests.locustfiles.conftest import DATA


def fake_locust(source: str | None, code: int = 0):
    def run_locust(settings: LoadSettings, run_dir: Path) -> int:
        if source:
            shutil.copytree(DATA / source, run_dir, dirs_exist_ok=True)
        return code

    return run_locust


def only_run(runs_dir: Path) -> Path:
    [run_dir] = runs_dir.iterdir()
    return run_dir


def test_a_passing_run_exits_0_and_leaves_its_summaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(run, "run_locust", fake_locust("passing", code=0))
    assert run.main(["--runs-dir", str(tmp_path), "--users", "4"]) == 0
    run_dir = only_run(tmp_path)
    assert json.loads((run_dir / "summary.json").read_text())["passed"] is True
    assert "**passed**" in capsys.readouterr().out


@pytest.mark.parametrize(("source", "code"), [("failing", 1), ("passing", 2), (None, 1)])
def test_breaches_a_crashed_locust_or_no_statistics_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str | None, code: int
) -> None:
    monkeypatch.setattr(run, "run_locust", fake_locust(source, code))
    assert run.main(["--runs-dir", str(tmp_path)]) == 1


def test_two_runs_in_one_second_get_two_directories(tmp_path: Path) -> None:
    first, second = run.make_run_directory(tmp_path), run.make_run_directory(tmp_path)
    assert first != second and first.is_dir() and second.is_dir()
