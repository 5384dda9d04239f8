"""Settings of the lab's own processes, each one typed object read from `INFERLAB_*` environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from lab.layout import DATA


class ConsoleSettings(BaseSettings):
    """`python -m lab.console`: how long to wait for the lab, and how often to look again."""

    model_config = SettingsConfigDict(env_prefix="INFERLAB_CONSOLE_", env_ignore_empty=True, extra="ignore")

    wait_s: float = Field(
        180.0, gt=0, description="Longest wait for every component before the block is printed with what is missing."
    )
    poll_s: float = Field(1.0, gt=0, description="Pause between readiness checks while the lab starts.")
    watch_s: float = Field(5.0, gt=0, description="Pause between checks once up: a component that stops is named.")
    data_dir: Path = Field(DATA, description="The lab's state, where skipped tools leave a note of why.")


class ReloadSettings(BaseSettings):
    """`python -m lab.reload`: whether to watch at all (Tilt's local mode restarts processes itself)."""

    model_config = SettingsConfigDict(env_prefix="INFERLAB_", env_ignore_empty=True, extra="ignore")

    reload: bool = Field(True, description="Restart the process when a Python file it runs changes.")
