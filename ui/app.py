"""The app factory: `build(settings)` registers pages, `/healthz` and the clients' lifecycle; `run` serves.

Everything is registered on NiceGUI's app when `build` is called, never at import, so a test (or
`python -m ui`) decides the settings first.
"""

from __future__ import annotations

from nicegui import app, ui

from ui.backends import Backends
from ui.pages import classify, compare, monitor, predictions
from ui.settings import UiSettings


def build(settings: UiSettings) -> Backends:
    """Register everything the UI serves; the backends' clients open when the app starts."""
    backends = Backends(settings)
    app.on_startup(backends.start)
    app.on_shutdown(backends.stop)
    app.add_api_route("/healthz", healthz, methods=["GET"], include_in_schema=False)
    for page in (classify, compare, predictions, monitor):
        page.register(backends)
    return backends


async def healthz() -> dict[str, str]:
    """The UI process is up; the service's own readiness is the header's business, not this route's."""
    return {"status": "ok"}


def run(settings: UiSettings) -> None:
    build(settings)
    ui.run(
        host=settings.host,
        port=settings.port,
        title="inferlab",
        favicon="🔬",
        reload=False,
        show=False,
        show_welcome_message=False,
        uvicorn_logging_level="warning",
    )
