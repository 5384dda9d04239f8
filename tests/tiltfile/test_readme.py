"""The README's table of Tilt resources names every resource the Tiltfile makes in the cluster, and no other."""

from __future__ import annotations

from itertools import takewhile

import pytest

from tests.manifests.build import REPO
from tests.tiltfile.lab import MODES, run


def readme_resources() -> set[str]:
    """The first column of the table headed `| Tilt resource |` (names separated by commas)."""
    lines = (REPO / "README.md").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| Tilt resource |"))
    table = takewhile(lambda line: line.startswith("|"), lines[start + 2 :])
    return {name.strip() for row in table for name in row.split("|")[1].split(",")}


def cluster_resources() -> set[str]:
    names: set[str] = set()
    for mode, settings in MODES.items():
        if not settings.get("local"):
            tilt = run(mode)
            names |= set(tilt.assembly.resources) | {r["name"] for r in tilt.of("local_resource")}
    return names


@pytest.mark.integration  # evaluates the cluster Tiltfile, which runs kubectl kustomize
def test_the_readme_lists_every_resource_of_the_cluster_modes() -> None:
    assert readme_resources() == cluster_resources()
