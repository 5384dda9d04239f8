"""The service's side of the prediction log: the client's request id, and the shadow's answers joining
the predictions they shadowed."""

from __future__ import annotations

import time

import numpy as np

from services.inference.observer import NullObserver, Observers
from services.inference.pipeline import Prediction, completed
from services.inference.postprocessing import ClassScore
from services.inference.prediction_log import MAX_REQUEST_ID, ShadowRecorder, request_id
from services.predictions.event import ShadowAnswer


def prediction(version: str, label: str, index: int, score: float) -> Prediction:
    return Prediction("m", version, [ClassScore(index, label, score)], score, 0.1, np.zeros(3), {})


class FakeLog:
    def __init__(self) -> None:
        self.shadows: list[tuple[str, ShadowAnswer]] = []

    def record_shadow(self, prediction_id: str, answer: ShadowAnswer) -> None:
        self.shadows.append((prediction_id, answer))


def test_the_request_id_is_the_first_string_given_and_bounded() -> None:
    assert request_id(None, "body-id") == "body-id"
    assert request_id("header-id", "body-id") == "header-id"
    assert request_id(None, 42) is None  # v2 echoes any JSON value as `id`; only a string names the request
    assert request_id("x" * 1000) == "x" * MAX_REQUEST_ID


def test_each_prediction_has_an_id_of_its_own_that_its_completion_keeps() -> None:
    first, second = prediction("1", "a", 0, 0.9), prediction("1", "a", 0, 0.9)
    assert first.id != second.id
    done = completed(first, waited_s=0.001, started=time.perf_counter())
    assert done.id == first.id and "total" in done.timings  # the answer and the log name the same one


def test_the_challengers_answer_goes_to_the_prediction_it_shadowed() -> None:
    log = FakeLog()
    primary, shadow = prediction("1", "a", 0, 0.9), prediction("2", "b", 1, 0.6)
    ShadowRecorder(log).shadowed(primary, shadow)
    assert log.shadows == [(primary.id, ShadowAnswer("m", "2", "b", 1, 0.6))]


def test_observers_hear_every_hook_in_order() -> None:
    heard: list[str] = []

    class Recording(NullObserver):
        def __init__(self, name: str) -> None:
            self.name = name

        def failed(self, error_type: str) -> None:
            heard.append(f"{self.name}:{error_type}")

        def swapped(self, alias: str, outcome: str) -> None:
            heard.append(f"{self.name}:{alias}:{outcome}")

    both = Observers(Recording("metrics"), Recording("log"))
    both.failed("bad_input")
    both.swapped("champion", "success")
    both.predicted(prediction("1", "a", 0, 0.9))  # hooks an observer does not care for are fine
    assert heard == ["metrics:bad_input", "log:bad_input", "metrics:champion:success", "log:champion:success"]
