"""The Locust side of the shapes: feeds the plan of `shapes.py` the clock and the runner's window.

The ramp writes the steps it judged to `ramp_steps.json` in the run's directory, so the summary
reports the knee the shape actually found, not a figure recomputed afterwards.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict

from locust import LoadTestShape

from locustfiles.ramp import RampPlan, Tick, knee, window_of
from locustfiles.settings import LoadSettings
from locustfiles.shapes import plan_for, ramp_of
from locustfiles.summary import STEPS_FILE

log = logging.getLogger(__name__)


class PlannedShape(LoadTestShape):
    """The shape `INFERLAB_LOAD_SHAPE` names: steady, ramp, spike or soak."""

    def __init__(self) -> None:
        super().__init__()
        self.settings = LoadSettings()
        self.plan = plan_for(self.settings)
        self._recorded = False

    def reset_time(self) -> None:
        """Locust calls this at each start: a new run gets a fresh plan (the web UI may run several)."""
        super().reset_time()
        self.plan = plan_for(self.settings)
        self._recorded = False

    def tick(self) -> Tick:
        ramp = ramp_of(self.plan)
        window = window_of(self.runner.stats.total) if ramp and self.runner else None
        users = self.plan.tick(self.get_run_time(), window)
        if ramp and ramp.finished and not self._recorded:
            self._record(ramp)
        return users

    def _record(self, plan: RampPlan) -> None:
        self._recorded = True
        found = knee(plan.steps)
        log.info("ramp: %d steps; knee %s", len(plan.steps), found)
        if self.settings.report_dir is not None:
            path = self.settings.report_dir / STEPS_FILE
            path.write_text(json.dumps([asdict(step) for step in plan.steps], indent=2) + "\n")
