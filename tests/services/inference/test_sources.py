from __future__ import annotations

from pathlib import Path

import pytest

from services.inference.errors import ModelLoadError
from services.inference.sources import RegistrySource, is_registry_uri


def test_registry_uris_are_told_from_paths():
    assert is_registry_uri("models:/efficientnet-lite0@champion")
    assert not is_registry_uri("models/efficientnet-lite0.onnx")


def test_parse_names_model_and_alias(tmp_path: Path):
    source = RegistrySource.parse("models:/effnet@champion", "http://127.0.0.1:5000", tmp_path)
    assert (source.name, source.alias, source.uri) == ("effnet", "champion", "models:/effnet@champion")
    assert source.with_alias("challenger").uri == "models:/effnet@challenger"


@pytest.mark.parametrize("uri", ["models:/effnet", "models:/effnet/3", "models:/@champion", "models:/a@b@c"])
def test_other_forms_are_refused_with_the_expected_form(uri: str, tmp_path: Path):
    with pytest.raises(ModelLoadError, match="models:/NAME@ALIAS"):
        RegistrySource.parse(uri, "http://127.0.0.1:5000", tmp_path)


def test_a_cached_version_is_not_downloaded_again(tmp_path: Path):
    source = RegistrySource("effnet", "champion", "http://127.0.0.1:1", tmp_path)
    cached = tmp_path / "effnet" / "7" / "model.onnx"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"onnx")
    assert source.fetch("7").path == cached  # the registry URI is unreachable: no download was tried
