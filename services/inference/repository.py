"""The models a process serves, by name and version. The first one loaded is the default.

It also knows which models requests are using (`lease`), so that a model retired by a hot swap is
unloaded only once the last request that holds it is done (`drained`).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from services.inference.errors import ModelNotFound
from services.inference.runtime import OnnxClassifier


class ModelRepository:
    def __init__(self, models: Iterable[OnnxClassifier] = ()) -> None:
        self._models: list[OnnxClassifier] = list(models)
        self._in_use: Counter[OnnxClassifier] = Counter()

    def __iter__(self):
        return iter(self._models)

    def __len__(self) -> int:
        return len(self._models)

    def add(self, model: OnnxClassifier) -> None:
        if any((m.name, m.version) == (model.name, model.version) for m in self._models):
            raise ValueError(f"model {model.name} version {model.version} is already served")
        self._models.append(model)

    def replace(self, old: OnnxClassifier, new: OnnxClassifier) -> None:
        """Serve `new` where `old` was, in one step: a request sees one or the other, never neither."""
        self._models = [new if model is old else model for model in self._models]

    def remove(self, model: OnnxClassifier) -> None:
        self._models = [m for m in self._models if m is not model]

    def by_alias(self, alias: str) -> OnnxClassifier | None:
        return next((m for m in self._models if m.alias == alias), None)

    @property
    def default(self) -> OnnxClassifier:
        if not self._models:
            raise ModelNotFound("No model is loaded.")
        return self._models[0]

    def get(self, name: str | None = None, version: str | None = None) -> OnnxClassifier:
        """The named model (its first version unless one is named), or the default model."""
        if name is None:
            return self.default
        for model in self._models:
            if model.name == name and (version is None or model.version == version):
                return model
        known = ", ".join(sorted({f"{m.name}/{m.version}" for m in self._models}))
        wanted = name if version is None else f"{name} version {version}"
        raise ModelNotFound(f"Unknown model {wanted}; this service serves: {known}.")

    @property
    def ready(self) -> bool:
        return bool(self._models) and all(m.ready for m in self._models)

    def unload_all(self) -> None:
        for model in self._models:
            model.unload()

    @contextmanager
    def lease(self, model: OnnxClassifier) -> Iterator[OnnxClassifier]:
        """Mark `model` in use until the block ends, served or not (see `drained`)."""
        self._in_use[model] += 1
        try:
            yield model
        finally:
            self._in_use[model] -= 1

    async def drained(self, model: OnnxClassifier, timeout_s: float, poll_s: float = 0.05) -> bool:
        """Wait until no request uses `model` (after it left the repository); False on time-out."""
        deadline = time.monotonic() + timeout_s
        while self._in_use[model] > 0:
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(poll_s)
        self._in_use.pop(model, None)
        return True
