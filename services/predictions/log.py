"""`PredictionLog`: what the service and the controller hold. It takes events, reads the log, records feedback.

Everything it needs comes in: the settings, the metrics, and `labels`, which tells the class names of a
model version the service serves (None for one it does not), so feedback can be checked and judged.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from services.predictions import queries
from services.predictions.budget import ByteBudget
from services.predictions.cloudevents import CloudEventsSink
from services.predictions.errors import BadRequest, LogUnavailable, PredictionNotFound
from services.predictions.event import PredictionEvent, ShadowAnswer, ShadowOutcome
from services.predictions.metrics import PredictionLogMetrics
from services.predictions.migrate import migrate
from services.predictions.postgres_sink import PostgresSink
from services.predictions.settings import PredictionLogSettings
from services.predictions.thumbnails import image_format
from services.predictions.writer import SinkWriter

log = logging.getLogger(__name__)
Labels = Callable[[str, str], Sequence[str] | None]
POOL_WAIT_S = 2.0
HEADER_BYTES = 64 * 1024  # enough of an image to tell its format (a JPEG's EXIF block included)


class PredictionLog:
    def __init__(
        self, settings: PredictionLogSettings, metrics: PredictionLogMetrics, labels: Labels, *, source: str = ""
    ) -> None:
        self.settings = settings
        self._metrics = metrics
        self.labels = labels
        self._images = ByteBudget(settings.image_buffer_bytes)
        self.writers = [self._writer(PostgresSink(
            settings.database_url,
            retention_days=settings.retention_days,
            retention_every_s=settings.retention_every_s,
            thumbnail_px=settings.thumbnail_px if settings.thumbnails else None,
        ), done=self._let_go_images)]  # fmt: skip
        if settings.cloudevents_url:
            self.writers.append(self._writer(CloudEventsSink(
                settings.cloudevents_url,
                source=source or "inferlab",
                inference_service=settings.inference_service,
                namespace=settings.namespace,
                timeout_s=settings.cloudevents_timeout_s,
            )))  # fmt: skip
        self._pool = ConnectionPool(
            settings.database_url, min_size=0, max_size=4, open=False, timeout=POOL_WAIT_S,
            kwargs={"autocommit": True, "connect_timeout": 3}, check=ConnectionPool.check_connection,
        )  # fmt: skip

    def _writer(self, sink: PostgresSink | CloudEventsSink, **options) -> SinkWriter:
        s = self.settings
        return SinkWriter(sink, self._metrics, buffer_size=s.buffer_size, batch_size=s.batch_size,
                          flush_interval_s=s.flush_interval_s, reconnect_s=s.reconnect_s, **options)  # fmt: skip

    def start(self) -> None:
        """Migrate if the database answers (else the writer will, once it does), then start the writers."""
        try:
            with psycopg.connect(self.settings.database_url, autocommit=True, connect_timeout=3) as connection:
                migrate(connection)
        except psycopg.OperationalError as exc:
            log.warning("prediction log: the database does not answer yet (%s); events are dropped until it does", exc)
        for writer in self.writers:
            writer.start()
        self._pool.open(wait=False)  # the service starts whether or not the database is up

    def stop(self) -> None:
        for writer in self.writers:
            writer.stop()
        self._pool.close()

    def record(self, event: PredictionEvent) -> None:
        """Hand the event to every sink; never blocks, never raises.

        What the PostgreSQL writer's thumbnail is made from (the model's view, else the encoded image) waits
        within a byte budget; of an image beside a view, or with thumbnails off, only its header waits (for
        the format). Over the budget, the event goes on without a thumbnail, counted.
        """
        if event.image is not None and (event.view is not None or not self.settings.thumbnails):
            event.image = event.image[:HEADER_BYTES]
        if not self.settings.thumbnails:
            event.view = None
        if not self._images.reserve(_waiting_bytes(event)):
            event.format = image_format(event.image[:HEADER_BYTES]) if event.image is not None else None
            event.image = event.view = None
            self._metrics.thumbnails_skipped.inc()
        if not self.writers[0].offer(event):
            self._let_go_images([event])
        for writer in self.writers[1:]:
            writer.offer(event)

    @property
    def image_bytes_waiting(self) -> int:
        """Bytes of images that wait for the PostgreSQL writer's thumbnails."""
        return self._images.used

    def _let_go_images(self, items: Sequence[PredictionEvent | ShadowOutcome]) -> None:
        """The images of events the PostgreSQL writer is done with (written or dropped) leave the budget."""
        for item in items:
            if isinstance(item, PredictionEvent):
                self._images.release(_waiting_bytes(item))
                item.image = item.view = None

    def record_shadow(self, prediction_id: str, answer: ShadowAnswer) -> None:
        """Add the challenger's answer to a recorded prediction (in PostgreSQL; the CloudEvents sink sends
        each event once, as it is recorded). Never blocks, never raises."""
        self.writers[0].offer(ShadowOutcome(prediction_id, answer))

    def flush(self, timeout_s: float = 5.0) -> bool:
        """Wait until what was recorded so far is in PostgreSQL (or dropped)."""
        return self.writers[0].flush(timeout_s)

    def health(self) -> dict[str, dict]:
        """For readiness's details: each sink up or down, and what waits for it."""
        return {w.sink.name: {"up": w.up, "buffered": w.buffered} for w in self.writers}

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection]:
        try:
            with self._pool.connection() as connection:
                yield connection
        except (PoolTimeout, psycopg.OperationalError, psycopg.errors.UndefinedTable) as exc:
            raise LogUnavailable(
                "The prediction log's database does not answer; try again shortly.", self.settings.retry_after_s
            ) from exc

    def list(self, filters: queries.Filters, limit: int, cursor: str | None) -> tuple[list[dict], str | None]:
        try:
            queries.decode_cursor(cursor) if cursor else None
        except ValueError as exc:
            raise BadRequest(str(exc)) from exc
        with self._connection() as connection:
            return queries.list_predictions(connection, filters, limit, cursor)

    def get(self, prediction_id: str) -> dict:
        _check_id(prediction_id)
        with self._connection() as connection:
            found = queries.get_prediction(connection, prediction_id)
        if found is None and self.flush():  # it may still wait in the buffer
            with self._connection() as connection:
                found = queries.get_prediction(connection, prediction_id)
        if found is None:
            raise PredictionNotFound(f"No prediction {prediction_id} in the log.")
        return found

    def thumbnail(self, prediction_id: str) -> bytes:
        self.get(prediction_id)
        with self._connection() as connection:
            data = queries.get_thumbnail(connection, prediction_id)
        if data is None:
            raise PredictionNotFound(f"Prediction {prediction_id} has no thumbnail.")
        return data

    def feedback(self, prediction_id: str, label: str | None, index: int | None) -> tuple[dict, bool]:
        """Record the true class; the prediction and whether an earlier answer was replaced."""
        prediction = self.get(prediction_id)
        label, index = self._true_class(prediction, label, index)
        correct = index == prediction["class_index"] if index is not None else label == prediction["label"]
        with self._connection() as connection:
            replaced = queries.record_feedback(connection, prediction_id, label, index, correct)
        self._metrics.feedback_received(prediction["model"], prediction["version"], correct)
        prediction.update(feedback_label=label, feedback_index=index, feedback_correct=correct)
        return prediction, replaced

    def _true_class(self, prediction: dict, label: str | None, index: int | None) -> tuple[str, int | None]:
        if (label is None) == (index is None):
            raise BadRequest('Send the right class as {"label": "<class name>"} or {"index": N}, one of the two.')
        labels = self.labels(prediction["model"], prediction["version"])
        if labels is None:  # a version no longer served: its class names are not known here
            if label is None:
                raise BadRequest(f"{prediction['model']} {prediction['version']} is no longer served; send a label.")
            return label, None
        if index is not None:
            if not 0 <= index < len(labels):
                raise BadRequest(f"Class index {index} is out of range: {prediction['model']} has {len(labels)}.")
            return labels[index], index
        if label not in labels:
            raise BadRequest(f"{prediction['model']} {prediction['version']} has no class {label!r}.")
        return label, list(labels).index(label)


def _waiting_bytes(event: PredictionEvent) -> int:
    """What an event holds for its writer beyond its plain values: the image's bytes and the view's pixels."""
    return (len(event.image) if event.image is not None else 0) + (event.view.nbytes if event.view is not None else 0)


def _check_id(prediction_id: str) -> None:
    try:
        uuid.UUID(prediction_id)
    except ValueError as exc:
        raise PredictionNotFound(f"No prediction {prediction_id!r}: prediction ids are UUIDs.") from exc
