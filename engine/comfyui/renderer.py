"""ComfyUIRenderer: renders a RenderSpec through a user's own ComfyUI server.

For people who already run their local video models in ComfyUI. A workflow in ComfyUI's API
format plus a small mapping (which node input takes the prompt, seed, size, frames, first
frame...) is all we need: we fill the inputs, upload conditioning images (`/upload/image`),
queue it (`POST /prompt`), follow progress over the `/ws` websocket when the `websockets`
package is installed (else, or when the socket fails, by polling `/history/{id}`), download the
output video (`/view`) and conform it to exactly the frames, fps and size the take must have.

Only the standard library speaks HTTP here, so the core install needs nothing extra.
"""

from __future__ import annotations

import contextlib
import copy
import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from engine.diffusion.frames import conform
from engine.media import probe, read_frames
from engine.painted import write_painted_take
from film import BadInput, ProgressFn, RenderFailure, RenderSpec, Take
from templates import template_path

TEMPLATES_DIR = template_path("comfyui")
"""Shipped workflows: `<name>.json` (API format) next to `<name>.map.json` (the mapping)."""

_VIDEO_SUFFIXES = (".mp4", ".webm", ".mov", ".mkv", ".gif", ".webp")
NodeInput = tuple[str, str]


class WorkflowMapping(BaseModel):
    """Which node input (node id, input name) takes each part of the spec; unmapped parts are
    left as the workflow has them. `output` names the node whose video is the take."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    prompt: NodeInput
    negative_prompt: NodeInput | None = None
    seed: NodeInput | None = None
    width: NodeInput | None = None
    height: NodeInput | None = None
    frames: NodeInput | None = None
    fps: NodeInput | None = None
    steps: NodeInput | None = None
    first_frame: NodeInput | None = None
    output: str | None = None


class ComfyUIOptions(BaseModel):
    """Where the server is and which workflow to run; the studio fills it from env."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str = Field(default="http://127.0.0.1:8188", description="the ComfyUI server")
    ws_url: str = Field(default="", description="its websocket base when not the same host (a proxy)")
    template: str = Field(
        default="wan_t2v", description="shipped workflow: wan_t2v, wan_i2v, ltx_t2v, ltx_i2v"
    )
    workflow: Path | None = Field(default=None, description="your own API-format workflow JSON")
    mapping: Path | None = Field(default=None, description="its mapping JSON (WorkflowMapping)")
    timeout_s: float = Field(default=3600.0, gt=0, description="longest a take may take")
    request_timeout_s: float = Field(default=30.0, gt=0, description="one HTTP request")
    poll_s: float = Field(default=1.0, gt=0, description="history polling interval")
    websocket: bool = Field(default=True, description="follow progress over /ws when possible")


def load_workflow(options: ComfyUIOptions, i2v: bool) -> tuple[dict[str, Any], WorkflowMapping]:
    """The user's workflow and mapping, or the shipped template (its i2v twin for a first frame)."""
    if options.workflow is not None:
        if options.mapping is None:
            raise BadInput("comfyui.mapping", None, "a custom workflow needs a mapping file")
        wf_path, map_path = Path(options.workflow), Path(options.mapping)
    else:
        name = options.template
        if i2v and not name.endswith("_i2v"):
            name = name.removesuffix("_t2v") + "_i2v"
        wf_path, map_path = TEMPLATES_DIR / f"{name}.json", TEMPLATES_DIR / f"{name}.map.json"
    try:
        workflow = json.loads(wf_path.read_text(encoding="utf-8"))
        mapping = WorkflowMapping.model_validate_json(map_path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BadInput("comfyui.workflow", str(exc.filename), "workflow or mapping file not found") from None
    except ValueError as exc:
        raise BadInput("comfyui.workflow", str(wf_path), f"not a valid workflow/mapping: {exc}") from None
    for field_name in WorkflowMapping.model_fields:
        target = getattr(mapping, field_name)
        if isinstance(target, tuple) and target[0] not in workflow:
            raise BadInput(
                f"comfyui.mapping.{field_name}", target, f"node {target[0]} is not in {wf_path.name}"
            )
    return workflow, mapping


class ComfyUIClient:
    """The few ComfyUI endpoints we use, with errors turned into one clear line."""

    def __init__(self, url: str, timeout_s: float) -> None:
        self.url = url.rstrip("/")
        self.timeout_s = timeout_s

    def _open(self, req: urllib.request.Request | str) -> bytes:
        try:
            with urllib.request.urlopen(req, timeout=self.timeout_s) as resp:
                data: bytes = resp.read()
                return data
        except urllib.error.HTTPError as exc:
            body = exc.read().decode("utf-8", "replace")
            raise ComfyHTTPError(exc.code, body) from None
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise RenderFailure(f"ComfyUI server at {self.url} is not reachable: {reason}") from None

    def get_json(self, path: str) -> Any:
        return json.loads(self._open(self.url + path))

    def post_json(self, path: str, payload: object) -> Any:
        req = urllib.request.Request(
            self.url + path, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
        )
        return json.loads(self._open(req))

    def upload_image(self, path: Path) -> str:
        """POST /upload/image (multipart); returns the name the workflow's LoadImage should use."""
        boundary = uuid.uuid4().hex
        body = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="{path.name}"\r\n'
            f"Content-Type: image/png\r\n\r\n"
        ).encode()
        body += path.read_bytes()
        body += (
            f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="overwrite"\r\n\r\ntrue\r\n'.encode()
        )
        body += f"--{boundary}--\r\n".encode()
        req = urllib.request.Request(
            self.url + "/upload/image",
            data=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        info = json.loads(self._open(req))
        sub = info.get("subfolder") or ""
        return f"{sub}/{info['name']}" if sub else str(info["name"])

    def view(self, item: dict[str, str]) -> bytes:
        query = urllib.parse.urlencode(
            {
                "filename": item["filename"],
                "subfolder": item.get("subfolder", ""),
                "type": item.get("type", "output"),
            }
        )
        return self._open(f"{self.url}/view?{query}")


class ComfyHTTPError(RenderFailure):
    """ComfyUI answered with an HTTP error; `body` is its JSON (or text) explanation."""

    def __init__(self, code: int, body: str) -> None:
        super().__init__(f"ComfyUI answered HTTP {code}: {body[:300]}")
        self.code = code
        self.body = body


def explain_rejection(exc: ComfyHTTPError) -> str:
    """ComfyUI's /prompt validation error as one line: the error and each node's complaint."""
    try:
        data = json.loads(exc.body)
    except ValueError:
        return exc.body[:300]
    error = data.get("error", {})
    parts = [str(error.get("message", "invalid prompt"))]
    if error.get("details"):
        parts.append(str(error["details"]))
    for node, info in (data.get("node_errors") or {}).items():
        for err in info.get("errors", []):
            parts.append(
                f"node {node} ({info.get('class_type', '?')}): {err.get('message')} {err.get('details', '')}"
            )
    return "; ".join(p.strip() for p in parts if p)


def fill(
    workflow: dict[str, Any], mapping: WorkflowMapping, spec: RenderSpec, image: str | None
) -> dict[str, Any]:
    """A copy of the workflow with the spec's values in the mapped node inputs."""
    wf = copy.deepcopy(workflow)
    values: dict[str, object] = {
        "prompt": spec.prompt or spec.shot.description,
        "negative_prompt": spec.negative_prompt,
        "seed": spec.seed,
        "width": int(spec.options.get("width", spec.width)),
        "height": int(spec.options.get("height", spec.height)),
        "frames": int(spec.options.get("num_frames", spec.frames)),
        "fps": spec.fps,
        "steps": spec.options.get("steps"),
        "first_frame": image,
    }
    for name, value in values.items():
        target = getattr(mapping, name)
        if target is not None and value is not None:
            node, key = target
            wf[node]["inputs"][key] = value
    return wf


class ComfyUIRenderer:
    """Renders through a ComfyUI server; its models, its GPU, our spec and our take format."""

    engine = "comfyui"

    def __init__(self, options: ComfyUIOptions | None = None) -> None:
        self.options = options or ComfyUIOptions()
        self.client = ComfyUIClient(self.options.url, self.options.request_timeout_s)

    def resolve(self, spec: RenderSpec) -> RenderSpec:
        return spec

    def render(self, spec: RenderSpec, dest: Path, progress: ProgressFn | None = None) -> Take:
        if spec.engine != self.engine:
            raise BadInput("spec.engine", spec.engine, "this spec was recaptioned for another engine")
        started = time.perf_counter()
        first = spec.conditioning.first_frame
        workflow, mapping = load_workflow(self.options, i2v=first is not None)
        image = None
        if first is not None:
            if mapping.first_frame is None:
                raise BadInput("comfyui.mapping.first_frame", None, "the workflow takes no first frame")
            image = self.client.upload_image(Path(first.path))
        client_id = uuid.uuid4().hex
        deadline = time.monotonic() + self.options.timeout_s
        with contextlib.ExitStack() as stack:
            ws = self._connect(client_id)
            if ws is not None:
                ws = stack.enter_context(ws)  # closes the socket however we leave
            prompt_id = self._queue(fill(workflow, mapping, spec, image), client_id)
            if ws is not None:
                self._follow(ws, prompt_id, deadline, progress)
        record = self._wait_history(prompt_id, deadline)
        raw = dest.with_name(dest.stem + ".comfy" + Path(self._output(record, mapping)["filename"]).suffix)
        try:
            raw.write_bytes(self.client.view(self._output(record, mapping)))
            frames = read_frames(raw)
            fps = round(probe(raw).fps) or spec.fps
        finally:
            raw.unlink(missing_ok=True)
        if len(frames) == 0:
            raise RenderFailure("ComfyUI returned a video with no frames")
        out = conform(frames, fps, spec)
        return write_painted_take(self.engine, spec, out, dest, started)

    def _queue(self, workflow: dict[str, Any], client_id: str) -> str:
        try:
            answer = self.client.post_json("/prompt", {"prompt": workflow, "client_id": client_id})
        except ComfyHTTPError as exc:
            raise RenderFailure(f"ComfyUI rejected the workflow: {explain_rejection(exc)}") from None
        if answer.get("node_errors"):
            raise RenderFailure(f"ComfyUI rejected the workflow: {answer['node_errors']}")
        return str(answer["prompt_id"])

    def _connect(self, client_id: str) -> Any | None:
        """The progress websocket, opened before queueing so no event is missed; None when the
        `websockets` package is missing or the server (or a proxy) refuses the socket."""
        if not self.options.websocket:
            return None
        try:
            from websockets.sync.client import connect
        except ImportError:
            return None
        base = self.options.ws_url or self.options.url.replace("http", "ws", 1)
        try:
            return connect(f"{base.rstrip('/')}/ws?clientId={client_id}", open_timeout=5)
        except Exception:  # refused, 404, TLS...: history polling takes over
            return None

    def _follow(self, ws: Any, prompt_id: str, deadline: float, progress: ProgressFn | None) -> None:
        """Feed progress events to `progress` until the prompt finishes. Between events the
        history is checked too, so a dropped or silent socket can never hang a render."""
        while time.monotonic() < deadline:
            try:
                message = ws.recv(timeout=max(self.options.poll_s * 5, 0.05))
            except TimeoutError:
                if self._finished(prompt_id):
                    return
                continue
            except Exception:  # the socket dropped: polling takes over
                return
            if not isinstance(message, str):
                continue  # binary preview frames
            event = json.loads(message)
            data = event.get("data", {})
            if data.get("prompt_id") not in (None, prompt_id):
                continue
            kind = event.get("type")
            if kind == "progress" and progress is not None:
                progress(int(data["value"]), int(data["max"]))
            elif kind == "execution_error":
                where = f"node {data.get('node_id')} ({data.get('node_type')})"
                raise RenderFailure(f"ComfyUI failed in {where}: {data.get('exception_message', '')}".strip())
            elif kind == "execution_success" or (kind == "executing" and data.get("node") is None):
                return

    def _finished(self, prompt_id: str) -> bool:
        record = self.client.get_json(f"/history/{prompt_id}").get(prompt_id)
        return bool(record) and (record.get("status", {}).get("status_str") in ("success", "error"))

    def _wait_history(self, prompt_id: str, deadline: float) -> dict[str, Any]:
        while True:
            history = self.client.get_json(f"/history/{prompt_id}")
            record = history.get(prompt_id)
            if record:
                status = record.get("status", {})
                if status.get("status_str") == "error":
                    raise RenderFailure(f"ComfyUI failed to run the workflow: {_status_error(status)}")
                if status.get("completed", bool(record.get("outputs"))):
                    return dict(record)
            if time.monotonic() > deadline:
                raise RenderFailure(
                    f"ComfyUI did not finish prompt {prompt_id} within {self.options.timeout_s:.0f} s"
                )
            time.sleep(self.options.poll_s)

    def _output(self, record: dict[str, Any], mapping: WorkflowMapping) -> dict[str, str]:
        """The first video file among the outputs (of the mapped node, when one is named)."""
        outputs = record.get("outputs", {})
        nodes = [mapping.output] if mapping.output else list(outputs)
        for node in nodes:
            for items in outputs.get(node, {}).values():
                for item in items if isinstance(items, list) else []:
                    if isinstance(item, dict) and str(item.get("filename", "")).lower().endswith(
                        _VIDEO_SUFFIXES
                    ):
                        return item
        raise RenderFailure(f"ComfyUI finished but produced no video output (outputs: {list(outputs)})")


def _status_error(status: dict[str, Any]) -> str:
    for kind, data in status.get("messages", []):
        if kind == "execution_error":
            return (
                f"node {data.get('node_id')} ({data.get('node_type')}): {data.get('exception_message', '')}"
            )
    return "unknown error"
