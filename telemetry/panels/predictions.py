"""Predictions: the prediction log in PostgreSQL, read with SQL (services/predictions/migrations).

What metrics cannot say: which classes each version answers, how sure it is, and how often people who
looked said it was right. Filled by the service's log of every prediction and by feedback.
"""

from __future__ import annotations

from telemetry.panels.spec import COUNT, RATIO, Dashboard, Kind, Panel, Row, SqlTarget

VERSION = "p.model || ' v' || p.version"

OVER_TIME = Panel(
    "Predictions by version",
    "Images answered per minute, by model version (the champion and, when shadowed, the challenger).",
    (
        SqlTarget(f"""SELECT $__timeGroupAlias(p.created_at, '1m'), {VERSION} AS metric, count(*) AS predictions
FROM predictions p WHERE $__timeFilter(p.created_at) GROUP BY 1, 2 ORDER BY 1"""),
    ),
    COUNT,
    stacked=True,
)
CONFIDENCE = Panel(
    "Confidence by version (p10, p50, p90)",
    "The spread of top-1 scores per 5 minutes: a version that grows unsure shows here before any accuracy does.",
    (
        SqlTarget(f"""SELECT $__timeGroupAlias(p.created_at, '5m'), {VERSION} AS metric,
  percentile_cont(0.1) WITHIN GROUP (ORDER BY p.confidence) AS p10,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY p.confidence) AS p50,
  percentile_cont(0.9) WITHIN GROUP (ORDER BY p.confidence) AS p90
FROM predictions p WHERE $__timeFilter(p.created_at) GROUP BY 1, 2 ORDER BY 1"""),
    ),
    RATIO,
)
CLASS_MIX = Panel(
    "Class mix by version",
    "The ten classes each version answered most in the time range, and their share of its answers.",
    (
        SqlTarget(
            f"""SELECT version, class, predictions, round(share::numeric, 3) AS share FROM (
  SELECT {VERSION} AS version, p.label AS class, count(*) AS predictions,
    count(*)::float / sum(count(*)) OVER (PARTITION BY p.model, p.version) AS share,
    row_number() OVER (PARTITION BY p.model, p.version ORDER BY count(*) DESC, p.label) AS rank
  FROM predictions p WHERE $__timeFilter(p.created_at) GROUP BY p.model, p.version, p.label
) ranked WHERE rank <= 10 ORDER BY version, predictions DESC""",
            table=True,
        ),
    ),
    COUNT,
    Kind.TABLE,
)
ACCURACY = Panel(
    "Accuracy from feedback by version",
    "Of the predictions people judged (per 15 minutes, by when they answered), the share they said was right.",
    (
        SqlTarget(f"""SELECT $__timeGroupAlias(f.received_at, '15m'), {VERSION} AS metric,
  avg(f.correct::int)::float AS accuracy
FROM feedback f JOIN predictions p ON p.id = f.prediction_id
WHERE $__timeFilter(f.received_at) GROUP BY 1, 2 ORDER BY 1"""),
    ),
    RATIO,
)
FEEDBACK = Panel(
    "Feedback by version",
    "How many predictions people judged in the time range, how many were right, and the accuracy that makes.",
    (
        SqlTarget(
            f"""SELECT {VERSION} AS version, count(*) AS judged, count(*) FILTER (WHERE f.correct) AS right,
  round(avg(f.correct::int)::numeric, 3) AS accuracy
FROM feedback f JOIN predictions p ON p.id = f.prediction_id
WHERE $__timeFilter(f.received_at) GROUP BY p.model, p.version ORDER BY version""",
            table=True,
        ),
    ),
    COUNT,
    Kind.TABLE,
    width=8,
)
LOW_CONFIDENCE = Panel(
    "Latest low-confidence predictions",
    "The 20 latest answers under 0.5 confidence: the images worth a look (GET /v1/predictions/<id>).",
    (
        SqlTarget(
            """SELECT p.created_at AS time, p.model, p.version, p.label, round(p.confidence::numeric, 3) AS confidence,
  f.label AS feedback, p.id::text AS id
FROM predictions p LEFT JOIN feedback f ON f.prediction_id = p.id
WHERE $__timeFilter(p.created_at) AND p.confidence < 0.5 ORDER BY p.created_at DESC LIMIT 20""",
            table=True,
        ),
    ),
    COUNT,
    Kind.TABLE,
    width=16,
)

PREDICTIONS_DASHBOARD = Dashboard(
    uid="inferlab-predictions",
    title="inferlab / Predictions",
    description="The prediction log (PostgreSQL): answers by version, class mix, confidence, accuracy from feedback.",
    rows=(
        Row("Answers", (OVER_TIME, CONFIDENCE)),
        Row("Classes and feedback", (CLASS_MIX, ACCURACY)),
        Row("To look at", (FEEDBACK, LOW_CONFIDENCE)),
    ),
)
