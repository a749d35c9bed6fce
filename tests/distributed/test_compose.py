"""docker-compose.yaml checked against the native distributed set-up (deploy/cluster.py)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "deploy"))

import cluster  # noqa: E402

pytestmark = [pytest.mark.distributed, pytest.mark.slow]  # real Airflow services

ONE_OFF = {"airflow-init", "minio-init"}
AIRFLOW_SERVICES = {
    "airflow-apiserver": "api-server",
    "airflow-scheduler": "scheduler",
    "airflow-dag-processor": "dag-processor",
    "airflow-triggerer": "triggerer",
    "airflow-worker": "worker",
}
SECRET_NAME = re.compile(r"PASSWORD|SECRET|FERNET|TOKEN|ACCESS_KEY")
MOUNT = re.compile(r"^(.*?):(/[^:]*)(?::(?:ro|rw))?$")  # SOURCE:TARGET[:MODE]
REFERENCE = re.compile(r"^\$\{[A-Z0-9_]+(:\?[^}]*|:-)?\}$")  # ${X}, ${X:?msg}, ${X:-} only


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yaml").read_text())


@pytest.fixture(scope="module")
def native_env(tmp_path_factory) -> dict[str, str]:
    return cluster.NativeCluster(tmp_path_factory.mktemp("home")).env


def _airflow_keys(mapping: dict) -> set[str]:
    return {k for k in mapping if k.startswith("AIRFLOW__")}


def test_services_match_native_components(compose):
    services = set(compose["services"])
    assert services == {"postgres", "redis", "minio", "demo-web", *ONE_OFF, *AIRFLOW_SERVICES}
    assert compose["services"]["demo-web"]["profiles"] == ["demo"]
    for name, component in AIRFLOW_SERVICES.items():
        assert compose["services"][name]["command"].split() == \
            cluster.COMPONENT_COMMANDS[component], name
    assert set(AIRFLOW_SERVICES.values()) == set(cluster.COMPONENT_COMMANDS)
    init = compose["services"]["airflow-init"]
    assert init["command"] == ["/opt/airflow/deploy/init.sh"], "init must run deploy/init.sh"


def test_airflow_settings_are_the_native_ones(compose, native_env):
    shared = cluster.load_env_file()
    assert not _airflow_keys(shared) & cluster.DEPLOYMENT_KEYS
    assert not _airflow_keys(shared) & cluster.NATIVE_ONLY_KEYS
    for name in [*AIRFLOW_SERVICES, "airflow-init"]:
        service = compose["services"][name]
        env_files = [str((REPO / f).resolve()) for f in service["env_file"]]
        assert env_files == [str(cluster.SHARED_ENV)], f"{name}: shared settings not used"
        assert _airflow_keys(service["environment"]) == set(cluster.DEPLOYMENT_KEYS), name
    # The broker URL names the Redis database a cluster claims when it starts.
    native = _airflow_keys(native_env) | {"AIRFLOW__CELERY__BROKER_URL"}
    expected = _airflow_keys(shared) | cluster.DEPLOYMENT_KEYS
    assert expected <= native, f"native set-up lacks {expected - native}"
    assert native - expected <= cluster.NATIVE_ONLY_KEYS
    for key, value in shared.items():
        assert native_env[key] == value, key


def test_project_folders_mounted(compose):
    for name in [*AIRFLOW_SERVICES]:
        service = compose["services"][name]
        mounts = {m.group(2): m.group(1) for m in map(MOUNT.match, service["volumes"])}
        for folder in ("dags", "plugins", "include"):
            assert mounts.get(f"/opt/airflow/{folder}") == f"${{NEWSLAKE_PROJ_DIR:-.}}/{folder}", \
                f"{name}: {folder}/ not mounted"
        env = service["environment"]
        assert env["AIRFLOW__CORE__DAGS_FOLDER"] in mounts
        assert env["AIRFLOW__CORE__PLUGINS_FOLDER"] in mounts


def test_pinned_airflow_version_everywhere(compose):
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    pins = [d.split("==")[1] for d in project["dependencies"] if d.startswith("apache-airflow==")]
    assert len(pins) == 1
    version = pins[0]
    dockerfile = (REPO / "Dockerfile").read_text()
    assert f"ARG AIRFLOW_VERSION={version}\n" in dockerfile
    assert re.search(r"^FROM apache/airflow:\$\{AIRFLOW_VERSION\}", dockerfile, re.M)
    assert f"\napache-airflow=={version}\n" in (REPO / "requirements.lock").read_text()
    common = compose["x-airflow-common"]
    assert common["build"]["args"]["AIRFLOW_VERSION"] == version
    assert common["image"].endswith(f":{version}}}"), common["image"]


def test_healthcheck_on_every_long_running_service(compose):
    for name, service in compose["services"].items():
        if name in ONE_OFF:
            assert service.get("restart") == "no", f"{name} is a one-off step"
            continue
        check = service.get("healthcheck", {}).get("test")
        assert check, f"{name} has no healthcheck"
        assert service.get("restart") == "always", name


def _environments(compose: dict):
    for name, service in compose["services"].items():
        yield name, service.get("environment", {})


def test_no_literal_secrets(compose):
    for name, env in _environments(compose):
        for key, value in env.items():
            value = str(value)
            if SECRET_NAME.search(key) and not key.endswith("_FILE"):
                assert REFERENCE.match(value), f"{name}: {key} is not taken from .env: {value}"
            for password in re.findall(r"://[^:/@\s]+:([^@\s]+)@", value):
                assert REFERENCE.match(password), f"{name}: {key} has a literal password"
    shared = cluster.load_env_file()
    assert not [k for k in shared if SECRET_NAME.search(k)], "secrets in deploy/airflow.env"
    example = (REPO / ".env.example").read_text().splitlines()
    for line in example:
        key, sep, value = line.partition("=")
        if sep and not line.startswith("#") and SECRET_NAME.search(key):
            assert value == "", f".env.example ships a value for {key}"


def test_make_env_generates_distinct_secrets(tmp_path):
    out = tmp_path / "env"
    subprocess.run(["bash", str(REPO / "deploy" / "make-env.sh"), str(out)], check=True,
                   capture_output=True)
    values = dict(line.split("=", 1) for line in out.read_text().splitlines()
                  if "=" in line and not line.startswith("#"))
    secrets = {k: v for k, v in values.items()
               if SECRET_NAME.search(k) and k != "AIRFLOW_ADMIN_PASSWORD"}
    assert len(secrets) == 7 and all(len(v) >= 24 for v in secrets.values()), secrets.keys()
    assert len(set(secrets.values())) == len(secrets)
    assert values["AIRFLOW_ADMIN_PASSWORD"] == "", "the admin password is left to airflow-init"
    assert out.stat().st_mode & 0o077 == 0, ".env must be private"


def test_every_image_pinned(compose):
    images = [compose["x-airflow-common"]["image"]]
    images += [svc["image"] for svc in compose["services"].values() if "image" in svc]
    for image in images:
        name, _, tag = image.rpartition(":")
        assert name and tag and tag not in ("latest", "stable"), image
        assert "@sha256:" in image or re.search(r":\d+\.\d+(\.\d+)?(-|}|$)|:RELEASE\.\d{4}-",
                                                image), \
            f"{image} is not pinned to a release"


def test_published_ports_bind_loopback_by_default(compose):
    published = [(name, port) for name, svc in compose["services"].items()
                 for port in svc.get("ports", [])]
    assert published
    for name, port in published:
        assert str(port).startswith("${NEWSLAKE_BIND_ADDR:-127.0.0.1}:"), f"{name}: {port}"


def test_lake_keys_are_not_the_root_keys(compose):
    env = compose["x-airflow-common"]["environment"]
    assert "NEWSLAKE_S3_KEY_ID" in env["AWS_ACCESS_KEY_ID"]
    assert "NEWSLAKE_S3_SECRET_KEY" in env["AWS_SECRET_ACCESS_KEY"]
    for name, service in compose["services"].items():
        if name in ("minio", "minio-init"):
            continue
        values = " ".join(str(v) for v in service.get("environment", {}).values())
        assert "MINIO_ROOT" not in values, f"{name} gets MinIO's root credentials"
    init = "\n".join(compose["services"]["minio-init"]["command"])
    assert "mc admin user add" in init and "mc admin policy attach" in init


def _config(binary: str, env_file: Path, *args: str, environ: dict | None = None):
    return subprocess.run([binary, "-f", str(REPO / "docker-compose.yaml"), "--env-file",
                           str(env_file), *args], capture_output=True, text=True, env=environ)


def _host_ip(port: dict | str) -> str:
    """The host address of a rendered port (long syntax, or "ADDR:HOST:CONTAINER")."""
    return port.get("host_ip", "") if isinstance(port, dict) else str(port).split(":")[0]


def test_docker_compose_ports_and_demo_profile(tmp_path):
    binary = shutil.which("docker-compose")
    if binary is None:
        pytest.skip("docker-compose (Debian package docker-compose) not installed")
    env_file = tmp_path / "env"
    subprocess.run(["bash", str(REPO / "deploy" / "make-env.sh"), str(env_file)], check=True,
                   capture_output=True)
    plain = _config(binary, env_file, "config")
    assert plain.returncode == 0, plain.stderr
    rendered = yaml.safe_load(plain.stdout)
    assert rendered["services"]["demo-web"]["profiles"] == ["demo"]
    ports = [p for svc in rendered["services"].values() for p in svc.get("ports", [])]
    assert ports and {_host_ip(p) for p in ports} == {"127.0.0.1"}, ports
    demo = _config(binary, env_file, "--profile", "demo", "config")
    assert demo.returncode == 0, demo.stderr
    assert "demo-web" in yaml.safe_load(demo.stdout)["services"]
    with env_file.open("a") as out:
        out.write("NEWSLAKE_BIND_ADDR=0.0.0.0\n")
    opened = yaml.safe_load(_config(binary, env_file, "config").stdout)
    assert {_host_ip(p) for s in opened["services"].values() for p in s.get("ports", [])} == {
        "0.0.0.0"}


def test_docker_compose_validates(tmp_path):
    binary = shutil.which("docker-compose")
    if binary is None:
        pytest.skip("docker-compose (Debian package docker-compose) not installed")
    env_file = tmp_path / "env"
    subprocess.run(["bash", str(REPO / "deploy" / "make-env.sh"), str(env_file)], check=True,
                   capture_output=True)
    ok = subprocess.run([binary, "-f", str(REPO / "docker-compose.yaml"), "--env-file",
                         str(env_file), "config", "-q"], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    empty = tmp_path / "empty"
    empty.write_text("")
    refused = subprocess.run([binary, "-f", str(REPO / "docker-compose.yaml"), "--env-file",
                              str(empty), "config", "-q"], capture_output=True, text=True,
                             env={"PATH": "/usr/bin:/bin"})
    assert refused.returncode != 0, "compose starts without secrets"
    assert "POSTGRES_PASSWORD" in refused.stderr or "AIRFLOW_" in refused.stderr
