"""`python -m services.inference --host H --port P --model URI`: run the service.

Flags override the `INFERLAB_*` environment; see `settings.py` for every option.
"""

from __future__ import annotations

import argparse
import logging
import signal
from collections.abc import Sequence
from pathlib import Path

from services.inference.app import create_app
from services.inference.server import serve
from services.inference.settings import ServiceSettings
from services.inference.sources import is_registry_uri
from services.settings_help import settings_help


def parse_args(argv: Sequence[str] | None = None) -> ServiceSettings:
    parser = argparse.ArgumentParser(
        prog="python -m services.inference",
        description=__doc__,
        epilog=settings_help(ServiceSettings),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", help="address to listen on")
    parser.add_argument("--port", type=int, help="port to listen on")
    parser.add_argument("--model", dest="models", action="append", help="model URI (repeat to serve several)")
    parser.add_argument("--workers", type=int, help="concurrent inference calls")
    parser.add_argument("--log-level", help="debug, info, warning, error")
    overrides = {key: value for key, value in vars(parser.parse_args(argv)).items() if value is not None}
    settings = ServiceSettings(**overrides)
    missing = [uri for uri in settings.models if not is_registry_uri(uri) and not Path(uri).is_file()]
    if missing:
        parser.error(f"no model file at {', '.join(missing)} (run from the repository root, or pass --model)")
    return settings


def _exit_cleanly(signum: int, frame: object) -> None:
    raise SystemExit(0)


def main(argv: Sequence[str] | None = None) -> None:
    settings = parse_args(argv)
    # After draining on SIGTERM, uvicorn re-raises the signal to the handler found at start: without this
    # one the process then dies by the signal (exit 143) and supervisors report a clean stop as a crash.
    signal.signal(signal.SIGTERM, _exit_cleanly)
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    serve(create_app(settings), settings)


if __name__ == "__main__":
    main()
