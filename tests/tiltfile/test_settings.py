"""The Tiltfile's settings (flags and tilt_config.json), guards, and what it must not repeat."""

from __future__ import annotations

import re

import pytest
import starlark

from tests.manifests.build import REPO
from tests.tiltfile.lab import lab_ports, run
from tests.tiltfile.stub import evaluate


@pytest.mark.integration  # evaluates the cluster Tiltfile, which runs kubectl kustomize
def test_settings_are_defined_with_their_kinds() -> None:
    tilt = run("default")
    kinds = {c["name"]: kind for kind in ("define_bool", "define_string") for c in tilt.of("config." + kind)}
    assert kinds == {
        "local": "define_bool",
        "observability": "define_bool",
        "load": "define_bool",
        "registry": "define_bool",
        "workers": "define_string",
        "model": "define_string",
    }


def test_tilt_config_json_is_git_ignored() -> None:
    assert "tilt_config.json" in (REPO / ".gitignore").read_text().splitlines()


def test_a_setting_the_tiltfile_does_not_define_is_refused() -> None:
    with pytest.raises(starlark.StarlarkError, match="does not define"):
        evaluate({"wrokers": "3"})


def test_workers_must_be_at_least_one() -> None:
    with pytest.raises(starlark.StarlarkError, match="--workers must be 1 or more"):
        evaluate({"workers": "0"})


@pytest.mark.integration  # evaluates the cluster Tiltfile, which runs kubectl kustomize
def test_version_and_context_guards() -> None:
    (version,) = run("default").of("version_settings")
    assert version["constraint"] == ">=0.35.0"  # ci_settings(readiness_timeout=...) came in Tilt 0.35.0
    assert run("default").of("allow_k8s_contexts") == [{"contexts": "minikube"}]


def test_no_port_is_written_in_the_tiltfile() -> None:
    """Ports come from lab.json (read_json), never repeated."""
    text = (REPO / "Tiltfile").read_text()
    written = {port for port in lab_ports().values() if re.search(rf"\b{port}\b", text)}
    assert not written
