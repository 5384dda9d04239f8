"""Kubernetes objects as Tilt sees them: names, fragments, images, pod templates, Service selectors.

Follows tilt-dev/tilt `internal/k8s/` (names.go, object_selector.go, entity.go, image.go) and the workload
test of `internal/tiltfile/tiltfile_state.go` (isWorkload, with the kinds of tiltfile/k8s/resource.go).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

REGISTERED_KINDS = [("(?i)batch/v1", "(?i)Job")]  # InitialKinds(): Job (and, by the regexp, CronJob)
CONTAINER_KEYS = ("containers", "initContainers", "ephemeralContainers")


def namespace(o: dict[str, Any]) -> str:
    return o["metadata"].get("namespace") or "default"


def group(o: dict[str, Any]) -> str:
    api_version = o.get("apiVersion", "v1")
    return api_version.split("/")[0] if "/" in api_version else "core"


def potential_names(o: dict[str, Any]) -> list[str]:
    parts = [o["metadata"]["name"], o["kind"], namespace(o), group(o)]
    return [":".join(parts[: i + 1]).lower() for i in range(len(parts))]


def full_name(o: dict[str, Any]) -> str:
    return ":".join([o["metadata"]["name"], o["kind"], namespace(o)])


def unique_names(workloads: list[dict[str, Any]]) -> list[str]:
    """k8s.UniqueNames: for each workload the shortest fragment that no other workload shares."""
    counts: dict[str, int] = {}
    for o in workloads:
        for name in potential_names(o):
            counts[name] = counts.get(name, 0) + 1
    names = []
    for i, o in enumerate(workloads):
        unique = [name for name in potential_names(o) if counts[name] == 1]
        names.append(unique[0] if unique else f"{potential_names(o)[-1]}:{i}")
    return names


def entries(node: Any) -> Iterator[tuple[str, Any]]:
    """Every key and value at any depth (Tilt's extractors walk the typed object by reflection)."""
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for key, value in children:
        yield str(key), value
        yield from entries(value)


def images(o: dict[str, Any]) -> list[str]:
    """The container images anywhere in an object."""
    lists = [value for key, value in entries(o) if key in CONTAINER_KEYS and isinstance(value, list)]
    return [c["image"] for found in lists for c in found if isinstance(c, dict) and c.get("image")]


def pod_templates(o: dict[str, Any]) -> list[dict[str, Any]]:
    """Every PodTemplateSpec in an object: a `template` with a pod spec (a CronJob's sits in its jobTemplate)."""
    templates = [value for key, value in entries(o) if key == "template" and isinstance(value, dict)]
    return [t for t in templates if isinstance(t.get("spec"), dict) and "containers" in t["spec"]]


def is_workload(o: dict[str, Any]) -> bool:
    registered = any(
        re.search(version, o.get("apiVersion", "")) and re.search(kind, o["kind"]) for version, kind in REGISTERED_KINDS
    )
    return bool(registered or images(o))


def selects(service: dict[str, Any], workload: dict[str, Any]) -> bool:
    """A Service in the workload's namespace (or none) whose selector the workload's pod labels satisfy."""
    if service["kind"] != "Service" or not service.get("spec", {}).get("selector"):
        return False
    if "namespace" in service["metadata"] and namespace(service) != namespace(workload):
        return False
    selector = service["spec"]["selector"]
    return any(
        all(template.get("metadata", {}).get("labels", {}).get(k) == v for k, v in selector.items())
        for template in pod_templates(workload)
    )


def matches(fragment: str, o: dict[str, Any]) -> bool:
    """SelectorFromString: `name[:kind[:namespace]]`, each part matched whole and case-insensitively."""
    parts = fragment.split(":")
    if len(parts) > 3:
        raise ValueError(f"Too many parts in selector. Selectors must contain between 1 and 3 parts: {fragment}")
    actual = [o["metadata"]["name"], o["kind"], namespace(o)]
    return all(part.lower() == value.lower() for part, value in zip(parts, actual, strict=False))
