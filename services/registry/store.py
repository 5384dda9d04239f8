"""The MLflow side: connecting, and the few registry look-ups the commands share.

Nothing here sets MLflow's process-wide URIs (`mlflow.set_tracking_uri` also writes the environment,
which would leak into every later client and subprocess): every call goes through one client.
"""

from __future__ import annotations

from pathlib import Path

import httpx
from mlflow import MlflowClient
from mlflow.artifacts import download_artifacts
from mlflow.entities.model_registry import ModelVersion, RegisteredModel
from mlflow.exceptions import MlflowException

from services.registry.errors import RegistryError

NOT_FOUND = "RESOURCE_DOES_NOT_EXIST"


def connect(tracking_uri: str, timeout_s: float = 5.0) -> MlflowClient:
    """A client of `tracking_uri`; a server that does not answer is an error naming it, not minutes of retries."""
    if tracking_uri.startswith(("http://", "https://")):
        _check_health(tracking_uri, timeout_s)
    return MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)


def _check_health(url: str, timeout_s: float) -> None:
    try:
        httpx.get(f"{url.rstrip('/')}/health", timeout=timeout_s).raise_for_status()
    except httpx.HTTPError as exc:
        raise RegistryError(
            f"no MLflow server answers at {url} ({exc}); start the lab (`make up`) or set MLFLOW_TRACKING_URI"
        ) from exc


def ensure_experiment(client: MlflowClient, name: str, artifact_root: str | None = None) -> str:
    experiment = client.get_experiment_by_name(name)
    if experiment is not None:
        return experiment.experiment_id
    return client.create_experiment(name, artifact_location=artifact_root and f"{artifact_root.rstrip('/')}/{name}")


def ensure_registered_model(client: MlflowClient, name: str) -> None:
    if _registered_model(client, name) is None:
        client.create_registered_model(name, description="The image classifier the inference service serves.")


def aliases_of(client: MlflowClient, name: str) -> dict[str, str]:
    """Alias -> version of the registered model; none when the model is not registered yet."""
    model = _registered_model(client, name)
    return {alias: str(number) for alias, number in model.aliases.items()} if model else {}


def versions_of(client: MlflowClient, name: str) -> list[ModelVersion]:
    """Every version of the model, oldest first."""
    found = client.search_model_versions(f"name = '{name}'")
    return sorted(found, key=lambda version: int(version.version))


def get_version(client: MlflowClient, name: str, number: str) -> ModelVersion:
    """The version, or an error saying the model has no such version."""
    try:
        return client.get_model_version(name, number)
    except MlflowException as exc:
        if exc.error_code != NOT_FOUND:
            raise
        raise RegistryError(f"{name} has no version {number}") from exc


def download_onnx(client: MlflowClient, name: str, version: str, destination: Path) -> Path:
    """The version's single .onnx file, downloaded through `client`'s server.

    Through the version's download URI rather than `models:/...`: MLflow 3.17 resolves `models:/` with
    the process-wide registry URI, whatever client or `registry_uri` argument is given.
    """
    uri = client.get_model_version_download_uri(name, version)
    folder = Path(download_artifacts(artifact_uri=uri, dst_path=str(destination), tracking_uri=client.tracking_uri))
    files = sorted(folder.rglob("*.onnx"))
    if len(files) != 1:
        raise RegistryError(f"{name} version {version} holds {len(files)} .onnx files, not one")
    return files[0]


def _registered_model(client: MlflowClient, name: str) -> RegisteredModel | None:
    try:
        return client.get_registered_model(name)
    except MlflowException as exc:
        if exc.error_code != NOT_FOUND:
            raise
        return None
