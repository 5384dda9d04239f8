"""The commands behind `cli.py`: each one connects, calls its module and prints a short answer."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import httpx
from mlflow.exceptions import MlflowException
from pydantic_settings import get_subcommand

from services.registry import output
from services.registry.aliases import promote, status
from services.registry.arguments import Bootstrap, Canary, Command, CommandLine, Promote, Register, Server, Status
from services.registry.bootstrap import bootstrap
from services.registry.canary import CanaryResult, run_canary
from services.registry.canary_push import GatewayUnreachable, canary_registry, push
from services.registry.canary_record import record_canary
from services.registry.errors import BELOW_THRESHOLD, ERROR, OK, RegistryError
from services.registry.register import register
from services.registry.samples import load_labelled
from services.registry.schedule import run_every, stop_on_signals, wait_until_ready
from services.registry.server import run_server
from services.registry.settings import ALIASES, RegistrySettings
from services.registry.store import connect


def register_command(settings: RegistrySettings, args: Register) -> int:
    registered = register(connect(settings.tracking_uri), settings, Path(args.path), args.alias)
    print(output.registered_line(settings.model_name, registered, args.alias))
    return OK


def promote_command(settings: RegistrySettings, args: Promote) -> int:
    previous = promote(connect(settings.tracking_uri), settings.model_name, args.version, args.alias)
    print(f"{settings.model_name}@{args.alias}: v{previous or '-'} -> v{args.version}")
    return OK


def status_command(settings: RegistrySettings, args: Status) -> int:
    rows = status(connect(settings.tracking_uri), settings.model_name)
    print(output.status_table(settings.model_name, settings.tracking_uri, rows))
    return OK


def bootstrap_command(settings: RegistrySettings, args: Bootstrap) -> int:
    registered = bootstrap(connect(settings.tracking_uri), settings)
    if not registered:
        print(f"{settings.model_name} has versions already: nothing to do")
        return OK
    for version, alias in zip(registered, ALIASES, strict=True):
        print(output.registered_line(settings.model_name, version, alias))
    return OK


def server_command(settings: RegistrySettings, args: Server) -> int:
    return run_server(settings)


def canary_command(settings: RegistrySettings, args: Canary) -> int:
    """Once, or with `--every`: after the service is ready, again every interval until stopped."""
    if not args.every:
        return canary_once(settings)
    with stop_on_signals() as stop, httpx.Client(timeout=settings.request_timeout_s) as http:
        print(f"canary: every {args.interval_s:g} s once {settings.service_url} is ready", flush=True)
        if not wait_until_ready(http, settings.service_url, stop):
            return OK
        return run_every(lambda: canary_once(settings), args.interval_s, stop)


def canary_once(settings: RegistrySettings) -> int:
    """Check, then record in MLflow and push; a failed record is reported, but the verdict comes first."""
    photos = load_labelled(settings.labels_file)
    with httpx.Client(timeout=settings.request_timeout_s) as http:
        result = run_canary(http, settings.service_url, photos, settings.canary_rounds)
    print(output.canary_summary(result, settings.min_accuracy))
    problems = record_everywhere(settings, result)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if result.accuracy < settings.min_accuracy:
        return BELOW_THRESHOLD
    return ERROR if problems else OK


def record_everywhere(settings: RegistrySettings, result: CanaryResult) -> list[str]:
    """Record the run in MLflow and on the Pushgateway, each independently; answer what failed."""
    problems = []
    try:
        run_id = record_canary(connect(settings.tracking_uri), settings, result)
        print(f"recorded as MLflow run {run_id} ({settings.canary_experiment})")
    except (RegistryError, MlflowException) as exc:
        problems.append(str(exc))
    if settings.pushgateway_url:
        try:
            push(canary_registry(result, settings.min_accuracy), settings.pushgateway_url, settings.request_timeout_s)
            print(f"pushed to {settings.pushgateway_url}")
        except GatewayUnreachable as exc:
            print(f"warning: {exc}", file=sys.stderr)
        except RegistryError as exc:
            problems.append(str(exc))
    return problems


COMMANDS: dict[type[Command], Callable[[RegistrySettings, Command], int]] = {
    Register: register_command,
    Promote: promote_command,
    Status: status_command,
    Bootstrap: bootstrap_command,
    Server: server_command,
    Canary: canary_command,
}


def run(command_line: CommandLine) -> int:
    """Run the chosen subcommand; MLflow's refusals (a name taken, a bad request) become one-line errors."""
    settings: RegistrySettings = command_line
    command = get_subcommand(command_line, cli_exit_on_error=False)
    try:
        return COMMANDS[type(command)](settings, command)
    except MlflowException as exc:
        raise RegistryError(f"MLflow at {settings.tracking_uri} refused: {exc.message}") from exc
