"""What an ONNX file is, before it goes into the registry: checksum, size, spec and signature.

The spec (name, variant, labels, preprocessing) is read by the service's own runtime, so the registry
records what the service will do with the file, not a second interpretation of its metadata.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import onnxruntime as ort
from mlflow.types import Schema, TensorSpec

from services.inference.spec import ModelSpec, read_sidecar, sidecar_path
from services.registry.errors import RegistryError
from services.registry.signature import TensorSignature

# onnxruntime's type names -> numpy dtypes, for the tensor types an image classifier may use.
ORT_DTYPES = {
    "tensor(float)": np.float32,
    "tensor(float16)": np.float16,
    "tensor(double)": np.float64,
    "tensor(uint8)": np.uint8,
    "tensor(int8)": np.int8,
    "tensor(int32)": np.int32,
    "tensor(int64)": np.int64,
}


@dataclass(frozen=True)
class ModelFile:
    path: Path
    sha256: str
    size_bytes: int
    spec: ModelSpec
    signature: TensorSignature
    description: str

    @property
    def variant(self) -> str:
        """The file's `inferlab.version` (fp32, int8...): which build of the model this is."""
        return self.spec.version

    @property
    def quantization(self) -> str:
        return "none" if self.variant in ("fp32", "float32") else self.variant

    def sidecar(self) -> dict | None:
        """The sidecar config with any labels file inlined, so the version stays one .onnx and one .json."""
        return read_sidecar(self.path) if sidecar_path(self.path).is_file() else None

    def params(self) -> dict[str, str]:
        """Run parameters: what the file is and how the service prepares its input."""
        params = {
            "file": self.path.name,
            "onnx_name": self.spec.name,
            "variant": self.variant,
            "quantization": self.quantization,
            "source": self.spec.source or "(not stated in the file)",
            "size_bytes": str(self.size_bytes),
            "sha256": self.sha256,
            "input": self.spec.input_name,
            "output": self.spec.output_name,
            "classes": str(len(self.spec.labels)),
        }
        for key, value in asdict(self.spec.preprocess).items():
            params[f"preprocess.{key}"] = json.dumps(value) if isinstance(value, tuple | list) else str(value)
        return params


def describe(path: Path, spec: ModelSpec) -> ModelFile:
    """The file's facts; `spec` is what the service's runtime read from it (see `evaluation.loaded`)."""
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return ModelFile(
        path=path,
        sha256=sha256_of(path),
        size_bytes=path.stat().st_size,
        spec=spec,
        signature=signature_of(session),
        description=session.get_modelmeta().description,
    )


def signature_of(session: ort.InferenceSession) -> TensorSignature:
    """MLflow's tensor signature of a session's inputs and outputs; symbolic dimensions become -1."""
    return TensorSignature(
        inputs=Schema([tensor_spec(i.name, i.shape, i.type) for i in session.get_inputs()]),
        outputs=Schema([tensor_spec(o.name, o.shape, o.type) for o in session.get_outputs()]),
    )


def tensor_spec(name: str, shape: list, ort_type: str) -> TensorSpec:
    if ort_type not in ORT_DTYPES:
        raise RegistryError(f"tensor {name!r} has type {ort_type}, which the registry does not describe")
    dims = tuple(dim if isinstance(dim, int) and dim >= 0 else -1 for dim in shape)
    return TensorSpec(np.dtype(ORT_DTYPES[ort_type]), dims, name)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
