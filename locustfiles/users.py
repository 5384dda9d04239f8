"""The simulated clients: an uploader (v1), an Open Inference Protocol client (v2), and a bad-input sender.

Every request is judged explicitly (`catch_response=True`): a 200 with a wrong body fails, and the
bad-input user's expected 4xx succeeds. Bodies are made once per process (see payloads.py).
Tags select users: `v1`/`upload`, `v2`/`oip`, `bad`.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from gevent import get_hub
from locust import FastHttpUser, tag, task
from locust.exception import StopUser

from locustfiles import badinputs, oip, validation
from locustfiles.payloads import Body, to_tensor, upload
from locustfiles.photos import Photo, load_photos, pick
from locustfiles.settings import LoadSettings

CLASSES = 5  # top classes asked of the v2 classification extension
_models: dict[tuple[str, str | None], oip.ModelInfo] = {}


@cache
def photos(samples_dir: Path) -> list[Photo]:
    return load_photos(samples_dir)


@cache
def uploads(samples_dir: Path) -> dict[str, Body]:
    return {photo.name: upload(photo) for photo in photos(samples_dir)}


@cache
def fp32_bodies(samples_dir: Path, model: oip.ModelInfo) -> dict[str, Body]:
    """Each photo preprocessed on the client, as a binary FP32 tensor request."""
    return {
        photo.name: oip.fp32_request(model, to_tensor(photo.data, model.input_shape), CLASSES)
        for photo in photos(samples_dir)
    }


def prepare(settings: LoadSettings) -> None:
    """Make the photos and upload bodies now: made by the first users, they would stall the others."""
    uploads(settings.samples_dir)


class InferenceUser(FastHttpUser):
    """What every client shares: settings, a random stream of its own, and finding the model."""

    abstract = True
    settings: LoadSettings

    def __init__(self, environment: Any) -> None:
        super().__init__(environment)
        self.rng = random.Random()

    def wait_time(self) -> float:
        return self.rng.uniform(self.settings.wait_min_s, self.settings.wait_max_s)

    def model_info(self) -> oip.ModelInfo:
        """The model's metadata, asked once per process (the first users to start ask it)."""
        key = (self.host, self.settings.model)
        if key not in _models:
            name = self.settings.model or self._get_json("/v1/models", "/v1/models (setup)", oip.default_model)
            _models[key] = self._get_json(f"/v2/models/{name}", "/v2/models/[model] (setup)", oip.model_info)
        return _models[key]

    def _get_json(self, path: str, name: str, parse: Callable[[dict], Any]) -> Any:
        with self.client.get(path, name=name, catch_response=True) as response:
            problem = validation.status_problem(response.status_code)
            try:
                value = None if problem else parse(response.json())
            except (ValueError, oip.ProtocolError) as exc:
                problem = f"unreadable answer: {exc}"
            if problem:
                response.failure(problem)
                raise StopUser()  # without the model this client can do nothing; the failure says why
            response.success()
            return value


@tag("v1", "upload")
class UploadUser(InferenceUser):
    """A person uploading a photo as a form (`curl -F file=@photo.jpg`), from a weighted mix of photos."""

    weight = 3

    @task
    def predict(self) -> None:
        photo = pick(photos(self.settings.samples_dir), self.rng)
        body = uploads(self.settings.samples_dir)[photo.name]
        path = f"/v1/predict?model={self.settings.model}" if self.settings.model else "/v1/predict"
        name = f"/v1/predict ({photo.name})"
        with self.client.post(path, data=body.content, headers=body.headers, name=name, catch_response=True) as r:
            validation.settle(r, validation.v1_problems)


@tag("v2", "oip")
class OpenInferenceUser(InferenceUser):
    """A program calling the Open Inference Protocol with binary tensors, as tritonclient does."""

    weight = 2

    def on_start(self) -> None:
        self.model = self.model_info()
        # Preprocessing on an OS thread: done on gevent's loop, it would stall the requests in flight
        # (and their timings). Made once per process; Pillow and numpy release the GIL meanwhile.
        get_hub().threadpool.apply(fp32_bodies, (self.settings.samples_dir, self.model))

    @task(3)
    def infer_fp32(self) -> None:
        """A tensor preprocessed on the client in; the top classes back as binary strings."""
        photo = pick(photos(self.settings.samples_dir), self.rng)
        body = fp32_bodies(self.settings.samples_dir, self.model)[photo.name]
        expected = min(CLASSES, self.model.classes)
        self._infer(body, "fp32", lambda outputs: validation.classification_problems(outputs, expected))

    @task(1)
    def infer_bytes(self) -> None:
        """The encoded photo in as a BYTES tensor; the logits back as binary FP32."""
        photo = pick(photos(self.settings.samples_dir), self.rng)
        body = oip.bytes_request(self.model, [photo.data])
        self._infer(body, "bytes", lambda outputs: validation.logits_problems(outputs, 1, self.model.classes))

    def _infer(self, body: Body, kind: str, output_problems: Callable[[Any], list[str]]) -> None:
        name = f"/v2/models/[model]/infer ({kind})"
        with self.client.post(
            self.model.infer_path, data=body.content, headers=body.headers, name=name, catch_response=True
        ) as response:
            header_length = response.headers.get(oip.HEADER_LENGTH) if response.headers else None
            validation.settle(response, lambda content: self._problems(content, header_length, output_problems))

    def _problems(self, content: bytes, header_length: str | None, output_problems: Callable) -> list[str]:
        try:
            document, outputs = oip.decode_response(content, header_length)
        except (oip.ProtocolError, KeyError, ValueError) as exc:
            return [f"unreadable answer: {exc}"]
        problems = validation.v2_document_problems(document, self.model.name, self.model.output_name)
        return problems or output_problems(outputs[self.model.output_name])


@tag("bad")
class BadInputUser(InferenceUser):
    """A careless client at a low, steady rate: garbage, truncated uploads, text, wrong tensors.

    A fixed number of these run whatever the user count (see settings), so the mix stays mostly real.
    """

    weight = 0  # never by weight: only the fixed count below
    fixed_count = 1

    def wait_time(self) -> float:
        return self.settings.bad_input_interval_s

    def on_start(self) -> None:
        jpeg = (self.settings.samples_dir / "cat.jpg").read_bytes()
        self.requests = itertools.cycle(badinputs.bad_requests(jpeg, self.model_info(), self.rng))

    @task
    def send_bad_input(self) -> None:
        bad = next(self.requests)
        with self.client.post(
            bad.path, data=bad.body.content, headers=bad.body.headers, name=bad.name, catch_response=True
        ) as response:
            validation.settle(response, None, bad.expected)


def configure(settings: LoadSettings) -> None:
    """Hand the settings to the user classes, before Locust spawns any (called by the locustfile)."""
    InferenceUser.settings = settings
    InferenceUser.network_timeout = settings.request_timeout_s
    InferenceUser.connection_timeout = settings.request_timeout_s
    BadInputUser.fixed_count = settings.bad_input_users
