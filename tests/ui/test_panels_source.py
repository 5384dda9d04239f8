"""The stand-in panel list the monitor page draws (the telemetry issue will own the real one)."""

from __future__ import annotations

from ui.panels_source import panels


def test_panels_have_distinct_titles_an_expression_and_a_unit() -> None:
    listed = panels()
    assert listed and len({p.title for p in listed}) == len(listed)  # the page marks cards by title
    assert all(p.expr.strip() and p.unit for p in listed)


def test_the_list_is_a_copy_callers_can_change() -> None:
    panels().clear()
    assert panels()
