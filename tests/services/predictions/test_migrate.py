from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from services.predictions.migrate import migrate, migrations

pytestmark = pytest.mark.integration


def test_each_migration_is_applied_once_in_order(database_url: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as connection:
        assert migrate(connection) == [m.name for m in migrations()]
        assert migrate(connection) == []
        versions = [row[0] for row in connection.execute("SELECT version FROM schema_migrations ORDER BY 1")]
    assert versions == list(range(1, len(migrations()) + 1))


def test_a_new_file_is_applied_on_the_next_start(database_url: str, tmp_path: Path) -> None:
    for m in migrations():
        (tmp_path / f"{m.name}.sql").write_text(m.sql)
    with psycopg.connect(database_url, autocommit=True) as connection:
        migrate(connection, tmp_path)
        (tmp_path / "0003_note.sql").write_text("ALTER TABLE predictions ADD COLUMN note text;")
        assert migrate(connection, tmp_path) == ["0003_note"]
        connection.execute("SELECT note FROM predictions")


def test_a_failed_migration_leaves_nothing_behind(database_url: str, tmp_path: Path) -> None:
    (tmp_path / "0001_good.sql").write_text("CREATE TABLE a (x int);")
    (tmp_path / "0002_bad.sql").write_text("CREATE TABLE b (x int); SELECT * FROM missing;")
    with psycopg.connect(database_url, autocommit=True) as connection:
        with pytest.raises(psycopg.errors.UndefinedTable):
            migrate(connection, tmp_path)
        tables = {r[0] for r in connection.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    assert tables == set()  # one transaction: not even the first file stays half-done


def test_gaps_and_odd_names_are_refused(tmp_path: Path) -> None:
    (tmp_path / "0002_skipped_one.sql").write_text("")
    with pytest.raises(ValueError, match="without gaps"):
        migrations(tmp_path)
    (tmp_path / "create.sql").write_text("")
    with pytest.raises(ValueError, match="NNNN_"):
        migrations(tmp_path)
