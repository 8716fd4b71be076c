"""Reading an OpenAI-protocol server's error: what it said, whether it refused our response format,
whether trying again can help, and how long it asked us to wait.

Servers word errors differently (bodies seen from each, kept as cases in tests/agents/test_llm_faults.py):
OpenAI, Ollama, llama.cpp, LM Studio and llama-cpp-python send `{"error": {"message": ...}}` (LM Studio
sometimes `{"error": "..."}`), vLLM a top-level `{"message": ...}`, FastAPI servers `{"detail": [...]}`.
A format refusal is recognised by what it names, never by its status alone: OpenAI answers 400 with
`param: "response_format"`, older llama.cpp 422 or 500 "response_format type must be one of ...",
llama-cpp-python 500 with a validation error at `('body', 'response_format', 'type')`, vLLM 400 naming
the JSON schema or its grammar backend. A context-length, model or key error names none of these.
"""

from __future__ import annotations

import email.utils
import re
import time
from typing import Any

import openai

QUOTE_CHARS = 200
"""The most of a server's message one error line quotes."""

_FORMAT_WORDS = re.compile(r"response_format|json_schema|json_object|\bschema\b|grammar", re.IGNORECASE)
_TRACEBACK = re.compile(r"\n\s*(File \"|Traceback \(most recent call last\))")


def server_said(error: openai.APIStatusError) -> str:
    """The server's own message, whole; the SDK has already unwrapped a `{"error": ...}` envelope."""
    body: Any = error.body
    if isinstance(body, dict):
        for key in ("message", "detail", "error", "msg"):
            said = body.get(key)
            if isinstance(said, str) and said.strip():
                return said
            if isinstance(said, list) and said:
                return "; ".join(_detail(item) for item in said)
            if isinstance(said, dict) and isinstance(said.get("message"), str):
                return str(said["message"])
    if isinstance(body, str) and body.strip():
        return body
    return error.response.reason_phrase or ""


def _detail(item: Any) -> str:
    """One FastAPI validation error as `body.response_format.type: message`."""
    if isinstance(item, dict):
        where = ".".join(str(part) for part in item.get("loc", ()))
        return f"{where}: {item.get('msg', '')}" if where else str(item.get("msg", item))
    return str(item)


def quote(text: str) -> str:
    """The message on one line, without a server-side traceback, cut to QUOTE_CHARS."""
    text = " ".join(_TRACEBACK.split(text, maxsplit=1)[0].split())
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1].rstrip() + "…"


def status_line(error: openai.APIStatusError) -> str:
    """`HTTP 400 This model's maximum context length is ...`: the status and the server's words."""
    return f"HTTP {error.status_code} {quote(server_said(error))}".rstrip()


def format_refused(error: openai.APIStatusError, *, sent_format: bool) -> bool:
    """Did the server reject the response_format we sent (so another format may work), rather
    than the request itself? Only statuses a refusal comes with (400, 422, 5xx) and only when the
    server names the format, the schema or the grammar."""
    status = error.status_code
    if not sent_format or not (status in (400, 422) or status >= 500):
        return False
    return getattr(error, "param", None) == "response_format" or bool(
        _FORMAT_WORDS.search(server_said(error))
    )


def transient(error: BaseException) -> bool:
    """Worth another try: no answer (timeout, connection), 408/409/429, or a 5xx that is not a
    format refusal (those are raised as another exception type before this is asked)."""
    if isinstance(error, openai.APIConnectionError):  # timeouts included
        return True
    if isinstance(error, openai.APIStatusError):
        return error.status_code in (408, 409, 429) or error.status_code >= 500
    return False


def retry_after_s(error: BaseException | None) -> float | None:
    """Seconds the server asked us to wait (`retry-after-ms`, `retry-after` as seconds or an HTTP
    date), or None when it did not say."""
    response = getattr(error, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    for key, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        raw = headers.get(key)
        if raw is None:
            continue
        try:
            return max(0.0, float(raw) * scale)
        except ValueError:
            pass
    raw = headers.get("retry-after")
    when = email.utils.parsedate_tz(raw) if raw else None
    if when is None:
        return None
    return max(0.0, email.utils.mktime_tz(when) - time.time())
