"""The registry CLI's error type and exit codes."""

from __future__ import annotations

# Exit codes of every command: a canary under its threshold is told apart from a command that failed.
OK, BELOW_THRESHOLD, ERROR = 0, 1, 2


class RegistryError(Exception):
    """Something the user can fix: a missing file, an unknown version, a server that does not answer.

    Printed as one line, without a traceback.
    """
