"""The guard of tests/isolation.py: a unit test that starts a process or a server fails."""

from __future__ import annotations

import asyncio
import multiprocessing
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.isolation import VIOLATIONS, NotAUnitTest, _guarded


@dataclass
class FakeItem:
    """What the guard reads of a test item."""

    integration: bool = False
    nodeid: str = "tests/test_x.py::test_x"
    stash: pytest.Stash = field(default_factory=pytest.Stash)

    def get_closest_marker(self, name: str) -> object | None:
        return object() if name == "integration" and self.integration else None


def test_a_subprocess_is_refused_and_recorded():
    item = FakeItem()
    expected = "a process started in a unit test: mark tests/test_x.py::test_x pytest.mark.integration"
    with _guarded(item), pytest.raises(NotAUnitTest) as refused:
        subprocess.run([sys.executable, "-c", "pass"], check=True)
    assert str(refused.value) == expected
    assert item.stash[VIOLATIONS] == [expected]


def test_an_asyncio_subprocess_is_refused():
    async def spawn() -> None:
        await asyncio.create_subprocess_exec(sys.executable, "-c", "pass")

    with _guarded(FakeItem()), pytest.raises(NotAUnitTest):
        asyncio.run(spawn())


def test_a_multiprocessing_child_is_refused():
    with _guarded(FakeItem()), pytest.raises(NotAUnitTest):
        multiprocessing.get_context("spawn").Process(target=print).start()


def test_a_listening_socket_is_refused():
    with _guarded(FakeItem()), socket.socket() as sock, pytest.raises(NotAUnitTest, match="listening"):
        sock.listen()


def test_an_integration_test_is_left_alone():
    before = subprocess._fork_exec  # type: ignore[attr-defined]
    with _guarded(FakeItem(integration=True)):
        assert subprocess._fork_exec is before  # type: ignore[attr-defined]
        assert socket.socket.listen is not None
    with _guarded(FakeItem()):
        assert subprocess._fork_exec is not before  # type: ignore[attr-defined]
    assert subprocess._fork_exec is before  # type: ignore[attr-defined]


@pytest.mark.integration  # the session below starts a process, in a fixture of an integration test
def test_a_wide_fixture_torn_down_after_a_unit_test_is_not_blamed_on_it(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).resolve().parent.parent))  # tests.isolation
    pytester.makepyfile(
        """
        import subprocess, sys
        import pytest

        @pytest.fixture(scope="session")
        def server():
            yield
            subprocess.run([sys.executable, "-c", "pass"], check=True)  # its stop runs in the last test

        @pytest.mark.integration
        def test_uses_the_server(server):
            pass

        def test_a_unit_test_last():
            pass

        def test_a_unit_test_that_starts_a_process_in_its_own_teardown(request):
            request.addfinalizer(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True))

        def test_the_very_last():
            pass
        """
    )
    result = pytester.runpytest_subprocess("-p", "tests.isolation", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=4, errors=1)  # the own teardown is caught, the session's is not
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_a_unit_test_that_starts_a_process_in_its_own*"])
