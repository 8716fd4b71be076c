"""Property: whatever arguments and files a person hands any subcommand, it ends with exit 0 or 2,
and on 2 with a one-line message, never a traceback.

Argument lists are generated from the CLI's own command tree (every option of every command, with
valid and invalid values, unknown flags, missing and extra arguments, weird strings, huge numbers),
and files from a small workspace (non-UTF-8 text, binary junk, folders given as files, malformed
and valid plans). The CLI runs in-process (typer's CliRunner) on a temporary home. Commands that
would start a long render (`make`, `render`) always end with one poison value, so the property
covers their door without shooting films.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer.main
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from agents import plan_brief
from studio.cli import app

ROOT_COMMAND = typer.main.get_command(app)
PATH_PARAMS = {"brief_file", "music", "plan_file", "out_dir", "out_file"}
LONG_WORK = {"make", "render"}
NUMBERS = [
    "0", "-0", "1", "-1", "2", "3.5", "1800", "1801", "4294967296", "99999999999999999999999999",
    "1e308", "-1e308", "1e-320", "inf", "-inf", "nan", "0x10", "1_000", "", " ", "abc", "٣",
]  # fmt: skip
ODD_TEXT = [
    "", " ", "-", "--", "-x", "\n", "\t", "ü", "🎬", "[red]x[/]", "[/]", "%s", "{}", "\\", "'", '"',
    "r-20261201-000000", "v0", "v1", "V99999999999999999999", "16:9", "4:3", "shot 1: close-up",
    "x" * 5000,
]  # fmt: skip
VALID = {
    "duration": ["2", "3.5"], "aspect": ["16:9", "9:16", "1:1"], "seed": ["0", "7"], "style": ["noir"],
    "limit": ["5"], "columns": ["3"], "loudness": ["-14"], "engine": ["previz"], "model": ["stub"],
    "brief": ["Mara waves at the sea."], "instruction": ["shot 1: close-up"],
    "first": ["v1"], "second": ["v2"],
}  # fmt: skip
"""A valid value per parameter name, so examples also get past the door."""
UNKNOWN_FLAGS = [["--fast"], ["-z"], ["--out"], ["--duration"], ["--"], ["-"], ["--help-me"]]
"""Sometimes one of these lands among the arguments (most examples get none: `[]` comes first)."""
STRAYS = [[]] * 8 + UNKNOWN_FLAGS


@dataclass(frozen=True)
class Workspace:
    root: Path
    files: tuple[str, ...]
    bad_plans: tuple[str, ...]
    env: dict[str, str]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = tmp_path_factory.mktemp("fuzz")
    (root / "folder").mkdir()
    (root / "brief.txt").write_text("Mara waves at the sea.", encoding="utf-8")
    (root / "latin1.txt").write_bytes("café la nuit".encode("latin-1") + b"\xff\xfe")
    (root / "empty.txt").write_bytes(b"")
    (root / "junk.bin").write_bytes(bytes(range(256)) * 4)
    (root / "plan.json").write_text(
        plan_brief("Mara waves.", duration_s=2).model_dump_json(), encoding="utf-8"
    )
    (root / "broken.json").write_text('{"title": "x", "shots": [', encoding="utf-8")
    (root / "wrong.json").write_text('{"title": 3, "duration_s": -1}', encoding="utf-8")
    (root / "list.json").write_text("[1, 2, 3]", encoding="utf-8")
    bad_plans = ("broken.json", "wrong.json", "list.json", "latin1.txt", "junk.bin", "empty.txt", "folder",
                 "missing.json", "brief.txt/inside.json")  # fmt: skip
    env = {
        "STORYREEL_HOME": str(root / "home"),
        "STORYREEL_OUT_ROOT": str(root / "out"),
        "STORYREEL_LLM_TIMEOUT_S": "1",
        "STORYREEL_LLM_MAX_RETRIES": "0",
        "STORYREEL_LLM_BASE_URL": "",
        "COLUMNS": "120",
    }
    return Workspace(root, ("brief.txt", "plan.json", *bad_plans), bad_plans, env)


def _leaf_commands() -> dict[tuple[str, ...], Any]:
    found: dict[tuple[str, ...], Any] = {}

    def walk(group: Any, path: tuple[str, ...]) -> None:
        for name, command in group.commands.items():
            if hasattr(command, "commands"):
                walk(command, (*path, name))
            else:
                found[(*path, name)] = command

    walk(ROOT_COMMAND, ())
    return found


SERVICES = {("serve",), ("worker",), ("scheduler",)}
"""Commands that run until stopped (a server, a queue worker, the series scheduler): with valid
flags they never end, so they are not fuzzed here for ending; typer's own ranges check their flags."""
COMMANDS = {path: command for path, command in _leaf_commands().items() if path not in SERVICES}
texts = st.sampled_from(ODD_TEXT) | st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30
)
numbers = st.sampled_from(NUMBERS) | st.integers().map(str) | st.floats().map(str)
safe_names = st.text(st.sampled_from("abc-_ ü"), min_size=1, max_size=8)


def _paths(ws: Workspace) -> st.SearchStrategy[str]:
    """Workspace files and folders, new names inside it, names under a file: never outside."""
    return st.sampled_from(ws.files) | safe_names | safe_names.map(lambda name: f"folder/{name}/")


def _value(param: Any, ws: Workspace) -> st.SearchStrategy[str]:
    if param.name in VALID:
        return st.sampled_from(VALID[param.name]) | _any_value(param, ws)
    return _any_value(param, ws)


def _any_value(param: Any, ws: Workspace) -> st.SearchStrategy[str]:
    if param.name in PATH_PARAMS:
        return _paths(ws)
    if param.name == "llm":
        return st.sampled_from(["", "not a url", "http://127.0.0.1:9/v1", "ftp://x"])
    if _is_number(param):
        return numbers | texts
    return texts | numbers


def _is_number(param: Any) -> bool:
    """Typer 0.2x describes a parameter's type with `type_descriptor`; plain click with `type`."""
    described = getattr(param, "type_descriptor", None)
    if described is not None:
        return described.annotation in {int, float}
    return getattr(getattr(param, "type", None), "name", "") in {
        "integer",
        "float",
        "integer range",
        "float range",
    }


@st.composite
def _arguments(draw: st.DrawFn, path: tuple[str, ...], ws: Workspace) -> list[str]:
    command = COMMANDS[path]
    parts: list[list[str]] = []
    for param in command.params:
        if param.param_type_name == "argument":
            continue
        if not draw(st.sampled_from([True, False])):
            continue
        flag = draw(st.sampled_from([*param.opts, *param.secondary_opts]))
        parts.append([flag] if param.is_flag else [flag, draw(_value(param, ws))])
    arguments = [p for p in command.params if p.param_type_name == "argument"]
    expected = len(arguments)
    count = draw(st.sampled_from([expected, *(n for n in range(expected + 2) if n != expected)]))
    for i in range(count):
        param = arguments[i] if i < len(arguments) else arguments[-1] if arguments else None
        parts.append([draw(_value(param, ws) if param is not None else texts)])
    parts.append(draw(st.sampled_from(STRAYS)))
    ordered = draw(st.permutations([part for part in parts if part]))
    tokens = [token for part in ordered for token in part]
    if path[0] in LONG_WORK:
        tokens += draw(_poison(path[0]))
    return [*path, *tokens]


POISON = [
    ["--engine", "nope"], ["--duration", "1"], ["--duration", "nan"], ["--aspect", "4:3"], ["--seed", "-1"],
    ["--loudness", "0"], ["--fast", "x"],
]  # fmt: skip
"""Values that stop `make` at its door whatever else is given: never a file (another example may
have written it), always two tokens (after a stray `--` they overflow the arguments)."""


def _poison(command: str) -> st.SearchStrategy[list[str]]:
    """One value that must stop the command at its door (given last, so it wins)."""
    return st.sampled_from(POISON if command == "make" else [["--engine", "nope"], ["--fast", "x"]])


def _check(result: Any, args: list[str]) -> None:
    shown = f"storyreel {args!r}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{shown}\nraised {result.exception!r}") from result.exception
    assert result.exit_code in {0, 2}, shown
    assert "Traceback" not in result.output, shown
    if result.exit_code == 2:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, shown


@pytest.mark.parametrize("path", sorted(COMMANDS), ids=" ".join)
@settings(
    max_examples=40, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)  # fmt: skip
@given(data=st.data())
def test_every_subcommand_ends_in_0_or_2_with_one_line(
    workspace: Workspace, path: tuple[str, ...], data: st.DataObject
) -> None:
    args = data.draw(_arguments(path, workspace), label="args")
    with contextlib.chdir(workspace.root):
        result = CliRunner().invoke(app, args, env=workspace.env, input="")
    _check(result, args)


@settings(max_examples=15, deadline=None, database=None)
@given(args=st.lists(texts | st.sampled_from(["--help", "models", "-h", "--version"]), max_size=4))
def test_any_top_level_words_end_in_0_or_2(workspace: Workspace, args: list[str]) -> None:
    with contextlib.chdir(workspace.root):
        result = CliRunner().invoke(app, args, env=workspace.env, input="")
    _check(result, args)
