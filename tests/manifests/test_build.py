"""The manifests build with kustomize, and every object is valid Kubernetes 1.30 (strict schemas)."""

from __future__ import annotations

import json
import re

import kubernetes_validate
import pytest

from tests.manifests.build import BASE, OVERLAY, containers, objects, pod_template, workloads

# Every test builds the manifests with kubectl kustomize (a process).
pytestmark = pytest.mark.integration

KUBERNETES = "1.30.0"
BUILDS = [BASE, OVERLAY]


def unique_objects() -> list[dict]:
    """The objects of both builds, each distinct one once (most are the same in both)."""
    seen = {json.dumps(o, sort_keys=True): o for build in BUILDS for o in objects(build)}
    return list(seen.values())


@pytest.mark.parametrize("build", BUILDS)
def test_builds(build: str) -> None:
    kinds = {o["kind"] for o in objects(build)}
    assert {"Namespace", "Deployment", "Service", "ConfigMap", "HorizontalPodAutoscaler"} <= kinds


def test_every_object_validates_against_kubernetes_schemas() -> None:
    """A kind without a schema is a failure too (kubernetes_validate raises SchemaNotFoundError)."""
    failures = []
    for o in unique_objects():
        try:
            kubernetes_validate.validate(o, KUBERNETES, strict=True)
        except (kubernetes_validate.ValidationError, kubernetes_validate.SchemaNotFoundError) as error:
            failures.append(f"{o['kind']}/{o['metadata']['name']}: {getattr(error, 'message', error)}")
    assert not failures


def test_the_validator_refuses_what_it_should() -> None:
    deployment = next(o for o in unique_objects() if o["kind"] == "Deployment")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate({**deployment, "spec": {**deployment["spec"], "replica": 2}}, KUBERNETES, True)


@pytest.mark.parametrize("build", BUILDS)
def test_everything_lives_in_the_inferlab_namespace(build: str) -> None:
    for o in objects(build):
        if o["kind"] == "Namespace":
            assert o["metadata"]["name"] == "inferlab"
        else:
            assert o["metadata"].get("namespace") == "inferlab", f"{o['kind']}/{o['metadata']['name']}"


@pytest.mark.parametrize("build", BUILDS)
def test_recommended_labels(build: str) -> None:
    for o in objects(build):
        assert o["metadata"]["labels"]["app.kubernetes.io/part-of"] == "inferlab", o["metadata"]["name"]
    for workload in workloads(objects(build)):
        pod_labels = pod_template(workload)["metadata"]["labels"]
        assert {"app.kubernetes.io/name", "app.kubernetes.io/component", "app.kubernetes.io/part-of"} <= set(pod_labels)
        assert workload["metadata"]["labels"]["inferlab/part"] in {"serving", "ui", "observability", "load", "registry"}


@pytest.mark.parametrize("build", BUILDS)
def test_the_lab_images_carry_a_fixed_tag(build: str) -> None:
    for workload in workloads(objects(build)):
        for container in containers(workload):
            reference, _, digest = container["image"].partition("@")
            name, _, tag = reference.rpartition(":")
            assert name and tag and tag != "latest" and "/" not in tag, container["image"]
            assert not digest or re.fullmatch(r"sha256:[0-9a-f]{64}", digest), container["image"]
