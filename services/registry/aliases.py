"""`promote VERSION --alias A` and `status`: where the aliases point, and every version at a glance."""

from __future__ import annotations

from dataclasses import dataclass

from mlflow import MlflowClient

from services.registry import store
from services.registry.errors import RegistryError
from services.registry.settings import ALIASES


@dataclass(frozen=True)
class VersionRow:
    version: str
    variant: str
    aliases: tuple[str, ...]
    accuracy: float | None
    agreement: float | None
    created_ms: int


def promote(client: MlflowClient, name: str, version: str, alias: str) -> str | None:
    """Point `alias` at `version`; answer the version it pointed at before (None if it was unset)."""
    if alias not in ALIASES:
        raise RegistryError(f"unknown alias {alias!r}: use one of {', '.join(ALIASES)}")
    store.get_version(client, name, version)  # an unknown version is an error, not an alias to nowhere
    previous = store.aliases_of(client, name).get(alias)
    client.set_registered_model_alias(name, alias, version)
    return previous


def status(client: MlflowClient, name: str) -> list[VersionRow]:
    """Every version, oldest first, with its aliases and the metrics its registration run recorded."""
    by_version: dict[str, list[str]] = {}
    for alias, version in store.aliases_of(client, name).items():
        by_version.setdefault(version, []).append(alias)
    # Search results carry no aliases (and versions may be ints), hence the mapping by str(version).
    versions = store.versions_of(client, name)
    return [_row(client, v, tuple(sorted(by_version.get(str(v.version), [])))) for v in versions]


def _row(client: MlflowClient, version, aliases: tuple[str, ...]) -> VersionRow:
    metrics = client.get_run(version.run_id).data.metrics if version.run_id else {}
    return VersionRow(
        version=str(version.version),
        variant=version.tags.get("inferlab.variant", "?"),
        aliases=aliases,
        accuracy=metrics.get("top1_accuracy"),
        agreement=metrics.get("top1_agreement_with_champion"),
        created_ms=version.creation_timestamp,
    )
