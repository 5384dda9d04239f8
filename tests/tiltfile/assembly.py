"""How Tilt makes resources of the applied YAML and the k8s_resource calls, once the Tiltfile has run.

Follows tilt-dev/tilt `internal/tiltfile/tiltfile_state.go` (assembleK8s): each workload becomes a
resource named by its shortest unique fragment and takes the Services that select its pods; an object
left with a pod template gets a resource of its name; then each k8s_resource call, in order, names an
existing resource (`workload`) or makes one (`new_name` alone, which needs `objects`), may rename it, and
claims `objects`: each fragment must name exactly one object, and one that no resource holds yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.tiltfile.entities import (
    full_name,
    is_workload,
    matches,
    pod_templates,
    potential_names,
    selects,
    unique_names,
)


class TiltfileError(Exception):
    """What Tilt prints instead of loading the Tiltfile."""


@dataclass
class Resource:
    name: str
    entities: list[dict[str, Any]] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)  # the k8s_resource calls that configured it


@dataclass
class Assembly:
    resources: dict[str, Resource]
    unresourced: list[dict[str, Any]]  # Tilt's "uncategorized"
    local_names: set[str]

    def new(self, name: str) -> Resource:
        if name in self.resources or name in self.local_names:
            kind = "k8s_resource" if name in self.resources else "local_resource"
            raise TiltfileError(f"{kind} named {name!r} already exists")
        self.resources[name] = Resource(name)
        return self.resources[name]

    def take_services(self, workload: dict[str, Any], resource: Resource) -> None:
        taken = [o for o in self.unresourced if selects(o, workload)]
        resource.entities += taken
        self.unresourced = [o for o in self.unresourced if not any(o is t for t in taken)]


def by_workload(assembly: Assembly) -> None:
    workloads = [o for o in assembly.unresourced if is_workload(o)]
    assembly.unresourced = [o for o in assembly.unresourced if not is_workload(o)]
    for name, workload in zip(unique_names(workloads), workloads, strict=True):
        resource = assembly.new(name)
        resource.entities.append(workload)
        assembly.take_services(workload, resource)
    for o in [o for o in assembly.unresourced if pod_templates(o)]:
        name = o["metadata"]["name"]
        resource = assembly.resources.get(name) or assembly.new(name)
        resource.entities.append(o)
        assembly.unresourced = [u for u in assembly.unresourced if u is not o]
        assembly.take_services(o, resource)


def claim(assembly: Assembly, resource: Resource, fragment: str, everything: list[dict[str, Any]]) -> None:
    named = [o for o in everything if fragment.lower() in potential_names(o)]
    if not named:
        possible = ", ".join(f'"{full_name(o)}"' for o in everything)
        raise TiltfileError(
            f"No object identified by the fragment {fragment!r} could be found. Possible objects are: {possible}"
        )
    if len(named) > 1:
        raise TiltfileError(f"{fragment!r} is not a unique fragment: {[full_name(o) for o in named]}")
    free = [o for o in assembly.unresourced if matches(fragment, o)]
    if not free:
        remaining = ", ".join(f'"{full_name(o)}"' for o in assembly.unresourced)
        raise TiltfileError(
            f"No object identified by the fragment {fragment!r} could be found in remaining YAML. "
            f"Valid remaining fragments are: {remaining}"
        )
    resource.entities.append(free[0])
    assembly.unresourced = [o for o in assembly.unresourced if o is not free[0]]


def configure(assembly: Assembly, call: dict[str, Any], everything: list[dict[str, Any]]) -> None:
    name = call["workload"] or call["new_name"]
    if not call["workload"]:
        assembly.new(name)
    if name not in assembly.resources:
        known = ", ".join(assembly.resources)
        raise TiltfileError(f"k8s_resource specified unknown resource {name!r}. known k8s resources: {known}")
    resource = assembly.resources[name]
    if call["new_name"] and call["new_name"] != name:
        new = assembly.new(call["new_name"])
        del assembly.resources[name]
        new.entities, new.calls = resource.entities, resource.calls
        resource = new
    resource.calls.append(call)
    for fragment in call["objects"] or []:
        claim(assembly, resource, fragment, everything)


def assemble(applied: list[dict[str, Any]], calls: list[dict[str, Any]], local_names: set[str]) -> Assembly:
    """The resources Tilt would show, or the TiltfileError it would stop with."""
    assembly = Assembly(resources={}, unresourced=list(applied), local_names=set(local_names))
    by_workload(assembly)
    everything = [o for r in assembly.resources.values() for o in r.entities] + assembly.unresourced
    for call in calls:
        configure(assembly, call, everything)
    for resource in assembly.resources.values():
        if not resource.entities:
            raise TiltfileError(f"resource {resource.name!r}: could not associate any k8s_yaml() with this resource")
    return assembly
