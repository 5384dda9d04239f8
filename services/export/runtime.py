"""onnxruntime sessions on the CPU, the way the figures are measured."""

import numpy as np
import onnxruntime as ort


def session(path, threads: int = 0) -> ort.InferenceSession:
    """threads=0 lets onnxruntime choose; inter-op stays 1 (one sequential graph)."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.log_severity_level = 3
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def logits(sess: ort.InferenceSession, batch: np.ndarray, chunk: int = 16) -> np.ndarray:
    parts = [sess.run(None, {"input": batch[i : i + chunk]})[0] for i in range(0, len(batch), chunk)]
    return np.concatenate(parts)
