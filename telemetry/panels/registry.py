"""Champion vs challenger: what shadow traffic says of the challenger, and how the swaps went.

Filled only when the service follows a registry (`models:/NAME@champion`) and a challenger alias
is set: the integration test of hot swaps runs these queries against a real Prometheus.
"""

from __future__ import annotations

from telemetry import instruments as i
from telemetry import promql
from telemetry.panels.spec import COUNT, PER_S, RATIO, SECONDS, Dashboard, Kind, Panel, Row, Target, Unit

WINDOW = "5m"
PAIR = ["champion_version", "challenger_version"]
ROLE = ["role", "model_version"]
ROLE_LEGEND = "{{role}} v{{model_version}}"
PLAIN = Unit("short", "")


def _role_mean(role: str) -> str:
    return promql.mean(i.SHADOW_CONFIDENCE, matchers=f'role="{role}"', window=WINDOW)


AGREEMENT = Panel(
    "Top-1 agreement",
    "Share of shadowed images on which the challenger's top-1 class equals the champion's.",
    (
        Target(
            promql.ratio(
                promql.summed_rate(i.SHADOW_COMPARISONS.prometheus_name, PAIR, 'agreement="agree"', WINDOW),
                promql.summed_rate(i.SHADOW_COMPARISONS.prometheus_name, PAIR, window=WINDOW),
            ),
            "v{{champion_version}} vs v{{challenger_version}}",
        ),
    ),
    RATIO,
)
CONFIDENCE = Panel(
    "Top-1 confidence per role",
    "Mean top-1 probability of the shadowed images, for the champion and for the challenger.",
    (Target(promql.mean(i.SHADOW_CONFIDENCE, ROLE, window=WINDOW), ROLE_LEGEND),),
    RATIO,
)
CONFIDENCE_DELTA = Panel(
    "Confidence delta",
    "Challenger's mean top-1 probability minus the champion's, on the same images: above 0, it is surer.",
    (Target(f"({_role_mean('challenger')}) - ({_role_mean('champion')})", "challenger - champion"),),
    PLAIN,
)
LATENCY = Panel(
    "Latency per version (p95)",
    "95th percentile of the whole pipeline for the same images, per role and version.",
    (Target(promql.quantile(0.95, i.SHADOW_DURATION, ROLE, window=WINDOW), ROLE_LEGEND),),
    SECONDS,
)
SHADOWED = Panel(
    "Shadowed images",
    "Images the challenger also classified, per second (INFERLAB_SHADOW_FRACTION of the champion's).",
    (Target(promql.summed_rate(i.SHADOW_COMPARISONS.prometheus_name, PAIR, window=WINDOW), "v{{challenger_version}}"),),
    PER_S,
)
SWAPS = Panel(
    "Hot swaps (1 h)",
    "Alias moves the service followed, and versions it refused to load (the old one kept serving).",
    (
        Target(
            f"sum by (model_alias, outcome) (increase({i.MODEL_SWAPS.prometheus_name}[1h]))",
            "{{model_alias}} {{outcome}}",
        ),
    ),
    COUNT,
    Kind.BARGAUGE,
)
REGISTRY_ERRORS = Panel(
    "Registry errors (1 h)",
    "Failed questions to the registry; the loaded versions keep serving meanwhile.",
    (Target(f"sum(increase({i.REGISTRY_ERRORS.prometheus_name}[1h])) or vector(0)", "errors"),),
    COUNT,
    Kind.STAT,
)

REGISTRY_DASHBOARD = Dashboard(
    uid="inferlab-registry",
    title="inferlab / Champion vs challenger",
    description="Shadow traffic from the champion to the challenger, and the registry's hot swaps.",
    rows=(
        Row("Shadow traffic", (AGREEMENT, CONFIDENCE_DELTA, CONFIDENCE, LATENCY, SHADOWED)),
        Row("Registry", (SWAPS, REGISTRY_ERRORS)),
    ),
)
