"""ComfyUIRenderer against a scripted loopback ComfyUI (conftest.py): the real endpoints, a real
video file, and the faults we must explain (validation errors, execution errors, timeouts, a dead
server)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from engine.comfyui import ComfyUIOptions, ComfyUIRenderer, load_workflow
from engine.media import probe
from film import BadInput, Conditioning, RenderFailure
from tests.engine.comfyui.conftest import Comfy, cspec
from tests.engine.diffusion.conftest import still


def test_renders_through_server_and_conforms(comfy: tuple[Comfy, str], tmp_path: Path) -> None:
    state, url = comfy
    seen: list[tuple[int, int]] = []
    take = ComfyUIRenderer(ComfyUIOptions(url=url, poll_s=0.01)).render(
        cspec(), tmp_path / "t.mp4", lambda d, n: seen.append((d, n))
    )
    info = probe(Path(take.path), decode=True)
    assert (info.frames, info.width, info.height, info.fps) == (12, 40, 24, 24.0)
    wf = state.prompts[0]["prompt"]
    assert wf["4"]["inputs"]["text"] == "maya waits" and wf["8"]["inputs"]["seed"] == 42
    assert wf["8"]["inputs"]["steps"] == 4
    assert not list(tmp_path.glob("*.comfy*"))
    assert (tmp_path / "t.last.png").is_file()


def test_first_frame_is_uploaded_into_the_i2v_template(comfy: tuple[Comfy, str], tmp_path: Path) -> None:
    state, url = comfy
    spec = cspec(conditioning=Conditioning(first_frame=still(tmp_path / "f.png", (9, 9, 9))))
    ComfyUIRenderer(ComfyUIOptions(url=url, poll_s=0.01)).render(spec, tmp_path / "t.mp4")
    assert state.uploads and b"PNG" in state.uploads[0]
    wf = state.prompts[0]["prompt"]
    assert wf["12"]["inputs"]["image"] == "frame.png" and wf["15"]["class_type"] == "WanImageToVideo"


def test_validation_error_is_one_clear_line(comfy: tuple[Comfy, str], tmp_path: Path) -> None:
    state, url = comfy
    state.mode = "reject"
    with pytest.raises(
        RenderFailure, match=r"rejected the workflow: .*node 1 \(UNETLoader\): Value not in list"
    ):
        ComfyUIRenderer(ComfyUIOptions(url=url)).render(cspec(), tmp_path / "t.mp4")


def test_execution_error_and_timeout(comfy: tuple[Comfy, str], tmp_path: Path) -> None:
    state, url = comfy
    state.mode = "fail"
    with pytest.raises(RenderFailure, match=r"node 8 \(KSampler\): CUDA out of memory"):
        ComfyUIRenderer(ComfyUIOptions(url=url, poll_s=0.01)).render(cspec(), tmp_path / "t.mp4")
    state.mode = "hang"
    with pytest.raises(RenderFailure, match="did not finish prompt p1 within"):
        ComfyUIRenderer(ComfyUIOptions(url=url, poll_s=0.01, timeout_s=0.2)).render(
            cspec(), tmp_path / "t.mp4"
        )
    assert not (tmp_path / "t.mp4").exists()


def test_server_gone_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(RenderFailure, match="not reachable"):
        ComfyUIRenderer(ComfyUIOptions(url="http://127.0.0.1:9", request_timeout_s=2)).render(
            cspec(), tmp_path / "t.mp4"
        )


def test_silent_server_and_non_json_answer_are_one_clear_line(
    comfy: tuple[Comfy, str], tmp_path: Path
) -> None:
    state, url = comfy
    state.mode = "stall"  # takes the prompt, then never answers /history
    with pytest.raises(RenderFailure, match=r"did not answer GET /history/p1 within 0\.2 s"):
        ComfyUIRenderer(ComfyUIOptions(url=url, request_timeout_s=0.2, websocket=False)).render(
            cspec(), tmp_path / "t.mp4"
        )
    state.mode = "garbage"  # a proxy's error page instead of ComfyUI's JSON
    with pytest.raises(RenderFailure, match=r"answered /prompt with something that is not JSON: '<html>502"):
        ComfyUIRenderer(ComfyUIOptions(url=url)).render(cspec(), tmp_path / "t.mp4")


def test_custom_workflow_mapping_is_checked(tmp_path: Path) -> None:
    (tmp_path / "wf.json").write_text(json.dumps({"1": {"class_type": "X", "inputs": {}}}))
    (tmp_path / "map.json").write_text(json.dumps({"prompt": ["7", "text"]}))
    opts = ComfyUIOptions(workflow=tmp_path / "wf.json", mapping=tmp_path / "map.json")
    with pytest.raises(BadInput, match=r"node 7 is not in wf\.json"):
        load_workflow(opts, i2v=False)
    for name in ("wan_t2v", "wan_i2v", "ltx_t2v", "ltx_i2v"):
        load_workflow(ComfyUIOptions(template=name), i2v=name.endswith("i2v"))


def test_progress_over_websocket(comfy: tuple[Comfy, str], tmp_path: Path) -> None:
    """ComfyUI's /ws events drive the progress bar; the scripted socket lives on its own port
    (http.server cannot upgrade), which `ws_url` allows for proxied servers too."""
    from websockets.sync.server import ServerConnection, serve

    _state, url = comfy

    def handler(conn: ServerConnection) -> None:
        for value in (1, 2, 3, 4):
            msg = json.dumps({"type": "progress", "data": {"value": value, "max": 4, "prompt_id": "p1"}})
            conn.send(msg)
        conn.send(b"\x00\x00binary preview")
        conn.send(json.dumps({"type": "executing", "data": {"node": None, "prompt_id": "p1"}}))

    with serve(handler, "127.0.0.1", 0) as ws_server:
        threading.Thread(target=ws_server.serve_forever, daemon=True).start()
        port = ws_server.socket.getsockname()[1]
        seen: list[tuple[int, int]] = []
        opts = ComfyUIOptions(url=url, ws_url=f"ws://127.0.0.1:{port}", poll_s=0.01)
        take = ComfyUIRenderer(opts).render(cspec(), tmp_path / "w.mp4", lambda d, n: seen.append((d, n)))
        ws_server.shutdown()
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)] and take.frames == 12


def test_sound_the_workflow_made_is_kept_beside_the_take(comfy: tuple[Comfy, str], tmp_path: Path) -> None:
    """An LTX-2 workflow returns its video with audio: the take keeps it (`.sound.wav`) for the mix,
    as long as the take and starting where the take starts."""
    from engine.media import run_ffmpeg
    from engine.sound.tracks import read_wav

    state, url = comfy
    silent, loud = tmp_path / "silent.mp4", tmp_path / "loud.mp4"
    silent.write_bytes(state.video)
    tone = ["-f", "lavfi", "-i", "sine=frequency=440:duration=2"]
    run_ffmpeg(["-i", str(silent), *tone, "-map", "0:v", "-map", "1:a", "-c:v", "copy", "-c:a", "aac",
                "-shortest", str(loud)], "add a tone")  # fmt: skip
    state.video = loud.read_bytes()
    take = ComfyUIRenderer(ComfyUIOptions(url=url, poll_s=0.01)).render(cspec(), tmp_path / "t.mp4")
    sound = read_wav(Path(take.extras["sound"]))
    assert take.extras["sound"] == str(tmp_path / "t.sound.wav")
    assert sound.shape == (round(12 / 24 * 48000), 2) and float(abs(sound).max()) > 0.05
    assert not list(tmp_path.glob("*.comfy*")) and not list(tmp_path.glob(".*part*"))
