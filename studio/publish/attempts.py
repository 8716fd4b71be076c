"""Trying an HTTP delivery again: which failures are worth another try (connection errors,
timeouts, 429 and 5xx), how long to wait (a server's Retry-After, else exponential backoff), and
the one error a caller gets when the tries run out or the receiver refuses outright.

The wait goes through an injectable `sleep`, so tests record the delays instead of sleeping them.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from studio.publish.release import PublishFailure

Sleep = Callable[[float], None]
QUOTE_CHARS = 200
"""The most of a receiver's answer one error line quotes."""


class Transient(Exception):
    """A response that may succeed if sent again (429 or 5xx); carries it for its Retry-After."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(status_line(response))
        self.response = response


def status_line(response: httpx.Response) -> str:
    """'503 Service Unavailable: <the start of the body>' for error messages."""
    said = " ".join(response.text.split())[:QUOTE_CHARS]
    return f"{response.status_code} {response.reason_phrase}" + (f": {said}" if said else "")


def check(response: httpx.Response, what: str, *, resumable: bool = False) -> httpx.Response:
    """`response` when it is a 2xx (or, for a `resumable` upload, its 308 'incomplete');
    `Transient` for 429/5xx; a `PublishFailure` for any other 4xx, which sending again cannot fix,
    and for a redirect, which is not followed (a signed body must not wander to another host)."""
    code = response.status_code
    if code == 429 or code >= 500:
        raise Transient(response)
    if code >= 400:
        raise PublishFailure(f"{what} refused the release ({status_line(response)}); not retried")
    if 300 <= code < 400 and not (resumable and code == 308):
        where = response.headers.get("location", "?")
        raise PublishFailure(f"{what} answered a redirect ({code} to {where}); configure the final URL")
    return response


def transient(error: BaseException) -> bool:
    """Worth another try: a scripted-transient answer, or the network failing under us."""
    return isinstance(error, Transient | httpx.TransportError)


def retry_after_s(error: BaseException | None) -> float | None:
    """Seconds the receiver asked us to wait (`Retry-After` as seconds or an HTTP date), or None."""
    if not isinstance(error, Transient):
        return None
    raw = error.response.headers.get("retry-after")
    if raw is None:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        when = email.utils.parsedate_tz(raw)
        return None if when is None else max(0.0, email.utils.mktime_tz(when) - time.time())


def retrying(*, attempts: int, backoff_s: float, max_backoff_s: float, sleep: Sleep) -> Retrying:
    """Up to `attempts` tries of transient failures; waits double from `backoff_s`, capped at
    `max_backoff_s`; a Retry-After wins (capped the same, so a hostile header cannot stall a run).
    The last error is re-raised as it was, for `gave_up` to word."""
    backoff = wait_exponential(multiplier=backoff_s, max=max_backoff_s)

    def wait(state: RetryCallState) -> float:
        asked = retry_after_s(state.outcome.exception() if state.outcome else None)
        return min(asked, max_backoff_s) if asked is not None else float(backoff(state))

    return Retrying(
        retry=retry_if_exception(transient),
        stop=stop_after_attempt(attempts),
        wait=wait,
        sleep=sleep,
        reraise=True,
    )


def gave_up(what: str, attempts: int, error: BaseException) -> PublishFailure:
    """The one error after the last try, naming the target, the tries and the last failure."""
    last = str(error) or type(error).__name__
    return PublishFailure(f"{what}: gave up after {attempts} attempt(s); last: {last}")
