"""compose.yaml and the Dockerfile tell the truth, checked without Docker: the file is read as
YAML, every command it runs is a real CLI command with real flags, every variable it sets is one
the settings read, the services wait for healthy dependencies, workers scale, the GPU worker stays
behind its profile, and the image installs the extras compose asks for."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer.main
import yaml
from sqlalchemy.engine import make_url

from studio.cli import app
from studio.home import env_name
from studio.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_TEXT = (ROOT / "compose.yaml").read_text(encoding="utf-8")
COMPOSE: dict[str, Any] = yaml.safe_load(COMPOSE_TEXT)  # SafeLoader resolves the `<<` merge keys
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
STORYREEL = ["api", "worker", "gpu-worker"]  # the services that run the storyreel image
HOME_VAR = env_name("home")  # STORYREEL_HOME, named by the code rather than typed twice
MODELS_VAR = env_name("diffusion", "models_dir")  # STORYREEL_DIFFUSION_MODELS_DIR
VAR = re.compile(r"\$\{(\w+)[^}]*\}")  # ${NAME}, ${NAME:-default}, ${NAME:?error}


def _environment(service: str) -> dict[str, str]:
    """The service's `environment:` (mapping or list form), compose's ${...} filled with a
    placeholder and `$$` unescaped, as the container would see it (less the env_file)."""
    env = SERVICES[service].get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {k: VAR.sub("placeholder", str(v)).replace("$$", "$") for k, v in env.items()}


def _mounts(service: str) -> dict[str, str]:
    """Named volume → where the service mounts it (short `name:/path[:mode]` or long syntax)."""
    found = {}
    for volume in SERVICES[service].get("volumes", []):
        if isinstance(volume, str):
            source, target = volume.split(":")[:2]
        else:
            source, target = volume.get("source", ""), volume["target"]
        found[source] = target
    return found


def _as_list(value: str | list[str]) -> list[str]:
    return shlex.split(value) if isinstance(value, str) else [str(part) for part in value]


def test_the_services_are_there() -> None:
    assert {"postgres", "api", "worker", "gpu-worker"} <= set(SERVICES)


def test_postgres_is_16_with_a_healthcheck_a_volume_and_its_password_from_the_env_file() -> None:
    postgres = SERVICES["postgres"]
    assert postgres["image"] == "postgres:16"
    assert "pg_isready" in " ".join(_as_list(postgres["healthcheck"]["test"]))
    assert "/var/lib/postgresql/data" in _mounts("postgres").values()
    assert set(_mounts("postgres")) <= set(COMPOSE["volumes"])
    assert ".env" in _as_list(postgres["env_file"])
    assert "POSTGRES_PASSWORD" not in _environment("postgres"), "the password belongs in .env"


def test_every_depends_on_waits_for_a_healthy_service() -> None:
    """`service_healthy` on a service without a healthcheck would make `up` fail, so both."""
    for name, service in SERVICES.items():
        depends = service.get("depends_on", {})
        assert isinstance(depends, dict), f"{name}: depends_on needs the long form with a condition"
        for target, how in depends.items():
            assert how == {"condition": "service_healthy"} or how.get("condition") == "service_healthy"
            assert "healthcheck" in SERVICES[target], f"{name} waits on {target}, which has no healthcheck"
    for name in STORYREEL:
        assert "postgres" in SERVICES[name]["depends_on"], name


def test_the_api_publishes_8000_and_checks_its_health_route() -> None:
    api = SERVICES["api"]
    assert any(str(port).split(":")[-1] == "8000" for port in api["ports"])
    probe = " ".join(_as_list(api["healthcheck"]["test"]))
    assert "http://127.0.0.1:8000/api/v1/health" in probe


def test_the_api_token_comes_from_the_env_file_and_is_documented() -> None:
    """Not written in compose.yaml (it is committed); the comment tells users what .env holds."""
    assert ".env" in _as_list(SERVICES["api"]["env_file"])
    assert "STORYREEL_API_TOKEN" not in _environment("api")
    comments = "\n".join(line for line in COMPOSE_TEXT.splitlines() if line.lstrip().startswith("#"))
    assert "STORYREEL_API_TOKEN" in comments and "POSTGRES_PASSWORD" in comments


def test_the_worker_scales() -> None:
    """`--scale worker=N` refuses a fixed container name and clashes on a fixed host port."""
    worker = SERVICES["worker"]
    assert "container_name" not in worker
    assert not worker.get("ports"), "a published host port can be bound by one replica only"
    assert "profiles" not in worker


def test_the_gpu_worker_is_behind_the_gpu_profile_with_an_nvidia_gpu() -> None:
    gpu = SERVICES["gpu-worker"]
    assert gpu["profiles"] == ["gpu"]
    assert all("profiles" not in SERVICES[name] for name in ("postgres", "api", "worker"))
    devices = gpu["deploy"]["resources"]["reservations"]["devices"]
    assert any(
        device["driver"] == "nvidia"
        and "gpu" in device["capabilities"]
        and (device.get("count") == "all" or int(device.get("count", 0)) >= 1)
        for device in devices
    )
    assert gpu["build"]["args"]["EXTRAS"] == "diffusion"
    assert _environment("gpu-worker")["STORYREEL_ENGINE"] == "diffusion"


@pytest.mark.parametrize("service", STORYREEL)
def test_the_settings_read_what_compose_sets(service: str) -> None:
    """Every STORYREEL_* variable is a setting (a typo would be silently ignored), the database is
    the postgres service through psycopg, and the home sits on the named home volume."""
    env = _environment(service)
    known = {env_name(name) for name in ("home", "database_url", "engine", "out_root")} | {MODELS_VAR}
    assert {var for var in env if var.startswith("STORYREEL_")} <= known
    settings = load_settings(env)
    url = make_url(settings.database)
    assert (url.drivername, url.host) == ("postgresql+psycopg", "postgres")
    home_volume = next(name for name, target in _mounts(service).items() if target == env[HOME_VAR])
    assert home_volume in COMPOSE["volumes"]
    assert str(settings.home) == env[HOME_VAR]
    assert str(settings.out_root).startswith(env[HOME_VAR]), "films must land on the shared volume"


def test_the_gpu_worker_mounts_the_models_volume_where_the_engine_reads_weights() -> None:
    env = _environment("gpu-worker")
    settings = load_settings(env)
    assert settings.engine == "diffusion"
    models = _mounts("gpu-worker")
    assert str(settings.diffusion.models_dir) in models.values()
    volume = next(name for name, target in models.items() if target == env[MODELS_VAR])
    assert volume in COMPOSE["volumes"]


@pytest.mark.parametrize("service", [name for name in SERVICES if "command" in SERVICES[name]])
def test_every_command_is_a_cli_command_with_real_flags(service: str) -> None:
    """Each service's command, split, names a `storyreel` subcommand and only its own flags (or,
    on the Ray profile's nodes, Ray's own `ray start`, from the `scale` extra their image has)."""
    argv = _as_list(SERVICES[service]["command"])
    if argv[0] == "ray":
        assert argv[1] == "start" and "--block" in argv, "a Ray node's container lives as long as it"
        assert "scale" in SERVICES[service]["build"]["args"]["EXTRAS"].split(",")
        return
    assert argv[0] == "storyreel", "the image has no ENTRYPOINT: compose names the whole command"
    group = typer.main.get_command(app)
    commands = group.commands  # type: ignore[attr-defined]
    assert argv[1] in commands, f"`storyreel {argv[1]}` is not a command (yet?): {sorted(commands)}"
    options = {opt for param in commands[argv[1]].params for opt in param.opts}
    for flag in (arg.split("=", 1)[0] for arg in argv[2:] if arg.startswith("-")):
        assert flag in options, f"`storyreel {argv[1]}` has no {flag}: {sorted(options)}"


def _dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) per instruction, continuation lines joined, comments dropped."""
    lines = (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()
    joined = re.sub(r"\\\n", " ", "\n".join(ln for ln in lines if not ln.lstrip().startswith("#")))
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line.strip() else "")
        for line in joined.splitlines()
        if line.strip()
    ]


def test_the_dockerfile_installs_the_project_with_the_extras_arg() -> None:
    steps = _dockerfile()
    assert steps[0] == ("FROM", "python:3.11-slim")
    assert ("ARG", "EXTRAS=") in steps, "empty by default: the core install"
    after_arg = steps[steps.index(("ARG", "EXTRAS=")) :]
    installs = [args for kind, args in after_arg if kind == "RUN" and "pip install" in args]
    # `.[]` is not a requirement: empty EXTRAS must drop the brackets, as ${EXTRAS:+[$EXTRAS]} does.
    assert any("${EXTRAS:+[$EXTRAS]}" in args for args in installs), installs
    assert any(kind == "COPY" and args.split()[0] == "." for kind, args in steps)
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert "psycopg[binary]" in pyproject or any("psycopg[binary]" in args for args in installs)
    extras = {str(SERVICES[name].get("build", {}).get("args", {}).get("EXTRAS", "")) for name in SERVICES}
    for extra in {one for listed in extras for one in listed.split(",")} - {""}:
        assert re.search(rf"^{extra} = \[", pyproject, re.M), f"pyproject.toml has no extra {extra!r}"


def test_the_dockerfile_runs_as_a_user_with_fonts_and_no_entrypoint() -> None:
    steps = _dockerfile()
    users = [args for kind, args in steps if kind == "USER"]
    assert users and users[-1] not in {"root", "0"}
    assert not any(kind == "ENTRYPOINT" for kind, _ in steps), "compose commands start with storyreel"
    apt = " ".join(args for kind, args in steps if kind == "RUN" and "apt-get install" in args)
    fonts = re.search(r"^FONT_PACKAGES\s*:?=\s*(.+)$", (ROOT / "Makefile").read_text(), re.M)
    assert fonts is not None
    for package in [*fonts.group(1).split(), "espeak-ng"]:
        assert package in apt.split(), package


def test_dockerignore_keeps_local_state_and_secrets_out_of_the_image() -> None:
    ignored = set((ROOT / ".dockerignore").read_text(encoding="utf-8").split())
    assert {".git", ".venv", "out", ".storyreel", ".env"} <= ignored


def test_the_readme_says_how_to_start_it() -> None:
    assert "docker compose up" in (ROOT / "README.md").read_text(encoding="utf-8")
