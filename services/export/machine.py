"""A one-line description of the machine the figures were measured on."""

import os
import platform
from pathlib import Path

import onnxruntime


def describe_machine() -> str:
    parts = [
        f"{os.cpu_count()} cores ({_cpu_model()})",
        _os_name(),
        f"Python {platform.python_version()}",
        f"onnxruntime {onnxruntime.__version__} CPUExecutionProvider",
    ]
    return ", ".join(part for part in parts if part)


def _cpu_model() -> str:
    for line in _read("/proc/cpuinfo").splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.machine()


def _os_name() -> str:
    for line in _read("/etc/os-release").splitlines():
        if line.startswith("PRETTY_NAME="):
            return line.split("=", 1)[1].strip().strip('"')
    return platform.system()


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError:
        return ""
