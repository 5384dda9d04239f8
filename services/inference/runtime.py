"""The model runtime: an ONNX image classifier with a lifecycle and the whole pipeline. It knows nothing of HTTP.

`load()` opens the session and reads the model's spec, `warmup()` runs it on blank input,
`ready` turns true only after both. The pipeline is decode -> preprocess -> inference ->
postprocess, every stage timed (`telemetry.stages.Stage`): `classify()` runs all of it on one
encoded image in one call; `prepare()` and `classify_batch()` are its two halves, for callers that
decode images in parallel and infer them as one batch (the Open Inference Protocol, micro-batching);
`classify_tensor()` starts from a preprocessed tensor; `infer()` is the bare network. Synchronous,
and safe to call from several threads: the data plane runs it on its workers.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import onnxruntime as ort

from services.inference import imaging, postprocessing, preprocessing
from services.inference.errors import BadInput, ImageTooLarge, InferlabError, ModelLoadError, ModelNotReady
from services.inference.pipeline import Prediction, StageTimer
from services.inference.spec import ModelSpec, build_spec
from telemetry.stages import Stage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PreparedImage:
    tensor: np.ndarray
    stats: preprocessing.InputStats
    timer: StageTimer
    pixels: np.ndarray | None = None
    """The crop the tensor was made from (HWC uint8): the model's view, for whoever keeps a picture of it."""

    @property
    def original_size(self) -> tuple[int, int]:
        return (self.stats.width, self.stats.height)


@dataclass(frozen=True)
class Identity:
    """Who a model is when a registry says so: its name, version and alias override the file's metadata."""

    name: str | None = None
    version: str | None = None
    alias: str | None = None


class OnnxClassifier:
    def __init__(
        self,
        path: Path | str,
        *,
        intra_op_threads: int = 1,
        max_image_pixels: int = 50_000_000,
        decode_side_factor: float = 16.0,
        decode_floor_side: int = 2048,
        request_decode_images: float = 4.0,
        identity: Identity | None = None,
    ):
        self.path = Path(path)
        self.intra_op_threads = intra_op_threads
        self.max_image_pixels = max_image_pixels
        self.decode_side_factor = decode_side_factor
        self.decode_floor_side = decode_floor_side
        self.request_decode_images = request_decode_images
        self.identity = identity or Identity()
        self.ready = False
        self._session: ort.InferenceSession | None = None
        self._spec: ModelSpec | None = None

    @property
    def spec(self) -> ModelSpec:
        if self._spec is None:
            raise ModelNotReady(f"The model {self.path.name} is not loaded.")
        return self._spec

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def version(self) -> str:
        return self.spec.version

    @property
    def alias(self) -> str | None:
        return self.identity.alias

    def load(self) -> None:
        options = ort.SessionOptions()
        options.intra_op_num_threads = self.intra_op_threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        try:
            session = ort.InferenceSession(str(self.path), options, providers=["CPUExecutionProvider"])
            spec = build_spec(
                self.path,
                session.get_modelmeta().custom_metadata_map,
                [(i.name, i.shape) for i in session.get_inputs()],
                [(o.name, o.shape) for o in session.get_outputs()],
            )
            overrides = {"name": self.identity.name, "version": self.identity.version}
            spec = replace(spec, **{key: value for key, value in overrides.items() if value is not None})
            self._session, self._spec = session, spec
            self._check_labels()  # also runs the network once: a spec that does not fit it fails here
        except Exception as exc:  # onnxruntime's errors (InvalidProtobuf, NoSuchFile...) share no base class
            self._session, self._spec = None, None
            if isinstance(exc, ModelLoadError):
                raise
            raise ModelLoadError(f"cannot load model {self.path}: {exc}") from exc
        log.info("loaded %s version %s from %s", spec.name, spec.version, self.path)

    def _check_labels(self) -> None:
        classes = self.infer(np.zeros((1, *self.spec.preprocess.input_shape), np.float32)).shape[-1]
        if len(self.spec.labels) != classes:
            raise ModelLoadError(f"{self.path}: {len(self.spec.labels)} labels for {classes} classes")

    def warmup(self, runs: int = 2) -> None:
        """Run the network so that the first real request does not pay for lazy initialisation."""
        blank = np.zeros((1, *self.spec.preprocess.input_shape), np.float32)
        for _ in range(runs):
            self.infer(blank)
        self.ready = True

    def unload(self) -> None:
        self.ready = False
        self._session = None

    def infer(self, batch: np.ndarray) -> np.ndarray:
        """Logits for a batch tensor [N, ...input_shape] of float32."""
        if self._session is None:
            raise ModelNotReady(f"The model {self.path.name} is not loaded.")
        expected = self.spec.preprocess.input_shape
        if batch.ndim != 4 or batch.shape[1:] != expected:
            raise BadInput(f"Expected a tensor of shape [N, {', '.join(map(str, expected))}], got {list(batch.shape)}.")
        if batch.dtype != np.float32:
            raise BadInput(f"Expected FP32 data, got {batch.dtype}.")
        if not np.isfinite(batch).all():
            raise BadInput("The input holds values that are not finite numbers (NaN or infinity).")
        logits = self._session.run([self.spec.output_name], {self.spec.input_name: batch})[0]
        if not np.isfinite(logits).all():
            raise BadInput("The model's outputs for this input are not finite numbers: its values are out of range.")
        return logits

    @property
    def decode_budget(self) -> int:
        """Most pixels one image may take to decode: `decode_side_factor` times, per side, what the model uses.

        Never less than `decode_floor_side` a side: a model with a small input (a tiny test model, a 32 px
        classifier) still takes the photos people have, and the floor is cheap to decode.
        """
        side = max(
            self.decode_side_factor * preprocessing.min_decode_side(self.spec.preprocess), self.decode_floor_side
        )
        return round(side**2)

    @property
    def request_decode_budget(self) -> int:
        """Most pixels the images of one request may take to decode, all together."""
        return round(self.decode_budget * self.request_decode_images)

    def check_request_budget(self, items: list[bytes]) -> None:
        """Refuse a request whose images would take more than its budget to decode, from their headers alone.

        Unreadable images count for nothing here: each gets its own error when it is prepared.
        """
        min_side = preprocessing.min_decode_side(self.spec.preprocess)
        total = 0
        for data in items:
            with contextlib.suppress(InferlabError):
                total += imaging.decoded_pixels(data, self.max_image_pixels, min_side)
        if total > self.request_decode_budget:
            raise ImageTooLarge(
                f"The request's images decode to {total:,} pixels, over this model's budget of "
                f"{self.request_decode_budget:,} per request; send fewer or smaller images."
            )

    def classify(self, data: bytes, top_k: int) -> Prediction:
        """The whole pipeline on one encoded image: decode, preprocess, inference, postprocess."""
        prepared = self.prepare(data)
        logits = prepared.timer.run(Stage.INFERENCE, self.infer, prepared.tensor[np.newaxis])
        return self.predict(logits[0], top_k, prepared.timer, prepared.stats, view=prepared.pixels)

    def prepare(self, data: bytes) -> PreparedImage:
        """Decode and preprocess one encoded image."""
        timer = StageTimer()
        spec = self.spec.preprocess
        min_side = preprocessing.min_decode_side(spec)
        image, (width, height) = timer.run(
            Stage.DECODE, imaging.decode, data, self.max_image_pixels, min_side, self.decode_budget
        )
        pixels = timer.run(Stage.PREPROCESS, preprocessing.crop_pixels, image, spec)
        tensor = timer.run(Stage.PREPROCESS, preprocessing.normalize, pixels, spec)
        brightness, contrast = preprocessing.luminance_stats(pixels)
        stats = preprocessing.InputStats(width, height, len(data), brightness, contrast)
        return PreparedImage(tensor, stats, timer, pixels)

    def classify_batch(self, prepared: list[PreparedImage], top_k: int) -> list[Prediction]:
        """Prepared images through the network as one batch, then postprocessed one by one."""
        timer = StageTimer()
        logits = timer.run(Stage.INFERENCE, self.infer, np.stack([image.tensor for image in prepared]))
        return [
            self.predict(row, top_k, _merged(image.timer, timer), image.stats, len(prepared), index, image.pixels)
            for index, (row, image) in enumerate(zip(logits, prepared, strict=True))
        ]

    def classify_tensor(self, batch: np.ndarray, top_k: int) -> list[Prediction]:
        """A preprocessed batch [N, ...input_shape] through the network, then postprocessed row by row."""
        timer = StageTimer()
        logits = timer.run(Stage.INFERENCE, self.infer, batch)
        return [self.predict(row, top_k, _merged(timer), None, len(logits), i) for i, row in enumerate(logits)]

    def predict(
        self,
        logits: np.ndarray,
        top_k: int,
        timer: StageTimer,
        image: preprocessing.InputStats | None = None,
        batch_size: int = 1,
        batch_index: int = 0,
        view: np.ndarray | None = None,
    ) -> Prediction:
        """Postprocess one image's logits (timed into `timer`): its top k and the distribution's entropy."""
        top, spread = timer.run(Stage.POSTPROCESS, postprocessing.summarize, logits, self.spec.labels, top_k)
        return Prediction(
            self.name, self.version, top, top[0].score, spread, logits, timer.seconds, image, batch_size, batch_index,
            view,
        )  # fmt: skip


def _merged(*timers: StageTimer) -> StageTimer:
    """A timer of its own for one image, starting from what the shared steps measured."""
    merged = StageTimer()
    for timer in timers:
        for stage, seconds in timer.seconds.items():
            merged.add(stage, seconds)
    return merged
