"""The prediction log's settings: one typed object read from `INFERLAB_PREDICTIONS_*` environment variables."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from lab import layout

DATABASE = "inferlab"


def local_database_url(database: str = DATABASE) -> str:
    """The lab's own PostgreSQL (`make up`), on its lab.json port."""
    return f"postgresql://postgres@127.0.0.1:{layout.port('postgres')}/{database}"


class PredictionLogSettings(BaseSettings):
    """Where predictions are kept, how much may wait for the writer, and for how long they are kept."""

    model_config = SettingsConfigDict(env_prefix="INFERLAB_PREDICTIONS_", env_ignore_empty=True, extra="ignore")

    enabled: bool = Field(True, description="Log every prediction (off: answers carry no id, nothing is kept).")
    database_url: str = Field(
        default_factory=local_database_url, description="PostgreSQL connection URL of the prediction log."
    )
    buffer_size: int = Field(
        2000, ge=1, description="Events that may wait for a sink's writer; beyond it they are dropped and counted."
    )
    image_buffer_bytes: int = Field(
        64 * 2**20,
        ge=0,
        description="Most bytes of images and pixels that may wait for the writer's thumbnails; beyond it an event "
        "is kept without its thumbnail (counted), so the buffer's memory stays bounded whatever the images' size.",
    )
    batch_size: int = Field(200, ge=1, description="Most events one write takes (one COPY).")
    flush_interval_s: float = Field(0.5, gt=0, description="Longest time an event waits for its batch to fill.")
    retention_days: float = Field(30.0, gt=0, description="Predictions older than this are deleted (hourly).")
    retention_every_s: float = Field(3600.0, gt=0, description="How often old predictions are looked for.")
    thumbnails: bool = Field(True, description="Keep a small JPEG of each image (at most `thumbnail_px` a side).")
    thumbnail_px: int = Field(128, ge=16, le=512, description="Longest side of a thumbnail, in pixels.")
    reconnect_s: float = Field(2.0, gt=0, description="Pause between tries to reach a database that is down.")
    retry_after_s: int = Field(5, ge=1, description="Retry-After sent with a 503 when the database is down.")
    cloudevents_url: str = Field(
        "", description="Also send each event as a CloudEvent (HTTP, binary mode) to this URL ('' = off)."
    )
    cloudevents_timeout_s: float = Field(2.0, gt=0, description="Time one CloudEvent may take to be accepted.")
    inference_service: str = Field(
        "inferlab", description="The CloudEvents' inferenceservicename attribute (as KServe's payload logger)."
    )
    namespace: str = Field("default", description="The CloudEvents' namespace attribute.")
