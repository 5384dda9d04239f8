"""Where a model comes from: a file path, or a version of a registered model in MLflow.

`models:/NAME@ALIAS` names whatever version the alias points at; the registry's files are
downloaded once per version into a cache folder. MLflow is imported only when a registry URI is
used, so a service of plain files never pays for it.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from services.inference.errors import ModelLoadError

log = logging.getLogger(__name__)
REGISTRY_URI = re.compile(r"^models:/(?P<name>[^@/]+)@(?P<alias>[^@/]+)$")


class RegistryUnavailable(Exception):
    """The registry did not answer, or the alias points nowhere (yet)."""


@dataclass(frozen=True)
class ModelFiles:
    path: Path
    version: str | None = None


def is_registry_uri(uri: str) -> bool:
    return uri.startswith("models:/")


@dataclass(frozen=True)
class RegistrySource:
    name: str
    alias: str
    tracking_uri: str
    cache_dir: Path

    @classmethod
    def parse(cls, uri: str, tracking_uri: str, cache_dir: Path) -> RegistrySource:
        match = REGISTRY_URI.match(uri)
        if match is None:
            raise ModelLoadError(f"{uri!r} is not a registry URI of the form models:/NAME@ALIAS")
        return cls(match["name"], match["alias"], tracking_uri, cache_dir)

    @property
    def uri(self) -> str:
        return f"models:/{self.name}@{self.alias}"

    def with_alias(self, alias: str) -> RegistrySource:
        return RegistrySource(self.name, alias, self.tracking_uri, self.cache_dir)

    def current_version(self) -> str | None:
        """The version the alias points at now; None when the alias is not set."""
        from mlflow import MlflowClient
        from mlflow.exceptions import MlflowException

        _fail_fast()
        client = MlflowClient(tracking_uri=self.tracking_uri, registry_uri=self.tracking_uri)
        try:
            return str(client.get_model_version_by_alias(self.name, self.alias).version)
        except MlflowException as exc:
            if exc.error_code in ("RESOURCE_DOES_NOT_EXIST", "INVALID_PARAMETER_VALUE"):
                return None
            raise RegistryUnavailable(f"the registry at {self.tracking_uri} failed on {self.uri}: {exc}") from exc
        except Exception as exc:  # connection errors surface as many types through requests/urllib3
            raise RegistryUnavailable(
                f"cannot reach the registry at {self.tracking_uri} for {self.uri}: {exc}"
            ) from exc

    def fetch(self, version: str) -> ModelFiles:
        """The version's files, downloaded unless the cache already has them."""
        target = self.cache_dir / self.name / version
        onnx = _single_onnx(target) if target.exists() else None
        if onnx is None:
            onnx = self._download(version, target)
        return ModelFiles(onnx, version)

    def _download(self, version: str, target: Path) -> Path:
        _fail_fast()
        import mlflow.artifacts
        from mlflow import MlflowClient

        partial = target.with_name(f".{version}.partial")
        partial.mkdir(parents=True, exist_ok=True)
        try:
            # Through the version's own download URI: `models:/` URIs are resolved against MLflow's
            # process-wide registry URI, whatever tracking_uri is passed.
            client = MlflowClient(tracking_uri=self.tracking_uri, registry_uri=self.tracking_uri)
            uri = client.get_model_version_download_uri(self.name, version)
            mlflow.artifacts.download_artifacts(artifact_uri=uri, dst_path=str(partial), tracking_uri=self.tracking_uri)
        except Exception as exc:
            raise RegistryUnavailable(f"cannot download {self.name} version {version}: {exc}") from exc
        if target.exists():  # a folder without its .onnx: a download that went wrong before
            shutil.rmtree(target)
        partial.rename(target)  # whole or not at all: a half download never looks like a cached version
        onnx = _single_onnx(target)
        if onnx is None:
            raise ModelLoadError(f"{self.name} version {version} holds no single .onnx file")
        return onnx


def _fail_fast() -> None:
    """MLflow's client retries a dead server for minutes by default; the watcher has its own backoff.
    And it reports usage to its makers unless told not to.

    Set only where nobody chose otherwise: the variables are read by MLflow at each request.
    """
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "1")
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "10")
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")


def _single_onnx(folder: Path) -> Path | None:
    files = sorted(folder.rglob("*.onnx"))
    return files[0] if len(files) == 1 else None
