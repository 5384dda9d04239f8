from __future__ import annotations

from ui.client import Prediction, PredictResult
from ui.comparison import ScoreDelta, compare


def result(*scores: tuple[str, float]) -> PredictResult:
    return PredictResult("m", "v", [Prediction(label, s) for label, s in scores], {}, 1, 1, 1.0)


def test_agreeing_top1_and_deltas_b_minus_a() -> None:
    comparison = compare(result(("cat", 0.6), ("dog", 0.3)), result(("cat", 0.5), ("dog", 0.4)))
    assert comparison.top1_agree
    assert [(d.label, round(d.delta, 6)) for d in comparison.deltas] == [("cat", -0.1), ("dog", 0.1)]


def test_labels_only_one_side_ranked_have_no_delta() -> None:
    comparison = compare(result(("cat", 0.6), ("dog", 0.3)), result(("fox", 0.7), ("cat", 0.2)))
    assert not comparison.top1_agree
    assert comparison.deltas == [
        ScoreDelta("cat", 0.6, 0.2),
        ScoreDelta("dog", 0.3, None),
        ScoreDelta("fox", None, 0.7),
    ]
    assert comparison.deltas[1].delta is None


def test_an_empty_answer_never_agrees() -> None:
    assert not compare(result(), result()).top1_agree
