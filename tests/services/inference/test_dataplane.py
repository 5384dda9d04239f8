"""The protocol-free data plane, on the tiny model: what both HTTP APIs call."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from services.inference.dataplane import BatchingConfig, DataPlane
from services.inference.errors import BadInput, InvalidImage, ModelNotFound, Overloaded
from services.inference.pipeline import Prediction
from services.inference.repository import ModelRepository
from services.inference.runtime import OnnxClassifier
from services.inference.scheduler import Scheduler
from tests.fixtures import TINY_LABELS, encode, solid, tiny_logits, tiny_logits_of_colour, write_tiny_classifier

RED, BLUE = (255, 0, 0), (0, 0, 255)
STAGES = {"queue", "decode", "preprocess", "inference", "postprocess", "total"}


def png(colour: tuple[int, int, int]) -> bytes:
    return encode(solid(colour, (40, 30)))


def probabilities(colour: tuple[int, int, int]) -> np.ndarray:
    logits = tiny_logits_of_colour(colour)
    return np.exp(logits) / np.exp(logits).sum()


@pytest.fixture
def make_dataplane(tiny_model: OnnxClassifier) -> Iterator:
    planes: list[DataPlane] = []

    def make(models=(tiny_model,), workers=2, queue_size=8, batching: BatchingConfig | None = None) -> DataPlane:
        plane = DataPlane(
            ModelRepository(models),
            Scheduler(workers, queue_size),
            max_batch_images=3,
            default_top_k=2,
            batching=batching,
        )
        planes.append(plane)
        return plane

    yield make
    for plane in planes:
        asyncio.run(plane.close())
        plane.scheduler.shutdown()


@pytest.fixture
def dataplane(make_dataplane) -> DataPlane:
    return make_dataplane()


class TestClassify:
    def test_predictions_against_the_reference(self, dataplane: DataPlane):
        result = asyncio.run(dataplane.classify(png(RED), top_k=4))
        expected = probabilities(RED)
        order = np.argsort(-expected, kind="stable")
        assert [p.label for p in result.predictions] == [TINY_LABELS[i] for i in order]
        np.testing.assert_allclose([p.score for p in result.predictions], expected[order], rtol=1e-5)
        assert (result.model, result.version, (result.image.width, result.image.height), result.batch_size) == (
            "tiny",
            "1",
            (40, 30),
            1,
        )

    def test_every_stage_is_timed(self, dataplane: DataPlane):
        timings = asyncio.run(dataplane.classify(png(BLUE), top_k=1)).timings
        assert set(timings) == STAGES
        assert all(seconds >= 0 for seconds in timings.values())
        assert timings["total"] >= sum(seconds for stage, seconds in timings.items() if stage != "total") * 0.999

    def test_slots_are_released_after_success_and_failure(self, dataplane: DataPlane):
        asyncio.run(dataplane.classify(png(RED), top_k=1))
        with pytest.raises(InvalidImage):
            asyncio.run(dataplane.classify(b"not an image", top_k=1))
        assert dataplane.scheduler.admitted == 0

    def test_model_code_never_runs_on_the_event_loop(self, dataplane: DataPlane, tiny_model: OnnxClassifier):
        threads = []
        real_infer = tiny_model.infer
        tiny_model.infer = lambda batch: threads.append(threading.get_ident()) or real_infer(batch)

        async def main() -> int:
            await dataplane.classify(png(RED), top_k=1)
            return threading.get_ident()

        loop_thread = asyncio.run(main())
        assert threads and loop_thread not in threads

    def test_overload(self, make_dataplane):
        dataplane = make_dataplane(workers=1, queue_size=0)
        with dataplane.scheduler.admit(1), pytest.raises(Overloaded):
            asyncio.run(dataplane.classify(png(RED), top_k=1))


class TestClassifyMany:
    def test_a_bad_image_fails_alone(self, dataplane: DataPlane):
        outcomes = asyncio.run(dataplane.classify_many([png(RED), b"junk", png(BLUE)], top_k=1))
        assert isinstance(outcomes[0], Prediction) and outcomes[0].predictions[0].label == "red"
        assert isinstance(outcomes[1], InvalidImage)
        assert isinstance(outcomes[2], Prediction) and outcomes[2].predictions[0].label == "blue"
        assert dataplane.scheduler.admitted == 0

    @pytest.mark.parametrize("count", [0, 4])
    def test_the_number_of_images_is_bounded(self, dataplane: DataPlane, count: int):
        with pytest.raises(BadInput):
            asyncio.run(dataplane.classify_many([png(RED)] * count, top_k=1))

    def test_a_batch_over_the_capacity_is_refused_whole(self, make_dataplane):
        dataplane = make_dataplane(workers=1, queue_size=1)
        with pytest.raises(Overloaded):
            asyncio.run(dataplane.classify_many([png(RED)] * 3, top_k=1))
        assert dataplane.scheduler.admitted == 0


class TestTensors:
    def test_infer_tensor(self, dataplane: DataPlane, tiny_model: OnnxClassifier):
        batch = np.random.default_rng(0).normal(size=(2, 3, 16, 16)).astype(np.float32)
        logits = np.stack([p.logits for p in asyncio.run(dataplane.infer_tensor(tiny_model, batch))])
        np.testing.assert_allclose(logits, tiny_logits(batch), rtol=1e-5, atol=1e-6)

    @pytest.mark.parametrize("count", [0, 4])
    def test_infer_tensor_bounds_the_batch(self, dataplane: DataPlane, tiny_model: OnnxClassifier, count: int):
        with pytest.raises(BadInput):
            asyncio.run(dataplane.infer_tensor(tiny_model, np.zeros((count, 3, 16, 16), np.float32)))

    def test_infer_images(self, dataplane: DataPlane, tiny_model: OnnxClassifier):
        results = asyncio.run(dataplane.infer_images(tiny_model, [png(RED), png(BLUE)]))
        assert [r.predictions[0].label for r in results] == ["red", "blue"]
        logits = np.stack([r.logits for r in results])
        expected = [tiny_logits_of_colour(RED), tiny_logits_of_colour(BLUE)]
        np.testing.assert_allclose(logits, expected, rtol=1e-5, atol=1e-5)
        assert dataplane.scheduler.admitted == 0

    def test_infer_images_with_a_bad_image(self, dataplane: DataPlane, tiny_model: OnnxClassifier):
        with pytest.raises(InvalidImage):
            asyncio.run(dataplane.infer_images(tiny_model, [png(RED), b""]))
        dataplane.scheduler.shutdown()  # the red image may still run: its slot is free once it ends
        assert dataplane.scheduler.admitted == 0


class TestModels:
    @pytest.fixture
    def two_versions(self, tmp_path: Path, tiny_model: OnnxClassifier) -> list[OnnxClassifier]:
        second = OnnxClassifier(write_tiny_classifier(tmp_path, version="2", labels=["R", "G", "B", "K"]))
        second.load()
        return [tiny_model, second]

    def test_a_version_can_be_chosen(self, make_dataplane, two_versions):
        dataplane = make_dataplane(models=two_versions)
        result = asyncio.run(dataplane.classify(png(RED), top_k=1, name="tiny", version="2"))
        assert (result.version, result.predictions[0].label) == ("2", "R")
        default = asyncio.run(dataplane.classify(png(RED), top_k=1))
        assert (default.version, default.predictions[0].label) == ("1", "red")

    def test_unknown_model(self, dataplane: DataPlane):
        with pytest.raises(ModelNotFound, match="tiny/1"):
            asyncio.run(dataplane.classify(png(RED), top_k=1, name="resnet"))


class TestMicroBatching:
    def test_concurrent_classifications_share_a_batch(self, make_dataplane):
        # A window far longer than the four take: the batch closes when they are in (max size), not on time.
        dataplane = make_dataplane(batching=BatchingConfig(max_size=4, max_wait_s=30.0))
        colours = [RED, BLUE, (0, 255, 0), (128, 128, 128)]

        async def main() -> list[Prediction]:
            return await asyncio.gather(*(dataplane.classify(png(c), top_k=4) for c in colours))

        results = asyncio.run(main())
        assert [r.batch_size for r in results] == [4, 4, 4, 4]
        assert [r.predictions[0].label for r in results] == ["red", "blue", "green", "grey"]
        for colour, result in zip(colours, results, strict=True):
            scores = sorted((p.index, p.score) for p in result.predictions)
            np.testing.assert_allclose([s for _, s in scores], probabilities(colour), rtol=1e-5, atol=1e-6)
            assert set(result.timings) == STAGES
        assert dataplane.scheduler.admitted == 0


class TestCapacityIsHeldUntilTheWorkStops:
    """Slots admitted for a request stay taken while any job it started still runs on a worker."""

    SLOW = b"slow image"

    @pytest.fixture
    def release(self, tiny_model: OnnxClassifier) -> Iterator[tuple[threading.Event, threading.Event]]:
        started, release = threading.Event(), threading.Event()
        real_prepare = tiny_model.prepare

        def prepare(data: bytes):
            if data == self.SLOW:
                started.set()
                release.wait(30)
                data = png(RED)
            elif data == b"junk":
                started.wait(30)  # fails only once the slow image runs
            return real_prepare(data)

        tiny_model.prepare = prepare
        yield started, release
        release.set()

    def test_a_failed_image_does_not_free_the_slots_of_its_running_batch(self, make_dataplane, tiny_model, release):
        _, released = release
        dataplane = make_dataplane(workers=2, queue_size=1)

        async def main() -> None:
            with pytest.raises(InvalidImage):
                await dataplane.infer_images(tiny_model, [self.SLOW, b"junk", png(BLUE)])
            assert dataplane.scheduler.admitted == 3  # the slow image still runs
            with pytest.raises(Overloaded):
                await dataplane.classify(png(RED), top_k=1)
            released.set()

        asyncio.run(main())
        dataplane.scheduler.shutdown()  # waits for the jobs still running
        assert dataplane.scheduler.admitted == 0

    def test_a_cancelled_request_holds_its_slot_until_its_job_ends(self, make_dataplane, tiny_model, release):
        started, released = release
        dataplane = make_dataplane(workers=1, queue_size=0)

        async def main() -> None:
            request = asyncio.ensure_future(dataplane.classify(self.SLOW, top_k=1))
            await asyncio.to_thread(started.wait, 30)
            request.cancel()  # the client went away; its job cannot be stopped on the worker
            with pytest.raises(asyncio.CancelledError):
                await request
            assert dataplane.scheduler.admitted == 1
            with pytest.raises(Overloaded):
                await dataplane.classify(png(RED), top_k=1)
            released.set()

        asyncio.run(main())
        dataplane.scheduler.shutdown()
        assert dataplane.scheduler.admitted == 0
