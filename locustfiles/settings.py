"""The load tests' settings: one typed object, read from `INFERLAB_LOAD_*` environment variables.

`locustfiles.run` reads them (and its command-line flags), then hands every value down to the Locust
processes as the same variables, so the locustfile, the shape and the workers see one configuration.
Empty variables count as unset, which lets `make load USERS=` fall back to the defaults written here.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from lab import layout

REPO = Path(__file__).resolve().parent.parent
ENV_PREFIX = "INFERLAB_LOAD_"
Shape = Literal["steady", "ramp", "spike", "soak", "none"]
_DURATION = re.compile(r"(\d+(?:\.\d+)?)([hms])")
_SECONDS = {"h": 3600, "m": 60, "s": 1}


def parse_duration(value: str | float | None) -> float | None:
    """Seconds from Locust's spelling of a duration ("90", "90s", "2m", "1h30m"); None stays None."""
    if value is None or isinstance(value, int | float):
        return value
    text = value.strip().lower()
    try:
        return float(text)
    except ValueError:
        pass
    parts = _DURATION.findall(text)
    if not parts or "".join(number + unit for number, unit in parts) != text:
        raise ValueError(f"not a duration: {value!r} (write e.g. 90, 90s, 2m or 1h30m)")
    return sum(float(number) * _SECONDS[unit] for number, unit in parts)


class LoadSettings(BaseSettings):
    """Settings of a load test: the target, the load, the shape, the objectives and where reports go."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_ignore_empty=True,
        extra="ignore",
        cli_kebab_case=True,
    )

    host: str = Field(default_factory=lambda: layout.url("service"), description="Base URL of the service under load.")
    model: str | None = Field(None, description="Model to call (default: the service's default model).")
    users: int = Field(10, ge=1, description="Peak simulated users: steady and soak hold it, ramp and spike reach it.")
    spawn_rate: float = Field(2.0, gt=0, description="Users started (or stopped) per second.")
    run_time: float | None = Field(
        None, gt=0, description="Run length (90, 90s, 2m, 1h30m) of steady, spike and soak; default: the shape's own."
    )
    shape: Shape = Field("steady", description="Load shape: steady, ramp, spike, soak, or none (Locust's own).")
    tags: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Only the users tagged so (comma or space separated; default: all)."
    )
    workers: int = Field(0, ge=0, description="Local Locust worker processes under one master (0: one process).")
    wait_min_s: float = Field(0.1, ge=0, description="Shortest think time of a client between two requests.")
    wait_max_s: float = Field(1.0, ge=0, description="Longest think time of a client between two requests.")
    bad_input_users: int = Field(1, ge=0, description="Users sending bad input (a fixed count, not a weight).")
    bad_input_interval_s: float = Field(2.0, gt=0, description="Seconds between two bad requests of one user.")
    request_timeout_s: float = Field(30.0, gt=0, description="A request without an answer by then is a failure.")
    max_p95_ms: float = Field(1000.0, gt=0, description="p95 objective (ms): a threshold, and where ramp stops.")
    max_failure_ratio: float = Field(0.01, ge=0, le=1, description="Failure-ratio objective, like max_p95_ms.")
    ramp_step_users: int = Field(2, ge=1, description="Ramp: users added per step.")
    ramp_step_s: float = Field(20.0, ge=5, description="Ramp: seconds per step (Locust's window is ~10 s).")
    runs_dir: Path = Field(REPO / "runs", description="Each headless run writes runs_dir/<UTC timestamp>/.")
    report_dir: Path | None = Field(None, description="This run's directory (set by locustfiles.run for Locust).")
    samples_dir: Path = Field(REPO / "samples", description="The photos the clients upload.")
    web_host: str = Field("127.0.0.1", description="Address of Locust's web UI (locustfiles.web).")
    web_port: int = Field(default_factory=lambda: layout.port("locust"), description="Port of Locust's web UI.")
    metrics_port: int | None = Field(
        0,
        ge=0,
        le=65535,
        description="Headless runs: serve /metrics on this port (0: any free one; the web UI serves it on its own).",
    )
    targets_dir: Path | None = Field(
        default_factory=layout.load_test_targets,
        description="Headless runs: announce /metrics here, for the lab's Prometheus (file_sd).",
    )

    @field_validator("run_time", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> Any:
        return parse_duration(value)

    @field_validator("tags", mode="before")
    @classmethod
    def _split_tags(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [tag for tag in re.split(r"[,\s]+", value) if tag]
        return value


def as_environment(settings: LoadSettings) -> dict[str, str]:
    """The settings as `INFERLAB_LOAD_*` variables, for the Locust processes to read back the same values."""
    environment = {}
    for name, value in settings.model_dump(mode="json").items():
        if value is None:
            continue
        text = ",".join(value) if isinstance(value, list) else str(value)
        environment[ENV_PREFIX + name.upper()] = text
    return environment
