"""`canary --every`: wait for the service, then check on a schedule until stopped; a bad round is not fatal."""

from __future__ import annotations

import os
import signal
import threading

import httpx
import pytest

from services.registry import cli, commands
from services.registry.errors import OK, RegistryError
from services.registry.schedule import run_every, stop_on_signals, wait_until_ready
from telemetry.canary import SCHEDULE_S
from tests.live import free_port
from tests.ui.stub import Reply, stub_server


def stopped_after(seconds: float) -> threading.Event:
    stop = threading.Event()
    threading.Timer(seconds, stop.set).start()
    return stop


def test_a_ready_service_is_seen_at_once() -> None:
    with stub_server(Reply(200, {})) as url, httpx.Client(timeout=2) as http:
        assert wait_until_ready(http, url, threading.Event(), poll_s=0.05)


@pytest.mark.parametrize("status", [503, None], ids=["not ready", "nothing listening"])
def test_a_service_never_ready_waits_until_stopped(status: int | None) -> None:
    with stub_server(Reply(status or 200, {})) as stub, httpx.Client(timeout=2) as http:
        url = stub if status else f"http://127.0.0.1:{free_port()}"
        assert not wait_until_ready(http, url, stopped_after(0.3), poll_s=0.05)


def test_rounds_go_on_after_a_failed_one(capsys) -> None:
    stop, rounds = threading.Event(), []

    def check() -> int:
        rounds.append(len(rounds))
        if len(rounds) == 1:
            raise RegistryError("the service went away")
        if len(rounds) == 3:
            stop.set()
        return OK

    assert run_every(check, 0.0, stop) == 0
    assert rounds == [0, 1, 2]
    captured = capsys.readouterr()
    assert "error: the service went away" in captured.err
    assert captured.out.count("canary round done (exit code 0)") == 2


def test_a_stop_signal_sets_the_event_and_the_handler_comes_back() -> None:
    before = signal.getsignal(signal.SIGTERM)
    with stop_on_signals() as stop:
        os.kill(os.getpid(), signal.SIGTERM)
        assert stop.wait(2.0)
    assert signal.getsignal(signal.SIGTERM) is before


def test_every_checks_on_the_cronjobs_schedule_unless_told_otherwise() -> None:
    assert (cli.parse_args(["canary", "--every"]).canary.model_dump()) == {"every": True, "interval_s": SCHEDULE_S}
    assert cli.parse_args(["canary", "--every", "--interval-s", "60"]).canary.interval_s == 60.0
    assert not cli.parse_args(["canary"]).canary.every


def test_every_waits_for_the_service_then_runs_rounds_until_stopped(monkeypatch) -> None:
    rounds: list[str] = []

    def once(settings) -> int:
        rounds.append(settings.service_url)
        if len(rounds) == 2:
            os.kill(os.getpid(), signal.SIGINT)  # as honcho stops the lab
        return OK

    monkeypatch.setattr(commands, "canary_once", once)
    with stub_server(Reply(200, {})) as url:
        assert cli.main(["--service", url, "canary", "--every", "--interval-s", "0.01"]) == OK
    assert rounds == [url, url]
