"""The UI process's connections to the rest of the lab, made at startup and closed at shutdown.

Nothing here runs at import: `build()` makes one `Backends`, NiceGUI's startup hook opens its one
`httpx.AsyncClient` (one connection pool, one TLS context: each new client costs ~0.2 s of
certificate loading), and every page reads the clients from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

import httpx

from ui.client import ServiceClient
from ui.predictions_client import PredictionLogClient
from ui.prometheus import PrometheusClient
from ui.samples import Sample, load_samples
from ui.settings import UiSettings

PROBE_TIMEOUT_S = 2.0
T = TypeVar("T")


@dataclass
class Backends:
    settings: UiSettings
    samples: list[Sample] = field(default_factory=list)
    _http: httpx.AsyncClient | None = None
    _service: ServiceClient | None = None
    _prometheus: PrometheusClient | None = None
    _predictions: PredictionLogClient | None = None

    async def start(self) -> None:
        self.samples = load_samples(self.settings.samples_dir)
        self._http = httpx.AsyncClient(timeout=self.settings.timeout_s)
        self._service = ServiceClient(self._http, self.settings.api_url, self.settings.timeout_s)
        self._predictions = PredictionLogClient(self._http, self.settings.api_url, self.settings.timeout_s)
        self._prometheus = PrometheusClient(self._http, self.settings.prometheus_url, self.settings.timeout_s)

    async def stop(self) -> None:
        if self._http is not None:
            await self._http.aclose()

    @property
    def service(self) -> ServiceClient:
        return _started(self._service)

    @property
    def predictions(self) -> PredictionLogClient:
        return _started(self._predictions)

    @property
    def prometheus(self) -> PrometheusClient:
        return _started(self._prometheus)

    async def reachable(self, url: str) -> bool:
        """Whether anything answers at `url` (any status): for the links to the lab's other tools."""
        try:
            await _started(self._http).get(url, timeout=PROBE_TIMEOUT_S)
        except httpx.HTTPError:
            return False
        return True


def _started(client: T | None) -> T:
    if client is None:
        raise RuntimeError("the UI's HTTP clients exist only between app startup and shutdown")
    return client
