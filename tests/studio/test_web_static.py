"""The web studio's static files, checked without a browser: they exist, load nothing from the
network, carry the data-testids the browser journey drives, call only routes of the issue-14
contract, and work at phone width. The real browser journey against `storyreel serve` is
elsewhere; this catches a broken page before any browser starts."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[2] / "studio" / "web"
INDEX = WEB / "index.html"
SCRIPTS = sorted(WEB.glob("*.js"))

TEST_IDS = (
    "brief-input", "send-button", "approve-button", "shot-card", "shot-state", "rerender-button",
    "lock-button", "takes-strip", "set-main-button", "progress-bar", "player", "download-film",
    "error-line", "version-list", "run-status",
)  # fmt: skip
"""The stable handles a Playwright test drives the studio by."""

CONTRACT_ROUTES = (
    "/health", "/login", "/uploads", "/uploads/{sha256}",
    "/projects", "/projects/{project_id}",
    "/runs", "/runs/{id}", "/runs/{id}/cancel", "/runs/{id}/approve", "/runs/{id}/revise",
    "/runs/{id}/render", "/runs/{id}/plan", "/runs/{id}/plan/shots/{shot_id}",
    "/runs/{id}/plan/characters/{character_id}", "/runs/{id}/shots",
    "/runs/{id}/shots/{shot_id}/rerender", "/runs/{id}/shots/{shot_id}/lock",
    "/runs/{id}/shots/{shot_id}/unlock", "/runs/{id}/shots/{shot_id}/takes",
    "/runs/{id}/shots/{shot_id}/takes/{spec_hash}/main", "/runs/{id}/versions", "/runs/{id}/diff",
    "/runs/{id}/film", "/runs/{id}/exports/{name}", "/runs/{id}/files/{path:path}", "/runs/{id}/events",
    "/ads", "/ads/templates", "/ads/platforms", "/ads/{ad_id}", "/ads/{ad_id}/sheet.png",
    "/ads/{ad_id}/variants.zip",
    "/series", "/series/{name}", "/series/{name}/pause", "/series/{name}/resume", "/series/{name}/run",
    "/series/{name}/episodes", "/series/{name}/calendar", "/series/{name}/ledger",
    "/episodes/review", "/episodes/{episode_id}/approve", "/episodes/{episode_id}/reject",
)  # fmt: skip
"""Every /api/v1 route of the contract (contract14.md, issue 16's ads and issue 17's series), in
FastAPI's path syntax."""

EXPORT_NAMES = {"film.mp4", "film.srt", "film.vtt", "film.otio", "sheet.png", "plan.json"}


def _route_pattern(route: str) -> re.Pattern[str]:
    """A contract route as a regex over the JS paths, where each ${...} segment became X."""
    parts = re.split(r"(\{[^}]+\})", route)
    body = "".join(
        (".+" if part.endswith(":path}") else "[^/]+") if part.startswith("{") else re.escape(part)
        for part in parts
    )
    return re.compile(f"^{body}$")


ROUTE_PATTERNS = [_route_pattern(route) for route in CONTRACT_ROUTES]


def _template_after(source: str, start: int) -> str:
    """The rest of a JS template literal from `start` to its closing backtick, as a path: a
    ${...} that is a whole path segment becomes X, any other (a ?query suffix) is dropped."""
    out: list[str] = []
    i = start
    while i < len(source) and source[i] != "`":
        if source.startswith("${", i):
            depth, j = 1, i + 2
            while depth:
                depth += {"{": 1, "}": -1}.get(source[j], 0)
                j += 1
            out.append("X" if out and out[-1].endswith("/") else "")
            i = j
        else:
            out.append(source[i])
            i += 1
    return "".join(out).split("?")[0]


def _api_paths() -> list[str]:
    """Every path the scripts build as `${API}/...`."""
    found = []
    for script in SCRIPTS:
        source = script.read_text()
        for match in re.finditer(r"\$\{API\}", source):
            found.append(_template_after(source, match.end()))
    return found


def test_the_files_are_there() -> None:
    for name in ("index.html", "app.js", "api.js", "style.css"):
        assert (WEB / name).is_file(), f"studio/web/{name} is missing"
    for path in (INDEX, *SCRIPTS, WEB / "style.css"):
        lines = path.read_text().count("\n")
        assert lines <= 420, f"{path.name} has {lines} lines; split it (house rule: ~400)"


def test_index_loads_only_local_files() -> None:
    html = INDEX.read_text()
    refs = re.findall(r"""<(?:script|link|img|source|track)\b[^>]*\b(?:src|href)\s*=\s*["']([^"']+)""", html)
    assert refs, "index.html loads no script or stylesheet"
    for ref in refs:
        assert not re.match(r"^(https?:)?//", ref), f"index.html loads {ref} from the network"
    assert re.search(r"""<script[^>]*type=["']module["'][^>]*src=["']static/app\.js""", html)
    assert 'href="static/style.css"' in html


def test_scripts_import_only_local_modules() -> None:
    for script in SCRIPTS:
        for spec in re.findall(r"""^\s*import\b[^;]*?from\s+["']([^"']+)["']""", script.read_text(), re.M):
            assert spec.startswith("./") and (WEB / spec[2:]).is_file(), f"{script.name} imports {spec}"
        assert not re.search(r"https?://", script.read_text()), f"{script.name} names a network URL"


def test_every_test_id_is_on_the_page() -> None:
    text = INDEX.read_text() + "".join(s.read_text() for s in SCRIPTS)
    missing = [tid for tid in TEST_IDS if not re.search(rf"""["'\[=]{re.escape(tid)}["'\]]""", text)]
    assert not missing, f"data-testid missing from studio/web: {missing}"


def test_the_shot_card_and_progress_bar_carry_their_attributes() -> None:
    board = (WEB / "board.js").read_text()
    assert '"data-shot-id": shot.id' in board
    html = INDEX.read_text()
    bar = re.search(r"<div[^>]*data-testid=\"progress-bar\"[^>]*>", html, re.S)
    assert bar and 'role="progressbar"' in bar.group(0) and 'aria-valuenow="0"' in bar.group(0)
    player = re.search(r"<video[^>]*data-testid=\"player\"", html)
    assert player, "the player is a <video>"
    assert '"subtitles"' in (WEB / "film.js").read_text(), "the player has a subtitles track"


def test_the_scripts_call_only_contract_routes() -> None:
    used = _api_paths()
    assert len(used) >= 20, f"expected the studio's routes, found {used}"
    for path in used:
        assert any(p.match(path) for p in ROUTE_PATTERNS), f"{path} is not a route of the contract"
    # /api/v1 itself is spelled once, so no call can bypass the checked `${API}` paths.
    spelled = [s.name for s in SCRIPTS for _ in re.finditer(r"/api/v1", s.read_text())]
    assert spelled == ["api.js"], f"/api/v1 spelled outside the API constant: {spelled}"


def test_every_export_is_a_contract_name() -> None:
    api = (WEB / "api.js").read_text()
    listed = re.search(r"export const EXPORTS = \[([^\]]*)\]", api)
    assert listed, "api.js lists the export names in EXPORTS"
    assert set(re.findall(r'"([^"]+)"', listed.group(1))) == EXPORT_NAMES


def test_it_works_at_phone_width() -> None:
    html = INDEX.read_text()
    assert re.search(r"""<meta\s+name=["']viewport["']\s+content=["'][^"']*width=device-width""", html)
    css = (WEB / "style.css").read_text()
    narrow = re.findall(r"@media\s*\(\s*max-width:\s*(\d+)px\s*\)", css)
    assert narrow and all(int(width) >= 390 for width in narrow), "no media query for narrow screens"


def test_inputs_have_labels() -> None:
    html = INDEX.read_text()
    ids = re.findall(r"<(?:input|textarea|select)\b[^>]*\bid=\"([^\"]+)\"", html)
    assert "brief-input" in ids
    for element_id in ids:
        assert f'for="{element_id}"' in html, f"#{element_id} has no <label for>"


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_scripts_parse_as_modules(tmp_path: Path) -> None:
    for script in SCRIPTS:
        copy = tmp_path / f"{script.stem}.mjs"  # .mjs: parsed as an ES module by any node version
        copy.write_text(script.read_text())
        done = subprocess.run(["node", "--check", str(copy)], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, f"{script.name}: {done.stderr}"
