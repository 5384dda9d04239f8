"""The whole local lab, used as a person uses it: `make up`, then the README's commands, then Grafana's view.

The lab is the Procfile under honcho on a scratch copy of the repository (free ports through its
`lab.json`), with nothing fetched (INFERLAB_TOOLS_FETCH=false): Debian's Prometheus and Pushgateway
run, Grafana cannot run on these machines, which the console must say. The journey: photos and bad
input, a load test from Locust's web UI and a headless one, a promote of the challenger (the hot swap
seen in the answers), the canary. Then what Grafana would show: every query of every committed
dashboard draws data from the lab's own Prometheus over the journey, every target is up, the canary's
figures are there. Last, Ctrl-C stops every process within seconds.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import psycopg
import pytest

from telemetry import canary
from telemetry.panels import SQL_DASHBOARDS
from tests.integration.local_lab import LocalLab, local_lab, wait_for
from tests.integration.prometheus import api, committed_targets, drew_something, instant, poll
from tests.live import REPO
from tests.postgres import server_folder
from tests.telemetry.grafana.sql_macros import expand

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

READY_TIMEOUT_S = 240  # MLflow's first start registers the two committed models before the service loads
SWAP_TIMEOUT_S = 60  # the service looks for a moved alias every 10 s
DATA_TIMEOUT_S = 60
STOP_TIMEOUT_S = 10
LABELS = json.loads((REPO / "samples" / "labels.json").read_text())
PHOTOS = sorted(name for name in LABELS if not name.startswith("_"))
CONTENT_TYPES = {".jpg": "image/jpeg", ".png": "image/png"}


@dataclass
class Journey:
    lab: LocalLab
    started: float  # Unix time, for the range queries
    answers: list[dict] = field(default_factory=list)
    bad: dict[str, int] = field(default_factory=dict)
    versions_before: set[str] = field(default_factory=set)
    versions_after: set[str] = field(default_factory=set)
    failed_during_swap: int = 0
    feedback: list[int] = field(default_factory=list)
    commands: dict[str, object] = field(default_factory=dict)


def upload(http: httpx.Client, url: str, photo: str, **params: str) -> httpx.Response:
    body = (REPO / "samples" / photo).read_bytes()
    content_type = CONTENT_TYPES[Path(photo).suffix]
    return http.post(f"{url}/v1/predict", content=body, params=params, headers={"content-type": content_type})


def uploads_and_bad_input(journey: Journey, http: httpx.Client) -> None:
    url = journey.lab.url("service")
    journey.answers = [upload(http, url, photo).json() for photo in PHOTOS]
    multipart = {"file": ("cat.jpg", (REPO / "samples" / "cat.jpg").read_bytes(), "image/jpeg")}
    journey.answers.append(http.post(f"{url}/v1/predict", files=multipart).json())
    journey.bad = {
        "random bytes": http.post(
            f"{url}/v1/predict", content=b"\x00\x01 not an image", headers={"content-type": "image/jpeg"}
        ).status_code,
        "text/plain": http.post(
            f"{url}/v1/predict", content=b"hello", headers={"content-type": "text/plain"}
        ).status_code,
        "unknown model": upload(http, url, "cat.jpg", model="resnet").status_code,
    }


def feedback_on_answers(journey: Journey, http: httpx.Client) -> None:
    """A person says what each photo shows, as the UI's feedback control does."""
    url = journey.lab.url("service")
    for photo, answer in zip(PHOTOS, journey.answers, strict=False):
        truth = {"label": LABELS[photo][0]}
        journey.feedback.append(http.post(f"{url}/v1/predictions/{answer['id']}/feedback", json=truth).status_code)


def web_ui_load_test(lab: LocalLab, seconds: float) -> None:
    """A run started from Locust's web UI, as a person clicks Start, then stopped."""
    locust = lab.url("locust")
    swarm = {"user_count": 3, "spawn_rate": 3, "host": lab.url("service")}
    assert httpx.post(f"{locust}/swarm", data=swarm, timeout=10).json()["success"]
    time.sleep(seconds)
    httpx.get(f"{locust}/stop", timeout=10)


def promote_and_watch(journey: Journey, http: httpx.Client) -> None:
    """Promote the challenger (v2) while photos go on: every answer succeeds, and v2 starts answering."""
    url = journey.lab.url("service")
    journey.versions_before = {upload(http, url, "cat.jpg").json()["version"] for _ in range(3)}
    journey.commands["promote"] = journey.lab.python("-m", "services.registry", "promote", "2", "--alias", "champion")
    deadline = time.monotonic() + SWAP_TIMEOUT_S
    while time.monotonic() < deadline and "2" not in journey.versions_after:
        response = upload(http, url, "cat.jpg")
        if response.status_code != 200:
            journey.failed_during_swap += 1
            continue
        journey.versions_after.add(response.json()["version"])
        time.sleep(0.2)


@pytest.fixture(scope="module")
def journey() -> Iterator[Journey]:
    settings = {"INFERLAB_TOOLS_FETCH": "false", "INFERLAB_CONSOLE_WAIT_S": str(READY_TIMEOUT_S)}
    # Not under pytest's folder: the lab's PostgreSQL (its own account under root) must reach its data.
    with (
        server_folder("inferlab-lab-") as root,
        local_lab(root, READY_TIMEOUT_S + 30, **settings) as lab,
        httpx.Client(timeout=30) as http,
    ):
        journey = Journey(lab, time.time())
        uploads_and_bad_input(journey, http)
        feedback_on_answers(journey, http)
        web_ui_load_test(lab, seconds=12)
        journey.commands["load"] = lab.python(
            "-m",
            "locustfiles.run",
            INFERLAB_LOAD_USERS="4",
            INFERLAB_LOAD_SPAWN_RATE="4",
            INFERLAB_LOAD_RUN_TIME="15s",
            INFERLAB_LOAD_WAIT_MIN_S="0.05",
            INFERLAB_LOAD_WAIT_MAX_S="0.2",
        )
        promote_and_watch(journey, http)
        journey.commands["canary"] = lab.python("-m", "services.registry", "canary")
        yield journey


@pytest.fixture(scope="module")
def prometheus(journey: Journey) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=journey.lab.url("prometheus"), timeout=10) as client:
        yield client


def test_the_console_says_where_everything_is_and_what_is_missing(journey: Journey) -> None:
    console = "\n".join(journey.lab.lines_of("lab"))
    lab = journey.lab
    for title, component in [("UI", "ui"), ("Prometheus", "prometheus"), ("Locust", "locust"), ("MLflow", "mlflow")]:
        assert f"{title}" in console and lab.url(component) in console, title
    assert f"{lab.url('service')}/schema/swagger" in console
    if shutil.which("grafana") or shutil.which("grafana-server"):
        assert lab.url("grafana") in console and "data/grafana/admin-password" in console
    else:  # these machines: no Grafana, and nothing fetched; the console says so, and how to get it
        assert "Not running:" in console and "grafana skipped: neither `grafana` nor `grafana-server`" in console


def test_the_console_is_not_drowned_by_scrapes_and_polls(journey: Journey) -> None:
    service = journey.lab.lines_of("service")
    assert not [line for line in service if "GET /metrics" in line or "/v2/health/" in line]
    assert [line for line in service if "POST /v1/predict" in line], "real requests are still logged"
    assert not [line for line in journey.lab.lines_of("mlflow") if '"GET /api/2.0/mlflow' in line]


def test_photos_are_classified_and_bad_input_answered_with_4xx(journey: Journey) -> None:
    rights = [
        answer["predictions"][0]["label"] in LABELS[photo]
        for photo, answer in zip(PHOTOS, journey.answers, strict=False)
    ]
    assert sum(rights) >= len(PHOTOS) - 1, journey.answers  # the registry's own score: 80 % top-1 on these
    assert journey.answers[-1]["predictions"][0]["label"] in LABELS["cat.jpg"]  # the multipart upload
    assert journey.bad == {"random bytes": 400, "text/plain": 415, "unknown model": 404}


def test_every_answer_is_logged_and_takes_feedback(journey: Journey) -> None:
    assert all(answer.get("id") for answer in journey.answers), journey.answers
    assert journey.feedback == [200] * len(PHOTOS)
    judged = httpx.get(f"{journey.lab.url('service')}/v1/predictions", params={"feedback": True, "limit": 100})
    assert len(judged.json()["predictions"]) == len(PHOTOS)


def test_every_sql_panel_draws_from_the_lab_s_postgresql(journey: Journey) -> None:
    port = int(journey.lab.url("postgres").rsplit(":", 1)[1])
    now = datetime.now(UTC)
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/inferlab") as connection:
        for dashboard in SQL_DASHBOARDS:
            for panel in dashboard.panels():
                for target in panel.targets:
                    sql = expand(target.sql, now - timedelta(hours=1), now + timedelta(minutes=1))
                    assert connection.execute(sql).fetchall(), f"{dashboard.uid}: {panel.title} draws nothing"


def test_the_headless_load_test_passes_and_leaves_its_report(journey: Journey) -> None:
    run = journey.commands["load"]
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    [report] = (journey.lab.root / "runs").iterdir()
    assert (report / "summary.md").is_file() and (report / "report.html").is_file()
    assert not list((journey.lab.root / "data" / "load-tests").glob("*.json")), "its target outlived the run"


def test_a_promote_hot_swaps_the_service_with_no_failed_request(journey: Journey) -> None:
    promote = journey.commands["promote"]
    assert promote.returncode == 0, promote.stderr
    assert journey.versions_before == {"1"}
    assert "2" in journey.versions_after, f"still {journey.versions_after} after {SWAP_TIMEOUT_S} s"
    assert journey.failed_during_swap == 0


def test_the_canary_records_and_pushes(journey: Journey) -> None:
    check = journey.commands["canary"]
    assert check.returncode == 0, check.stdout + check.stderr
    assert "recorded as MLflow run" in check.stdout and f"pushed to {journey.lab.url('pushgateway')}" in check.stdout
    scheduled = "\n".join(journey.lab.lines_of("canary"))
    assert "canary round done (exit code 0)" in scheduled, "the lab's own canary ran once the service was ready"


def test_every_panel_of_every_dashboard_draws_data(journey: Journey, prometheus: httpx.Client) -> None:
    """What Grafana would draw over the journey, asked of the lab's own Prometheus, panel by panel."""
    targets = committed_targets()
    window = {"start": str(journey.started), "step": "5"}

    def empty() -> list[str]:
        found = []
        for uid, title, expr in targets:
            result = api(prometheus, "query_range", query=expr, end=str(time.time()), **window)["result"]
            if not drew_something(result):
                found.append(f"{uid} / {title}: {expr}")
        return found

    missing = poll(empty, DATA_TIMEOUT_S, every_s=5)
    assert not missing, f"{len(missing)} of {len(targets)} queries without data:\n" + "\n".join(missing)


def test_every_scrape_target_is_up(journey: Journey, prometheus: httpx.Client) -> None:
    def down() -> list[str]:
        active = api(prometheus, "targets", state="active")["activeTargets"]
        return [
            f"{t['scrapePool']} {t['scrapeUrl']}: {t['health']} {t['lastError']}" for t in active if t["health"] != "up"
        ]

    assert not poll(down, DATA_TIMEOUT_S)
    jobs = {t["labels"]["job"] for t in api(prometheus, "targets", state="active")["activeTargets"]}
    assert {"inference", "locust", "prometheus", "pushgateway"} <= jobs


def test_the_load_tests_reached_prometheus(journey: Journey, prometheus: httpx.Client) -> None:
    """Both runs: the web UI's (the lab's Locust master) and the headless one (announced by file)."""
    window = f"[{int(time.time() - journey.started) + 60}s]"
    runs = instant(prometheus, f"sum by (instance, load_test) (max_over_time(locust_users{window}))")
    assert len(runs) >= 2, runs
    assert any(series["metric"].get("load_test") for series in runs), "the headless run carries its run's name"


def test_the_canarys_figures_are_in_prometheus(journey: Journey, prometheus: httpx.Client) -> None:
    def absent() -> list[str]:
        series = instant(prometheus, f'{canary.ACCURACY}{{job="{canary.JOB}"}}')
        return [] if series and float(series[0]["value"][1]) >= 0.6 else [f"{canary.ACCURACY}: {series}"]

    assert not poll(absent, DATA_TIMEOUT_S)
    firing = [a for a in api(prometheus, "alerts")["alerts"] if a["labels"]["alertname"].startswith("InferlabCanary")]
    assert not firing, firing


def test_ctrl_c_stops_every_process_within_seconds(journey: Journey) -> None:
    took = journey.lab.stop(STOP_TIMEOUT_S)
    left = journey.lab.processes()
    assert not left, f"still running {took:.1f} s after Ctrl-C:\n" + "\n".join(left)
    assert wait_for(lambda: journey.lab.process.poll() is not None, 5)
