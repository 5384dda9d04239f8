"""The tests' folders follow the source tree: tests/<path>/test_*.py tests the code under <path>/."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TESTS = REPO / "tests"
# Folders that stand for no source folder: the whole-system tests, and the Tiltfile (one file).
OWN_FOLDERS = {"integration", "tiltfile"}


def test_every_test_folder_is_a_folder_of_the_source_tree() -> None:
    folders = {path.parent.relative_to(TESTS) for path in TESTS.rglob("test_*.py")}
    stray = sorted(
        str(folder)
        for folder in folders
        if folder.parts and folder.parts[0] not in OWN_FOLDERS and not (REPO / folder).is_dir()
    )
    assert not stray, f"test folders with no source folder of the same path: {stray}"
