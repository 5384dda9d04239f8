"""Grafana's PostgreSQL macros, expanded as its datasource does (pkg/tsdb/grafana-postgresql-datasource,
macros.go) for the two the dashboards use; any other `$__` macro is refused, as Grafana refuses it."""

from __future__ import annotations

import re
from datetime import datetime

_MACRO = re.compile(r"\$__(\w+)\(([^)]*)\)")
_INTERVAL = re.compile(r"^'?(\d+)([smhd])'?$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _interval_s(text: str) -> int:
    match = _INTERVAL.match(text.strip())
    if match is None:
        raise ValueError(f"error parsing interval {text!r}")
    return int(match.group(1)) * _SECONDS[match.group(2)]


def expand(sql: str, start: datetime, end: datetime) -> str:
    def one(match: re.Match) -> str:
        name, args = match.group(1), [a.strip() for a in match.group(2).split(",")]
        if name == "timeFilter":
            return f"{args[0]} BETWEEN '{start.isoformat()}' AND '{end.isoformat()}'"
        if name in ("timeGroup", "timeGroupAlias"):
            seconds = _interval_s(args[1])
            group = f"floor(extract(epoch from {args[0]})/{seconds})*{seconds}"
            return group + (' AS "time"' if name == "timeGroupAlias" else "")
        raise ValueError(f"undefined macro: $__{name}")

    expanded = _MACRO.sub(one, sql)
    if "$__" in expanded:
        raise ValueError(f"a macro left unexpanded in {expanded!r}")
    return expanded
