"""The lab's console: one block of where to click once all is ready, what is missing and why, then a watch."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from lab import console, layout
from lab.settings import ConsoleSettings

ALL = set(layout.components())


def test_the_block_lists_every_door_with_its_url_when_all_is_ready() -> None:
    text = console.block(ALL, {}, 42.0)
    assert f"inferlab is up: {len(ALL)} of {len(ALL)} components ready after 42 s" in text
    for door in console.DOORS:
        assert door.title in text
    assert f"{layout.url('service')}/schema/swagger" in text
    assert "data/grafana/admin-password" in text
    assert "Not running" not in text and "Ctrl-C" in text


def test_the_block_says_what_is_missing_and_why() -> None:
    reason = "grafana skipped: neither `grafana` nor `grafana-server` on PATH. To run it: install it."
    text = console.block(ALL - {"grafana", "locust"}, {"grafana": reason}, 300.0)
    up, missing = text.split("Not running:")
    assert "inferlab is partly up" in up and layout.url("grafana") not in up
    assert reason in missing
    assert f"not ready at {layout.url('locust')}/: see its lines above" in missing


def test_skip_notes_of_a_past_run_are_ignored(tmp_path: Path) -> None:
    for tool in ("grafana", "pushgateway"):
        note = layout.skip_note(tool, tmp_path)
        note.parent.mkdir(parents=True, exist_ok=True)
        note.write_text(f"{tool} skipped: why\n")
    past = time.time() - 3600
    os.utime(layout.skip_note("pushgateway", tmp_path), (past, past))
    assert console.skip_notes(tmp_path, since=time.time()) == {"grafana": "grafana skipped: why"}


def settings(tmp_path: Path, **changes: float) -> ConsoleSettings:
    return ConsoleSettings(data_dir=tmp_path, **{"wait_s": 5.0, "poll_s": 0.01, "watch_s": 0.01, **changes})


def test_the_wait_ends_when_every_component_is_ready_or_skipped(tmp_path: Path) -> None:
    note = layout.skip_note("grafana", tmp_path)
    note.parent.mkdir(parents=True)
    note.write_text("grafana skipped: why\n")
    calls: list[str] = []

    def check(name: str) -> bool:
        calls.append(name)
        return len(calls) > 3 * len(ALL)  # nothing is ready for the first rounds

    ready, skipped = console.wait_for_lab(check, settings(tmp_path), threading.Event(), time.time())
    assert ready == ALL - {"grafana"} and set(skipped) == {"grafana"}
    assert "grafana" not in calls, "a skipped tool is not probed"


def test_the_wait_gives_up_after_its_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a clock of the test's own: each pause between checks moves it by poll_s, and no more is waited."""

    class Clock:
        now = 0.0

        def monotonic(self) -> float:
            return self.now

    class Pauses:
        """Stands in for the stop event: a pause moves the clock instead of waiting."""

        def __init__(self) -> None:
            self.count = 0

        def wait(self, timeout: float | None = None) -> bool:
            self.count += 1
            clock.now += timeout or 0.0
            return False

    clock, pauses = Clock(), Pauses()
    monkeypatch.setattr(console, "time", clock)
    ready, skipped = console.wait_for_lab(
        lambda name: name == "ui",
        settings(tmp_path, wait_s=1.0, poll_s=0.25),  # exact in binary
        pauses,  # type: ignore[arg-type]
        time.time(),
    )
    assert (ready, skipped) == ({"ui"}, {})
    assert pauses.count == 4 and clock.now == 1.0  # gave up at the deadline, not before or after


class Rounds:
    """Stands in for the stop event: each wait is one round of the watch; the last one stops it."""

    def __init__(self, *answers: set[str]) -> None:
        self.answers, self.round = answers, -1

    def wait(self, timeout: float | None = None) -> bool:
        self.round += 1
        return self.round >= len(self.answers)

    def check(self, name: str) -> bool:
        return name in self.answers[self.round]


def test_the_watch_names_what_stops_and_what_comes_back(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    rounds = Rounds(ALL - {"ui"}, ALL - {"ui"}, ALL)
    console.watch(rounds.check, set(ALL), settings(tmp_path), rounds)  # type: ignore[arg-type]
    out = capsys.readouterr().out.splitlines()
    assert out == [f"ui stopped answering at {layout.url('ui')}/healthz", f"ui is ready at {layout.url('ui')}"]
