"""Is this answer right? Pure checks of the service's responses; each returns the problems it found.

A 200 with a wrong body is a failure too: a load test that only counts status codes would call a
service that answers garbage fast a success.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from typing import Any

import numpy as np


def status_problem(status: int, expected: frozenset[int] = frozenset({200})) -> str | None:
    """Why this status is not one of `expected`, or None when it is."""
    if status in expected:
        return None
    if status == 0:
        return "no response (timeout or connection error)"
    wanted = "/".join(str(code) for code in sorted(expected))
    if status >= 500:
        return f"server error {status} (expected {wanted})"
    return f"status {status} (expected {wanted})"


def settle(
    response: Any, body_problems: Callable[[bytes], list[str]] | None, expected: frozenset[int] = frozenset({200})
) -> None:
    """Mark a Locust response (`catch_response=True`): an unexpected status fails, then a 200's body is checked."""
    problem = status_problem(response.status_code, expected)
    if problem is None and body_problems is not None and response.status_code == 200:
        problem = "; ".join(body_problems(response.content or b"")) or None
    if problem is None:
        response.success()
    else:
        response.failure(problem)


def _sorted_descending(values: list[float]) -> bool:
    return all(a >= b for a, b in itertools.pairwise(values))


def v1_problems(content: bytes) -> list[str]:
    """Problems of a `/v1/predict` answer: model and version named, labels present, scores in [0, 1], ranked."""
    try:
        document = json.loads(content)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return ["the body is not JSON"]
    if not isinstance(document, dict):
        return ["the body is not a JSON object"]
    problems = [f"no {key}" for key in ("model", "version") if not document.get(key)]
    predictions = document.get("predictions")
    if not isinstance(predictions, list) or not predictions:
        return [*problems, "no predictions"]
    return problems + _prediction_problems(predictions)


def _prediction_problems(predictions: list[Any]) -> list[str]:
    problems = []
    if not all(isinstance(p, dict) and isinstance(p.get("label"), str) and p["label"] for p in predictions):
        problems.append("a prediction has no label")
    scores = [p.get("score") if isinstance(p, dict) else None for p in predictions]
    if not all(isinstance(s, int | float) and 0.0 <= s <= 1.0 for s in scores):
        problems.append(f"scores outside [0, 1]: {scores}")
    elif not _sorted_descending(scores):
        problems.append(f"scores not ranked: {scores}")
    return problems


def v2_document_problems(document: dict[str, Any], model: str, output: str) -> list[str]:
    problems = []
    if document.get("model_name") != model:
        problems.append(f"model_name is {document.get('model_name')!r}, not {model!r}")
    if not document.get("model_version"):
        problems.append("no model_version")
    if output not in {o.get("name") for o in document.get("outputs", [])}:
        problems.append(f"no output {output!r}")
    return problems


def classification_problems(rows: list[bytes], expected: int) -> list[str]:
    """Problems of the classification extension's "score:index:label" strings, best first."""
    if len(rows) != expected:
        return [f"{len(rows)} classes instead of {expected}"]
    scores = [_class_score(row) for row in rows]
    if None in scores:
        return [f"malformed classes: {[row[:60] for row in rows]}"]
    if not _sorted_descending(scores):
        return [f"classes not ranked: {scores}"]
    return []


def _class_score(row: bytes) -> float | None:
    score, index, label = [*row.decode(errors="replace").split(":", 2), "", ""][:3]
    if not label or not index.isdigit():
        return None
    try:
        return float(score)
    except ValueError:
        return None


def logits_problems(logits: Any, batch: int, classes: int) -> list[str]:
    """Problems of an FP32 logits output: shape [batch, classes], every value finite."""
    if not isinstance(logits, np.ndarray):
        return ["the logits are not a binary FP32 tensor"]
    if list(logits.shape) != [batch, classes]:
        return [f"logits of shape {list(logits.shape)}, expected {[batch, classes]}"]
    if not np.isfinite(logits).all():
        return ["logits that are not finite"]
    return []
