"""Writing the log: one COPY per batch, and the deletion of what is older than the retention."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime, timedelta

import psycopg

from services.predictions.event import PredictionEvent, ShadowOutcome

COLUMNS = (
    "id", "created_at", "model", "version", "alias", "route", "label", "class_index", "confidence", "entropy",
    "top_k", "width", "height", "format", "signals", "timings", "request_id", "shadow", "thumbnail",
)  # fmt: skip
_COPY = f"COPY predictions ({', '.join(COLUMNS)}) FROM STDIN"


def row(event: PredictionEvent) -> tuple:
    return (
        event.id, event.created_at, event.model, event.version, event.alias, event.route, event.label,
        event.class_index, event.confidence, event.entropy, json.dumps([asdict(r) for r in event.top_k]),
        event.width, event.height, event.format, json.dumps(event.signals), json.dumps(event.timings),
        event.request_id, json.dumps(asdict(event.shadow)) if event.shadow else None, event.thumbnail,
    )  # fmt: skip


def write_batch(connection: psycopg.Connection, events: Sequence[PredictionEvent]) -> None:
    """Every event of the batch in one COPY and one transaction: all are kept, or none."""
    with connection.transaction(), connection.cursor() as cursor, cursor.copy(_COPY) as copy:
        for event in events:
            copy.write_row(row(event))


def add_shadow_answers(connection: psycopg.Connection, outcomes: Sequence[ShadowOutcome]) -> None:
    """The challenger's answers, each onto its prediction (one already dropped is left alone)."""
    with connection.transaction(), connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE predictions SET shadow = %s WHERE id = %s",
            [(json.dumps(asdict(o.answer)), o.prediction_id) for o in outcomes],
        )


def delete_older_than(connection: psycopg.Connection, days: float, now: datetime | None = None) -> int:
    """Remove predictions (and their feedback) older than `days`; how many went."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
    with connection.transaction():
        return connection.execute("DELETE FROM predictions WHERE created_at < %s", (cutoff,)).rowcount
