"""`canary`: the labelled photos sent to the running service, scored like a registration, and timed.

A post-deploy check: it sees what a client sees (the service's answer and the round trip), so it
catches what an in-process score cannot: a wrong version served, a broken deploy, a slow pod.
"""

from __future__ import annotations

import mimetypes
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

from services.registry.errors import RegistryError
from services.registry.samples import LabelledPhoto
from services.registry.scoring import quantiles

LATENCY_QUANTILES = (0.5, 0.95)


@dataclass(frozen=True)
class Answer:
    photo: str
    label: str  # "" when the request failed
    model: str
    version: str
    seconds: float
    error: str = ""


@dataclass(frozen=True)
class CanaryResult:
    service_url: str
    photos: tuple[LabelledPhoto, ...]
    answers: tuple[Answer, ...]
    finished_at: float  # Unix time

    @property
    def accuracy(self) -> float:
        """Share of all requests (every round) answered with a right top-1 label; a failed request is wrong."""
        truth = {photo.name: photo for photo in self.photos}
        return sum(truth[a.photo].is_right(a.label) for a in self.answers) / len(self.answers)

    @property
    def failed(self) -> int:
        return sum(1 for a in self.answers if a.error)

    @property
    def served(self) -> tuple[str, str]:
        """The (model, version) that answered most requests: what the check measured."""
        counts = Counter((a.model, a.version) for a in self.answers if not a.error)
        return counts.most_common(1)[0][0] if counts else ("unknown", "unknown")

    @property
    def versions_seen(self) -> list[str]:
        """Every model/version that answered: more than one means a swap happened during the check."""
        return sorted({f"{a.model}/{a.version}" for a in self.answers if not a.error})

    def latency_quantiles(self) -> dict[float, float]:
        seconds = [a.seconds for a in self.answers if not a.error]
        return quantiles(seconds, LATENCY_QUANTILES) if seconds else {}


def run_canary(http: httpx.Client, service_url: str, photos: Sequence[LabelledPhoto], rounds: int) -> CanaryResult:
    """`rounds` passes over the photos, one request at a time: latency without self-inflicted queueing."""
    url = f"{service_url.rstrip('/')}/v1/predict"
    answers = tuple(ask(http, url, photo) for _ in range(rounds) for photo in photos)
    return CanaryResult(service_url, tuple(photos), answers, time.time())


def ask(http: httpx.Client, url: str, photo: LabelledPhoto) -> Answer:
    media_type = mimetypes.guess_type(photo.name)[0] or "application/octet-stream"
    started = time.perf_counter()
    try:
        response = http.post(url, params={"top_k": 1}, files={"file": (photo.name, photo.data, media_type)})
    except httpx.TransportError as exc:
        raise RegistryError(f"the service does not answer at {url}: {exc}") from exc
    seconds = time.perf_counter() - started
    if response.status_code != 200:
        return Answer(photo.name, "", "", "", seconds, error=f"HTTP {response.status_code}: {response.text[:200]}")
    body = response.json()
    return Answer(photo.name, body["predictions"][0]["label"], body["model"], str(body["version"]), seconds)
