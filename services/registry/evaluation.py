"""A model scored in-process on the labelled photos, through the service's own pipeline.

`OnnxClassifier.prepare` decodes and preprocesses exactly as the service does, so a registered
version's accuracy is the accuracy the service will show, not that of a look-alike pipeline.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from services.inference.errors import ModelLoadError
from services.inference.postprocessing import ClassScore
from services.inference.runtime import OnnxClassifier
from services.registry.errors import RegistryError
from services.registry.samples import LabelledPhoto

TOP_K = 5


@dataclass(frozen=True)
class Prediction:
    photo: str
    top: tuple[ClassScore, ...]

    @property
    def label(self) -> str:
        return self.top[0].label

    @property
    def score(self) -> float:
        return self.top[0].score


@contextmanager
def loaded(path: Path) -> Iterator[OnnxClassifier]:
    """The file loaded as the service would load it; a file the service would refuse is refused here."""
    if not path.is_file():
        raise RegistryError(f"no model file at {path}")
    classifier = OnnxClassifier(path)
    try:
        classifier.load()
    except ModelLoadError as exc:
        raise RegistryError(f"the service could not serve this file: {exc}") from exc
    try:
        yield classifier
    finally:
        classifier.unload()


def predict(classifier: OnnxClassifier, photos: Sequence[LabelledPhoto]) -> list[Prediction]:
    """Top-5 classes of each photo, one image per network call as the service runs them by default."""
    return [Prediction(photo.name, tuple(classifier.classify(photo.data, TOP_K).predictions)) for photo in photos]


def answers(predictions: Sequence[Prediction]) -> dict[str, str]:
    """Top-1 label per photo, the form `scoring` works on."""
    return {p.photo: p.label for p in predictions}
