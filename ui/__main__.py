"""`python -m ui --host H --port P --api URL`: the lab's web client.

Every setting is a flag (`--help` lists them, with their `INFERLAB_UI_*` / `INFERLAB_*` variables and
defaults); flags override the environment.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from pydantic_settings import CliApp

from ui.app import run
from ui.settings import UiSettings


def parse_args(argv: Sequence[str] | None = None) -> UiSettings:
    return CliApp.run(UiSettings, cli_args=None if argv is None else list(argv))


def main(argv: Sequence[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request would drown the rest
    run(parse_args(argv))


if __name__ == "__main__":
    main()
