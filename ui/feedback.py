"""The feedback control: "right", or the right class picked by typing part of its name."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from ui.errors import ApiError
from ui.predictions_client import Logged, PredictionLogClient

OnJudged = Callable[[Logged], None]


class FeedbackControl:
    """Under one answer: a button to say it is right, and a type-ahead over the model's classes."""

    def __init__(self, client: PredictionLogClient, prediction_id: str, predicted: str, on_judged: OnJudged) -> None:
        self.client = client
        self.prediction_id = prediction_id
        self.predicted = predicted
        self.on_judged = on_judged
        self.verdict: str | None = None
        self.classes: list[str] = []

    @ui.refreshable_method
    def draw(self) -> None:
        with ui.row().classes("w-full items-center gap-2").mark("feedback"):
            right = ui.button("Right", icon="thumb_up", on_click=lambda: self.send(self.predicted))
            right.props("dense flat no-caps color=positive").mark(
                "feedback-right", f"feedback-right-{self.prediction_id}"
            )
            pick = ui.select(self.classes, with_input=True, label="Wrong? The right class", on_change=self.on_pick)
            pick.props("dense clearable data-testid=feedback-pick")  # data-testid: the browser test finds it
            pick.classes("w-56").mark(*self._markers())
            # The classes are fetched on first focus and set in place: redrawing would take the focus away
            # from the person typing.
            pick.on("focus", lambda: self.load_classes(pick))
            if self.verdict:
                ui.label(self.verdict).classes("text-sm text-slate-600").mark(
                    "feedback-state", f"feedback-state-{self.prediction_id}"
                )

    async def load_classes(self, pick: ui.select) -> None:
        if self.classes:
            return
        try:
            self.classes = await self.client.classes(self.prediction_id)
        except ApiError as error:
            self.verdict = f"{error.title}: {error.detail}"
            self.draw.refresh()
            return
        pick.set_options(self.classes)
        pick.mark(*self._markers())

    def _markers(self) -> list[str]:
        """The select's markers (for NiceGUI's user tests): `feedback-classes-<id>` once the classes came."""
        markers = ["feedback-pick", f"feedback-pick-{self.prediction_id}"]
        return [*markers, f"feedback-classes-{self.prediction_id}"] if self.classes else markers

    async def on_pick(self, event) -> None:
        if event.value:
            await self.send(event.value)

    async def send(self, label: str) -> None:
        try:
            judged = await self.client.feedback(self.prediction_id, label)
        except ApiError as error:
            self.verdict = f"{error.title}: {error.detail}"
        else:
            self.verdict = "thanks: marked right" if judged.feedback_correct else f"thanks: the right class is {label}"
            self.on_judged(judged)
        self.draw.refresh()
