"""Predictions: the service's log, newest first, filtered, with each image's thumbnail and a feedback control."""

from __future__ import annotations

from nicegui import ui

from ui.backends import Backends
from ui.errors import ApiError
from ui.feedback import FeedbackControl
from ui.layout import frame
from ui.predictions_client import Filters, Logged, Page

FEEDBACK_CHOICES = {"any": "with or without feedback", "with": "with feedback", "without": "without feedback"}


class PredictionsPage:
    def __init__(self, backends: Backends) -> None:
        self.backends = backends
        self.client = backends.predictions
        self.form = {"model": "", "label": "", "min": None, "max": None, "feedback": "any"}
        self.page = Page()
        self.error: ApiError | None = None

    def build(self) -> None:
        with frame(self.backends.service, "/predictions", every_s=self.backends.settings.status_every_s):
            self.filters()
            self.listing()
        ui.timer(0, self.load, once=True)

    def filters(self) -> None:
        with ui.card().classes("w-full p-4"), ui.row().classes("w-full items-end gap-3"):
            ui.input("Model (name or name:version)").bind_value(self.form, "model").classes("w-56").mark("f-model")
            ui.input("Predicted class").bind_value(self.form, "label").classes("w-44").mark("f-label")
            ui.number("Min confidence", min=0, max=1, step=0.05).bind_value(self.form, "min").classes("w-32")
            ui.number("Max confidence", min=0, max=1, step=0.05).bind_value(self.form, "max").classes("w-32")
            ui.select(FEEDBACK_CHOICES).bind_value(self.form, "feedback").classes("w-52").mark("f-feedback")
            ui.button("Show", icon="search", on_click=self.load).props("no-caps").mark("f-show")

    def current_filters(self) -> Filters:
        name, _, version = (self.form["model"] or "").partition(":")
        feedback = {"with": True, "without": False}.get(self.form["feedback"])
        return Filters(name or None, version or None, self.form["label"] or None, self.form["min"], self.form["max"],
                       feedback)  # fmt: skip

    async def load(self, more: bool = False) -> None:
        try:
            page = await self.client.page(self.current_filters(), self.page.next_cursor if more else None)
        except ApiError as error:
            self.error = error
        else:
            self.error = None
            for logged in page.predictions:
                if logged.has_thumbnail:
                    logged.thumbnail = await self.client.thumbnail(logged.id)
            page.predictions = [*self.page.predictions, *page.predictions] if more else page.predictions
            self.page = page
        self.listing.refresh()

    @ui.refreshable_method
    def listing(self) -> None:
        if self.error is not None:
            with ui.column().classes("w-full").mark("log-error"):
                ui.label(self.error.title).classes("font-semibold text-red-800")
                ui.label(self.error.detail).classes("text-sm text-red-700")
            return
        if not self.page.predictions:
            ui.label("No prediction matches (yet): classify an image, then look here.").mark("log-empty")
            return
        with ui.element("div").classes("w-full grid grid-cols-1 md:grid-cols-2 lg:grid-cols-3 gap-4"):
            for logged in self.page.predictions:
                self.card(logged)
        if self.page.next_cursor:
            ui.button("More", on_click=lambda: self.load(more=True)).props("flat no-caps").mark("log-more")

    def card(self, logged: Logged) -> None:
        with ui.card().classes("p-3 gap-2").mark("logged", f"logged-{logged.id}"):
            with ui.row().classes("w-full gap-3 no-wrap items-start"):
                if logged.thumbnail:
                    ui.image(logged.thumbnail).classes("w-24 h-24 rounded").props("fit=cover no-transition")
                with ui.column().classes("gap-0 min-w-0"):
                    ui.label(logged.label).classes("text-lg font-semibold truncate").mark("logged-label")
                    ui.label(f"{logged.confidence:.1%} · {logged.model} · {logged.version}").classes("text-sm")
                    ui.label(logged.created_at[:19].replace("T", " ")).classes("text-xs text-slate-500")
                    if logged.feedback_label is not None:
                        verdict = "right" if logged.feedback_correct else f"wrong: {logged.feedback_label}"
                        feedback = (
                            ui.label(f"feedback: {verdict}").classes("text-xs font-medium").mark("logged-feedback")
                        )
                        feedback.props("data-testid=logged-feedback")
            FeedbackControl(self.client, logged.id, logged.label, lambda _: None).draw()


def register(backends: Backends) -> None:
    @ui.page("/predictions")
    def predictions_page() -> None:
        PredictionsPage(backends).build()
