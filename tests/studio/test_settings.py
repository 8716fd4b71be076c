"""Every STORYREEL_* variable is read by pydantic-settings into one Settings object, the engines'
options as nested models under the names users already set; a bad value is one line naming the
variable, through the real CLI too."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.comfyui import ComfyUIOptions
from engine.diffusion import DiffusionOptions
from film import BadInput
from studio.settings import Settings, load_settings, setting_rows
from tests.studio.conftest import Cli


def test_nested_engine_options_come_from_their_variables(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "STORYREEL_DIFFUSION_OFFLOAD": "model",
            "STORYREEL_DIFFUSION_MODELS_DIR": str(tmp_path),
            "STORYREEL_DIFFUSION_VAE_TILING": "true",
            "STORYREEL_DIFFUSION_STEPS": "8",
            "STORYREEL_COMFYUI_URL": "http://gpu:8188",
            "STORYREEL_COMFYUI_TIMEOUT_S": "90",
            "STORYREEL_LLM_BASE_URL": "http://127.0.0.1:9/v1",
            "STORYREEL_RENDER_WORKERS": "3",
        }
    )
    assert isinstance(settings.diffusion, DiffusionOptions) and isinstance(settings.comfyui, ComfyUIOptions)
    assert (settings.diffusion.offload, settings.diffusion.models_dir) == ("model", tmp_path)
    assert (settings.diffusion.vae_tiling, settings.diffusion.steps) == (True, 8)
    assert (settings.comfyui.url, settings.comfyui.timeout_s) == ("http://gpu:8188", 90.0)
    assert (settings.llm_base_url, settings.render_workers) == ("http://127.0.0.1:9/v1", 3)
    assert settings.engine_options("diffusion") is settings.diffusion
    assert settings.engine_options("previz") is None


def test_defaults_and_the_old_models_dir_name(tmp_path: Path) -> None:
    assert load_settings({}).diffusion == DiffusionOptions()
    assert load_settings({}).comfyui == ComfyUIOptions()
    old = load_settings({"STORYREEL_MODELS_DIR": str(tmp_path)})
    assert old.diffusion.models_dir == tmp_path
    both = load_settings({"STORYREEL_MODELS_DIR": "/old", "STORYREEL_DIFFUSION_MODELS_DIR": str(tmp_path)})
    assert both.diffusion.models_dir == tmp_path


@pytest.mark.parametrize(
    ("environ", "variable"),
    [
        ({"STORYREEL_DIFFUSION_OFFLOAD": "x"}, "STORYREEL_DIFFUSION_OFFLOAD='x'"),
        ({"STORYREEL_DIFFUSION_STEPS": "0"}, "STORYREEL_DIFFUSION_STEPS='0'"),
        ({"STORYREEL_DIFFUSION_OFLOAD": "model"}, "STORYREEL_DIFFUSION_OFLOAD='model'"),
        ({"STORYREEL_COMFYUI_POLL_S": "-1"}, "STORYREEL_COMFYUI_POLL_S='-1'"),
        ({"STORYREEL_RENDER_WORKERS": "many"}, "STORYREEL_RENDER_WORKERS='many'"),
        ({"STORYREEL_LLM_MODE": "telepathy"}, "STORYREEL_LLM_MODE='telepathy'"),
        ({"STORYREEL_DIFFUSION": "{not json"}, "STORYREEL_DIFFUSION='{not json'"),
    ],
)
def test_a_bad_value_names_its_variable(environ: dict[str, str], variable: str) -> None:
    with pytest.raises(BadInput) as caught:
        load_settings(environ)
    assert str(caught.value).startswith(variable + ":"), caught.value


def test_the_process_environment_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STORYREEL_DIFFUSION_CACHE", "first_block")
    monkeypatch.setenv("STORYREEL_STYLE", "noir")
    settings = load_settings()
    assert (settings.diffusion.cache, settings.style) == ("first_block", "noir")


def test_every_field_has_a_description() -> None:
    undocumented = [name for name, _, meaning in setting_rows() if not meaning.strip()]
    assert undocumented == []
    assert len({name for name, _, _ in setting_rows()}) == len(setting_rows())
    assert "STORYREEL_DIFFUSION_OFFLOAD" in {name for name, _, _ in setting_rows()}
    assert set(Settings.model_fields) >= {"diffusion", "comfyui", "home", "llm_base_url"}


def test_the_cli_reports_a_bad_variable_in_one_line(cli: Cli, studio_env: dict[str, str]) -> None:
    studio_env["STORYREEL_DIFFUSION_OFFLOAD"] = "everything"
    assert cli("runs").returncode == 0  # listing runs reads only where they are
    done = cli("plan", "Mara waves.")
    assert done.returncode == 2, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert "STORYREEL_DIFFUSION_OFFLOAD='everything'" in lines[0]
    studio_env["STORYREEL_DATABASE_URL"] = "nonsense"
    home = cli("runs")
    assert home.returncode == 2 and home.stderr.count("\n") == 1, home.stderr
    assert "STORYREEL_DATABASE_URL='nonsense'" in home.stderr


def test_a_database_that_is_not_there_is_one_line(cli: Cli, studio_env: dict[str, str]) -> None:
    studio_env["STORYREEL_DATABASE_URL"] = "postgresql+psycopg://nobody:secret@127.0.0.1:9/films"
    done = cli("runs")
    assert done.returncode == 1 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "cannot open the database postgresql+psycopg://nobody:***@127.0.0.1:9/films" in done.stderr


@pytest.mark.parametrize(("cores", "workers"), [(1, 1), (2, 1), (3, 1), (4, 2), (16, 8)])
def test_render_workers_are_sized_from_the_cores(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cores: int, workers: int
) -> None:
    """Unset, one render worker per two cores (each shot's x264 runs two threads), so drawing
    and encoding never oversubscribe the cores this process may use; a set value wins."""
    monkeypatch.setattr("film.process.os.sched_getaffinity", lambda pid: set(range(cores)))
    assert Settings(home=tmp_path).workers() == workers
    assert Settings(home=tmp_path, render_workers=3).workers() == 3
