"""ComfyUIRenderer: renders a RenderSpec through a user's own ComfyUI server.

For people who already run their local video models in ComfyUI. We fill the workflow's mapped
inputs, upload conditioning images (`/upload/image`), queue it (`POST /prompt`), follow
progress over the `/ws` websocket when the `websockets` package is installed (else, or when the
socket fails, by polling `/history/{id}`), download the output video (`/view`) and conform it to
exactly the frames, fps and size the take must have. Size and frames are planned as the diffusers
engine plans them (`plan_frames` with the workflow's model card), so a shot lasts as long as the
spec says at the model's own fps, and a continued shot's repeated first frame is dropped.
"""

from __future__ import annotations

import contextlib
import io
import json
import time
import uuid
from pathlib import Path
from typing import Any

from engine.comfyui.client import ComfyHTTPError, ComfyUIClient, explain_rejection
from engine.comfyui.options import ComfyUIOptions
from engine.comfyui.workflow import Workflow, WorkflowMapping, fill, load_workflow
from engine.diffusion.frames import FramePlan, conform, load_image, plan_frames
from engine.media import probe, read_frames
from engine.painted import write_painted_take
from engine.sound.tracks import decode_audio
from film import BadInput, MediaRef, ProgressFn, RenderFailure, RenderSpec, Take

_VIDEO_SUFFIXES = (".mp4", ".webm", ".mov", ".mkv", ".gif", ".webp")


class ComfyUIRenderer:
    """Renders through a ComfyUI server; its models, its GPU, our spec and our take format."""

    engine = "comfyui"

    def __init__(self, options: ComfyUIOptions | None = None) -> None:
        self.options = options or ComfyUIOptions()
        self.client = ComfyUIClient(self.options.url, self.options.request_timeout_s)

    def resolve(self, spec: RenderSpec) -> RenderSpec:
        """`spec` with the workflow's identity: the model card that plans its size and frames
        (as `model`), and in its options the workflow file's and the mapping's content hashes
        and the model files it loads."""
        return self._resolved(spec)[0]

    def _resolved(self, spec: RenderSpec) -> tuple[RenderSpec, Workflow, FramePlan]:
        """The resolved spec, the workflow it names (read once: the render runs the very bytes
        the cache key hashed) and its frame plan (a size the model cannot take fails here)."""
        if spec.engine != self.engine:
            raise BadInput("spec.engine", spec.engine, "this spec was recaptioned for another engine")
        workflow = load_workflow(self.options, i2v=spec.conditioning.first_frame is not None)
        cond = spec.conditioning.model_copy(update={"lead_video": None})  # a workflow pins one frame
        spec = spec.model_copy(
            update={
                "model": workflow.card.name,
                "options": {**spec.options, **workflow.settings()},
                "conditioning": cond,
            }
        )
        return spec, workflow, plan_frames(spec, workflow.card)

    def render(self, spec: RenderSpec, dest: Path, progress: ProgressFn | None = None) -> Take:
        started = time.perf_counter()
        spec, workflow, plan = self._resolved(spec)
        first = spec.conditioning.first_frame
        image = None
        if first is not None:
            if not workflow.mapping.first_frame:
                raise BadInput("comfyui.mapping.first_frame", None, "the workflow takes no first frame")
            image = self._upload(first, plan)
        client_id = uuid.uuid4().hex
        deadline = time.monotonic() + self.options.timeout_s
        with contextlib.ExitStack() as stack:
            ws = self._connect(client_id)
            if ws is not None:
                ws = stack.enter_context(ws)  # closes the socket however we leave
            prompt_id = self._queue(fill(workflow, spec, plan, image), client_id)
            if ws is not None:
                self._follow(ws, prompt_id, deadline, progress)
        record = self._wait_history(prompt_id, deadline)
        item = self._output(record, workflow.mapping)
        raw = dest.with_name(dest.stem + ".comfy" + Path(item["filename"]).suffix)
        sound = None
        try:
            raw.write_bytes(self.client.view(item))
            frames = read_frames(raw)
            info = probe(raw)
            fps = round(info.fps) or workflow.card.fps
            skip = 1 if first is not None and len(frames) > 1 else 0
            if info.has_audio:  # a workflow that makes sound with its video (LTX-2): keep it for the mix
                sound = decode_audio(raw, spec.frames / spec.fps, start_s=skip / fps)
        finally:
            raw.unlink(missing_ok=True)
        if len(frames) == 0:
            raise RenderFailure("ComfyUI returned a video with no frames")
        frames = frames[skip:]  # the previous shot already showed it: no one-frame freeze at the cut
        out = conform(frames, fps, spec)
        return write_painted_take(self.engine, spec, out, dest, started, sound=sound)

    def _upload(self, first: MediaRef, plan: FramePlan) -> str:
        """The first frame (checked against the spec's hash) cropped to the generation size as
        the diffusers engine crops it, uploaded under a name of its content."""
        image = load_image(first, "spec.conditioning.first_frame", (plan.width, plan.height))
        png = io.BytesIO()
        image.save(png, format="PNG")
        return self.client.upload_image(f"storyreel-{first.sha256[:16]}.png", png.getvalue())

    def _queue(self, nodes: dict[str, Any], client_id: str) -> str:
        try:
            answer = self.client.post_json("/prompt", {"prompt": nodes, "client_id": client_id})
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
