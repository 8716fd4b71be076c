"""Publish adapters: where a scheduled series' episodes go once they are made.

`publisher(config)` builds one from a small config (`kind` = folder, webhook or youtube, plus its
fields); each has `publish(release) -> Receipt` and is safe to call again with the same release,
since the scheduler delivers at least once. Every release carries the AI label and its C2PA
manifest (signed into the film, or the unsigned sidecar beside it), or it is refused at the door.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, TypeAdapter, ValidationError, field_validator

from film import BadInput
from studio.publish.attempts import Sleep
from studio.publish.release import (
    Privacy,
    Publisher,
    PublishFailure,
    Receipt,
    Release,
    episode_id,
    slug,
)

__all__ = [
    "FolderConfig",
    "Privacy",
    "PublishConfig",
    "PublishFailure",
    "Publisher",
    "Receipt",
    "Release",
    "WebhookConfig",
    "YouTubeConfig",
    "episode_id",
    "parse_config",
    "publisher",
    "slug",
]


class _Config(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FolderConfig(_Config):
    """Dated folders under `root`."""

    kind: Literal["folder"] = "folder"
    root: Path


class _Retried(_Config):
    attempts: int = Field(default=5, ge=1, le=20, description="tries in all, the first included")
    backoff_s: float = Field(default=1.0, ge=0.0, le=60.0, description="first wait; doubles per retry")
    max_backoff_s: float = Field(default=60.0, ge=0.0, le=3600.0, description="longest wait, Retry-After too")
    timeout_s: float = Field(default=30.0, gt=0.0, le=3600.0, description="longest wait for one answer")


def _http_url(value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise ValueError("must be an http:// or https:// URL")
    return value


class WebhookConfig(_Retried):
    """A signed POST of the release metadata to `url`."""

    kind: Literal["webhook"] = "webhook"
    url: str
    secret: SecretStr = Field(description="HMAC-SHA256 key the receiver shares; 16 characters or more")

    @field_validator("url")
    @classmethod
    def _is_http(cls, value: str) -> str:
        return _http_url(value)

    @field_validator("secret")
    @classmethod
    def _long_enough(cls, value: SecretStr) -> SecretStr:
        if len(value.get_secret_value()) < 16:
            raise ValueError("must be at least 16 characters (a guessable key signs nothing)")
        return value


class YouTubeConfig(_Retried):
    """A `videos.insert` resumable upload with an OAuth access token."""

    kind: Literal["youtube"] = "youtube"
    token: SecretStr = Field(description="OAuth 2.0 access token with the youtube.upload scope")
    base_url: str = "https://www.googleapis.com"
    category_id: str = Field(default="1", pattern=r"^\d+$", description="YouTube video category; 1 = Film")
    timeout_s: float = Field(default=120.0, gt=0.0, le=3600.0, description="longest wait for one answer")
    receipts: Path | None = Field(default=None, description="keep receipts here so a re-publish is a no-op")

    @field_validator("base_url")
    @classmethod
    def _is_http(cls, value: str) -> str:
        return _http_url(value)


PublishConfig = Annotated[FolderConfig | WebhookConfig | YouTubeConfig, Field(discriminator="kind")]
_ADAPTER: TypeAdapter[FolderConfig | WebhookConfig | YouTubeConfig] = TypeAdapter(PublishConfig)


def parse_config(raw: Mapping[str, Any]) -> FolderConfig | WebhookConfig | YouTubeConfig:
    """A config from plain data (a series file's `publish:` table); a bad one is one BadInput
    naming the field and its value, e.g. `publish.url='ftp://x': must be an http:// or https:// URL`."""
    try:
        return _ADAPTER.validate_python(dict(raw))
    except ValidationError as exc:
        err = exc.errors()[0]
        if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
            raise BadInput("publish.kind", raw.get("kind"), "must be folder, webhook or youtube") from None
        loc = [str(part) for part in err["loc"]]
        if loc and loc[0] == raw.get("kind"):
            loc = loc[1:]  # the discriminator's own step, not a field
        why = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            why = "not a field of this publish kind"
        value = err.get("input")
        if isinstance(value, SecretStr) or (loc and loc[-1] in ("secret", "token")):
            value = "**********"  # never echo a secret into a log line
        raise BadInput("publish." + ".".join(loc) if loc else "publish", value, why) from None


def publisher(
    config: FolderConfig | WebhookConfig | YouTubeConfig | Mapping[str, Any], *, sleep: Sleep = time.sleep
) -> Publisher:
    """The adapter a config asks for; `sleep` is how retries wait (tests pass a recorder)."""
    if not isinstance(config, BaseModel):
        config = parse_config(config)
    if isinstance(config, FolderConfig):
        from studio.publish.folder import FolderPublisher

        return FolderPublisher(config.root)
    if isinstance(config, WebhookConfig):
        from studio.publish.webhook import WebhookPublisher

        return WebhookPublisher(
            config.url, config.secret.get_secret_value(), attempts=config.attempts,
            backoff_s=config.backoff_s, max_backoff_s=config.max_backoff_s, timeout_s=config.timeout_s,
            sleep=sleep,
        )  # fmt: skip
    if isinstance(config, YouTubeConfig):
        from studio.publish.youtube import YouTubePublisher

        return YouTubePublisher(
            config.token.get_secret_value(), base_url=config.base_url, category_id=config.category_id,
            attempts=config.attempts, backoff_s=config.backoff_s, max_backoff_s=config.max_backoff_s,
            timeout_s=config.timeout_s, receipts=config.receipts, sleep=sleep,
        )  # fmt: skip
    raise BadInput("publish.kind", getattr(config, "kind", None), "must be folder, webhook or youtube")
