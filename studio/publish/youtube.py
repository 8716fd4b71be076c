"""The `youtube` adapter: a YouTube Data API v3 `videos.insert` through the resumable upload
protocol, with the synthetic-media disclosure set.

1. POST {base}/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status with the video
   resource as JSON and `Authorization: Bearer`, `X-Upload-Content-Type`, `X-Upload-Content-Length`;
   the answer's `Location` header is the upload session.
2. PUT the film's bytes to the session; the answer is the video resource, whose `id` we return.
   If the PUT fails in transit, ask the session how much it holds (`Content-Range: bytes */N`,
   answered `308` with `Range: bytes=0-K`) and send the rest from K+1.

The resource sets `status.containsSyntheticMedia: true` (the altered-or-synthetic disclosure,
in the API since 2024-10-30), `status.privacyStatus` from the series, `status.selfDeclaredMadeForKids:
false`, and the AI label as the description's first line. YouTube's rules for the text are applied
with a note rather than refused: a title of at most 100 characters, a description of at most 5000
bytes, neither with `<` or `>`; tags at most 500 characters in all.

References: https://developers.google.com/youtube/v3/docs/videos/insert,
https://developers.google.com/youtube/v3/docs/videos (resource and its limits),
https://developers.google.com/youtube/v3/guides/using_resumable_upload_protocol,
https://developers.google.com/youtube/v3/revision_history (status.containsSyntheticMedia).

YouTube takes no idempotency key: give the publisher a `receipts` folder and a release it has
already uploaded returns its first receipt instead of a second video.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from film.files import write_atomic
from studio.publish.attempts import Sleep, Transient, check, gave_up, retrying, transient
from studio.publish.release import PublishFailure, Receipt, Release
from studio.publish.youtube_text import fit_description, fit_tags, fit_title

API_ROOT = "https://www.googleapis.com"
INSERT_PATH = "/upload/youtube/v3/videos"
FILM_CATEGORY = "1"
"""YouTube's 'Film & Animation' video category."""
CHUNK_BYTES = 1 << 20


@dataclass(frozen=True)
class InsertRequest:
    """The session-starting request, whole, so it can be inspected before (or instead of) sending."""

    url: str
    params: dict[str, str]
    headers: dict[str, str]
    body: dict[str, Any]
    notes: tuple[str, ...]


def insert_request(
    release: Release, *, token: str, base_url: str = API_ROOT, category_id: str = FILM_CATEGORY
) -> InsertRequest:
    """The `videos.insert` resumable-session request this release would send."""
    notes: list[str] = []
    snippet = {
        "title": fit_title(release.title, notes),
        "description": fit_description(release.ai_label, release.description, notes),
        "tags": fit_tags(release.tags, notes),
        "categoryId": category_id,
        "defaultLanguage": release.language,
    }
    status = {
        "privacyStatus": release.privacy,
        "containsSyntheticMedia": True,
        "selfDeclaredMadeForKids": False,
    }
    if not release.c2pa_signed:
        notes.append(
            f"c2pa: the unsigned manifest {release.c2pa} stays beside the film (YouTube takes one file); "
            "containsSyntheticMedia and the description's first line carry the disclosure"
        )
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json; charset=UTF-8",
        "X-Upload-Content-Type": "video/mp4",
        "X-Upload-Content-Length": str(release.film.stat().st_size),
    }
    return InsertRequest(
        url=base_url.rstrip("/") + INSERT_PATH,
        params={"uploadType": "resumable", "part": "snippet,status"},
        headers=headers,
        body={"snippet": snippet, "status": status},
        notes=tuple(notes),
    )


def _chunks(path: Path, start: int) -> Iterator[bytes]:
    with open(path, "rb") as handle:
        handle.seek(start)
        while block := handle.read(CHUNK_BYTES):
            yield block


def _received(response: httpx.Response) -> int:
    """How many bytes a 308 says the session holds: `Range: bytes=0-K` means K+1; none means 0."""
    found = re.fullmatch(r"bytes=0-(\d+)", response.headers.get("range", "").strip())
    return int(found.group(1)) + 1 if found else 0


class YouTubePublisher:
    """Uploads a release as a YouTube video. `base_url` is the API root (tests point it at a local
    receiver); the session URL must stay on that host, so the token is never sent elsewhere."""

    name = "youtube"

    def __init__(
        self,
        token: str,
        *,
        base_url: str = API_ROOT,
        category_id: str = FILM_CATEGORY,
        attempts: int = 5,
        backoff_s: float = 1.0,
        max_backoff_s: float = 60.0,
        timeout_s: float = 120.0,
        receipts: Path | None = None,
        sleep: Sleep = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._token = token
        self.base_url = base_url
        self.category_id = category_id
        self.receipts = Path(receipts) if receipts is not None else None
        self._retrying = retrying(
            attempts=attempts, backoff_s=backoff_s, max_backoff_s=max_backoff_s, sleep=sleep
        )
        self._timeout = httpx.Timeout(timeout_s)
        self._transport = transport

    def publish(self, release: Release) -> Receipt:
        """Start a session, upload the bytes (resuming after a break), return the video id."""
        kept = self._kept(release)
        if kept is not None:
            return kept
        request = insert_request(
            release, token=self._token, base_url=self.base_url, category_id=self.category_id
        )
        tries = 0
        with httpx.Client(timeout=self._timeout, transport=self._transport) as client:
            try:

                def start() -> str:
                    nonlocal tries
                    tries += 1
                    sent = client.post(
                        request.url, params=request.params, headers=request.headers, json=request.body
                    )
                    return self._session(check(sent, "YouTube videos.insert"))

                session = self._retrying(start)
                upload = _Upload(client, session, release.film, self._token)

                def put() -> dict[str, Any]:
                    nonlocal tries
                    tries += 1
                    return upload.send()

                video = self._retrying(put)
            except Exception as error:
                if transient(error):
                    raise gave_up("YouTube upload", tries, error) from error
                raise
        video_id = video.get("id")
        if not isinstance(video_id, str) or not video_id:
            raise PublishFailure(f"YouTube accepted the upload but named no video id: {str(video)[:200]}")
        receipt = Receipt(self.name, video_id, tries, release.idempotency_key, request.notes)
        self._keep(receipt)
        return receipt

    def _session(self, response: httpx.Response) -> str:
        """The upload session URL from `Location`, on the API's own scheme and host."""
        where = response.headers.get("location", "")
        base, got = urlsplit(self.base_url), urlsplit(where)
        if (got.scheme, got.netloc) != (base.scheme, base.netloc):
            raise PublishFailure(f"YouTube videos.insert gave no upload session on {base.netloc}: {where!r}")
        return where

    def _receipt_path(self, key: str) -> Path | None:
        return None if self.receipts is None else self.receipts / f"{key}.json"

    def _kept(self, release: Release) -> Receipt | None:
        """The receipt of an earlier upload of this very release, if one was kept."""
        path = self._receipt_path(release.idempotency_key)
        if path is None or not path.is_file():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return Receipt(
            data["adapter"], data["where"], data["attempts"], data["idempotency_key"], tuple(data["notes"])
        )

    def _keep(self, receipt: Receipt) -> None:
        path = self._receipt_path(receipt.idempotency_key)
        if path is not None:
            data = dict(vars(receipt), notes=list(receipt.notes))
            write_atomic(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


class _Upload:
    """One resumable upload session: the first send starts at byte 0, a later one asks the
    session what it holds and sends only the rest."""

    def __init__(self, client: httpx.Client, session: str, film: Path, token: str) -> None:
        self.client, self.session, self.film = client, session, film
        self.size = film.stat().st_size
        self.auth = {"Authorization": f"Bearer {token}"}
        self.sent_before = False
        self._video: dict[str, Any] = {}

    def send(self) -> dict[str, Any]:
        start = self._resume_at() if self.sent_before else 0
        if start is None:
            return self._video
        self.sent_before = True
        headers = {**self.auth, "Content-Type": "video/mp4", "Content-Length": str(self.size - start)}
        if start:
            headers["Content-Range"] = f"bytes {start}-{self.size - 1}/{self.size}"
        answer = check(
            self.client.put(self.session, content=_chunks(self.film, start), headers=headers),
            "YouTube upload",
            resumable=True,
        )
        if answer.status_code == 308:  # the session still lacks bytes: ask again and resume
            raise Transient(answer)
        return _json(answer)

    def _resume_at(self) -> int | None:
        """Where to go on after a break (None: the session already finished the video)."""
        headers = {**self.auth, "Content-Range": f"bytes */{self.size}", "Content-Length": "0"}
        answer = self.client.put(self.session, headers=headers)
        if answer.status_code == 404:
            raise PublishFailure("YouTube upload session expired (404); publish again to start a new one")
        if answer.status_code in (200, 201):
            self._video = _json(answer)
            return None
        if answer.status_code == 308:
            return _received(answer)
        check(answer, "YouTube upload status")
        raise Transient(answer)


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        raise PublishFailure(f"YouTube answered {response.status_code} with no JSON video resource") from None
    return data if isinstance(data, dict) else {}
