"""`python -m ui --host H --port P --api URL`: the lab's web client.

Flags override the `INFERLAB_UI_*` / `INFERLAB_*` environment; `--help` lists every setting.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence

from services.settings_help import settings_help
from ui.app import run
from ui.settings import UiSettings

FLAGS = {
    "--host": ("host", str, "address to listen on"),
    "--port": ("port", int, "port to listen on"),
    "--api": ("api_url", str, "the inference service's base URL"),
    "--prometheus": ("prometheus_url", str, "Prometheus's base URL ('' = not configured)"),
    "--timeout": ("timeout_s", float, "seconds to wait for the service"),
}


def parse_args(argv: Sequence[str] | None = None) -> UiSettings:
    parser = argparse.ArgumentParser(
        prog="python -m ui", description=__doc__, epilog=settings_help(UiSettings),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    for flag, (dest, kind, text) in FLAGS.items():
        parser.add_argument(flag, dest=dest, type=kind, help=text)
    overrides = {key: value for key, value in vars(parser.parse_args(argv)).items() if value is not None}
    return UiSettings(**overrides)


def main(argv: Sequence[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request would drown the rest
    run(parse_args(argv))


if __name__ == "__main__":
    main()
