"""The prediction table: CSV for the artifact, Markdown for the card, one row per labelled photo."""

from __future__ import annotations

import csv
import io

from services.inference.postprocessing import ClassScore
from services.registry import tables
from services.registry.evaluation import Prediction
from services.registry.samples import LabelledPhoto

PHOTOS = [
    LabelledPhoto("cat.jpg", b"", frozenset({"tabby", "tiger cat"})),
    LabelledPhoto("odd|name.png", b"", frozenset({"espresso"})),
]
PREDICTIONS = [
    Prediction("cat.jpg", (ClassScore(281, "tabby", 0.7), ClassScore(282, "tiger cat", 0.2))),
    Prediction("odd|name.png", (ClassScore(968, "cup", 0.6), ClassScore(967, "espresso", 0.3))),
]


def test_csv_has_one_row_per_photo_with_the_verdict_and_the_champions_answer() -> None:
    table = tables.rows(PHOTOS, PREDICTIONS, {"cat.jpg": "tabby", "odd|name.png": "espresso"})
    parsed = list(csv.DictReader(io.StringIO(tables.to_csv(table))))
    assert [row["photo"] for row in parsed] == ["cat.jpg", "odd|name.png"]
    assert [(row["right"], row["agrees"]) for row in parsed] == [("yes", "yes"), ("no", "no")]
    assert parsed[0]["top-5"] == "tabby 0.700; tiger cat 0.200"


def test_without_a_champion_the_champion_columns_stay_empty() -> None:
    parsed = list(csv.DictReader(io.StringIO(tables.to_csv(tables.rows(PHOTOS, PREDICTIONS, None)))))
    assert {(row["champion's top-1"], row["agrees"]) for row in parsed} == {("", "")}


def test_markdown_escapes_pipes_so_the_columns_hold() -> None:
    lines = tables.to_markdown(tables.rows(PHOTOS, PREDICTIONS, None)).splitlines()
    assert len(lines) == 2 + len(PHOTOS)
    assert {line.replace("\\|", "").count("|") for line in lines} == {len(tables.COLUMNS) + 1}
