"""A wheel that installs: build storyreel's wheel, install it (not editable) into a fresh venv
and make a 6-second film from a folder outside the checkout. If any shipped data file (templates,
migrations, ComfyUI workflows) is missing from the wheel, or any code reads a path in the
repository instead of the installed package, this fails."""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine import probe
from film import FilmPlan

ROOT = Path(__file__).resolve().parents[1]
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "__pycache__", "*.egg-info", "build", "out", ".storyreel", ".*cache", ".hypothesis"
)
DATA_PACKAGES = ("templates", "storage/migrations", "engine/previz", "studio/web")
"""Folders whose every file (data and code, in any subfolder) must travel in the wheel."""


def _run(
    args: list[str | Path], *, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=240
    )  # fmt: skip
    assert done.returncode == 0, f"{' '.join(map(str, args))} failed:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of the checkout so no build/ folder lands in the repository;
    no build isolation, so no network: the dev venv's setuptools builds it."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", tmp, source])
    (built,) = tmp.glob("storyreel-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh venv with only the wheel installed; it then sees the dev venv's site-packages for
    the dependencies, but not the dev venv's editable storyreel (its finder is started by a .pth
    file there, and .pth files in a folder that is merely on sys.path are never run)."""
    venv = tmp_path_factory.mktemp("venv") / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv])
    python = venv / "bin" / "python"
    # Installed before the dev site-packages are visible, so pip never sees the editable storyreel.
    _run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "-q", wheel])
    (target,) = _run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]).stdout.split()
    (Path(target) / "dev-dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    yield venv


def _outside_env(home: Path) -> dict[str, str]:
    """The environment of a user who installed the wheel: nothing points at the checkout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "STORYREEL_"))}
    return dict(env, STORYREEL_HOME=str(home), PYTHONNOUSERSITE="1", COLUMNS="200")


def _shipped_files(folder: Path) -> set[str]:
    """Every file under `folder` that belongs in the wheel, as wheel member names."""
    return {
        path.relative_to(ROOT).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and ".part" not in path.name
    }


def test_the_wheel_carries_every_data_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for package in DATA_PACKAGES:
        wanted = _shipped_files(ROOT / package)
        assert wanted, f"{package} has no files"
        assert not wanted - names, f"missing from the wheel: {sorted(wanted - names)}"
    assert not [n for n in names if n.startswith(("tests/", "benchmarks/")) or "__pycache__" in n]


def test_installed_wheel_makes_a_film_from_any_folder(venv: Path, tmp_path: Path) -> None:
    cwd, home = tmp_path / "anywhere", tmp_path / "home"
    cwd.mkdir()
    env = _outside_env(home)
    where = _run(
        [venv / "bin" / "python", "-c",
         "import film, storage.db, templates; print(film.__file__); print(storage.db.MIGRATIONS);"
         " print(templates.template_path())"],
        cwd=cwd, env=env,
    ).stdout.split()  # fmt: skip
    outside = [found for found in where if not Path(found).resolve().is_relative_to(venv.resolve())]
    assert not outside, f"read from outside the installed package: {outside}"

    storyreel = venv / "bin" / "storyreel"
    _run([storyreel, "make", "Mara waves at the sea.", "--duration", "6", "--quiet"], cwd=cwd, env=env)

    (film_path,) = (cwd / "out").glob("r-*/film.mp4")
    plan = FilmPlan.model_validate_json((film_path.parent / "plan.json").read_text(encoding="utf-8"))
    assert plan.total_s == pytest.approx(6, abs=0.5)
    assert probe(film_path, decode=True).frames == plan.total_frames
    assert (home / "storyreel.db").is_file()
