from __future__ import annotations

from datetime import timedelta

import psycopg
import pytest

from services.predictions import queries
from services.predictions.migrate import migrate
from services.predictions.store import delete_older_than, write_batch
from tests.services.predictions.events import T0, event

pytestmark = pytest.mark.integration


@pytest.fixture
def connection(database_url: str):
    with psycopg.connect(database_url, autocommit=True) as connection:
        migrate(connection)
        yield connection


def test_a_batch_is_written_whole_and_read_back(connection: psycopg.Connection) -> None:
    events = [event("red", 0.9), event("blue", 0.4, seconds=1, request_id="r-1", thumbnail=b"\xff\xd8jpeg")]
    write_batch(connection, events)
    row = queries.get_prediction(connection, events[1].id)
    assert (row["label"], row["class_index"], row["confidence"], row["request_id"]) == ("blue", 2, 0.4, "r-1")
    assert row["top_k"][0] == {"label": "blue", "index": 2, "score": 0.4}
    assert row["has_thumbnail"] and queries.get_thumbnail(connection, events[1].id) == b"\xff\xd8jpeg"
    assert row["feedback_label"] is None


def test_the_list_is_newest_first_and_pages_by_cursor(connection: psycopg.Connection) -> None:
    events = [event(seconds=s) for s in range(5)]
    write_batch(connection, events)
    seen, cursor = [], None
    for _ in range(5):  # bounded: 5 events, 2 a page
        rows, cursor = queries.list_predictions(connection, queries.Filters(), 2, cursor)
        seen += [r["id"] for r in rows]
        if cursor is None:
            break
    assert seen == [e.id for e in reversed(events)]


def test_filters(connection: psycopg.Connection) -> None:
    red, blue, old = event("red", 0.9, seconds=10), event("blue", 0.3, version="2", seconds=20), event("red", 0.5)
    write_batch(connection, [red, blue, old])
    queries.record_feedback(connection, red.id, "red", 0, True)

    def ids(**filters) -> set[str]:
        return {r["id"] for r in queries.list_predictions(connection, queries.Filters(**filters), 10)[0]}

    assert ids(label="red") == {red.id, old.id}
    assert ids(version="2") == {blue.id}
    assert ids(model="other") == set()
    assert ids(min_confidence=0.4, max_confidence=0.8) == {old.id}
    assert ids(with_feedback=True) == {red.id}
    assert ids(with_feedback=False) == {blue.id, old.id}
    assert ids(since=T0 + timedelta(seconds=5)) == {red.id, blue.id}


def test_feedback_says_when_it_replaced_an_earlier_answer(connection: psycopg.Connection) -> None:
    e = event("red")
    write_batch(connection, [e])
    assert queries.record_feedback(connection, e.id, "blue", 2, False) is False
    assert queries.record_feedback(connection, e.id, "red", 0, True) is True
    row = queries.get_prediction(connection, e.id)
    assert (row["feedback_label"], row["feedback_correct"]) == ("red", True)


def test_retention_removes_old_predictions_and_their_feedback(connection: psycopg.Connection) -> None:
    old, new = event(seconds=0), event(seconds=3 * 86400)
    write_batch(connection, [old, new])
    queries.record_feedback(connection, old.id, "red", 0, True)
    assert delete_older_than(connection, 2, now=T0 + timedelta(days=3)) == 1
    assert queries.get_prediction(connection, old.id) is None and queries.get_prediction(connection, new.id)
    assert connection.execute("SELECT count(*) FROM feedback").fetchone()[0] == 0


def test_a_cursor_not_made_here_is_refused() -> None:
    with pytest.raises(ValueError, match="not a cursor"):
        queries.decode_cursor("bm9wZQ==")
