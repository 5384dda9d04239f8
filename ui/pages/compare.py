"""Compare: one image, two models (or two versions of one), side by side with their top-1 agreement.

The registry issue will name the pair champion and challenger; until then any two models the
service serves (`GET /v1/models`) can be picked.
"""

from __future__ import annotations

import asyncio

from nicegui import events, run, ui

from ui.backends import Backends
from ui.client import ModelInfo, PredictResult, Readiness
from ui.comparison import Comparison
from ui.errors import ApiError, upload_too_large
from ui.images import make_previews
from ui.layout import frame
from ui.samples import Sample
from ui.state import CompareState
from ui.widgets import error_box, model_options, prediction_bars, sample_strip, timings, upload_box

ONE_MODEL_HINT = (
    "The service serves one model, so both sides run it. Serve two to compare them, e.g. "
    "`python -m services.inference --model models/efficientnet-lite0.onnx --model models/efficientnet-lite0-int8.onnx`."
)


class ComparePage:
    def __init__(self, backends: Backends) -> None:
        self.backends = backends
        self.settings = backends.settings
        self.state = CompareState()

    def build(self) -> None:
        with frame(self.backends.service, "/compare", every_s=self.settings.status_every_s, on_status=self.on_status):
            with ui.card().classes("w-full p-4 gap-3"):
                self.pickers()
                with ui.row().classes("w-full gap-6 items-start max-md:flex-wrap no-wrap"):
                    with ui.column().classes("w-80 max-md:w-full gap-2 shrink-0"):
                        upload_box(self.settings.max_upload_bytes, self.on_files, self.on_rejected, multiple=False)
                        sample_strip(self.backends.samples, self.on_sample)
                    self.image_view()
            self.results()

    @ui.refreshable_method
    def pickers(self) -> None:
        options = model_options(self.state.models)
        with ui.row().classes("w-full gap-4 items-center"):
            for side in ("a", "b"):
                chosen: ModelInfo | None = getattr(self.state, side)
                select = ui.select(options, label=f"Model {side.upper()}", value=chosen.key if chosen else None,
                                   on_change=lambda e, side=side: self.on_pick(side, e))  # fmt: skip
                select.classes("w-72").mark(f"model-{side}")
        if len(self.state.models) == 1:
            ui.markdown(ONE_MODEL_HINT).classes("text-sm text-slate-500").mark("one-model")

    @ui.refreshable_method
    def image_view(self) -> None:
        if self.state.name is None:
            ui.label("Pick two models, then drop an image or click a sample.").classes("text-slate-400 self-center")
            return
        with ui.row().classes("items-center gap-4"):
            if self.state.preview:
                image = ui.image(self.state.preview).classes("w-40 rounded-lg shadow-sm")
                image.props("fit=contain no-transition no-spinner")
            ui.label(self.state.name).classes("text-slate-500")
            if self.state.busy:
                ui.spinner(size="md").mark("pending")

    @ui.refreshable_method
    def results(self) -> None:
        a, b = self.state.results
        if a is None and b is None:
            return
        comparison = self.state.comparison
        if comparison is not None:
            _agreement(comparison, a, b)
        with ui.row().classes("w-full gap-6 no-wrap max-md:flex-wrap items-stretch"):
            for side, outcome in (("A", a), ("B", b)):
                _side(side, outcome)
        if comparison is not None:
            _delta_table(comparison)

    def on_pick(self, side: str, event: events.ValueChangeEventArguments) -> None:
        setattr(self.state, side, next((m for m in self.state.models if m.key == event.value), None))

    async def on_status(self, readiness: Readiness) -> None:
        if readiness is Readiness.READY and not self.state.models:
            try:
                models = await self.backends.service.models()
            except ApiError:
                return
            self.state.models = models
            # Champion against challenger when the service follows a registry, else the first two.
            default = next((m for m in models if m.default), models[0] if models else None)
            challenger = next((m for m in models if m.alias == "challenger"), None)
            self.state.a = default
            self.state.b = challenger or next((m for m in models if m is not default), default)
            self.pickers.refresh()

    async def on_files(self, event: events.MultiUploadEventArguments) -> None:
        file = event.files[-1]
        await self.run_both(file.name, await file.read())
        event.sender.reset()

    def on_rejected(self) -> None:
        self.show_refusal("(refused by the browser)", upload_too_large(self.settings.max_upload_bytes))

    def show_refusal(self, name: str, error: ApiError) -> None:
        self.state.name, self.state.preview, self.state.results = name, None, (error, error)
        self.image_view.refresh()
        self.results.refresh()

    async def on_sample(self, sample: Sample) -> None:
        await self.run_both(sample.name, await run.io_bound(sample.path.read_bytes))

    async def run_both(self, name: str, data: bytes) -> None:
        """Send the image to both models at once: each side gets its answer or its own error."""
        if len(data) > self.settings.max_upload_bytes:
            self.show_refusal(name, upload_too_large(self.settings.max_upload_bytes, name, len(data)))
            return
        previews = await run.io_bound(make_previews, data)
        self.state.name, self.state.preview = name, previews.large if previews else None
        self.state.busy, self.state.results = True, (None, None)
        self.image_view.refresh()
        self.results.refresh()
        a, b = await asyncio.gather(self._one(data, name, self.state.a), self._one(data, name, self.state.b))
        self.state.busy, self.state.results = False, (a, b)
        self.image_view.refresh()
        self.results.refresh()

    async def _one(self, data: bytes, name: str, model: ModelInfo | None) -> PredictResult | ApiError:
        try:
            return await self.backends.service.predict(data, name, top_k=self.settings.top_k, model=model)
        except ApiError as error:
            return error


def _agreement(comparison: Comparison, a: PredictResult, b: PredictResult) -> None:
    assert a.top is not None and b.top is not None
    if comparison.top1_agree:
        text, icon, tone = f"Top-1 agrees: {a.top.label}", "check_circle", "bg-green-50 text-green-800"
    else:
        text, icon, tone = f"Top-1 differs: A {a.top.label}, B {b.top.label}", "error", "bg-amber-50 text-amber-800"
    with ui.row().classes(f"w-full items-center gap-2 p-3 rounded-lg {tone}"):
        ui.icon(icon, size="sm")
        ui.label(text).classes("font-semibold").mark("agreement")


def _side(side: str, outcome: PredictResult | ApiError | None) -> None:
    with ui.card().classes("grow basis-0 min-w-0 p-5 gap-3").mark(f"side-{side.lower()}"):
        ui.label(f"Model {side}").classes("text-xs uppercase tracking-wide text-slate-400")
        if outcome is None:
            ui.spinner(size="md")
        elif isinstance(outcome, ApiError):
            error_box(outcome)
        else:
            ui.label(f"{outcome.model} · {outcome.version}").classes("text-lg font-semibold")
            prediction_bars(outcome)
            timings(outcome)


def _delta_table(comparison: Comparison) -> None:
    rows = [
        {"label": d.label, "a": _pct(d.a), "b": _pct(d.b), "delta": "—" if d.delta is None else f"{d.delta:+.1%}"}
        for d in comparison.deltas
    ]
    columns = [
        {"name": "label", "label": "class", "field": "label", "align": "left"},
        {"name": "a", "label": "A", "field": "a"},
        {"name": "b", "label": "B", "field": "b"},
        {"name": "delta", "label": "B − A", "field": "delta"},
    ]
    with ui.card().classes("w-full p-4 gap-2"):
        ui.label("Scores side by side").classes("text-base font-semibold")
        ui.label("— : that model did not rank the class in its top k.").classes("text-xs text-slate-500")
        ui.table(columns=columns, rows=rows, row_key="label").props("flat dense").classes("w-full").mark("deltas")


def _pct(score: float | None) -> str:
    return "—" if score is None else f"{score:.1%}"


def register(backends: Backends) -> None:
    @ui.page("/compare")
    def compare_page() -> None:
        ComparePage(backends).build()
