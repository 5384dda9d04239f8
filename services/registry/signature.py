"""A model's tensor signature as MLflow records it (`signature.json`), written on mlflow-skinny too.

MLflow's `ModelSignature` imports pandas, which mlflow-skinny (the service's image, where the cluster's
bootstrap Job registers the committed models) lacks; its `Schema` and `TensorSpec` do not. This holds the
two schemas and serialises them exactly as `ModelSignature.to_dict` does, so MLflow reads the file back
as a `ModelSignature`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mlflow.types import Schema


@dataclass(frozen=True)
class TensorSignature:
    inputs: Schema
    outputs: Schema

    def to_dict(self) -> dict[str, Any]:
        """`ModelSignature.to_dict()`: each schema as a JSON string, no parameters."""
        return {"inputs": self.inputs.to_json(), "outputs": self.outputs.to_json(), "params": None}
