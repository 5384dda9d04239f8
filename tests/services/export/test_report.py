"""models/README.md is generated from one export run's figures; the committed one follows the template."""

from __future__ import annotations

import re
from pathlib import Path

from services.export import report
from services.export.bench import Bench, Speed
from services.export.evaluate import Agreement
from services.export.preprocess import SPEC

REPO = Path(__file__).resolve().parents[3]


def results(others_cpu_share: float | None = 0.25) -> report.Results:
    held, test = Agreement(144, 0.9375, 0.95), Agreement(48, 1.0, 0.9)
    return report.Results(
        torch_max_abs_diff=3.1e-5,
        activation_type="QUInt8",
        candidates={"QUInt8": (held, test), "QInt8": (Agreement(144, 0.9, 0.94), test)},
        widest_tie=0.123,
        top5={"chelsea": {"fp32": [("tabby", 0.5), ("tiger cat", 0.25)]}},
        sizes={"efficientnet-lite0.onnx": 18 * 2**20, "efficientnet-lite0-int8.onnx": 5 * 2**20},
        bench=Bench([Speed("fp32", 1, 12.34, 81.5)], others_cpu_share),
        machine="a test machine",
        calibration_photos=["skimage astronaut", "sklearn china.jpg"],
        calibration_samples=36,
        versions={"numpy": "1.0", "pillow": "2.0"},
    )


def test_the_figures_carry_every_measurement() -> None:
    text = report.figures(results())
    assert "Machine: a test machine." in text and "max abs logit difference: 3.10e-05" in text
    assert "| QUInt8 (shipped) | 93.8% of 144 | 95.0% | 100.0% of 48 | 90.0% |" in text
    assert "| QInt8 | 90.0% of 144 |" in text
    assert "within 0.123 probability" in text
    assert "- chelsea, fp32: tabby 0.500, tiger cat 0.250" in text
    assert "| fp32 | 1 | 12.3 | 81.5 |" in text and "Other processes used 25%" in text
    assert "is unknown" in report.figures(results(others_cpu_share=None))


def test_the_readme_fills_the_template() -> None:
    text = report.readme(results())
    assert "| `efficientnet-lite0.onnx` | EfficientNet-Lite0, ImageNet-1k classifier, fp32 | 18.0 MiB" in text
    assert "QUInt8 activations, MinMax calibration on\n36 samples" in text
    assert "`skimage astronaut`, `sklearn china.jpg`" in text and "    numpy==1.0\n    pillow==2.0" in text
    assert text.endswith(report.figures(results()) + "\n")


def test_the_committed_readme_follows_the_template_and_states_the_spec() -> None:
    committed = (REPO / "models" / "README.md").read_text(encoding="utf-8")
    fixed_lines = [line for line in report._STATIC_HEAD.splitlines() if not re.search(r"(?<!\{)\{\w+\}", line)]
    for line in fixed_lines:
        assert line.replace("{{", "{").replace("}}", "}") in committed
    for key, value in SPEC.items():
        assert f'"{key}": {value!r}'.replace("'", '"') in committed.replace("\n", " ")
