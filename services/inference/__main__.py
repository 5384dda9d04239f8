"""`python -m services.inference --host H --port P --model URI`: run the service.

Every setting is a flag (`--help` lists them, with their `INFERLAB_*` variables and defaults); flags
override the environment.
"""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic_settings import CliApp

from services.inference.app import create_app
from services.inference.server import serve
from services.inference.settings import ServiceSettings
from services.inference.sources import is_registry_uri


def parse_args(argv: Sequence[str] | None = None) -> ServiceSettings:
    settings = CliApp.run(ServiceSettings, cli_args=None if argv is None else list(argv))
    missing = [uri for uri in settings.models if not is_registry_uri(uri) and not Path(uri).is_file()]
    if missing:
        print(
            f"error: no model file at {', '.join(missing)} (run from the repository root, or pass --model)",
            file=sys.stderr,
        )
        raise SystemExit(2)
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
