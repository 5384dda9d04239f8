"""`python -m telemetry.grafana [--check]`: write (or check) the dashboards' JSON and the provisioning."""

from __future__ import annotations

import sys

from telemetry.generated import main
from telemetry.grafana.build import MODULE, generated_files

if __name__ == "__main__":
    sys.exit(main(MODULE, generated_files))
