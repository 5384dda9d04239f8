"""Settings of the lab's tool launchers (`python -m lab.tools`), from `INFERLAB_TOOLS_*` variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from lab.tools.launch import DATA, REPO


class ToolsSettings(BaseSettings):
    """Where the official releases of Prometheus, the Pushgateway and Grafana are kept, and whether to fetch them."""

    model_config = SettingsConfigDict(env_prefix="INFERLAB_TOOLS_", env_ignore_empty=True, extra="ignore")

    dir: Path = Field(REPO / ".cache" / "tools", description="Cache of the fetched release archives, unpacked.")
    fetch: bool = Field(True, description="Fetch a tool's official release when it is not on PATH (false: never).")
    data_dir: Path = Field(DATA, description="The lab's state: each tool's data, and a note of why a tool was skipped.")
    timeout_s: float = Field(30.0, gt=0, description="Longest wait for the release host to answer or send data.")
