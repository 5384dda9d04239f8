"""The unit tests (`make test-unit`: `-m 'not integration'`) start no process and no server.

While a test without the `integration` marker sets up, runs and tears down, starting a process
(subprocess, asyncio's subprocesses, multiprocessing, fork, posix_spawn, os.system) or listening on
a socket raises `NotAUnitTest` and fails the test, even when the code under test swallows the
error. Such a test belongs to the integration tests: mark it `pytest.mark.integration`.
Session- and module-scoped fixtures are caught too: they are set up within the first test using them.
(Their teardown is not: it runs within whichever test was last, the last of a module unguarded.)
"""

from __future__ import annotations

import _posixsubprocess
import os
import socket
import subprocess
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

import pytest

VIOLATIONS = pytest.StashKey[list[str]]()


class NotAUnitTest(RuntimeError):
    """A test without the integration marker started a process or a server."""


def _refuse(item: pytest.Item, what: str, original: Callable) -> Callable:
    def refused(*args: object, **kwargs: object) -> object:
        message = f"{what} in a unit test: mark {item.nodeid} pytest.mark.integration"
        item.stash.setdefault(VIOLATIONS, []).append(message)
        raise NotAUnitTest(message)

    refused.__wrapped__ = original  # type: ignore[attr-defined]
    return refused


@contextmanager
def _guarded(item: pytest.Item) -> Iterator[None]:
    if item.get_closest_marker("integration") is not None:
        yield
        return
    with ExitStack() as stack:
        patch = stack.enter_context(pytest.MonkeyPatch.context())
        started = _refuse(item, "a process started", _posixsubprocess.fork_exec)
        patch.setattr(_posixsubprocess, "fork_exec", started)  # multiprocessing
        patch.setattr(subprocess, "_fork_exec", started)  # subprocess and asyncio's subprocesses
        for name in ("fork", "forkpty", "posix_spawn", "posix_spawnp", "system"):
            if hasattr(os, name):
                patch.setattr(os, name, _refuse(item, f"os.{name}", getattr(os, name)))
        patch.setattr(socket.socket, "listen", _refuse(item, "a socket listening", socket.socket.listen))
        yield


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    with _guarded(item):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    with _guarded(item):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    # The last test of a module (or class, or the session) also tears down the wider fixtures that
    # other tests set up, an integration test's server among them: what they stop is not this test's.
    if nextitem is None or nextitem.parent is not item.parent:
        return (yield)
    with _guarded(item):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[pytest.TestReport]:
    report = yield
    violations = item.stash.get(VIOLATIONS, [])
    if violations:
        if report.passed:  # the code under test caught NotAUnitTest: the test still fails
            report.outcome = "failed"
            report.longrepr = "\n".join(violations)
        item.stash[VIOLATIONS] = []  # reported once, in the phase it happened
    return report
