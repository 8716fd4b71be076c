"""ComfyUIRenderer against a scripted loopback ComfyUI: the real endpoints, a real video file,
and the faults we must explain (validation errors, execution errors, timeouts, a dead server)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest

from engine.comfyui import ComfyUIOptions, ComfyUIRenderer, load_workflow
from engine.media import FrameWriter, probe
from film import BadInput, Conditioning, RenderFailure, RenderSpec
from tests.engine.conftest import CAST, SCENE, make_shot
from tests.engine.diffusion.conftest import still


class Comfy:
    """What the fake server was sent, and how it should behave."""

    def __init__(self, video: bytes) -> None:
        self.video = video
        self.mode = "ok"  # ok | reject | fail | hang
        self.prompts: list[dict[str, Any]] = []
        self.uploads: list[bytes] = []
        self.history_calls = 0


def handler_for(state: Comfy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _send(self, code: int, body: bytes, ctype: str = "application/json") -> None:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _json(self, code: int, data: object) -> None:
            self._send(code, json.dumps(data).encode())

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if self.path == "/upload/image":
                state.uploads.append(body)
                return self._json(200, {"name": "frame.png", "subfolder": "", "type": "input"})
            if self.path == "/prompt":
                if state.mode == "reject":
                    return self._json(
                        400,
                        {
                            "error": {
                                "type": "prompt_outputs_failed_validation",
                                "message": "Prompt outputs failed validation",
                                "details": "",
                            },
                            "node_errors": {
                                "1": {
                                    "class_type": "UNETLoader",
                                    "errors": [
                                        {
                                            "message": "Value not in list",
                                            "details": "unet_name: 'wan.safetensors' not in []",
                                        }
                                    ],
                                }
                            },
                        },
                    )
                state.prompts.append(json.loads(body))
                return self._json(200, {"prompt_id": "p1", "number": 1, "node_errors": {}})
            self._json(404, {})

        def do_GET(self) -> None:
            url = urlparse(self.path)
            if url.path == "/history/p1":
                state.history_calls += 1
                if state.mode == "hang" or state.history_calls < 2:
                    return self._json(200, {})
                if state.mode == "fail":
                    msg = [
                        "execution_error",
                        {"node_id": "8", "node_type": "KSampler", "exception_message": "CUDA out of memory"},
                    ]
                    return self._json(
                        200,
                        {
                            "p1": {
                                "outputs": {},
                                "status": {"status_str": "error", "completed": False, "messages": [msg]},
                            }
                        },
                    )
                item = {"filename": "wan_00001.mp4", "subfolder": "storyreel", "type": "output"}
                return self._json(
                    200,
                    {
                        "p1": {
                            "outputs": {"21": {"images": [item], "animated": [True]}},
                            "status": {"status_str": "success", "completed": True},
                        }
                    },
                )
            if url.path == "/view" and parse_qs(url.query)["filename"] == ["wan_00001.mp4"]:
                return self._send(200, state.video, "video/mp4")
            self._json(404, {})

    return Handler


@pytest.fixture
def comfy(tmp_path: Path) -> Iterator[tuple[Comfy, str]]:
    src = tmp_path / "src.mp4"
    with FrameWriter(src, 48, 32, 16) as w:  # 20 frames at 16 fps, a size the spec does not ask for
        for i in range(20):
            w.write(np.full((32, 48, 3), 10 * i, dtype=np.uint8))
    state = Comfy(src.read_bytes())
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def cspec(**kw: object) -> RenderSpec:
    return RenderSpec(
        engine="comfyui",
        shot=make_shot(frames=12),
        scene=SCENE,
        characters=CAST,
        seed=42,
        width=40,
        height=24,
        fps=24,
        prompt="maya waits",
        options={"steps": 4},
        **kw,
    )  # type: ignore[arg-type]


def test_renders_through_server_and_conforms(comfy: tuple[Comfy, str], tmp_path: Path) -> None:
    state, url = comfy
    seen: list[tuple[int, int]] = []
    take = ComfyUIRenderer(ComfyUIOptions(url=url, poll_s=0.01)).render(
        cspec(), tmp_path / "t.mp4", seen.append
    )  # type: ignore[arg-type]
    info = probe(Path(take.path), decode=True)
    assert (info.frames, info.width, info.height, info.fps) == (12, 40, 24, 24.0)
    wf = state.prompts[0]["prompt"]
    assert wf["4"]["inputs"]["text"] == "maya waits" and wf["8"]["inputs"]["seed"] == 42
    assert wf["8"]["inputs"]["steps"] == 4 and wf["6"]["inputs"]["length"] == 12
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
