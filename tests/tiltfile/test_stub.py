"""The stand-in refuses what Tilt refuses (each rule from tilt-dev/tilt's internal/tiltfile, named in the stub)."""

from __future__ import annotations

from typing import Any

import pytest
import starlark

from tests.tiltfile.assembly import TiltfileError
from tests.tiltfile.stub import Tilt, evaluate

POD = {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "c", "image": "inferlab/web"}]}}
DEPLOYMENT = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": {"template": POD}}
CRONJOB = {
    "apiVersion": "batch/v1",
    "kind": "CronJob",
    "metadata": {"name": "check"},
    "spec": {"jobTemplate": {"spec": {"template": POD}}},
}
CONFIGMAP = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"}}


def service(name: str, app: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name}, "spec": {"selector": {"app": app}}}


def tiltfile(objects: list[dict[str, Any]], *lines: str) -> Tilt:
    """A Tiltfile applying these objects (a Python literal of dicts is a Starlark one), then these lines."""
    text = f"k8s_yaml(encode_yaml_stream({objects!r}))\n" + "\n".join(lines) + "\n"
    return evaluate({}, files={"Tiltfile": text})


def build(live_update: str, only: str = "['app']", context: str = "'.'") -> str:
    return f"docker_build('inferlab/web', {context}, only={only}, live_update={live_update})"


def test_a_cronjob_is_a_workload_so_naming_it_in_objects_is_refused() -> None:
    assert set(tiltfile([DEPLOYMENT, CRONJOB]).assembly.resources) == {"web", "check"}
    with pytest.raises(TiltfileError, match="could be found in remaining YAML"):
        tiltfile([DEPLOYMENT, CRONJOB], "k8s_resource('web', objects=['check:cronjob'])")


def test_any_object_with_an_image_is_a_workload_and_a_configmap_is_not() -> None:
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "one"}, "spec": POD["spec"]}
    assembly = tiltfile([pod, CONFIGMAP]).assembly
    assert set(assembly.resources) == {"one"}
    assert [o["kind"] for o in assembly.unresourced] == ["ConfigMap"]


def test_services_join_the_workload_they_select_not_any_workload() -> None:
    assembly = tiltfile([DEPLOYMENT, service("web", "web"), service("other", "nobody")]).assembly
    assert [o["kind"] for o in assembly.resources["web"].entities] == ["Deployment", "Service"]
    assert [o["metadata"]["name"] for o in assembly.unresourced] == ["other"]


def test_objects_are_claimed_once_by_unique_fragments_and_renames_do_not_collide() -> None:
    ok = tiltfile([DEPLOYMENT, CONFIGMAP], "k8s_resource('web', new_name='site', objects=['settings:configmap'])")
    assert [o["kind"] for o in ok.assembly.resources["site"].entities] == ["Deployment", "ConfigMap"]
    with pytest.raises(TiltfileError, match="could be found in remaining YAML"):
        first, again = "k8s_resource('web', objects=['settings'])", "k8s_resource(new_name='x', objects=['settings'])"
        tiltfile([DEPLOYMENT, CONFIGMAP], first, again)
    with pytest.raises(TiltfileError, match="unknown resource"):
        tiltfile([DEPLOYMENT], "k8s_resource('website')")
    with pytest.raises(TiltfileError, match="already exists"):
        tiltfile([DEPLOYMENT], "local_resource('site', cmd='true')", "k8s_resource('web', new_name='site')")


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ("[run('make'), sync('app', '/app')]", "all sync steps must precede all run steps"),
        ("[sync('app', '/app'), fall_back_on('x')]", "fall_back_on steps must appear at the start"),
        ("[restart_container(), sync('app', '/app')]", "restart container is only valid as the last step"),
        ("[sync('app', 'app')]", "sync destination is not absolute"),
        ("[fall_back_on('x')]", "at least 1 sync or 1 exec"),
    ],
)
def test_live_update_steps_come_in_tilts_order(steps: str, message: str) -> None:
    with pytest.raises(starlark.StarlarkError, match=message):
        tiltfile([DEPLOYMENT], build(steps))


def test_live_update_syncs_only_inside_the_context_and_never_restarts_a_k8s_container() -> None:
    with pytest.raises(starlark.StarlarkError, match="not a child of any watched filepaths"):
        tiltfile([DEPLOYMENT], build("[sync('../elsewhere', '/app')]", context="'app'"))
    with pytest.raises(TiltfileError, match="restart_container"):
        tiltfile([DEPLOYMENT], build("[sync('app', '/app'), restart_container()]"))


def test_only_takes_real_paths_not_globs() -> None:
    with pytest.raises(starlark.StarlarkError, match="does not support '\\*' file globs"):
        tiltfile([DEPLOYMENT], build("[]", only="['app/*.py']"))


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ("port_forwards=[{'local_port': 8000}]", "want an int, a string or a port_forward"),
        ("port_forwards=['70000']", "not in the valid range"),
        ("links=[8000]", "Want a string, a link"),
        ("trigger_mode='TRIGGER_MODE_MANUAL'", "TRIGGER_MODE_AUTO or TRIGGER_MODE_MANUAL"),
        ("labels=['a/b']", "Invalid label"),
    ],
)
def test_k8s_resource_arguments_have_tilts_types(argument: str, message: str) -> None:
    with pytest.raises(starlark.StarlarkError, match=message):
        tiltfile([DEPLOYMENT], f"k8s_resource('web', {argument})")


def test_k8s_resource_takes_ports_strings_and_links_tilt_accepts() -> None:
    line = "k8s_resource('web', port_forwards=[8000, '9000:90', port_forward(1)], links=['x.test', link('y')])"
    (call,) = tiltfile([DEPLOYMENT], line).of("k8s_resource")
    assert [f["local_port"] for f in call["port_forwards"]] == [8000, 9000, 1]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ("serve_cmd='serve', dir='ui'", "'dir' specified but 'cmd' is empty"),
        ("cmd='true', serve_dir='ui'", "'serve_dir' specified but 'serve_cmd' is empty"),
        ("deps=['ui']", "must have a cmd and/or a serve_cmd"),
        ("cmd='true', trigger_mode='manual'", "TRIGGER_MODE_AUTO or TRIGGER_MODE_MANUAL"),
    ],
)
def test_local_resource_refuses_what_tilt_refuses(arguments: str, message: str) -> None:
    with pytest.raises(starlark.StarlarkError, match=message):
        tiltfile([], f"local_resource('x', {arguments})")
