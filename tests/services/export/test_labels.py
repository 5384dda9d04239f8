"""ImageNet's class names, parsed from torchvision's source file without importing torchvision."""

from __future__ import annotations

import importlib.metadata

import pytest

from services.export import labels


def meta_source(names: list[str]) -> str:
    return f"_OTHER = ['x']\n_IMAGENET_CATEGORIES = {names!r}\n"


def test_the_list_is_read_from_the_assignment(monkeypatch: pytest.MonkeyPatch) -> None:
    names = [f"class {i}" for i in range(1000)]
    monkeypatch.setattr(labels, "_read_meta_source", lambda: meta_source(names))
    assert labels.imagenet_labels() == names


def test_a_list_of_the_wrong_length_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(labels, "_read_meta_source", lambda: meta_source(["tench", "goldfish"]))
    with pytest.raises(ValueError, match="has 2 entries, expected 1000"):
        labels.imagenet_labels()


def test_a_source_without_the_list_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(labels, "_read_meta_source", lambda: "_OTHER = ['x']\n")
    with pytest.raises(ValueError, match="_IMAGENET_CATEGORIES not found"):
        labels.imagenet_labels()


def test_without_torchvision_it_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "distribution", missing)
    with pytest.raises(SystemExit, match="pip install --no-deps torchvision"):
        labels.imagenet_labels()
