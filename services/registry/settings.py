"""The registry CLI's settings: one typed object, read from `INFERLAB_REGISTRY_*` environment variables.

The tracking URI is the exception: MLflow's own `MLFLOW_TRACKING_URI`, so that the service, this CLI and
any MLflow tool point at the same server with one variable. Every field is a flag too (pydantic-settings'
CLI, see `arguments.py`), which overrides both; defaults are values, not factories, so that `--help` shows them.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from lab import layout

REPO = Path(__file__).resolve().parent.parent.parent
ALIASES = ("champion", "challenger")


class RegistrySettings(BaseSettings):
    """Settings of one `python -m services.registry` command."""

    model_config = SettingsConfigDict(
        env_prefix="INFERLAB_REGISTRY_",
        extra="ignore",
        populate_by_name=True,
        cli_prog_name="python -m services.registry",
        cli_kebab_case=True,
        cli_implicit_flags=True,
        cli_enforce_required=True,
        cli_show_env_vars=True,
        # The short flags of before: `--service URL --pushgateway URL --rounds N`.
        cli_shortcuts={"service-url": "service", "pushgateway-url": "pushgateway", "canary-rounds": "rounds"},
    )

    tracking_uri: str = Field(
        layout.url("mlflow"),
        validation_alias=AliasChoices("MLFLOW_TRACKING_URI", "INFERLAB_REGISTRY_TRACKING_URI"),
        description="MLflow tracking and registry URI (MLFLOW_TRACKING_URI; default: the lab's server).",
    )
    model_name: str = Field("efficientnet-lite0", description="Registered model whose versions this manages.")
    experiment: str = Field("inferlab-models", description="MLflow experiment of the registration runs.")
    artifact_root: str | None = Field(
        None, description="Artifact location of experiments this creates (unset: the tracking server's default)."
    )
    labels_file: Path = Field(
        REPO / "samples" / "labels.json", description="The labelled sample set; its photos sit beside it."
    )
    champion_file: Path = Field(
        REPO / "models" / "efficientnet-lite0.onnx", description="`bootstrap`: the model registered as v1 @champion."
    )
    challenger_file: Path = Field(
        REPO / "models" / "efficientnet-lite0-int8.onnx",
        description="`bootstrap`: the model registered as v2 @challenger.",
    )
    host: str = Field("127.0.0.1", description="`server`: address the MLflow server listens on.")
    port: int = Field(layout.port("mlflow"), ge=0, le=65535, description="`server`: its port (lab.json).")
    data_dir: Path = Field(
        REPO / "data" / "mlflow", description="`server`: where its artifacts (and a sqlite store) live."
    )
    backend_store_uri: str = Field(
        "",
        description="`server`: MLflow's backend store, a SQLAlchemy URI (postgresql+psycopg://...); empty: the "
        "lab's PostgreSQL (database mlflow) when lab_postgres, else sqlite in data_dir.",
    )
    lab_postgres: bool = Field(
        False, description="`server`: keep MLflow's store in the lab's PostgreSQL of lab.json (make up does)."
    )
    database_wait_s: float = Field(60.0, gt=0, description="`server`: longest wait for that database to answer.")
    server_workers: int = Field(1, ge=1, description="`server`: uvicorn workers (each one is a whole MLflow).")
    log_probes: bool = Field(
        False,
        validation_alias=AliasChoices("INFERLAB_LOG_PROBES", "INFERLAB_REGISTRY_LOG_PROBES", "log_probes"),
        description="`server`: keep MLflow's access log (off: the service's alias polls would drown the console).",
    )
    startup_timeout_s: float = Field(180.0, gt=0, description="`server`: longest wait for MLflow to answer.")
    service_url: str = Field(layout.url("service"), description="`canary`: the inference service to check.")
    pushgateway_url: str = Field(
        layout.url("pushgateway"),
        description="`canary`: Prometheus Pushgateway to push results to ('' to push nowhere).",
    )
    canary_experiment: str = Field("inferlab-canary", description="`canary`: MLflow experiment of its runs.")
    canary_rounds: int = Field(3, ge=1, le=50, description="`canary`: times each labelled photo is sent.")
    min_accuracy: float = Field(
        0.6, ge=0, le=1, description="`canary`: top-1 accuracy under which it fails (exit code 1)."
    )
    request_timeout_s: float = Field(30.0, gt=0, description="Longest wait for one HTTP answer.")
