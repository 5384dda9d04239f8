"""The UI's settings: one typed object, read from `INFERLAB_UI_*` and shared `INFERLAB_*` variables.

Where the UI itself listens is its own (`INFERLAB_UI_HOST`, `INFERLAB_UI_PORT`: `INFERLAB_PORT` is the
service's); where the other components live is shared by every process (`INFERLAB_API_URL`,
`INFERLAB_PROMETHEUS_URL`, ...), so one variable points them all at the same place. Defaults come from
`lab.json` (values, not factories, so that `--help` shows them). Every field is a flag too
(pydantic-settings' CLI, see `__main__`), which overrides the environment.

The lab's tools are opened by the browser and probed by this server, which may reach them at other
addresses (in the cluster: `localhost` through Tilt's port forwards, and the Services' names): each
tool has a link URL and a probe URL, the one defaulting to the other.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from lab import layout

REPO = Path(__file__).resolve().parent.parent


def _shared(name: str) -> AliasChoices:
    """Read `INFERLAB_UI_<NAME>` first, then the lab-wide `INFERLAB_<NAME>`."""
    return AliasChoices(f"INFERLAB_UI_{name}", f"INFERLAB_{name}")


class UiSettings(BaseSettings):
    """Settings of one UI process. An empty URL means "not configured": its page or link says so."""

    model_config = SettingsConfigDict(
        env_prefix="INFERLAB_UI_",
        extra="ignore",
        validate_by_name=True,
        cli_prog_name="python -m ui",
        cli_kebab_case=True,
        cli_implicit_flags=True,
        cli_show_env_vars=True,
        # The short flags of before: `--api URL --prometheus URL --timeout S`.
        cli_shortcuts={"api-url": "api", "prometheus-url": "prometheus", "timeout-s": "timeout"},
    )

    host: str = Field("127.0.0.1", description="Address to listen on.")
    port: int = Field(layout.port("ui"), ge=0, le=65535, description="Port (lab.json).")
    api_url: str = Field(layout.url("service"), validation_alias=_shared("API_URL"), description="Inference service.")
    prometheus_url: str = Field(
        layout.url("prometheus"), validation_alias=_shared("PROMETHEUS_URL"), description="Prometheus."
    )
    prometheus_link_url: str = Field("", description="Prometheus as the browser opens it ('' = prometheus_url).")
    grafana_url: str = Field(
        layout.url("grafana"), validation_alias=_shared("GRAFANA_URL"), description="Grafana (link)."
    )
    grafana_probe_url: str = Field("", description="Grafana as this server reaches it ('' = grafana_url).")
    locust_url: str = Field(layout.url("locust"), validation_alias=_shared("LOCUST_URL"), description="Locust (link).")
    locust_probe_url: str = Field("", description="Locust as this server reaches it ('' = locust_url).")
    mlflow_url: str = Field(layout.url("mlflow"), validation_alias=_shared("MLFLOW_URL"), description="MLflow (link).")
    mlflow_probe_url: str = Field("", description="MLflow as this server reaches it ('' = mlflow_url).")
    timeout_s: float = Field(10.0, gt=0, description="Longest wait for one answer from the service.")
    top_k: int = Field(5, ge=1, le=20, description="Predictions shown per image.")
    max_upload_bytes: int = Field(20 * 2**20, ge=1024, description="Largest file accepted (the service's default).")
    status_every_s: float = Field(5.0, gt=0, description="How often the header checks the service's readiness.")
    monitor_every_s: float = Field(10.0, gt=0, description="How often the monitor page re-queries Prometheus.")
    monitor_window_s: int = Field(900, ge=60, description="Time range the monitor charts show.")
    samples_dir: Path = Field(REPO / "samples", description="Sample photos offered for one-click tries.")
