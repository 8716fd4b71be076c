"""A scripted loopback ComfyUI for the ComfyUI engine's tests: the real endpoints, a real video
file, and the faults we must explain (validation and execution errors, a hung prompt, a server
that stops answering, an answer that is not JSON)."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest

from engine.comfyui import ComfyUIOptions
from engine.comfyui.workflow import TEMPLATES_DIR
from engine.media import FrameWriter
from film import RenderSpec
from tests.engine.conftest import CAST, SCENE, make_shot


class Comfy:
    """What the fake server was sent, and how it should behave."""

    def __init__(self, video: bytes) -> None:
        self.video = video
        self.mode = "ok"  # ok | reject | fail | hang | stall | garbage
        self.prompts: list[dict[str, Any]] = []
        self.uploads: list[bytes] = []
        self.history_calls = 0
        self.release = threading.Event()
        """A stalled server answers nothing until this is set (the fixture sets it at the end)."""


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
                if state.mode == "garbage":
                    return self._send(200, b"<html>502 Bad Gateway</html>", "text/html")
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
                if state.mode == "stall":
                    state.release.wait()
                    return None
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
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}"
    state.release.set()
    server.shutdown()
    server.server_close()


def cspec(frames: int = 12, **kw: object) -> RenderSpec:
    return RenderSpec(
        engine="comfyui",
        shot=make_shot(frames=frames),
        scene=SCENE,
        characters=CAST,
        seed=42,
        width=40,
        height=24,
        fps=24,
        prompt="maya waits",
        options={"steps": 4},
        **kw,
    )


def own_workflow(folder: Path, template: str = "wan_t2v", model: str = "") -> ComfyUIOptions:
    """The shipped template copied into `folder` as the user's own workflow and mapping."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(TEMPLATES_DIR / f"{template}.json", folder / "wf.json")
    shutil.copy(TEMPLATES_DIR / f"{template}.map.json", folder / "map.json")
    return ComfyUIOptions(workflow=folder / "wf.json", mapping=folder / "map.json", model=model)
