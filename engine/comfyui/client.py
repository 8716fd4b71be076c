"""The few ComfyUI HTTP endpoints we use, over httpx, with every failure turned into one line:
a refused connection, a server that does not answer in time, an HTTP error with ComfyUI's own
explanation, an answer that is not JSON."""

from __future__ import annotations

import json
import threading
from typing import Any

import httpx

from film import RenderFailure


class ComfyHTTPError(RenderFailure):
    """ComfyUI answered with an HTTP error; `body` is its JSON (or text) explanation."""

    def __init__(self, code: int, body: str) -> None:
        super().__init__(f"ComfyUI answered HTTP {code}: {body[:300]}")
        self.code = code
        self.body = body


class ComfyUIClient:
    """One connection pool per client, opened on first use (so a renderer built before a worker
    forks never shares sockets with it)."""

    def __init__(self, url: str, timeout_s: float) -> None:
        self.url = url.rstrip("/")
        self.timeout_s = timeout_s
        self._http: httpx.Client | None = None
        self._lock = threading.Lock()

    def _client(self) -> httpx.Client:
        with self._lock:
            if self._http is None:
                self._http = httpx.Client(base_url=self.url, timeout=self.timeout_s)
            return self._http

    def close(self) -> None:
        with self._lock:
            if self._http is not None:
                self._http.close()
                self._http = None

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._client().request(method, path, **kwargs)
        except httpx.TimeoutException:
            raise RenderFailure(
                f"ComfyUI server at {self.url} did not answer {method} {path} within {self.timeout_s:g} s"
            ) from None
        except httpx.TransportError as exc:  # refused, reset, DNS, TLS...
            reason = str(exc) or type(exc).__name__
            raise RenderFailure(f"ComfyUI server at {self.url} is not reachable: {reason}") from None
        if response.is_error:
            raise ComfyHTTPError(response.status_code, response.text)
        return response

    def _json(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            shown = response.text[:120]
            raise RenderFailure(
                f"ComfyUI answered {response.request.url.path} with something that is not JSON: {shown!r}"
            ) from None

    def get_json(self, path: str) -> Any:
        return self._json(self._send("GET", path))

    def post_json(self, path: str, payload: object) -> Any:
        return self._json(self._send("POST", path, json=payload))

    def upload_image(self, name: str, png: bytes) -> str:
        """POST /upload/image (multipart); returns the name the workflow's LoadImage should use."""
        files = {"image": (name, png, "image/png")}
        info = self._json(self._send("POST", "/upload/image", files=files, data={"overwrite": "true"}))
        sub = info.get("subfolder") or ""
        return f"{sub}/{info['name']}" if sub else str(info["name"])

    def view(self, item: dict[str, str]) -> bytes:
        """GET /view: the bytes of one output file."""
        params = {
            "filename": item["filename"],
            "subfolder": item.get("subfolder", ""),
            "type": item.get("type", "output"),
        }
        return self._send("GET", "/view", params=params).content


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
