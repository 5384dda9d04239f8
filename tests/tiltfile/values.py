"""The typed values of Tilt's API and the checks Tilt makes when a builtin takes them.

Values cross starlark-pyo3 as JSON, so each of Tilt's own types (port_forward, link, trigger mode, live
update step) is a dict tagged with `__tilt__`; a plain dict or string in its place is refused, as Tilt's
unpackers refuse them. Sources: tilt-dev/tilt `internal/tiltfile/` k8s.go (convertPortForwards,
stringToPortForward), links/link.go (LinkList), tiltfile_state.go (triggerMode), value/label.go
(LabelValue), live_update.go (liveUpdateFromSteps), docker.go (parseOnly).
"""

from __future__ import annotations

import re
from typing import Any

TAG = "__tilt__"
TRIGGER_MODE_AUTO = {TAG: "trigger_mode", "mode": "auto"}
TRIGGER_MODE_MANUAL = {TAG: "trigger_mode", "mode": "manual"}
LABEL = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
HOST = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$")


def tagged(kind: str, **fields: Any) -> dict[str, Any]:
    return {TAG: kind, **fields}


def is_a(value: Any, kind: str) -> bool:
    return isinstance(value, dict) and value.get(TAG) == kind


def as_list(value: Any) -> list[Any]:
    """Tilt's ValueOrSequenceToSlice: None is nothing, a list or tuple is itself, anything else is one."""
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def port(value: Any) -> int:
    number = int(value) if isinstance(value, int) or (isinstance(value, str) and value.isdigit()) else -1
    if not 0 <= number <= 65535:
        raise ValueError(f"portForward port value {value!r} is not in the valid range [0-65535]")
    return number


def port_forwards(value: Any) -> list[dict[str, Any]]:
    """An int, a "[host:]local[:container]" string, a port_forward(), or a list of these."""
    forwards = []
    for item in as_list(value):
        if is_a(item, "port_forward"):
            forwards.append(item)
        elif isinstance(item, int) and not isinstance(item, bool):
            forwards.append(tagged("port_forward", local_port=port(item), container_port=0))
        elif isinstance(item, str):
            parts = item.split(":", 2)
            if len(parts) == 3 and not HOST.match(parts[0]):
                raise ValueError(f"portForward host value {parts[0]!r} is not a valid hostname or IP address")
            local = port(parts[1] if len(parts) == 3 else parts[0])
            container = port(parts[-1]) if len(parts) > 1 else 0
            forwards.append(tagged("port_forward", local_port=local, container_port=container))
        else:
            raise ValueError(f"port_forwards: want an int, a string or a port_forward, found {item!r}")
    return forwards


def links(value: Any) -> list[dict[str, Any]]:
    """A URL string, a link(), or a list of these."""
    found = []
    for item in as_list(value):
        if isinstance(item, str) and item:
            found.append(tagged("link", url=item, name=""))
        elif is_a(item, "link"):
            found.append(item)
        else:
            raise ValueError(f"Want a string, a link, or a sequence of these; found {item!r}")
    return found


def trigger_mode(value: Any) -> str:
    if not is_a(value, "trigger_mode"):
        raise ValueError(f"trigger_mode: want TRIGGER_MODE_AUTO or TRIGGER_MODE_MANUAL, found {value!r}")
    return value["mode"]


def labels(value: Any) -> list[str]:
    if value is not None and not isinstance(value, (str, list, tuple)):
        raise ValueError(f"value should be a label or List or Tuple of labels, but is {value!r}")
    for label in as_list(value):
        if not isinstance(label, str) or len(label) > 63 or not LABEL.match(label):
            raise ValueError(f"Invalid label {label!r}")
    return as_list(value)


def only(value: Any) -> list[str]:
    paths = as_list(value)
    for path in paths:
        if "*" in path:
            raise ValueError(f"'only' does not support '*' file globs. Must be a real path: {path}")
    return paths


def live_update(steps: Any) -> list[dict[str, Any]]:
    """liveUpdateFromSteps: fall_back_on first, every sync before any run, restart_container last."""
    seen = set()
    for step in as_list(steps):
        kind = step.get("step") if is_a(step, "live_update_step") else None
        if kind is None:
            raise ValueError(f"'steps' must be a list of live update steps - got {step!r}")
        if kind == "fall_back_on" and seen - {"fall_back_on"}:
            raise ValueError("fall_back_on steps must appear at the start of the list")
        if kind in ("sync", "run") and "restart_container" in seen:
            raise ValueError("restart container is only valid as the last step")
        if kind == "sync" and "run" in seen:
            raise ValueError("all sync steps must precede all run steps")
        if kind == "sync" and not step["remote_path"].startswith("/"):
            raise ValueError(f"sync destination is not absolute: {step['remote_path']}")
        seen.add(kind)
    if seen and not seen & {"sync", "run"}:
        raise ValueError("live_update must contain at least 1 sync or 1 exec")
    return as_list(steps)
