"""The recorded series: conventional, distinct names, each built on a declared instrument."""

from __future__ import annotations

import re

from telemetry import instruments, recorded

LEVEL_METRIC_OPERATIONS = re.compile(r"^[a-z_]+:[a-z_]+:[a-z0-9_]+$")


def test_names_follow_level_metric_operations_and_are_distinct() -> None:
    names = [series.record for series in recorded.ALL]
    assert len(set(names)) == len(names)
    assert all(LEVEL_METRIC_OPERATIONS.match(name) for name in names), names


def test_every_expression_reads_a_declared_instrument() -> None:
    declared = [instrument.prometheus_name for instrument in instruments.ALL]
    for series in recorded.ALL:
        assert any(name in series.expr for name in declared), series


def test_the_failure_ratio_leaves_503_to_the_overload_alert() -> None:
    assert 'http_response_status_code!="503"' in recorded.FAILURE_RATIO.expr
    assert 'http_response_status_code="503"' in recorded.REJECTED_RATIO.expr
