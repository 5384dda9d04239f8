"""A stand-in for Tilt: evaluates the Tiltfile with starlark-pyo3 and records every call of Tilt's API.

Tilt runs Tiltfiles with starlark-go, so the dialect here keeps to what both share (no f-strings, no type
annotations: Tilt would refuse them). Each builtin has Tilt's own signature (tilt-dev/tilt,
internal/tiltfile/api), so a misspelled argument fails here as it would there. Paths are read from the
repository root, `kustomize` really runs `kubectl kustomize`, and `load('ext://uibutton', ...)` offers
exactly what that extension exports. Tilt's own value types and the checks its builtins make are in
values.py; once the Tiltfile has run, assembly.py makes the resources as Tilt does, or refuses.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass, field
from typing import Any

import starlark as sl
import yaml

from tests.manifests.build import DUMPER, LOADER, REPO, kustomize
from tests.tiltfile import values
from tests.tiltfile.assembly import Assembly, TiltfileError, assemble
from tests.tiltfile.entities import images
from tests.tiltfile.values import TRIGGER_MODE_AUTO, TRIGGER_MODE_MANUAL, tagged

# `config` is a module in Tilt; a struct of the recorded functions plays it here.
PRELUDE = """
config = struct(
    define_bool=_config_define_bool, define_string=_config_define_string,
    define_string_list=_config_define_string_list, parse=_config_parse,
    set_enabled_resources=_config_set_enabled_resources, tilt_subcommand='up', main_dir=_main_dir,
)
"""
CONFIG_TYPES = {"define_bool": bool, "define_string": str, "define_string_list": list}


@dataclass
class Call:
    function: str
    arguments: dict[str, Any]


@dataclass
class Tilt:
    """One evaluation: the settings Tilt's config would parse (tilt_config.json and flags), and the calls."""

    settings: dict[str, Any] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # file contents that replace the repository's
    calls: list[Call] = field(default_factory=list)
    defined: dict[str, type] = field(default_factory=dict)
    read: list[str] = field(default_factory=list)
    assembly: Assembly | None = None

    def of(self, function: str) -> list[dict[str, Any]]:
        return [call.arguments for call in self.calls if call.function == function]

    def _record(self, function: str, arguments: dict[str, Any]) -> None:
        self.calls.append(Call(function, {k: v for k, v in arguments.items() if k != "self"}))

    def _text(self, path: str) -> str:
        self.read.append(path)
        return self.files[path] if path in self.files else (REPO / path).read_text()

    # ---- settings and files ----
    def version_settings(self, check_updates=True, constraint=""):
        self._record("version_settings", locals())

    def allow_k8s_contexts(self, contexts):
        self._record("allow_k8s_contexts", locals())

    def ci_settings(self, k8s_grace_period="", timeout="30m", readiness_timeout="5m"):
        self._record("ci_settings", locals())

    def _define(self, kind: str, name: str, args: bool, usage: str) -> None:
        assert name not in self.defined, f"config setting {name} defined twice"
        self.defined[name] = CONFIG_TYPES[kind]
        self._record("config." + kind, {"name": name, "args": args, "usage": usage})

    def config_define_bool(self, name, args=False, usage=""):
        self._define("define_bool", name, args, usage)

    def config_define_string(self, name, args=False, usage=""):
        self._define("define_string", name, args, usage)

    def config_define_string_list(self, name, args=False, usage=""):
        self._define("define_string_list", name, args, usage)

    def config_parse(self):
        for name, value in self.settings.items():  # Tilt refuses unknown or mistyped settings too
            assert name in self.defined, f"tilt_config.json sets {name}, which the Tiltfile does not define"
            assert isinstance(value, self.defined[name]), f"{name}: {value!r} is not a {self.defined[name]}"
        self._record("config.parse", {})
        return dict(self.settings)

    def config_set_enabled_resources(self, resources):
        self._record("config.set_enabled_resources", locals())

    def read_file(self, file_path, default=None):
        return self._text(file_path)

    def read_json(self, path, default=None):
        return json.loads(self._text(path))

    def read_yaml(self, path, default=None):
        return yaml.load(self._text(path), Loader=LOADER)

    def watch_file(self, file_path):
        self._record("watch_file", locals())

    def kustomize(self, pathToDir, kustomize_bin=None, flags=None):  # Tilt's own argument name
        self._record("kustomize", locals())
        return kustomize(pathToDir)

    def decode_yaml_stream(self, yaml_text):
        return [o for o in yaml.load_all(str(yaml_text), Loader=LOADER) if o]

    def encode_yaml_stream(self, objs):
        return yaml.dump_all(objs, Dumper=DUMPER, sort_keys=False)

    def encode_json(self, obj):
        return json.dumps(obj)

    def warn(self, msg):
        self._record("warn", locals())

    # ---- images and Kubernetes ----
    def docker_build(self, ref, context, build_args=None, dockerfile="Dockerfile", dockerfile_contents="",
                     live_update=None, match_in_env_vars=False, ignore=None, only=None, entrypoint=None, target="",
                     ssh="", network="", secret="", extra_tag="", container_args=None, cache_from=None, pull=False,
                     platform="", extra_hosts=None):  # fmt: skip
        only, live_update = values.only(only), values.live_update(live_update)
        for step in live_update:  # validateLiveUpdate: Tilt watches the context, so a sync outside it never fires
            if step["step"] == "sync" and not inside(step["local_path"], context):
                raise ValueError(f"sync step source {step['local_path']!r} is not a child of any watched filepaths")
        self._record("docker_build", locals())

    def sync(self, local_path, remote_path):
        return tagged("live_update_step", step="sync", local_path=local_path, remote_path=remote_path)

    def run(self, cmd, trigger=None, echo_off=False):
        triggers = values.as_list(trigger)
        assert all(isinstance(t, str) for t in triggers), f"run {cmd!r}: triggers may only contain strings"
        return tagged("live_update_step", step="run", cmd=cmd, trigger=triggers)

    def restart_container(self):
        return tagged("live_update_step", step="restart_container")

    def fall_back_on(self, files):
        return tagged("live_update_step", step="fall_back_on", files=values.as_list(files))

    def k8s_yaml(self, yaml, allow_duplicates=False):
        self._record("k8s_yaml", locals())

    def k8s_resource(self, workload="", new_name="", port_forwards=None, extra_pod_selectors=None,
                     trigger_mode=TRIGGER_MODE_AUTO, resource_deps=None, objects=None, auto_init=True,
                     pod_readiness="", links=None, labels=None, discovery_strategy=""):  # fmt: skip
        assert workload or new_name, "Resource name missing: give an existing resource or a new_name"
        assert workload or objects, "k8s_resource doesn't specify a workload or any objects"
        port_forwards, links = values.port_forwards(port_forwards), values.links(links)
        trigger_mode, labels = values.trigger_mode(trigger_mode), values.labels(labels)
        self._record("k8s_resource", locals())

    def port_forward(self, local_port, container_port=0, name="", link_path="", host=""):
        values.port(local_port), values.port(container_port)
        return tagged("port_forward", local_port=local_port, container_port=container_port, name=name,
                      link_path=link_path)  # fmt: skip

    def link(self, url, name=""):
        assert url, "link: url empty"
        return tagged("link", url=url, name=name)

    # ---- local processes ----
    def local_resource(self, name, cmd="", deps=None, trigger_mode=TRIGGER_MODE_AUTO, resource_deps=None, ignore=None,
                       auto_init=True, serve_cmd="", cmd_bat="", serve_cmd_bat="", allow_parallel=False, links=None,
                       labels=None, env=None, serve_env=None, readiness_probe=None, dir="", serve_dir=""):  # fmt: skip
        assert cmd or serve_cmd, "local_resource must have a cmd and/or a serve_cmd, but both were empty"
        assert not dir or cmd, "local_resource: 'dir' specified but 'cmd' is empty"
        assert not serve_dir or serve_cmd, "local_resource: 'serve_dir' specified but 'serve_cmd' is empty"
        assert name not in {r["name"] for r in self.of("local_resource")}, (
            f"local_resource named {name!r} already exists"
        )
        trigger_mode, links, labels = values.trigger_mode(trigger_mode), values.links(links), values.labels(labels)
        self._record("local_resource", locals())

    def probe(self, initial_delay_secs=0, timeout_secs=1, period_secs=10, success_threshold=1, failure_threshold=3,
              exec=None, http_get=None, tcp_socket=None):  # fmt: skip
        assert [exec, http_get, tcp_socket].count(None) == 2, "a probe takes exactly one action"
        return tagged("probe", period_secs=period_secs, exec=exec, http_get=http_get, tcp_socket=tcp_socket)

    def http_get_action(self, port, host="localhost", scheme="http", path=""):
        return {"port": port, "host": host, "scheme": scheme, "path": path}

    def tcp_socket_action(self, port, host="localhost"):
        return {"port": port, "host": host}

    # ---- the uibutton extension (tilt-extensions/uibutton/Tiltfile): these four names, no choice_input ----
    def cmd_button(self, name, resource="", argv=None, text=None, location="resource", icon_name=None,
                   icon_svg=None, inputs=None, disabled=False, requires_confirmation=False):  # fmt: skip
        assert argv and isinstance(argv, list), f"cmd_button {name}: argv must be a non-empty list"
        assert resource or location != "resource", f"cmd_button {name}: a resource button needs a resource"
        self._record("cmd_button", locals())

    def text_input(self, name, label="", default="", placeholder=""):
        return {"name": name, "label": label, "text": {"defaultValue": default, "placeholder": placeholder}}

    def bool_input(self, name, label="", default=False, true_string=None, false_string=None):
        return {"name": name, "label": label, "bool": {"defaultValue": default}}

    def load(self, module_id: str) -> sl.FrozenModule:
        assert module_id == "ext://uibutton", f"load({module_id!r}): not an extension this stub knows"
        module = sl.Module()
        for name in ("cmd_button", "text_input", "bool_input"):
            module.add_callable(name, getattr(self, name))
        module["location"] = {"RESOURCE": "resource", "NAV": "nav"}
        return module.freeze()

    def builtins(self) -> dict[str, Any]:
        names = [name for name in dir(self) if not name.startswith("_") and callable(getattr(self, name))]
        skip = {"of", "builtins", "load", "cmd_button", "text_input", "bool_input", "assemble"}
        functions = {name: getattr(self, name) for name in names if name not in skip}
        return {("_" + name if name.startswith("config_") else name): fn for name, fn in functions.items()}

    def assemble(self) -> None:
        """After the Tiltfile: Tilt's resources, or the error it stops with."""
        applied = [o for call in self.of("k8s_yaml") for o in yaml.load_all(call["yaml"], Loader=LOADER) if o]
        deployed = {image.rsplit(":", 1)[0] for o in applied for image in images(o)}
        for build in self.of("docker_build"):
            if build["ref"] in deployed and any(s["step"] == "restart_container" for s in build["live_update"]):
                raise TiltfileError(f"{build['ref']}: restart_container() has been deprecated for k8s resources")
        local_names = {r["name"] for r in self.of("local_resource")}
        self.assembly = assemble(applied, self.of("k8s_resource"), local_names)


def inside(path: str, context: str) -> bool:
    relative = posixpath.relpath(posixpath.normpath(path), posixpath.normpath(context))
    return relative == "." or not relative.startswith("..")


def dialect() -> sl.Dialect:
    shared = sl.Dialect.extended()
    shared.enable_f_strings = False
    shared.enable_types = sl.DialectTypes.DISABLE
    return shared


def evaluate(settings: dict[str, Any] | None = None, files: dict[str, str] | None = None) -> Tilt:
    """Run the Tiltfile as `tilt up` would with these settings; the recorded calls come back."""
    tilt = Tilt(settings=dict(settings or {}), files=dict(files or {}))
    module = sl.Module()
    for name, function in tilt.builtins().items():
        module.add_callable(name, function)
    module["TRIGGER_MODE_AUTO"], module["TRIGGER_MODE_MANUAL"] = TRIGGER_MODE_AUTO, TRIGGER_MODE_MANUAL
    module["_main_dir"] = str(REPO)
    environment = sl.Globals.extended_by([sl.LibraryExtension.StructType, sl.LibraryExtension.Print])
    sl.eval(module, sl.parse("prelude", PRELUDE, dialect()), environment)
    tiltfile = sl.parse("Tiltfile", tilt._text("Tiltfile"), dialect())
    sl.eval(module, tiltfile, environment, sl.FileLoader(tilt.load))
    tilt.assemble()
    return tilt
