"""`python -m services.registry COMMAND`: register, promote, status, bootstrap, server, canary.

Flags override the environment (`INFERLAB_REGISTRY_*`, and MLflow's `MLFLOW_TRACKING_URI`); `--help`
lists every setting (see `arguments.py`). Exit codes: 0 done, 1 the canary's accuracy is under the
threshold, 2 an error (printed as one line: what went wrong and what to do).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence

from pydantic import ValidationError
from pydantic_settings import CliApp, SettingsError

from services.registry.arguments import CommandLine
from services.registry.errors import ERROR, RegistryError


def parse_args(argv: Sequence[str] | None = None) -> CommandLine:
    """The settings and the chosen subcommand; a bad or missing argument exits with code 2 and the usage."""
    return CliApp.run(CommandLine, cli_args=None if argv is None else list(argv))


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")  # MLflow's usage reports: the lab does not phone home
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per canary request says nothing new
    try:
        command_line = parse_args(argv)
        from services.registry.commands import run

        return run(command_line)
    except (RegistryError, SettingsError, ValidationError) as exc:
        print(f"error: {str(exc).removeprefix('Error: ')}", file=sys.stderr)
        return ERROR
