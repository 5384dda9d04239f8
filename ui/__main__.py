"""`python -m ui --host H --port P --api URL`: the lab's web client.

Flags override the `INFERLAB_UI_*` / `INFERLAB_*` environment; `--help` lists every setting.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence

from ui.app import run
from ui.settings import UiSettings

FLAGS = {
    "--host": ("host", str, "address to listen on"),
    "--port": ("port", int, "port to listen on"),
    "--api": ("api_url", str, "the inference service's base URL"),
    "--prometheus": ("prometheus_url", str, "Prometheus's base URL ('' = not configured)"),
    "--timeout": ("timeout_s", float, "seconds to wait for the service"),
}


def settings_help() -> str:
    lines = ["settings (environment variables; flags win):"]
    for name, field in UiSettings.model_fields.items():
        default = field.default_factory() if field.default_factory else field.default
        names = field.validation_alias.choices if field.validation_alias else [f"INFERLAB_UI_{name}"]
        lines.append(f"  {' or '.join(n.upper() for n in names)}: {field.description} [default: {default}]")
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None = None) -> UiSettings:
    parser = argparse.ArgumentParser(
        prog="python -m ui", description=__doc__, epilog=settings_help(),
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
