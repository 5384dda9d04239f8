"""Resources: CPU, memory, file descriptors and Python's garbage collector, for every scraped process.

These names are prometheus_client's process and GC collectors (installed by `telemetry.provider`)
and Prometheus's own; a test checks them against a registry the provider built.
"""

from __future__ import annotations

from telemetry import promql
from telemetry.panels.spec import BYTES, CORES, COUNT, PER_S, SECONDS, Dashboard, Kind, Panel, Row, Target

PROCESS_CPU = "process_cpu_seconds_total"
RESIDENT_MEMORY = "process_resident_memory_bytes"
OPEN_FDS = "process_open_fds"
START_TIME = "process_start_time_seconds"
GC_COLLECTIONS = "python_gc_collections_total"
GC_COLLECTED = "python_gc_objects_collected_total"
PROCESS_NAMES = (PROCESS_CPU, RESIDENT_MEMORY, OPEN_FDS, START_TIME, GC_COLLECTIONS, GC_COLLECTED)
PROCESS = "{{job}} {{instance}}"


def cpu(matchers: str = "") -> Target:
    """CPU cores used per process: CPU seconds per second."""
    return Target(promql.summed_rate(PROCESS_CPU, ["job", "instance"], matchers), PROCESS)


CPU = Panel("CPU", "Cores each process uses (CPU seconds per second).", (cpu(),), CORES)
MEMORY = Panel("Resident memory", "Memory each process holds in RAM.", (Target(RESIDENT_MEMORY, PROCESS),), BYTES)
GC = Panel(
    "GC collections",
    "Python garbage collections per second, by generation: a busy generation 2 stalls requests.",
    (Target(promql.summed_rate(GC_COLLECTIONS, ["job", "generation"]), "{{job}} gen {{generation}}"),),
    PER_S,
)
GC_OBJECTS = Panel(
    "GC objects collected",
    "Objects the collector freed per second, by generation: allocation churn.",
    (Target(promql.summed_rate(GC_COLLECTED, ["job", "generation"]), "{{job}} gen {{generation}}"),),
    PER_S,
)
FDS = Panel("Open file descriptors", "Sockets and files each process holds open.", (Target(OPEN_FDS, PROCESS),), COUNT)
UPTIME = Panel(
    "Uptime",
    "Time since each process started: a drop is a restart.",
    (Target(f"time() - {START_TIME}", PROCESS),),
    SECONDS,
    Kind.STAT,
)
TARGETS_UP = Panel(
    "Scrape targets up",
    "1 when Prometheus could scrape the target at its last attempt.",
    (Target("up", PROCESS),),
    COUNT,
    Kind.STAT,
)
SCRAPE_DURATION = Panel(
    "Scrape duration",
    "How long each scrape took: a slow /metrics slows nothing else, but says the process is busy.",
    (Target("scrape_duration_seconds", PROCESS),),
    SECONDS,
)

RESOURCES_DASHBOARD = Dashboard(
    uid="inferlab-resources",
    title="inferlab / Resources",
    description="CPU, memory and garbage collection of every process Prometheus scrapes.",
    rows=(
        Row("Processes", (CPU, MEMORY, FDS, UPTIME)),
        Row("Python GC", (GC, GC_OBJECTS)),
        Row("Scrapes", (TARGETS_UP, SCRAPE_DURATION)),
    ),
)
