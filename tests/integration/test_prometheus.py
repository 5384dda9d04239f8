"""Every panel of every dashboard shows data, on a real Prometheus scraping the real service under load.

The service runs the real EfficientNet-Lite0 (fp32 only): the class panels then hold ImageNet labels
and confidence and entropy have a real model's spread, and it is ready in ~1.9 s, as soon as the
tiny model (~2.0 s: Python's imports dominate). One worker and a queue of two make an overload burst
cheap. Locust's web UI (`python -m locustfiles.web`), swarmed through its own HTTP API, is the rest
of the traffic (photos, Open Inference Protocol tensors, bad input) and serves its own figures at
/metrics. Prometheus runs the lab's generated config, pointed at these ports, scraping every second,
with the lab's rules.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass

import httpx
import pytest

from locustfiles.settings import ENV_PREFIX
from telemetry import instruments as i
from telemetry import jobs
from telemetry.panels import CANARY_DASHBOARD, DASHBOARDS, REGISTRY_DASHBOARD
from telemetry.prometheus.alerts import ALERTS
from telemetry.prometheus.config import local_config
from telemetry.prometheus.paths import RULES_DIR
from telemetry.recorded import ALL as RECORDED
from tests.integration.prometheus import api, committed_targets, instant, poll, prometheus_process, shows_something
from tests.live import REPO, LiveProcess, free_port, inference_server, live_process

pytestmark = [pytest.mark.integration, pytest.mark.timeout(90)]

MODEL = REPO / "models" / "efficientnet-lite0.onnx"
CAT = (REPO / "samples" / "cat.jpg").read_bytes()
SERVICE_ENV = {"INFERLAB_WORKERS": "1", "INFERLAB_QUEUE_SIZE": "2"}
LOAD_SETTINGS = {"WAIT_MIN_S": "0.05", "WAIT_MAX_S": "0.2", "BAD_INPUT_INTERVAL_S": "0.2"}
USERS = 4
BURST = 12  # concurrent uploads against a capacity of 3 (one worker, two queued)
DATA_TIMEOUT_S = 30.0
REQUESTS = i.HTTP_DURATION.prometheus_name + "_count"
ERRORS, REJECTIONS = i.ERRORS.prometheus_name, i.REJECTIONS.prometheus_name


def load_environment() -> dict[str, str]:
    """This test's load settings; the shell's other INFERLAB_LOAD_* emptied (empty counts as unset)."""
    inherited = {name: "" for name in os.environ if name.startswith(ENV_PREFIX)}
    return inherited | {ENV_PREFIX + name: value for name, value in LOAD_SETTINGS.items()}


def port_of(server: LiveProcess) -> int:
    return int(server.url.rsplit(":", 1)[1])


def overload(url: str) -> list[int]:
    """BURST uploads leaving together; the statuses they got."""
    start = threading.Barrier(BURST, timeout=10)

    def post(_: int) -> int:
        with httpx.Client(base_url=url, timeout=30.0) as client:
            client.get("/v2/health/live")  # connect first, so that the uploads leave together
            start.wait()
            return client.post("/v1/predict", content=CAT, headers={"content-type": "image/jpeg"}).status_code

    with ThreadPoolExecutor(BURST) as pool:
        return list(pool.map(post, range(BURST)))


@dataclass
class Lab:
    prometheus: httpx.Client  # Prometheus's API
    burst: list[int]  # the statuses of the overload burst


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """The service, Locust swarming it, Prometheus scraping both, after an overload burst."""
    logs = tmp_path_factory.mktemp("prometheus-lab")
    with ExitStack() as stack:
        service = stack.enter_context(inference_server([MODEL], logs, env=SERVICE_ENV))
        locust_port, prometheus_port = free_port(), free_port()
        locust_url = f"http://127.0.0.1:{locust_port}"
        command = [sys.executable, "-m", "locustfiles.web", "--web-port", str(locust_port), "--host", service.url]
        stack.enter_context(live_process(command, locust_url, "/", logs / "locust.log", env=load_environment()))
        ports = {jobs.SERVICE: port_of(service), jobs.LOCUST: locust_port, jobs.PROMETHEUS: prometheus_port}
        config = local_config(ports, interval="1s", fast_interval=None, rule_files=str(RULES_DIR / "*.yml"))
        server = stack.enter_context(prometheus_process(config, prometheus_port, logs))
        swarm = {"user_count": USERS, "spawn_rate": USERS, "host": service.url}
        assert httpx.post(f"{locust_url}/swarm", data=swarm, timeout=10).json()["success"]
        burst = overload(service.url)
        yield Lab(stack.enter_context(httpx.Client(base_url=server.url, timeout=10.0)), burst)


def labels(prometheus: httpx.Client, expr: str, name: str) -> set[str]:
    return {series["metric"][name] for series in instant(prometheus, expr)}


def test_the_committed_dashboards_query_what_the_panels_define() -> None:
    defined = [(d.uid, p.title, t.expr) for d in DASHBOARDS for p in d.panels() for t in p.targets]
    assert committed_targets() == defined


def test_every_target_of_every_dashboard_returns_data(lab: Lab) -> None:
    # Champion vs challenger needs a registry-backed service (test_hot_swap runs its queries), the Canary a
    # canary run; test_lab runs every dashboard's queries against the whole local lab.
    needs_the_lab = {REGISTRY_DASHBOARD.uid, CANARY_DASHBOARD.uid}
    targets = [target for target in committed_targets() if target[0] not in needs_the_lab]

    def empty() -> list[str]:
        return [f"{uid} / {title}: {e}" for uid, title, e in targets if not shows_something(instant(lab.prometheus, e))]

    missing = poll(empty, DATA_TIMEOUT_S)
    assert not missing, "panels without data:\n" + "\n".join(missing)


def test_the_overload_burst_and_bad_input_were_recorded(lab: Lab) -> None:
    assert 503 in lab.burst, lab.burst  # all 503 is possible: Locust's users may hold the capacity already
    prometheus = lab.prometheus

    def unseen() -> list[str]:
        statuses = labels(prometheus, f"sum by (http_response_status_code) ({REQUESTS})", "http_response_status_code")
        errors = labels(prometheus, ERRORS, "error_type")
        rejected = instant(prometheus, f"sum({REJECTIONS}) > 0")
        missing = ({"200", "400", "415", "503"} - statuses) | ({"InvalidImage", "Overloaded"} - errors)
        return sorted(missing) + ([] if rejected else ["no overload rejection counted"])

    assert not poll(unseen, DATA_TIMEOUT_S)


def test_every_rule_evaluates_without_error(lab: Lab) -> None:
    """Rules that load can still fail when evaluated (e.g. many-to-many matches): each must be "ok"."""

    def unhealthy() -> list[str]:
        rules = [rule for group in api(lab.prometheus, "rules")["groups"] for rule in group["rules"]]
        assert len(rules) == len(RECORDED) + len(ALERTS)
        return [f"{rule['name']}: {rule.get('lastError', rule['health'])}" for rule in rules if rule["health"] != "ok"]

    assert not poll(unhealthy, DATA_TIMEOUT_S)
