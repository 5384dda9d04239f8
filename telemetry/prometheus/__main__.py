"""`python -m telemetry.prometheus [--check]`: write (or check) the configs and the rule files."""

from __future__ import annotations

import sys

from telemetry.generated import main
from telemetry.prometheus.build import MODULE, generated_files

if __name__ == "__main__":
    sys.exit(main(MODULE, generated_files))
