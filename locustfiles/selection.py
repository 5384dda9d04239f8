"""Tags select whole users, not only tasks.

Locust's `--tags` filters tasks, but leaves a user class whose tasks were all filtered out in the
mix, and that user fails when spawned. So the master drops such classes first (see hooks.py),
with the same rule as Locust's filter: a task runs if it has one of `tags` and none of `exclude`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def task_runs(task: Any, tags: set[str] | None, exclude: set[str] | None) -> bool:
    task_tags = getattr(task, "locust_tag_set", set())
    if tags is not None and not task_tags & tags:
        return False
    return not (exclude and task_tags & exclude)


def selected_users(user_classes: Iterable[Any], tags: Iterable[str] | None, exclude: Iterable[str] | None) -> list:
    """The user classes that keep at least one task under these tags."""
    wanted = set(tags) if tags else None
    unwanted = set(exclude) if exclude else None
    return [user for user in user_classes if any(task_runs(t, wanted, unwanted) for t in user.tasks)]
