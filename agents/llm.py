"""One OpenAI-protocol client for every LLM agent: OpenAI, Ollama, vLLM, llama.cpp server, LM Studio.

Servers differ in how they constrain output, so `structured()` degrades: `json_schema` (OpenAI,
vLLM, LM Studio) → `json_object` with the schema attached (llama.cpp, which answers 422 to
`json_schema`) → a plain prompt with the schema in it and the first JSON object cut out of the
reply. Whatever comes back is validated with pydantic; errors (and truncation, finish_reason
"length") are fed back to the model a bounded number of times, then `LLMFailure` is raised so the
calling agent can fall back to its heuristic and note a warning in the run's `RunLedger`.

The client steps down only when the server rejects the response format (see `agents.llm_errors`);
any other refusal (context too long, unknown model, bad key) ends as one `LLMFailure` line quoting
the server's own message. Retries (timeouts, connection errors, 408/409/429, 5xx) run through
tenacity rather than the SDK's `max_retries`: the SDK's backoff constants and jitter ignore
`LLMConfig`, and it would retry llama-cpp-python's HTTP 500 format refusals before we could step down.
A `Retry-After` / `retry-after-ms` header wins over the backoff, capped at `max_backoff_s`.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

import openai
from pydantic import BaseModel, ValidationError
from tenacity import (
    RetryCallState,
    RetryError,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

from agents.llm_errors import format_refused, retry_after_s, status_line, transient
from film import StoryreelError

T = TypeVar("T", bound=BaseModel)
R = TypeVar("R")
Mode = Literal["json_schema", "json_object", "prompt"]
MODES: tuple[Mode, ...] = ("json_schema", "json_object", "prompt")


class LLMFailure(StoryreelError):
    """The model could not give a usable answer (server down, timeouts, invalid output after repair)."""

    exit_code = 1


class _FormatRefused(Exception):
    """The server rejected our response_format (see `llm_errors.format_refused`): ask another way."""


@dataclass(frozen=True)
class LLMConfig:
    """Where the model lives and how patient to be; the studio fills it from its settings."""

    base_url: str
    """e.g. https://api.openai.com/v1, http://localhost:11434/v1 (Ollama), http://127.0.0.1:8080/v1."""
    model: str
    api_key: str = "not-needed"
    timeout_s: float = 60.0
    max_retries: int = 2
    """Extra tries after a timeout, connection error, 408/409/429 or 5xx."""
    backoff_s: float = 0.5
    """First backoff; doubles per retry, capped at `max_backoff_s`; a Retry-After header wins."""
    max_backoff_s: float = 20.0
    """Longest wait between tries, a server's Retry-After included."""
    max_repairs: int = 2
    """Extra turns that show the model its validation errors before giving up."""
    concurrency: int = 4
    """Most requests in flight at once from one client (recaptions run in parallel)."""
    mode: Mode | Literal["auto"] = "auto"
    """Structured-output mode; 'auto' starts at json_schema and steps down when the server rejects
    the response format (never on other errors)."""
    temperature: float = 0.2
    seed: int | None = None
    """Sampling seed sent with every request (servers that honour it repeat their answers)."""
    plan_max_tokens: int = 700
    shot_max_tokens: int = 220


@dataclass
class RunLedger:
    """Token usage and warnings of one run, shared by its agents (thread-safe); the studio stores it."""

    requests: int = 0
    """HTTP requests sent, retries and repairs included."""
    calls: int = 0
    """Completions that came back (the ones with token usage)."""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    warnings: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add_request(self) -> None:
        with self._lock:
            self.requests += 1

    def add_usage(self, prompt_tokens: int, completion_tokens: int) -> None:
        with self._lock:
            self.calls += 1
            self.prompt_tokens += prompt_tokens
            self.completion_tokens += completion_tokens

    def warn(self, message: str) -> None:
        """Note a warning once (a resumed run passes the same checks again)."""
        with self._lock:
            if message not in self.warnings:
                self.warnings.append(message)

    def snapshot(self) -> dict[str, Any]:
        """Plain JSON for the graph state / the runs table."""
        with self._lock:
            return {
                "requests": self.requests,
                "calls": self.calls,
                "prompt_tokens": self.prompt_tokens,
                "completion_tokens": self.completion_tokens,
                "total_tokens": self.prompt_tokens + self.completion_tokens,
                "warnings": list(self.warnings),
            }


class LLMClient:
    """Chat completions with retries, a concurrency bound, structured output and repair."""

    def __init__(
        self,
        config: LLMConfig,
        ledger: RunLedger | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """`sleep` waits between retries; tests pass a recorder so Retry-After is checked, not slept."""
        self.config = config
        self.ledger = ledger if ledger is not None else RunLedger()
        counted = openai.DefaultHttpxClient(event_hooks={"request": [lambda _: self.ledger.add_request()]})
        self._sdk = openai.OpenAI(
            base_url=config.base_url,
            api_key=config.api_key,
            timeout=config.timeout_s,
            max_retries=0,
            http_client=counted,
        )
        backoff = wait_exponential(multiplier=config.backoff_s, max=config.max_backoff_s)

        def wait(state: RetryCallState) -> float:
            error = state.outcome.exception() if state.outcome else None
            asked = retry_after_s(error)
            return min(asked, config.max_backoff_s) if asked is not None else float(backoff(state))

        self._retrying = Retrying(
            retry=retry_if_exception(transient),
            stop=stop_after_attempt(max(0, config.max_retries) + 1),
            wait=wait,
            sleep=sleep,
        )
        self._gate = threading.BoundedSemaphore(max(1, config.concurrency))
        self._mode_lock = threading.Lock()
        self._mode: Mode = "json_schema" if config.mode == "auto" else config.mode

    @property
    def mode(self) -> Mode:
        """The structured-output mode this server is known to accept (may step down once)."""
        return self._mode

    def structured(
        self,
        schema: type[T],
        *,
        system: str,
        user: str,
        max_tokens: int,
        schema_override: dict[str, Any] | None = None,
    ) -> T:
        """Ask for one `schema` object; raises LLMFailure when out of tries."""
        return self.structured_as(
            schema,
            lambda value: value,
            system=system,
            user=user,
            max_tokens=max_tokens,
            schema_override=schema_override,
        )

    def structured_as(
        self,
        schema: type[T],
        check: Callable[[T], R],
        *,
        system: str,
        user: str,
        max_tokens: int,
        schema_override: dict[str, Any] | None = None,
    ) -> R:
        """Ask for one `schema` object and turn it into the result with `check`, whose ValueError
        goes back to the model for repair like a validation error. Raises LLMFailure when out of tries."""
        json_schema = schema_override or llm_schema(schema)
        messages: list[dict[str, str]] = [
            {"role": "system", "content": system},
            {"role": "user", "content": user},
        ]
        problem = ""
        for _attempt in range(self.config.max_repairs + 1):
            mode = self._mode
            content, finish = self._complete(messages, mode, json_schema, schema.__name__, max_tokens)
            if finish == "length":
                problem = "the answer was cut off at the token limit"
                feedback = "Your JSON was cut off. Answer again with a shorter, complete JSON object."
            else:
                try:
                    value = schema.model_validate(extract_json(content))
                    return check(value)
                except (ValueError, ValidationError) as exc:
                    problem = _short_error(exc)
                    feedback = (
                        f"Your JSON was not valid: {problem}. Answer again with only the corrected JSON "
                        "object that follows the schema."
                    )
            messages = [
                *messages[:2],
                {"role": "assistant", "content": content[:4000]},
                {"role": "user", "content": feedback},
            ]
        raise LLMFailure(
            f"{schema.__name__}: no valid answer after {self.config.max_repairs + 1} tries: {problem}"
        )

    def _complete(
        self, messages: list[dict[str, str]], mode: Mode, schema: dict[str, Any], name: str, max_tokens: int
    ) -> tuple[str, str]:
        """One completion in `mode`, stepping down the modes when the server rejects a format."""
        while True:
            sent = list(messages)
            extra: dict[str, Any] = {}
            if mode == "json_schema":
                extra["response_format"] = {
                    "type": "json_schema",
                    "json_schema": {"name": name, "schema": schema, "strict": False},
                }
            elif mode == "json_object":
                extra["response_format"] = {"type": "json_object", "schema": schema}
            else:
                hint = (
                    f"\n\nReply with one JSON object only, matching this JSON schema:\n{json.dumps(schema)}"
                )
                sent[0] = {"role": "system", "content": sent[0]["content"] + hint}
            try:
                return self._send(sent, max_tokens, extra)
            except _FormatRefused as refused:
                exc = refused.__cause__
                line = status_line(exc) if isinstance(exc, openai.APIStatusError) else str(exc)
                if mode == MODES[-1] or self.config.mode != "auto":
                    raise LLMFailure(
                        f"the LLM server refused response_format {mode}: {line} (LLM mode is "
                        f"{self.config.mode!r}; 'auto' steps down to a format the server accepts)"
                    ) from exc
                mode = MODES[MODES.index(mode) + 1]
                with self._mode_lock:
                    if MODES.index(mode) > MODES.index(self._mode):
                        self._mode = mode

    def _send(
        self, messages: list[dict[str, str]], max_tokens: int, extra: dict[str, Any]
    ) -> tuple[str, str]:
        """POST with retries on transient faults; every other refusal becomes one LLMFailure line."""
        cfg = self.config
        try:
            return self._retrying(self._post, messages, max_tokens, extra)
        except RetryError as gave_up:
            error = gave_up.last_attempt.exception()
            tries = gave_up.last_attempt.attempt_number
            times = "once" if tries == 1 else f"{tries} times"
            raise LLMFailure(f"the LLM server failed {times}: {_describe(error, cfg)}") from error
        except openai.APIStatusError as exc:
            hint = _HINTS.get(exc.status_code, "").format(model=cfg.model, base_url=cfg.base_url)
            hint = f" ({hint})" if hint else ""
            raise LLMFailure(f"the LLM server refused the request: {status_line(exc)}{hint}") from exc

    def _post(
        self, messages: list[dict[str, str]], max_tokens: int, extra: dict[str, Any]
    ) -> tuple[str, str]:
        """One HTTP request (counted by the http client's hook); returns (content, finish_reason)."""
        cfg = self.config
        try:
            with self._gate:
                reply = self._sdk.chat.completions.create(
                    model=cfg.model,
                    messages=messages,  # type: ignore[arg-type]
                    max_tokens=max_tokens,
                    temperature=cfg.temperature,
                    seed=cfg.seed if cfg.seed is not None else openai.omit,
                    extra_body=extra or None,
                )
        except openai.APIStatusError as exc:
            if format_refused(exc, sent_format="response_format" in extra):
                raise _FormatRefused() from exc
            raise
        usage = reply.usage
        if usage is not None:
            self.ledger.add_usage(usage.prompt_tokens or 0, usage.completion_tokens or 0)
        if not reply.choices:
            return "", "stop"
        choice = reply.choices[0]
        return choice.message.content or "", choice.finish_reason or "stop"


_HINTS = {
    401: "check the LLM API key",
    403: "check the LLM API key",
    404: "check model {model!r} and base URL {base_url}",
}
"""What the user can do about a refusal, after the server's own words."""


def _describe(error: BaseException | None, cfg: LLMConfig) -> str:
    """The last transient fault, in words a user can act on."""
    if isinstance(error, openai.APITimeoutError):
        return f"timed out after {cfg.timeout_s:g} s"
    if isinstance(error, openai.APIConnectionError):
        cause = " ".join(str(error.__cause__ or error).split())[:200]
        return f"could not connect to {cfg.base_url} ({cause})"
    if isinstance(error, openai.APIStatusError):
        return status_line(error)
    return f"{type(error).__name__}: {error}"


def _short_error(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        parts = [f"{'.'.join(str(p) for p in e['loc']) or 'root'}: {e['msg']}" for e in exc.errors()[:6]]
        return "; ".join(parts)
    return str(exc)[:400]


def extract_json(text: str) -> Any:
    """The first complete JSON object in `text` (models wrap JSON in prose or ``` fences)."""
    text = text.strip()
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    decoder = json.JSONDecoder()
    start = text.find("{")
    while start != -1:
        try:
            value, _ = decoder.raw_decode(text, start)
            return value
        except json.JSONDecodeError:
            start = text.find("{", start + 1)
    raise ValueError("no JSON object found in the answer")


def llm_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema with $refs inlined and titles dropped: small grammars for small
    models, and llama.cpp's grammar converter never has to chase references."""
    raw = model.model_json_schema()
    defs = raw.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return walk(defs[node["$ref"].split("/")[-1]])
            out = {k: walk(v) for k, v in node.items() if k not in ("title", "description", "default")}
            if isinstance(node.get("properties"), dict):  # property names are data, keep "title"
                out["properties"] = {name: walk(sub) for name, sub in node["properties"].items()}
            return out
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    schema: dict[str, Any] = walk(raw)
    return schema
