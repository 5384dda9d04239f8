"""`python -m services.registry COMMAND`: register, promote, status, bootstrap, server, canary.

Flags override the environment (`INFERLAB_REGISTRY_*`, and MLflow's `MLFLOW_TRACKING_URI`); see
`settings.py` for every option. Exit codes: 0 done, 1 the canary's accuracy is under the threshold,
2 an error (printed as one line: what went wrong and what to do).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from services.registry.errors import ERROR, RegistryError
from services.registry.settings import ALIASES, RegistrySettings
from services.settings_help import settings_help
from telemetry.canary import SCHEDULE_S


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="python -m services.registry",
        description=__doc__,
        epilog=settings_help(RegistrySettings),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    root.add_argument("--tracking-uri", help="MLflow tracking URI")
    root.add_argument("--model-name", help="registered model name")
    commands = root.add_subparsers(dest="command", required=True)
    register = commands.add_parser("register", help="a new version from an ONNX file")
    register.add_argument("path", help="the .onnx file")
    register.add_argument("--alias", choices=ALIASES, help="point this alias at the new version")
    promote = commands.add_parser("promote", help="point an alias at a version")
    promote.add_argument("version")
    promote.add_argument("--alias", choices=ALIASES, required=True)
    commands.add_parser("status", help="versions and aliases")
    commands.add_parser("bootstrap", help="register the default models if the registry has none")
    server = commands.add_parser("server", help="the lab's MLflow server, bootstrapped, in the foreground")
    server.add_argument("--host")
    server.add_argument("--port", type=int)
    server.add_argument("--data-dir")
    canary = commands.add_parser("canary", help="post-deploy check of the running service")
    canary.add_argument("--service", dest="service_url", help="the service's base URL")
    canary.add_argument("--pushgateway", dest="pushgateway_url", help="Pushgateway URL ('' for none)")
    canary.add_argument("--min-accuracy", type=float, help="fail under this top-1 accuracy")
    canary.add_argument("--rounds", dest="canary_rounds", type=int, help="passes over the photos")
    canary.add_argument(
        "--every",
        type=float,
        nargs="?",
        const=float(SCHEDULE_S),
        metavar="SECONDS",
        help=f"wait for the service, then check every SECONDS until stopped (default {SCHEDULE_S})",
    )
    return root


def settings_from(args: argparse.Namespace) -> RegistrySettings:
    overrides = {k: v for k, v in vars(args).items() if k in RegistrySettings.model_fields and v is not None}
    return RegistrySettings(**overrides)


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")  # MLflow's usage reports: the lab does not phone home
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per canary request says nothing new
    try:
        settings = settings_from(args)
        from services.registry.commands import run

        return run(args.command, settings, args)
    except (RegistryError, ValidationError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ERROR
