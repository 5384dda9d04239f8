"""Pieces the classify and compare pages both draw: score bars, stage timings, errors, sample photos."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import ui

from telemetry.stages import Stage
from ui.client import ModelInfo, PredictResult
from ui.errors import ApiError
from ui.samples import Sample

ACCEPT = ".jpg,.jpeg,.png,.webp,image/jpeg,image/png,image/webp"
STAGES = [stage.value for stage in Stage]
STAGE_COLORS = {Stage.QUEUE: "#94a3b8", Stage.DECODE: "#38bdf8", Stage.PREPROCESS: "#a78bfa",
                Stage.INFERENCE: "#4f46e5", Stage.POSTPROCESS: "#f59e0b"}  # fmt: skip


def error_box(error: ApiError) -> None:
    """An inline error: what went wrong in a few words, then the detail (often the service's own)."""
    with ui.row().classes("w-full items-start gap-3 p-3 rounded-lg bg-red-50 border border-red-200").mark("error-box"):
        ui.icon("error_outline", color="negative", size="sm")
        with ui.column().classes("gap-0 grow"):
            ui.label(error.title).classes("font-semibold text-red-800").mark("error")
            ui.label(error.detail).classes("text-sm text-red-700").mark("error-detail")


def prediction_bars(result: PredictResult) -> None:
    """One row per class: label, a bar as long as the score, the score in percent."""
    with ui.column().classes("w-full gap-2"):
        for rank, prediction in enumerate(result.predictions):
            with ui.row().classes("w-full items-center gap-3 no-wrap").mark("prediction"):
                weight = "font-semibold" if rank == 0 else "text-slate-600"
                ui.label(prediction.label).classes(f"w-40 truncate {weight}").tooltip(prediction.label)
                ui.linear_progress(prediction.score, show_value=False, size="12px",
                                   color="primary" if rank == 0 else "indigo-3").classes("grow rounded")  # fmt: skip
                ui.label(f"{prediction.score:.1%}").classes("w-14 text-right tabular-nums text-sm")


def model_caption(result: PredictResult) -> None:
    with ui.row().classes("gap-2 items-center text-sm text-slate-500"):
        ui.icon("memory", size="xs")
        ui.label(f"{result.model} · {result.version}").classes("font-medium text-slate-700").mark("model")
        ui.label(f"· {result.width}×{result.height} px")


def timings(result: PredictResult) -> None:
    """The round trip the UI measured, and the service's own stages as one stacked bar."""
    total = result.timings_ms.get("total") or sum(result.timings_ms.get(s, 0.0) for s in STAGES)
    with ui.column().classes("w-full gap-1").mark("timings"):
        with ui.row().classes("w-full justify-between text-sm"):
            ui.label(f"round trip {result.round_trip_ms:.0f} ms").classes("font-semibold").mark("round-trip")
            ui.label(f"service {total:.1f} ms").classes("text-slate-500")
        with ui.row().classes("w-full h-2 gap-0 rounded overflow-hidden bg-slate-100 no-wrap"):
            for stage in STAGES:
                share = 100 * result.timings_ms.get(stage, 0.0) / total if total else 0
                ui.element("div").classes("h-full").style(f"width:{share:.2f}%; background:{STAGE_COLORS[stage]}")
        with ui.row().classes("gap-x-4 gap-y-0 text-xs text-slate-500"):
            for stage in STAGES:
                with ui.row().classes("items-center gap-1"):
                    ui.element("span").classes("inline-block w-2 h-2 rounded-full").style(
                        f"background:{STAGE_COLORS[stage]}"
                    )
                    ui.label(f"{stage} {result.timings_ms.get(stage, 0.0):.1f} ms")


def sample_strip(samples: list[Sample], on_pick: Callable[[Sample], Awaitable[None]]) -> None:
    """Thumbnails of the shipped photos; a click sends that photo."""
    if not samples:
        return
    with ui.element("div").classes("w-full grid grid-cols-6 gap-2"):
        for sample in samples:
            image = ui.image(sample.path).classes(
                "aspect-square rounded-md cursor-pointer hover:ring-2 ring-indigo-400"
            )
            image.props("fit=cover").tooltip(sample.caption).mark(f"sample-{sample.name}")
            image.on("click", lambda sample=sample: on_pick(sample))


def model_options(models: list[ModelInfo]) -> dict[str, str]:
    """Select options keyed `name:version`, the default model marked."""
    return {m.key: f"{m.name} · {m.version}" + _role(m) for m in models}


def _role(model: ModelInfo) -> str:
    if model.alias:
        return f" ({model.alias})"
    return " (default)" if model.default else ""


def upload_box(max_bytes: int, on_files, on_rejected, *, multiple: bool) -> ui.upload:
    """A drop zone and file picker for JPEG, PNG and WebP that hands over files as soon as they land."""
    upload = ui.upload(multiple=multiple, auto_upload=True, max_file_size=max_bytes,
                       on_multi_upload=on_files, on_rejected=on_rejected)  # fmt: skip
    label = "Drop images here, or click +" if multiple else "Drop an image here, or click +"
    upload.props(f'accept="{ACCEPT}" flat color=indigo-1 text-color=indigo-10 label="{label}"')
    return upload.classes("inferlab-upload w-full").mark("upload")
