"""A SQL query of Grafana's PostgreSQL datasource, which grafana-foundation-sdk has no builder for.

It builds the same JSON Grafana saves for a query written in code mode: `rawSql`, `format`, `rawQuery`.
"""

from __future__ import annotations

from typing import Any

from grafana_foundation_sdk.cog import variants
from grafana_foundation_sdk.models.dashboard import DataSourceRef

from telemetry.panels import SqlTarget


class _Query(variants.Dataquery):
    def __init__(self, fields: dict[str, Any]) -> None:
        self.fields = fields

    def to_json(self) -> dict[str, Any]:
        return self.fields


class SqlQuery:
    """A builder, as `with_target` takes one."""

    def __init__(self, target: SqlTarget, ref_id: str, datasource: DataSourceRef) -> None:
        self._fields = {
            "refId": ref_id,
            "datasource": datasource.to_json(),
            "editorMode": "code",
            "rawQuery": True,
            "rawSql": target.sql,
            "format": "table" if target.table else "time_series",
        }

    def build(self) -> _Query:
        return _Query(self._fields)
