"""`--help` text for any of the lab's settings classes, derived from the class itself.

Each setting is listed with the environment variables that set it (its prefix, or its aliases
such as MLFLOW_TRACKING_URI), its one-line doc and its default.
"""

from __future__ import annotations

from pydantic import AliasChoices
from pydantic_settings import BaseSettings


def settings_help(settings_class: type[BaseSettings]) -> str:
    prefix = settings_class.model_config.get("env_prefix", "")
    lines = ["settings (environment variables; flags win):"]
    for name, field in settings_class.model_fields.items():
        alias = field.validation_alias
        names = list(alias.choices) if isinstance(alias, AliasChoices) else [f"{prefix}{name}"]
        default = field.get_default(call_default_factory=True)
        variables = " or ".join(str(n).upper() for n in names)
        lines.append(f"  {variables:<30} {field.description} [default: {default}]")
    return "\n".join(lines)
