"""The one place that maps errors to responses: domain errors keep their status, bugs become a bare 500."""

from __future__ import annotations

import logging

import pytest

from services.inference.api import errors
from services.inference.dataplane import DataPlane
from tests.fixtures import encode, solid


class Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_an_unexpected_error_is_a_500_that_leaks_nothing(make_client, monkeypatch: pytest.MonkeyPatch):
    async def broken(*args, **kwargs):
        raise RuntimeError("the connection string is postgres://admin:hunter2@db")

    recorder = Recorder()
    with make_client() as client:
        # Added after start-up: Litestar's logging configuration replaces the root's handlers (and caplog's).
        errors.log.addHandler(recorder)
        try:
            monkeypatch.setattr(DataPlane, "classify", broken)
            response = client.post(
                "/v1/predict", content=encode(solid((1, 2, 3))), headers={"Content-Type": "image/png"}
            )
        finally:
            errors.log.removeHandler(recorder)
        assert client.get("/v2/health/live").status_code == 200
    assert response.status_code == 500
    assert response.json() == {"error": "Internal error; the service logged the details."}
    assert "hunter2" not in response.text
    (record,) = recorder.records
    assert record.levelno == logging.ERROR and "POST /v1/predict" in record.getMessage()
    assert "hunter2" in str(record.exc_info[1])


def test_validation_errors_name_the_parameter(client):
    response = client.post("/v1/predict?top_k=ten", content=b"x", headers={"Content-Type": "image/png"})
    assert response.status_code == 400
    assert "top_k" in response.json()["error"]
