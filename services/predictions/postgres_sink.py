"""The PostgreSQL sink: one connection of the writer's own, migrated on first use, retention on the way."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

import psycopg

from services.predictions.event import PredictionEvent, ShadowOutcome
from services.predictions.migrate import migrate
from services.predictions.store import add_shadow_answers, delete_older_than, write_batch
from services.predictions.thumbnails import image_format, thumbnail, thumbnail_of_pixels

log = logging.getLogger(__name__)
CONNECT_TIMEOUT_S = 3


class PostgresSink:
    name = "postgres"

    def __init__(self, url: str, *, retention_days: float, retention_every_s: float, thumbnail_px: int | None) -> None:
        self._url = url
        self._retention_days = retention_days
        self._retention_every_s = retention_every_s
        self._thumbnail_px = thumbnail_px
        self._connection: psycopg.Connection | None = None
        self._next_purge = 0.0

    def write(self, items: Sequence[PredictionEvent | ShadowOutcome]) -> None:
        """Thumbnails, then one COPY; the images are let go by the log once the batch is done."""
        events = [item for item in items if isinstance(item, PredictionEvent)]
        outcomes = [item for item in items if isinstance(item, ShadowOutcome)]  # after their events, in order
        for event in events:
            if event.image is not None:
                event.format = event.format or image_format(event.image)
            if self._thumbnail_px and event.view is not None:
                event.thumbnail = thumbnail_of_pixels(event.view, self._thumbnail_px)
            elif self._thumbnail_px and event.image is not None:
                event.thumbnail = thumbnail(event.image, self._thumbnail_px)
        try:
            connection = self._connect()
            if events:
                write_batch(connection, events)
            if outcomes:
                add_shadow_answers(connection, outcomes)
            self._purge(connection)
        except psycopg.Error:
            self.close()  # the next batch starts on a new connection
            raise

    def _connect(self) -> psycopg.Connection:
        if self._connection is None or self._connection.closed:
            self._connection = psycopg.connect(self._url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)
            applied = migrate(self._connection)
            if applied:
                log.info("prediction log: applied migrations %s", ", ".join(applied))
        return self._connection

    def _purge(self, connection: psycopg.Connection) -> None:
        if time.monotonic() < self._next_purge:
            return
        self._next_purge = time.monotonic() + self._retention_every_s
        removed = delete_older_than(connection, self._retention_days)
        if removed:
            log.info("prediction log: removed %d predictions older than %g days", removed, self._retention_days)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
