"""The registry CLI's command line: the settings as flags, and one subcommand model each.

pydantic-settings builds the parser from these classes: every `RegistrySettings` field is a flag given
before the subcommand (`--tracking-uri URI status`, `--service URL canary`), a subcommand's own
arguments come after it (`promote 3 --alias champion`).
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field
from pydantic_settings import CliImplicitFlag, CliPositionalArg, CliSubCommand

from services.registry.settings import ALIASES, RegistrySettings
from telemetry.canary import SCHEDULE_S

Alias = Literal[*ALIASES]


class Register(BaseModel):
    """Register a new version from an ONNX file."""

    path: CliPositionalArg[Path] = Field(description="The .onnx file.")
    alias: Alias | None = Field(None, description="Point this alias at the new version.")


class Promote(BaseModel):
    """Point an alias at a version."""

    version: CliPositionalArg[str] = Field(description="The version to point at.")
    alias: Alias = Field(description="The alias to move.")


class Status(BaseModel):
    """Versions and aliases."""


class Bootstrap(BaseModel):
    """Register the default models if the registry has none."""


class Server(BaseModel):
    """The lab's MLflow server, bootstrapped, in the foreground (`--host`, `--port`, `--data-dir` before it)."""


class Canary(BaseModel):
    """Post-deploy check of the running service (`--service`, `--pushgateway`, `--min-accuracy` before it)."""

    every: CliImplicitFlag[bool] = Field(
        False, description="Wait for the service, then check every --interval-s seconds until stopped."
    )
    interval_s: float = Field(float(SCHEDULE_S), gt=0, description="With --every: seconds between checks.")


Command = Register | Promote | Status | Bootstrap | Server | Canary


# A subcommand is the field of its name; `register` shadows ABCMeta.register, a method of the class that
# nothing calls on it, so pydantic's warning about it says nothing here.
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", 'Field name "register" in "CommandLine" shadows', UserWarning)

    class CommandLine(RegistrySettings):
        """`python -m services.registry`: the registry's settings, and the one subcommand to run."""

        register: CliSubCommand[Register] = Field(description=Register.__doc__)
        promote: CliSubCommand[Promote] = Field(description=Promote.__doc__)
        status: CliSubCommand[Status] = Field(description=Status.__doc__)
        bootstrap: CliSubCommand[Bootstrap] = Field(description=Bootstrap.__doc__)
        server: CliSubCommand[Server] = Field(description=Server.__doc__)
        canary: CliSubCommand[Canary] = Field(description=Canary.__doc__)
