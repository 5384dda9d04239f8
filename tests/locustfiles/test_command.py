from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from locustfiles.command import LOCUSTFILE, deadline_s, headless_command, run_directory, web_command
from locustfiles.settings import LoadSettings

RUN = Path("/tmp/runs/20250101T000000Z")


def option(command: list[str], flag: str) -> str | None:
    return command[command.index(flag) + 1] if flag in command else None


def test_a_headless_run_leaves_csvs_history_and_html_in_its_directory() -> None:
    command = headless_command(LoadSettings(host="http://127.0.0.1:9"), RUN, python="py")
    assert command[:5] == ["py", "-m", "locust", "-f", str(LOCUSTFILE)]
    assert "--headless" in command and "--csv-full-history" in command
    assert option(command, "--csv") == f"{RUN}/locust"
    assert option(command, "--html") == f"{RUN}/report.html"
    assert option(command, "--host") == "http://127.0.0.1:9"
    assert LOCUSTFILE.exists()


def test_a_shape_decides_users_and_time_itself() -> None:
    command = headless_command(LoadSettings(shape="ramp"), RUN)
    assert "--users" not in command and "--run-time" not in command


def test_without_a_shape_locust_gets_users_rate_and_time() -> None:
    command = headless_command(LoadSettings(shape="none", users=5, spawn_rate=2.5, run_time=90), RUN)
    assert (option(command, "--users"), option(command, "--spawn-rate"), option(command, "--run-time")) == (
        "5",
        "2.5",
        "90s",
    )


def test_workers_and_tags_are_passed_on() -> None:
    command = headless_command(LoadSettings(workers=2, tags=["v2", "bad"]), RUN)
    assert option(command, "--processes") == "2"
    assert command[command.index("--tags") + 1 : command.index("--tags") + 3] == ["v2", "bad"]
    assert "--processes" not in headless_command(LoadSettings(), RUN)


def test_the_web_ui_listens_where_the_settings_say() -> None:
    command = web_command(LoadSettings(web_host="127.0.0.1", web_port=8189))
    assert (option(command, "--web-host"), option(command, "--web-port")) == ("127.0.0.1", "8189")
    assert "--headless" not in command


def test_run_directories_are_utc_timestamps() -> None:
    assert run_directory(Path("runs"), datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)) == Path("runs/20250304T050607Z")


def test_a_run_is_stopped_not_long_after_its_shape_ends() -> None:
    assert 60 < deadline_s(LoadSettings(shape="steady", run_time=60)) <= 120
    assert deadline_s(LoadSettings(shape="ramp", users=8, ramp_step_users=2, ramp_step_s=20)) <= 80 + 60


def test_local_workers_reach_their_master_on_loopback_only() -> None:
    for command in (headless_command(LoadSettings(workers=2), RUN), web_command(LoadSettings(workers=2))):
        assert option(command, "--master-bind-host") == "127.0.0.1"
    assert "--master-bind-host" not in web_command(LoadSettings())
