"""`bootstrap`: on an empty registry, the committed fp32 model becomes v1 @champion and int8 v2 @challenger.

Idempotent by the simplest rule: any version of the model at all means the registry has been set
up (by this or by hand), and nothing is registered.
"""

from __future__ import annotations

from mlflow import MlflowClient

from services.registry import store
from services.registry.register import Registered, register
from services.registry.settings import RegistrySettings


def bootstrap(client: MlflowClient, settings: RegistrySettings) -> list[Registered]:
    """The versions registered now: two on an empty registry, none otherwise."""
    if store.versions_of(client, settings.model_name):
        return []
    return [
        register(client, settings, settings.champion_file, alias="champion"),
        register(client, settings, settings.challenger_file, alias="challenger"),
    ]
