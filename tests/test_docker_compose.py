"""The production docker-compose stack, validated offline.

No Docker engine runs here, so the stack is never started: `docker-compose config` (Debian's
docker-compose package) interpolates docker-compose.yml with .env.example, checks it against the
Compose schema and prints the resolved file, whose contents these tests then check.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"

AIRFLOW_COMPONENTS = {
    "airflow-apiserver": "api-server",
    "airflow-scheduler": "scheduler",
    "airflow-dag-processor": "dag-processor",
    "airflow-triggerer": "triggerer",
    "airflow-worker": "celery worker",
}
AIRFLOW_SERVICES = ["airflow-init", *AIRFLOW_COMPONENTS]
SERVICES = [*AIRFLOW_SERVICES, "redis", "postgres-airflow", "postgres-warehouse"]
PROJECT_MOUNTS = ["dags", "plugins", "dbt_project", "expectations"]


def env_example() -> dict[str, str]:
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        match = re.match(r"^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$", line)
        if match:
            values[match.group(1)] = match.group(2).strip()
    return values


def compose_variables() -> dict[str, str]:
    """Each variable docker-compose.yml interpolates, with its modifier (':-', ':?', '' ...)."""
    lines = [line for line in COMPOSE_FILE.read_text().splitlines() if not line.lstrip().startswith("#")]
    text = "\n".join(lines).replace("$$", "")  # $$ is a literal $ for the container's shell
    found: dict[str, str] = {}
    for name, modifier in re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[-?]?)", text):
        found.setdefault(name, modifier)
        if modifier.endswith("?"):
            found[name] = modifier
    for name in re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", text):
        found.setdefault(name, "")
    return found


@pytest.fixture(scope="module")
def config() -> dict:
    exe = shutil.which("docker-compose")
    if exe is None:
        pytest.fail(
            "docker-compose is not installed: install Debian's docker-compose package "
            "(`apt-get install -y docker-compose`), which validates the compose file offline"
        )
    # A clean environment: variables of the caller's shell (an AIRFLOW_CONN_WAREHOUSE set for the
    # other tests, say) would override .env.example. INPRES_ENV_FILE points the services' env_file
    # at .env.example, as the real .env is a copy of it that is never committed.
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "INPRES_ENV_FILE": ".env.example",
    }
    result = subprocess.run(
        [exe, "-f", "docker-compose.yml", "--env-file", ".env.example", "config"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"docker-compose config failed:\n{result.stderr}\n{result.stdout}"
    return yaml.safe_load(result.stdout)


def services(config: dict) -> dict:
    return config["services"]


def command(service: dict) -> str:
    cmd = service.get("command", "")
    return " ".join(cmd) if isinstance(cmd, list) else str(cmd)


def environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {k: "" if v is None else str(v) for k, v in env.items()}


def mounts(service: dict) -> dict[str, tuple[str, bool]]:
    """container path -> (source, read_only), from short (v1) or long (v2) volume syntax."""
    result = {}
    for volume in service.get("volumes") or []:
        if isinstance(volume, dict):
            result[volume["target"]] = (volume.get("source", ""), bool(volume.get("read_only")))
        else:
            parts = volume.split(":")
            source, target = parts[0], parts[1]
            result[target] = (source, len(parts) > 2 and "ro" in parts[2].split(","))
    return result


def depends_on(service: dict) -> dict[str, str]:
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        return {name: "service_started" for name in deps}
    return {name: (spec or {}).get("condition", "service_started") for name, spec in deps.items()}


def test_config_validates_and_has_every_service(config):
    missing = [name for name in SERVICES if name not in services(config)]
    assert not missing, f"services missing from docker-compose.yml: {missing}"


def test_airflow_components_share_one_image_and_the_celery_executor(config):
    svc = services(config)
    images = {name: svc[name].get("image") for name in AIRFLOW_SERVICES}
    assert len(set(images.values())) == 1 and None not in images.values(), images
    for name in AIRFLOW_SERVICES:
        build = svc[name].get("build") or {}
        assert Path(build.get("context", "")) == ROOT, f"{name} is not built from the repository"
        assert build.get("dockerfile", "Dockerfile") == "Dockerfile", name
        env = environment(svc[name])
        assert env.get("AIRFLOW__CORE__EXECUTOR") == "CeleryExecutor", name
        assert env.get("AIRFLOW__CORE__LOAD_EXAMPLES", "").lower() == "false", name
        assert env.get("AIRFLOW__CORE__DAGS_FOLDER") == "/opt/airflow/dags", name
        assert env.get("AIRFLOW__CORE__AUTH_MANAGER"), name
        assert env.get("AIRFLOW__COSMOS__CACHE_DIR"), name
        assert env.get("DBT_SEND_ANONYMOUS_USAGE_STATS", "").lower() == "false", name


def test_each_component_runs_its_airflow_command(config):
    svc = services(config)
    for name, expected in AIRFLOW_COMPONENTS.items():
        assert command(svc[name]) in (expected, f"airflow {expected}"), (name, command(svc[name]))
    assert "airflow db migrate" in command(svc["airflow-init"])


def test_components_agree_on_databases_broker_secrets_and_execution_api(config):
    svc = services(config)
    envs = {name: environment(svc[name]) for name in AIRFLOW_SERVICES}
    for key in (
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN",
        "AIRFLOW__CELERY__BROKER_URL",
        "AIRFLOW__CELERY__RESULT_BACKEND",
        "AIRFLOW__API_AUTH__JWT_SECRET",
        "AIRFLOW__CORE__FERNET_KEY",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL",
        "AIRFLOW_CONN_WAREHOUSE",
    ):
        values = {name: env.get(key) for name, env in envs.items()}
        assert len(set(values.values())) == 1 and all(values.values()), f"{key} differs or is empty: {values}"

    env = envs["airflow-worker"]
    assert urlsplit(env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]).hostname == "postgres-airflow"
    assert urlsplit(env["AIRFLOW__CELERY__BROKER_URL"]).hostname == "redis"
    execution_api = urlsplit(env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"])
    assert (execution_api.hostname, execution_api.path) == ("airflow-apiserver", "/execution/")
    published = {
        str(p.get("target")) if isinstance(p, dict) else str(p).split(":")[-1].split("/")[0]
        for p in svc["airflow-apiserver"].get("ports", [])
    }
    assert str(execution_api.port or 80) in published, "the Execution API port is not the api-server's"


def test_warehouse_connection_names_the_warehouse_not_the_metadata_db(config):
    svc = services(config)
    url = urlsplit(environment(svc["airflow-worker"])["AIRFLOW_CONN_WAREHOUSE"])
    warehouse = environment(svc["postgres-warehouse"])
    metadata = urlsplit(environment(svc["airflow-worker"])["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"])
    assert url.scheme in ("postgres", "postgresql")
    assert url.hostname == "postgres-warehouse" != metadata.hostname
    assert (url.port or 5432) == 5432
    assert url.username == warehouse["POSTGRES_USER"]
    assert url.password == warehouse["POSTGRES_PASSWORD"]
    assert url.path.lstrip("/") == warehouse["POSTGRES_DB"]


def test_worker_mounts_inbox_output_and_the_project(config):
    worker = services(config)["airflow-worker"]
    env = environment(worker)
    volumes = mounts(worker)
    assert env["INPRES_INBOX"] == "/opt/inpres/inbox" and env["INPRES_INBOX"] in volumes
    assert env["INPRES_OUTPUT"] == "/opt/inpres/output" and env["INPRES_OUTPUT"] in volumes
    assert not volumes[env["INPRES_OUTPUT"]][1], "the output must be writable"
    for folder in PROJECT_MOUNTS:
        target = f"/opt/airflow/{folder}"
        assert target in volumes, f"{folder}/ is not mounted in the worker"
        assert Path(volumes[target][0]) == ROOT / folder, volumes[target]


def test_databases_keep_their_data_in_separate_named_volumes(config):
    svc = services(config)
    named = set(config.get("volumes") or {})
    airflow_db = mounts(svc["postgres-airflow"])
    warehouse_db = mounts(svc["postgres-warehouse"])
    airflow_source = {src for target, (src, _) in airflow_db.items() if target.startswith("/var/lib/postgresql")}
    warehouse_source = {src for target, (src, _) in warehouse_db.items() if target.startswith("/var/lib/postgresql")}
    assert airflow_source and airflow_source <= named, airflow_db
    assert warehouse_source and warehouse_source <= named, warehouse_db
    assert not airflow_source & warehouse_source


def test_healthchecks_and_start_order(config):
    svc = services(config)
    for name in SERVICES:
        if name != "airflow-init":
            assert (svc[name].get("healthcheck") or {}).get("test"), f"{name} has no healthcheck"
    init_deps = depends_on(svc["airflow-init"])
    for backend in ("postgres-airflow", "postgres-warehouse", "redis"):
        assert init_deps.get(backend) == "service_healthy", (backend, init_deps)
    for name in AIRFLOW_COMPONENTS:
        assert depends_on(svc[name]).get("airflow-init") == "service_completed_successfully", name
    assert depends_on(svc["airflow-worker"]).get("airflow-apiserver") == "service_healthy"


def test_every_compose_variable_is_in_env_example_and_vice_versa():
    used = compose_variables()
    defined = env_example()
    missing = sorted(set(used) - set(defined))
    assert not missing, f"used in docker-compose.yml but not defined in .env.example: {missing}"
    unused = sorted(name for name in set(defined) - set(used) if not name.startswith("COMPOSE_"))
    assert not unused, f"defined in .env.example but never used by docker-compose.yml: {unused}"


def test_secrets_have_no_default_and_only_placeholders_in_env_example():
    required = [name for name, modifier in compose_variables().items() if modifier.endswith("?")]
    assert {"AIRFLOW_JWT_SECRET", "AIRFLOW_FERNET_KEY", "WAREHOUSE_PASSWORD"} <= set(required)
    defined = env_example()
    for name in required:
        assert defined[name].startswith("CHANGE_ME"), f"{name} in .env.example is not a CHANGE_ME placeholder"
    assert "change me" in ENV_EXAMPLE.read_text().lower()


def test_dockerfile_matches_the_lock_and_its_build_context():
    dockerfile = (ROOT / "Dockerfile").read_text()
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    airflow = next(p["version"] for p in lock["package"] if p["name"] == "apache-airflow")
    assert f"apache/airflow:{airflow}-python3.11" in dockerfile, "base image and uv.lock disagree on Airflow"
    assert "uv export --frozen" in dockerfile and "dbt parse" in dockerfile

    ignore = (ROOT / ".dockerignore").read_text().split()
    for source in re.findall(r"^COPY\s+(?!--from)(?:--\S+\s+)*(.+?)\s+\S+$", dockerfile, re.M):
        for path in source.split():
            top = path.strip("/").split("/")[0]
            assert f"!{top}" in ignore, f"{top} is copied into the image but excluded by .dockerignore"
            assert (ROOT / top).exists(), f"the Dockerfile copies {top}, which is not in the repository"


def _unescaped(script: str) -> str:
    """A compose command as the container's shell runs it: Compose turns `$$` into `$`."""
    return script.replace("$$", "$")


def test_ui_is_published_on_loopback_only(config):
    ports = services(config)["airflow-apiserver"]["ports"]
    published = [
        p if isinstance(p, str) else f"{p.get('host_ip', '')}:{p.get('published')}:{p.get('target')}" for p in ports
    ]
    assert published and all(p.startswith("127.0.0.1:") for p in published), published


def test_placeholder_secrets_stop_the_stack_before_anything_starts(config, tmp_path):
    svc = services(config)
    check = svc["check-secrets"]
    for name in SERVICES:
        assert depends_on(svc[name]).get("check-secrets") == "service_completed_successfully", name
    script = _unescaped(check["command"][0] if isinstance(check["command"], list) else check["command"])
    secrets = environment(check)
    assert set(secrets) >= {"AIRFLOW_FERNET_KEY", "REDIS_PASSWORD", "WAREHOUSE_PASSWORD"}

    refused = subprocess.run(
        ["/bin/sh", "-c", script], env={"PATH": "/usr/bin:/bin", **secrets}, capture_output=True, text=True
    )
    assert refused.returncode == 1
    assert "Refusing to start" in refused.stderr
    assert all(name in refused.stderr for name in secrets), refused.stderr
    assert not any(value in refused.stderr for value in secrets.values()), "a secret's value was printed"

    generated = {name: f"{i:02d}" + "a1b2c3d4" * 4 for i, name in enumerate(secrets)}
    accepted = subprocess.run(
        ["/bin/sh", "-c", script], env={"PATH": "/usr/bin:/bin", **generated}, capture_output=True, text=True
    )
    assert accepted.returncode == 0, accepted.stderr
    one_left = {**generated, "REDIS_PASSWORD": "CHANGE_ME_redis_password"}
    refused = subprocess.run(
        ["/bin/sh", "-c", script], env={"PATH": "/usr/bin:/bin", **one_left}, capture_output=True, text=True
    )
    assert refused.returncode == 1 and "REDIS_PASSWORD" in refused.stderr and "WAREHOUSE" not in refused.stderr


def test_redis_password_never_on_a_command_line(config, tmp_path):
    redis = services(config)["redis"]
    password = env_example()["REDIS_PASSWORD"]
    argv = " ".join([*(redis.get("entrypoint") or []), *redis["command"]])
    assert password not in argv
    # Run the start-up line with the server swapped for `cat`: the password reaches the config file.
    script = _unescaped(redis["command"][0]).replace("/tmp/redis.conf", str(tmp_path / "redis.conf"))
    script = script.replace("exec redis-server", "exec cat")
    done = subprocess.run(
        ["/bin/sh", "-c", script], env={"PATH": "/usr/bin:/bin", **environment(redis)}, capture_output=True, text=True
    )
    assert done.returncode == 0 and done.stdout == f"requirepass {password}\n"


def test_quarantine_is_writable_and_the_inbox_only_read(config):
    worker = services(config)["airflow-worker"]
    env = environment(worker)
    volumes = mounts(worker)
    assert volumes[env["INPRES_INBOX"]][1], "the inbox must be mounted read-only"
    for store in (env["INPRES_KARANTINA"], env["INPRES_TANDA_TERIMA"]):
        assert store in volumes and not volumes[store][1], f"{store} must be writable"
        assert not store.startswith(env["INPRES_INBOX"] + "/")
