"""python -m services.export --out models/: build, check, quantize, measure, report."""

import argparse
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
from onnxruntime.quantization import QuantType

from . import bench, calibration, efficientnet, evalset, evaluate, metadata, quantize, report, runtime
from .labels import imagenet_labels
from .machine import describe_machine
from .photos import calibration_photos

FP32_FILE = "efficientnet-lite0.onnx"
INT8_FILE = "efficientnet-lite0-int8.onnx"
MAX_TORCH_DIFF = 1e-4
MAX_FILE_BYTES = 25 * 2**20
ACTIVATION_TYPES = (QuantType.QUInt8, QuantType.QInt8)
# U8 activations with S8 weights is onnxruntime's fast x86 int8 path (S8S8
# measured 1.5-2x slower here), so QInt8 activations must agree clearly
# better to be shipped: 0.03 is ~4 of 144 held-out views, below which the
# two were within run-to-run noise of the set.
PREFERRED_ACTIVATIONS = "QUInt8"
AGREEMENT_MARGIN = 0.03


@dataclass(frozen=True)
class Stamp:
    """What every saved model is labelled with."""

    labels: list[str]
    source: str


@dataclass(frozen=True)
class EvalSet:
    held_out: np.ndarray
    test_views: np.ndarray


def main() -> None:
    out = Path(_parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        _run(out, Path(scratch))


def _run(out: Path, scratch: Path) -> None:
    stamp = Stamp(imagenet_labels(), report.source_sentence())
    samples = calibration.calibration_batch()

    fp32, diff = _export_fp32(samples, stamp, out / FP32_FILE)
    print(f"fp32 ONNX vs torch: max abs logit diff {diff:.2e}")
    evals = EvalSet(evalset.held_out_views(), evalset.test_photo_views())
    fp32_sess = runtime.session(out / FP32_FILE)
    reference = EvalSet(runtime.logits(fp32_sess, evals.held_out), runtime.logits(fp32_sess, evals.test_views))
    scores, candidates = _quantize_candidates(fp32, samples, stamp, evals, reference, scratch)
    chosen = _best(scores)
    shutil.copyfile(candidates.pop(chosen), out / INT8_FILE)
    others = {f"int8 ({name}, not shipped)": path for name, path in candidates.items()}
    int8_sess = runtime.session(out / INT8_FILE)

    results = report.Results(
        torch_max_abs_diff=diff,
        activation_type=chosen,
        candidates=scores,
        widest_tie=evaluate.widest_tie(reference.held_out, runtime.logits(int8_sess, evals.held_out)),
        top5=_test_top5({"fp32": fp32_sess, "int8": int8_sess}, stamp.labels),
        sizes={name: (out / name).stat().st_size for name in (FP32_FILE, INT8_FILE)},
        bench=bench.measure({"fp32": out / FP32_FILE, f"int8 ({chosen})": out / INT8_FILE, **others}, samples),
        machine=describe_machine(),
        calibration_photos=list(calibration_photos()),
        calibration_samples=len(samples),
    )
    (out / "README.md").write_text(report.readme(results), encoding="utf-8")
    print(report.figures(results))


def _parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m services.export", description=__doc__)
    parser.add_argument("--out", default="models", help="output directory (default: models)")
    return parser.parse_args()


def _export_fp32(samples: np.ndarray, stamp: Stamp, path: Path) -> tuple[onnx.ModelProto, float]:
    model = efficientnet.build_model()
    fp32 = efficientnet.export_onnx(model, samples[:2])
    _save(fp32, "fp32", stamp, path)
    return fp32, _torch_diff(model, path, samples)


def _torch_diff(model, path: Path, samples: np.ndarray) -> float:
    """Batch 5, unlike the batch-2 trace, so the dynamic batch axis is exercised too."""
    batch = samples[::40][:5]
    ours = runtime.logits(runtime.session(path), batch)
    diff = float(np.abs(ours - efficientnet.torch_logits(model, batch)).max())
    if not diff < MAX_TORCH_DIFF:
        raise SystemExit(f"onnxruntime and torch disagree: max abs diff {diff:.2e}")
    return diff


def _quantize_candidates(fp32, samples, stamp: Stamp, evals: EvalSet, reference: EvalSet, scratch: Path):
    """Quantize with each activation type into a candidate file under scratch.

    Returns ({name: (held-out agreement, test-view agreement)}, {name: path}).
    """
    scores, paths = {}, {}
    for activations in ACTIVATION_TYPES:
        name = activations.name
        paths[name] = scratch / f"int8-{name}.onnx"
        _save(quantize.quantize_int8(fp32, samples, activations), "int8", stamp, paths[name])
        scores[name] = _agreements(paths[name], evals, reference)
        print(f"int8, {name} activations: held-out {scores[name][0]}, test views {scores[name][1]}")
    return scores, paths


def _agreements(path: Path, evals: EvalSet, reference: EvalSet):
    sess = runtime.session(path)
    return (
        evaluate.agreement(reference.held_out, runtime.logits(sess, evals.held_out)),
        evaluate.agreement(reference.test_views, runtime.logits(sess, evals.test_views)),
    )


def _best(scores: dict) -> str:
    """The preferred type unless another agrees better on held-out top-1 by the margin."""
    best = max(scores, key=lambda name: scores[name][0].top1)
    lead = scores[best][0].top1 - scores[PREFERRED_ACTIVATIONS][0].top1
    return best if lead > AGREEMENT_MARGIN else PREFERRED_ACTIVATIONS


def _save(model: onnx.ModelProto, version: str, stamp: Stamp, path: Path) -> None:
    """Scrub, label, validate and write one model."""
    metadata.scrub(model)
    metadata.describe(model, name=efficientnet.MODEL_NAME, version=version, labels=stamp.labels, source=stamp.source)
    metadata.check_no_local_paths(model)
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, path)
    if path.stat().st_size > MAX_FILE_BYTES:
        raise SystemExit(f"{path.name} is larger than 25 MiB")


def _test_top5(sessions: dict, labels: list[str]) -> dict:
    return {
        photo: {name: evaluate.ranked(runtime.logits(sess, batch)[0], labels) for name, sess in sessions.items()}
        for photo, batch in evalset.test_photo_inputs().items()
    }


if __name__ == "__main__":
    main()
