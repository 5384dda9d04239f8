"""ImageNet-1k class names, read from torchvision's source without importing it."""

import ast
import importlib.metadata

_META_FILE = "torchvision/models/_meta.py"
_LIST_NAME = "_IMAGENET_CATEGORIES"


def imagenet_labels() -> list[str]:
    """Return torchvision's 1000 ImageNet class names in class-index order."""
    source = _read_meta_source()
    labels = _literal_assignment(source, _LIST_NAME)
    if len(labels) != 1000:
        raise ValueError(f"{_LIST_NAME} has {len(labels)} entries, expected 1000")
    return labels


def torchvision_version() -> str:
    return importlib.metadata.version("torchvision")


def _read_meta_source() -> str:
    # torchvision is installed --no-deps purely as a data source: importing it
    # beside this CPU torch build fails, so the file is located and parsed.
    try:
        dist = importlib.metadata.distribution("torchvision")
    except importlib.metadata.PackageNotFoundError as exc:
        raise SystemExit(
            "torchvision is needed as the label source: pip install --no-deps torchvision==<matching version>"
        ) from exc
    return dist.locate_file(_META_FILE).read_text(encoding="utf-8")


def _literal_assignment(source: str, name: str) -> list[str]:
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and _assigns_to(node, name):
            return list(ast.literal_eval(node.value))
    raise ValueError(f"{name} not found in {_META_FILE}")


def _assigns_to(node: ast.Assign, name: str) -> bool:
    return any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
