"""Canary: the post-deploy check's last run, as it pushed it to the Pushgateway (`telemetry/canary.py`).

Each run sends the labelled photos through the running service: its accuracy against the threshold,
its round trips, its failed requests and how long ago it ran. Filled once a canary has run (`make
canary`, the local lab's canary process or the cluster's CronJob).
"""

from __future__ import annotations

from telemetry import canary as c
from telemetry.panels.spec import COUNT, RATIO, SECONDS, Dashboard, Kind, Panel, Row, Target

MEASURED = "{{model}} v{{version}}"

ACCURACY = Panel(
    "Accuracy (last run)",
    "Share of the labelled photos the service answered right, and the threshold under which the check fails.",
    (Target(c.ACCURACY, MEASURED), Target(c.THRESHOLD, "threshold")),
    RATIO,
    Kind.STAT,
    width=8,
)
LATENCY = Panel(
    "Round trip (last run)",
    "p50 and p95 of /v1/predict as the canary measured them, one request at a time.",
    (Target(c.LATENCY, "p{{quantile}} " + MEASURED),),
    SECONDS,
    Kind.STAT,
    width=8,
)
AGE = Panel(
    "Age of the last run",
    f"Seconds since the last run ended; it runs every {c.SCHEDULE_S // 60} minutes, and an alert fires when it "
    "misses two runs.",
    (Target(f"time() - {c.LAST_RUN}", MEASURED),),
    SECONDS,
    Kind.STAT,
    width=8,
)
FAILED = Panel(
    "Failed requests (last run)",
    "Requests of the last run that got no answer or an error: any is a broken deploy.",
    (Target(c.FAILED, MEASURED),),
    COUNT,
    Kind.STAT,
    width=8,
)
HISTORY = Panel(
    "Accuracy over time",
    "Each run's accuracy, held until the next run: a step down after a promote is the new version's doing.",
    (Target(c.ACCURACY, MEASURED), Target(c.THRESHOLD, "threshold")),
    RATIO,
    width=16,
)

CANARY_DASHBOARD = Dashboard(
    uid="inferlab-canary",
    title="inferlab / Canary",
    description="The post-deploy check: the labelled photos through the running service, its last run and history.",
    rows=(Row("Last run", (ACCURACY, LATENCY, AGE)), Row("History", (FAILED, HISTORY))),
)
