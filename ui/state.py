"""What each open page remembers, apart from how it is drawn (the `@ui.refreshable` views read these)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ui.client import ModelInfo, PredictResult
from ui.comparison import Comparison, compare
from ui.errors import ApiError
from ui.images import Previews
from ui.prometheus import Series


@dataclass
class Outcome:
    """One image sent to the service: its answer or its error, and a preview if it is an image."""

    name: str
    previews: Previews | None
    result: PredictResult | None = None
    error: ApiError | None = None


@dataclass
class ClassifyState:
    """A session's classify page: the outcome shown, and every outcome so far (newest first)."""

    history: list[Outcome] = field(default_factory=list)
    shown: Outcome | None = None
    pending: int = 0
    models: list[ModelInfo] = field(default_factory=list)
    model: ModelInfo | None = None
    top_k: int = 5
    history_limit: int = 50

    def record(self, outcome: Outcome) -> None:
        self.history.insert(0, outcome)
        del self.history[self.history_limit :]
        self.shown = outcome


@dataclass
class CompareState:
    models: list[ModelInfo] = field(default_factory=list)
    a: ModelInfo | None = None
    b: ModelInfo | None = None
    name: str | None = None
    preview: str | None = None
    results: tuple[PredictResult | ApiError | None, PredictResult | ApiError | None] = (None, None)
    busy: bool = False

    @property
    def comparison(self) -> Comparison | None:
        a, b = self.results
        if isinstance(a, PredictResult) and isinstance(b, PredictResult):
            return compare(a, b)
        return None


@dataclass
class PanelData:
    """The last answer for one panel: its series, or why there are none."""

    series: list[Series] = field(default_factory=list)
    error: str | None = None
