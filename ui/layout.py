"""The frame every page shares: a header with the lab's name, the navigation and the service's status."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

from nicegui import ui

from ui.client import Readiness, ServiceClient

NAV = [
    ("/", "Classify", "image_search"),
    ("/compare", "Compare", "compare"),
    ("/predictions", "Predictions", "fact_check"),
    ("/monitor", "Monitor", "insights"),
]
STATUS_COLORS = {Readiness.READY: "positive", Readiness.NOT_READY: "warning", Readiness.DOWN: "negative"}
OnStatus = Callable[[Readiness], Awaitable[None] | None]

THEME_CSS = """
body { background: #f5f6fa; }
.inferlab-nav .q-btn { opacity: .72; }
.inferlab-nav .q-btn.active { opacity: 1; background: rgba(255,255,255,.14); }
.inferlab-upload .q-uploader__subtitle { display: none; }
.inferlab-upload .q-uploader__list { min-height: 5rem; border: 2px dashed #c7d2fe; border-top: none;
  background: #f8faff; }
.inferlab-upload.q-uploader--dnd .q-uploader__list { background: #e0e7ff; }
"""


@contextmanager
def frame(service: ServiceClient, path: str, *, every_s: float, on_status: OnStatus | None = None) -> Iterator[None]:
    """Header and a centred content column; the block's elements go into the column."""
    title = next(label for href, label, _ in NAV if href == path)
    ui.page_title(f"{title} · inferlab")
    ui.colors(primary="#4f46e5", positive="#16a34a", warning="#d97706", negative="#dc2626")
    ui.add_css(THEME_CSS)
    with ui.header().classes("items-center gap-4 px-6 py-2 bg-slate-900 text-white shadow"):
        ui.label("inferlab").classes("text-lg font-semibold tracking-tight")
        _nav(path)
        ui.space()
        status_chip(service, every_s, on_status)
    with ui.column().classes("w-full max-w-6xl mx-auto p-6 gap-6"):
        yield


def _nav(path: str) -> None:
    with ui.row().classes("inferlab-nav gap-1"):
        for href, label, icon in NAV:
            button = ui.button(label, icon=icon, on_click=lambda href=href: ui.navigate.to(href))
            button.props("flat dense no-caps color=white").classes("px-3").mark(f"nav-{label.lower()}")
            if href == path:
                button.classes("active")


def status_chip(service: ServiceClient, every_s: float, on_status: OnStatus | None) -> None:
    """A chip that re-checks readiness every `every_s` seconds while the page is open."""
    chip = ui.chip("checking service…", icon="circle", color="grey-7", text_color="white").mark("status")
    chip.props("dense").tooltip(f"inference service at {service.base_url}")

    async def check() -> None:
        readiness = await service.readiness()
        chip.text = readiness.value
        chip.props(f"color={STATUS_COLORS[readiness]}")
        if on_status is not None:
            result = on_status(readiness)
            if result is not None:
                await result

    ui.timer(every_s, check)
