"""`python -m services.inference --host H --port P --model URI`: run the service.

Flags override the `INFERLAB_*` environment; see `settings.py` for every option.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence

import uvicorn

from services.inference.app import create_app
from services.inference.settings import ServiceSettings


def parse_args(argv: Sequence[str] | None = None) -> ServiceSettings:
    parser = argparse.ArgumentParser(prog="python -m services.inference", description=__doc__)
    parser.add_argument("--host", help="address to listen on")
    parser.add_argument("--port", type=int, help="port to listen on")
    parser.add_argument("--model", dest="models", action="append", help="model URI (repeat to serve several)")
    parser.add_argument("--workers", type=int, help="concurrent inference calls")
    parser.add_argument("--log-level", help="debug, info, warning, error")
    overrides = {key: value for key, value in vars(parser.parse_args(argv)).items() if value is not None}
    return ServiceSettings(**overrides)


def main(argv: Sequence[str] | None = None) -> None:
    settings = parse_args(argv)
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        timeout_graceful_shutdown=settings.shutdown_grace_s,
        # The body limit is enforced by the app (with a JSON 413); keep-alive as uvicorn's default.
    )


if __name__ == "__main__":
    main()
