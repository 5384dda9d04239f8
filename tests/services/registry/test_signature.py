"""The signature is MLflow's, written without MLflow's pandas-bound ModelSignature (mlflow-skinny has no pandas)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from mlflow.models import ModelSignature

from services.registry.evaluation import loaded
from services.registry.modelfile import describe
from tests.fixtures import write_tiny_classifier
from tests.live import REPO


def test_mlflow_reads_it_back_as_the_same_signature(tmp_path: Path) -> None:
    path = write_tiny_classifier(tmp_path)
    with loaded(path) as classifier:
        signature = describe(path, classifier.spec).signature
    read = ModelSignature.from_dict(json.loads(json.dumps(signature.to_dict())))
    assert read.inputs == signature.inputs and read.outputs == signature.outputs and read.params is None


@pytest.mark.integration  # imports in a fresh interpreter
def test_describing_a_model_needs_no_pandas(tmp_path: Path) -> None:
    """As on mlflow-skinny: pandas cannot be imported (this venv's full mlflow has it, so it is blocked)."""
    path = write_tiny_classifier(tmp_path)
    script = (
        "import sys; sys.modules['pandas'] = None\n"
        "from pathlib import Path\n"
        "from services.registry.evaluation import loaded; from services.registry.modelfile import describe\n"
        f"path = Path({str(path)!r})\n"
        "with loaded(path) as c: print(describe(path, c.spec).signature.to_dict()['inputs'])\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1])[0]["type"] == "tensor"
