"""Classify: drop or pick images, see the top-k, the model and where the time went; a history of the session."""

from __future__ import annotations

from nicegui import events, run, ui

from ui.backends import Backends
from ui.client import Readiness
from ui.errors import ApiError, upload_too_large
from ui.feedback import FeedbackControl
from ui.images import make_previews
from ui.layout import frame
from ui.samples import Sample
from ui.state import ClassifyState, Outcome
from ui.widgets import error_box, model_caption, model_options, prediction_bars, sample_strip, timings, upload_box


class ClassifyPage:
    """The page of one browser tab: its state, how to draw it, and what its controls do."""

    def __init__(self, backends: Backends) -> None:
        self.backends = backends
        self.settings = backends.settings
        self.state = ClassifyState(top_k=self.settings.top_k)

    def build(self) -> None:
        with frame(self.backends.service, "/", every_s=self.settings.status_every_s, on_status=self.on_status):
            with ui.row().classes("w-full gap-6 items-start no-wrap max-md:flex-wrap"):
                with ui.column().classes("w-96 max-md:w-full gap-4 shrink-0"):
                    self.controls()
                with ui.card().classes("grow min-w-0 p-6 gap-4").mark("result"):
                    self.result()
            self.history()

    def controls(self) -> None:
        with ui.card().classes("w-full p-4 gap-3"):
            ui.label("Images").classes("text-base font-semibold")
            upload_box(self.settings.max_upload_bytes, self.on_files, self.on_rejected, multiple=True)
            ui.label("JPEG, PNG or WebP; several at once are classified one after another.").classes(
                "text-xs text-slate-500"
            )
            if self.backends.samples:
                ui.label("Or try a sample").classes("text-sm font-medium mt-2")
                sample_strip(self.backends.samples, self.on_sample)
        with ui.card().classes("w-full p-4 gap-2"):
            ui.label("Model").classes("text-base font-semibold")
            self.model_select()
            top_k = ui.number("Top k", min=1, max=20, step=1, precision=0).bind_value(self.state, "top_k")
            top_k.classes("w-24").mark("top-k")

    @ui.refreshable_method
    def model_select(self) -> None:
        options = model_options(self.state.models)
        select = ui.select(options, value=self.state.model.key if self.state.model else None, on_change=self.on_model)
        select.classes("w-full").mark("model-select")
        if not options:
            select.props('disable hint="the service has not listed its models yet"')

    @ui.refreshable_method
    def result(self) -> None:
        shown = self.state.shown
        if self.state.pending:
            with ui.row().classes("items-center gap-3 text-slate-500").mark("pending"):
                ui.spinner(size="md")
                ui.label(f"Classifying {self.state.pending} image{'s' if self.state.pending > 1 else ''}…")
        if shown is None:
            if not self.state.pending:
                _empty_result()
            return
        with ui.row().classes("w-full gap-6 items-start no-wrap max-sm:flex-wrap"):
            _preview(shown.previews.large if shown.previews else None, "w-56 max-sm:w-full")
            with ui.column().classes("grow min-w-0 gap-4"):
                ui.label(shown.name).classes("text-sm text-slate-500 truncate max-w-full")
                if shown.error is not None:
                    error_box(shown.error)
                    return
                assert shown.result is not None
                top = shown.result.top
                top_label = ui.label(top.label if top else "no prediction").classes("text-2xl font-semibold")
                top_label.props("data-testid=top-label").mark("top-label")  # the browser test finds it too
                prediction_bars(shown.result)
                model_caption(shown.result)
                timings(shown.result)
                if shown.result.id and top:  # the service logged it: say whether it was right
                    FeedbackControl(self.backends.predictions, shown.result.id, top.label, lambda _: None).draw()

    @ui.refreshable_method
    def history(self) -> None:
        if not self.state.history:
            return
        with ui.card().classes("w-full p-4 gap-3"):
            ui.label(f"This session ({len(self.state.history)})").classes("text-base font-semibold")
            with ui.row().classes("gap-3"):
                for outcome in self.state.history:
                    _history_item(outcome, self.state.shown is outcome, lambda o=outcome: self.show(o))

    def show(self, outcome: Outcome) -> None:
        self.state.shown = outcome
        self.result.refresh()
        self.history.refresh()

    async def on_files(self, event: events.MultiUploadEventArguments) -> None:
        for file in event.files:
            await self.classify(file.name, await file.read())
        event.sender.reset()

    def on_rejected(self) -> None:
        self.record(Outcome("(refused by the browser)", None, error=upload_too_large(self.settings.max_upload_bytes)))

    async def on_sample(self, sample: Sample) -> None:
        await self.classify(sample.name, await run.io_bound(sample.path.read_bytes))

    def on_model(self, event: events.ValueChangeEventArguments) -> None:
        self.state.model = next((m for m in self.state.models if m.key == event.value), None)

    async def on_status(self, readiness: Readiness) -> None:
        """Fetch the model list once the service is ready (it may start after the UI)."""
        if readiness is Readiness.READY and not self.state.models:
            try:
                self.state.models = await self.backends.service.models()
            except ApiError:
                return
            self.state.model = next((m for m in self.state.models if m.default), None)
            self.model_select.refresh()

    async def classify(self, name: str, data: bytes) -> None:
        """Send one image; whatever happens, the outcome lands in the result and the history."""
        limit = self.settings.max_upload_bytes
        if len(data) > limit:
            self.record(Outcome(name, None, error=upload_too_large(limit, name, len(data))))
            return
        outcome = Outcome(name, await run.io_bound(make_previews, data))
        self.state.pending += 1
        self.result.refresh()
        top_k = int(self.state.top_k or self.settings.top_k)
        try:
            outcome.result = await self.backends.service.predict(data, name, top_k=top_k, model=self.state.model)
        except ApiError as error:
            outcome.error = error
        finally:
            self.state.pending -= 1
        self.record(outcome)

    def record(self, outcome: Outcome) -> None:
        self.state.record(outcome)
        self.result.refresh()
        self.history.refresh()


def _empty_result() -> None:
    with ui.column().classes("w-full items-center gap-2 py-16 text-slate-400").mark("empty"):
        ui.icon("image_search", size="3rem")
        ui.label("Drop an image or pick a sample: its classes show up here.")


def _preview(data_url: str | None, classes: str) -> None:
    if data_url:
        image = ui.image(data_url).classes(f"{classes} rounded-lg shadow-sm").mark("preview")
        image.props("fit=contain no-transition no-spinner")  # a data URL: nothing to wait for
    else:
        with ui.column().classes(f"{classes} h-40 items-center justify-center rounded-lg bg-slate-100"):
            ui.icon("broken_image", size="2rem", color="grey-5")


def _history_item(outcome: Outcome, selected: bool, on_click) -> None:
    ring = "ring-2 ring-indigo-500" if selected else ""
    item = ui.column().classes(f"w-24 gap-1 cursor-pointer rounded-lg p-1 hover:bg-slate-100 {ring}")
    with item.mark("history-item", f"history-{outcome.name}"):
        _preview(outcome.previews.small if outcome.previews else None, "w-full h-16")
        if outcome.result is not None and outcome.result.top is not None:
            ui.label(outcome.result.top.label).classes("text-xs font-medium truncate w-full")
        else:
            ui.label("error").classes("text-xs text-red-600")
    item.on("click", on_click)


def register(backends: Backends) -> None:
    @ui.page("/")
    def classify_page() -> None:
        ClassifyPage(backends).build()
