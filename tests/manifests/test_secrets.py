"""No password is written anywhere: Grafana's admin password and PostgreSQL's are made at random, in the cluster
only, and read from their Secrets."""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.manifests.build import BASE, OVERLAY, REPO, containers, find, objects, pod_spec, workloads

# Where the lab's deployment is configured: scripts, manifests, images, provisioning, Tilt's settings.
# (Python code that makes a password up, like lab/tools's, is no written password.)
DEPLOYMENT_FILES = ("Tiltfile", "Procfile", ".dockerignore", "docker/", "manifests/", "tilt/", "telemetry/", "lab.json")
CODE_AND_DOCS = (".py", ".md")
FORBIDDEN = [
    re.compile(r"GF_SECURITY_ADMIN_PASSWORD(?!__FILE)"),  # the password itself in the environment
    re.compile(r"admin_password\s*="),  # grafana.ini
    re.compile(r"admin\s*[:/]\s*admin\b", re.IGNORECASE),  # Grafana's default pair
    re.compile(r"--from-literal=password", re.IGNORECASE),  # a password on a command line
    re.compile(r"password['\"]?\s*[:=]\s*['\"]?(admin|password|secret|changeme)\b", re.IGNORECASE),
]


def deployment_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", *DEPLOYMENT_FILES],
                            cwd=REPO, capture_output=True, text=True, check=True)  # fmt: skip
    return [p for p in listed.stdout.splitlines() if (REPO / p).is_file() and not p.endswith(CODE_AND_DOCS)]


@pytest.mark.integration  # runs git ls-files
def test_no_default_or_plaintext_password_in_the_deployment_files() -> None:
    files = deployment_files()
    assert "tilt/random-secret.sh" in files and "manifests/base/observability/grafana.yaml" in files
    hits = [f"{path}: {pattern.pattern}" for path in files for pattern in FORBIDDEN
            if pattern.search((REPO / path).read_text(errors="replace"))]  # fmt: skip
    assert not hits


@pytest.mark.parametrize("pattern", FORBIDDEN, ids=lambda p: p.pattern[:30])
def test_the_patterns_catch_what_they_are_for(pattern: re.Pattern[str]) -> None:
    samples = ["GF_SECURITY_ADMIN_PASSWORD=x", "admin_password = x", "login admin/admin",
               "--from-literal=password=x", "password: admin"]  # fmt: skip
    assert any(pattern.search(sample) for sample in samples)


@pytest.mark.integration  # builds the manifests with kubectl kustomize
@pytest.mark.parametrize("build", [BASE, OVERLAY])
def test_no_secret_is_built_and_no_password_is_a_plain_value(build: str) -> None:
    items = objects(build)
    assert not [o for o in items if o["kind"] == "Secret"], "the admin Secret is made in the cluster, not applied"
    for workload in workloads(items):
        for container in containers(workload):
            for variable in container.get("env", []):
                if "PASSWORD" in variable["name"] or "SECRET" in variable["name"]:
                    # A file's path (Grafana's `__FILE`, the postgres image's `_FILE`), or a Secret's key: never
                    # the password itself.
                    from_secret = "secretKeyRef" in variable.get("valueFrom", {})
                    assert variable["name"].endswith("_FILE") or from_secret, variable


@pytest.mark.integration  # builds the manifests with kubectl kustomize
def test_grafana_reads_the_admin_password_from_the_generated_secret() -> None:
    grafana = find(objects(BASE), "Deployment", "grafana")
    (container,) = containers(grafana)
    path = {e["name"]: e.get("value") for e in container["env"]}["GF_SECURITY_ADMIN_PASSWORD__FILE"]
    volumes = {v["name"]: v for v in pod_spec(grafana)["volumes"]}
    (mount,) = [m for m in container["volumeMounts"] if path.startswith(m["mountPath"] + "/")]
    assert volumes[mount["name"]]["secret"]["secretName"] == "grafana-admin"
    script = (REPO / "tilt/random-secret.sh").read_text()
    assert 'create secret generic "$secret" --from-file=password=/dev/stdin' in script
    assert "/dev/urandom" in script
    assert "tilt/random-secret.sh grafana-admin grafana" in (REPO / "Tiltfile").read_text()


@pytest.mark.integration  # builds the manifests with kubectl kustomize
def test_postgresql_and_its_clients_read_the_password_from_the_generated_secret() -> None:
    items = objects(BASE)
    postgres = find(items, "StatefulSet", "postgres")
    (container,) = containers(postgres)
    path = {e["name"]: e.get("value") for e in container["env"]}["POSTGRES_PASSWORD_FILE"]
    volumes = {v["name"]: v for v in pod_spec(postgres)["volumes"]}
    (mount,) = [m for m in container["volumeMounts"] if path.startswith(m["mountPath"] + "/")]
    assert volumes[mount["name"]]["secret"]["secretName"] == "postgres-auth"
    readers = {"inference": "PGPASSWORD", "grafana": "INFERLAB_GRAFANA_POSTGRES_PASSWORD"}
    for name, variable in readers.items():
        env = {e["name"]: e for e in containers(find(items, "Deployment", name))[0]["env"]}
        assert env[variable]["valueFrom"]["secretKeyRef"] == {"name": "postgres-auth", "key": "password"}, name
    assert "tilt/random-secret.sh postgres-auth postgres" in (REPO / "Tiltfile").read_text()
