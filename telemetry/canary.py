"""What the post-deploy check (`services.registry canary`) pushes to the Pushgateway, declared once.

These are not the service's OpenTelemetry instruments: a batch job's last run, pushed as gauges and
scraped from the Pushgateway with `honor_labels`, so they keep the job and labels written here. The
canary pushes them; the Canary dashboard and the alerts read them.
"""

from __future__ import annotations

JOB = "inferlab-canary"
LABELS = ("model", "version")  # the model and version the run measured
SCHEDULE_S = 15 * 60  # how often it runs: the cluster's CronJob, and the local lab's canary process
ACCURACY = "inferlab_canary_accuracy"
THRESHOLD = "inferlab_canary_accuracy_threshold"
FAILED = "inferlab_canary_requests_failed"
LAST_RUN = "inferlab_canary_last_run_timestamp_seconds"
LATENCY = "inferlab_canary_latency_seconds"  # by `quantile`
HELP = {
    ACCURACY: "Top-1 accuracy of the last canary run on the labelled photos (0..1).",
    THRESHOLD: "Accuracy under which the canary fails.",
    FAILED: "Requests of the last canary run that failed.",
    LAST_RUN: "When the last canary run ended (Unix time).",
    LATENCY: "Round trip of /v1/predict in the last canary run, by quantile.",
}
