"""Access-log lines of scrapes and probes are dropped unless asked for; every other request is kept."""

from __future__ import annotations

import logging

import pytest

from services.inference.accesslog import ProbeFilter, quiet_probes


def access_record(path: str) -> logging.LogRecord:
    """A record as uvicorn's access logger makes it: client, method, path, HTTP version, status."""
    args = ("127.0.0.1:50000", "GET", path, "1.1", 200)
    return logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d', args, None)


@pytest.mark.parametrize("path", ["/metrics", "/v2/health/ready", "/v2/health/live", "/metrics?x=1"])
def test_probes_are_dropped(path: str) -> None:
    assert not ProbeFilter().filter(access_record(path))


@pytest.mark.parametrize("path", ["/v1/predict", "/v2/models/m/infer", "/v2/models/m/ready", "/"])
def test_other_requests_are_kept(path: str) -> None:
    assert ProbeFilter().filter(access_record(path))


def test_a_record_of_another_shape_is_kept() -> None:
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, "plain message", None, None)
    assert ProbeFilter().filter(record)


@pytest.fixture
def loggers():
    access, httpx_log = logging.getLogger("uvicorn.access"), logging.getLogger("httpx")
    saved = (list(access.filters), httpx_log.level)
    yield access, httpx_log
    access.filters[:] = saved[0]
    httpx_log.setLevel(saved[1])


@pytest.mark.parametrize("log_probes", [False, True])
def test_quiet_probes_follows_the_setting(loggers, log_probes: bool) -> None:
    access, httpx_log = loggers
    httpx_log.setLevel(logging.INFO)
    quiet_probes(log_probes)
    assert any(isinstance(f, ProbeFilter) for f in access.filters) is not log_probes
    assert httpx_log.level == (logging.INFO if log_probes else logging.WARNING)
