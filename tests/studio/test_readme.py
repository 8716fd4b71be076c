"""The README tells the truth: its settings table is the Settings class (every field, nested ones
by their variable, with its default), its command table is the CLI (every command and flag, and
nothing that is not there), it points to no file users do not have, and every CPU benchmark is
documented and run by `make bench`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import typer.main

from studio.cli import app
from studio.settings import setting_rows

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
FLAG = re.compile(r"(?<![\w-])(--?[a-z][\w-]*)")
GPU_ONLY = {"bench_engine_gpu.py"}


def _table(heading: str) -> list[list[str]]:
    """The rows of the first table under `heading`, as stripped cells, header row excluded."""
    section = README.split(heading, 1)[1]
    rows = []
    for line in section.splitlines():
        if line.startswith("|"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        elif rows:
            break
    return rows[2:]


def _commands() -> dict[str, set[str]]:
    """Every leaf command of the CLI (`models list` style paths) → its option names."""
    found: dict[str, set[str]] = {}

    def walk(group: Any, path: tuple[str, ...]) -> None:
        for name, command in group.commands.items():
            if hasattr(command, "commands"):
                walk(command, (*path, name))
                continue
            flags = {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}
            found[" ".join((*path, name))] = {flag for flag in flags if flag.startswith("-")}

    walk(typer.main.get_command(app), ())
    return found


def test_settings_table_is_the_settings_class() -> None:
    documented = {row[0].strip("`"): row[1].strip("`") for row in _table("### Settings")}
    expected = {name: default for name, default, _ in setting_rows()}
    missing = [f"| `{n}` | `{d}` | {m} |" for n, d, m in setting_rows() if n not in documented]
    assert not missing, "README settings table lacks rows:\n" + "\n".join(missing)
    stale = sorted(set(documented) - set(expected))
    assert not stale, f"README documents settings that do not exist: {stale}"
    wrong = {
        name: (documented[name], default) for name, default in expected.items() if documented[name] != default
    }
    assert not wrong, f"README defaults differ (README, Settings): {wrong}"
    assert all(row[2] for row in _table("### Settings")), "every setting needs a meaning"


def test_command_table_is_the_cli() -> None:
    documented: dict[str, set[str]] = {}
    for cell, options, meaning in _table("### Commands"):
        words = cell.strip("`").split()
        assert words[0] == "storyreel" and meaning, cell
        path = " ".join(w for w in words[1:] if re.fullmatch(r"[a-z][a-z-]*", w))
        documented[path] = set(FLAG.findall(options))
    actual = _commands()
    assert sorted(set(actual) - set(documented)) == [], "commands missing from the README"
    assert sorted(set(documented) - set(actual)) == [], "README documents commands that do not exist"
    for path, flags in actual.items():
        assert documented[path] == flags, (
            path,
            "missing",
            flags - documented[path],
            "stale",
            documented[path] - flags,
        )


def test_every_command_the_readme_shows_exists() -> None:
    actual = _commands()
    groups = {path.split()[0] for path in actual if " " in path}
    shown = re.findall(r"(?:^|`)storyreel ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?", README, flags=re.MULTILINE)
    assert shown
    for first, second in shown:
        path = f"{first} {second}" if first in groups else first
        assert path in actual, f"README shows `storyreel {path}`, which is no command"


def test_layout_describes_the_rooms_and_links_nothing_outside() -> None:
    layout = README.split("## Layout", 1)[1].split("\n## ", 1)[0]
    for room in ("film/", "agents/", "engine/", "storage/", "studio/", "templates/"):
        assert f"`{room}`" in layout, room
    assert "../" not in README and "DESIGN.md" not in README
    for target in re.findall(r"\]\(([^)]+)\)", README):
        assert target.startswith(("http://", "https://")) or (ROOT / target).exists(), target


def test_every_cpu_benchmark_is_documented_and_in_make_bench() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    bench_target = makefile.split("\nbench:", 1)[1].split("\n\n", 1)[0]
    for bench in sorted((ROOT / "benchmarks").glob("bench_*.py")):
        assert f"benchmarks/{bench.name}" in README, bench.name
        if bench.name not in GPU_ONLY:
            assert f"benchmarks/{bench.name}" in bench_target, f"`make bench` does not run {bench.name}"
