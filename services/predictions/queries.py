"""Reading the log and recording feedback: plain functions over one connection."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import dict_row

LISTED = (
    "p.id::text AS id, p.created_at, p.model, p.version, p.alias, p.route, p.label, p.class_index, p.confidence,"
    " p.entropy, p.top_k, p.width, p.height, p.format, p.signals, p.timings, p.request_id, p.shadow,"
    " p.thumbnail IS NOT NULL AS has_thumbnail,"
    " f.label AS feedback_label, f.class_index AS feedback_index, f.correct AS feedback_correct,"
    " f.received_at AS feedback_at"
)
FROM = "predictions p LEFT JOIN feedback f ON f.prediction_id = p.id"


@dataclass(frozen=True)
class Filters:
    model: str | None = None
    version: str | None = None
    label: str | None = None
    min_confidence: float | None = None
    max_confidence: float | None = None
    with_feedback: bool | None = None
    since: datetime | None = None

    def where(self) -> tuple[list[str], list[Any]]:
        clauses, params = [], []
        for column, value in (("p.model", self.model), ("p.version", self.version), ("p.label", self.label)):
            if value is not None:
                clauses.append(f"{column} = %s")
                params.append(value)
        for clause, value in (
            ("p.confidence >= %s", self.min_confidence),
            ("p.confidence <= %s", self.max_confidence),
            ("p.created_at >= %s", self.since),
        ):
            if value is not None:
                clauses.append(clause)
                params.append(value)
        if self.with_feedback is not None:
            clauses.append("f.prediction_id IS NOT NULL" if self.with_feedback else "f.prediction_id IS NULL")
        return clauses, params


def encode_cursor(created_at: datetime, prediction_id: str) -> str:
    return base64.urlsafe_b64encode(f"{created_at.isoformat()}|{prediction_id}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """Raises ValueError for a cursor this log did not make."""
    try:
        when, prediction_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        return datetime.fromisoformat(when), prediction_id
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"not a cursor of this list: {cursor!r}") from exc


def list_predictions(
    connection: psycopg.Connection, filters: Filters, limit: int, cursor: str | None = None
) -> tuple[list[dict], str | None]:
    """Newest first; the cursor of the next page, or None on the last."""
    clauses, params = filters.where()
    if cursor is not None:
        clauses.append("(p.created_at, p.id) < (%s, %s::uuid)")
        params.extend(decode_cursor(cursor))
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    query = f"SELECT {LISTED} FROM {FROM} {where} ORDER BY p.created_at DESC, p.id DESC LIMIT %s"
    with connection.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(query, [*params, limit + 1]).fetchall()
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode_cursor(rows[-1]["created_at"], rows[-1]["id"]) if more else None


def get_prediction(connection: psycopg.Connection, prediction_id: str) -> dict | None:
    with connection.cursor(row_factory=dict_row) as cur:
        return cur.execute(f"SELECT {LISTED} FROM {FROM} WHERE p.id = %s::uuid", (prediction_id,)).fetchone()


def get_thumbnail(connection: psycopg.Connection, prediction_id: str) -> bytes | None:
    row = connection.execute("SELECT thumbnail FROM predictions WHERE id = %s::uuid", (prediction_id,)).fetchone()
    return row[0] if row else None


def record_feedback(
    connection: psycopg.Connection, prediction_id: str, label: str, index: int | None, correct: bool
) -> bool:
    """Keep what a person said was right; True when it replaced an earlier answer."""
    row = connection.execute(
        "INSERT INTO feedback (prediction_id, label, class_index, correct) VALUES (%s::uuid, %s, %s, %s)"
        " ON CONFLICT (prediction_id) DO UPDATE SET label = EXCLUDED.label, class_index = EXCLUDED.class_index,"
        " correct = EXCLUDED.correct, received_at = now()"
        " RETURNING xmax <> 0",
        (prediction_id, label, index, correct),
    ).fetchone()
    return bool(row[0])
