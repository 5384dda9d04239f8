"""`python -m locustfiles.web`: Locust's web UI for `make up`, on `lab.port("locust")`, with `/metrics`.

The UI leaves users, rate and duration to whoever presses Start, so no shape is loaded unless
`INFERLAB_LOAD_SHAPE` (or `--shape`) asks for one. Locust replaces this process (exec), so the
Procfile's supervisor signals Locust itself.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from locustfiles.command import web_command
from locustfiles.settings import REPO, LoadSettings, as_environment


def web_settings(argv: Sequence[str]) -> LoadSettings:
    settings = LoadSettings(_cli_parse_args=list(argv), _cli_prog_name="python -m locustfiles.web")
    if "shape" in settings.model_fields_set:
        return settings
    return settings.model_copy(update={"shape": "none"})


def main(argv: Sequence[str] | None = None) -> None:
    settings = web_settings(sys.argv[1:] if argv is None else argv)
    command = web_command(settings)
    os.chdir(REPO)  # Locust imports the locustfile's package from its working directory
    os.execve(command[0], command, {**os.environ, **as_environment(settings)})


if __name__ == "__main__":
    main()
