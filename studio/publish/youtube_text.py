"""YouTube's rules for a video's text, applied with a note instead of a refusal, so a long or
odd title never stops a scheduled episode: a title of at most 100 characters and a description of
at most 5000 bytes, neither with `<` or `>`, tags at most 500 characters in all.
(https://developers.google.com/youtube/v3/docs/videos, snippet.title / description / tags)
"""

from __future__ import annotations

import re

TITLE_MAX_CHARS = 100
DESCRIPTION_MAX_BYTES = 5000
TAGS_MAX_CHARS = 500
_ANGLES = str.maketrans({"<": "‹", ">": "›"})


def _clean(text: str, field: str, notes: list[str]) -> str:
    """YouTube refuses `<` and `>` in titles and descriptions: swap in look-alike angle quotes."""
    cleaned = text.translate(_ANGLES)
    if cleaned != text:
        notes.append(f"{field}: replaced < and > (YouTube refuses them) with ‹ and ›")
    return cleaned


def fit_title(title: str, notes: list[str]) -> str:
    """The title cleaned and cut to 100 characters, on one line."""
    text = _clean(" ".join(title.split()), "title", notes)
    if len(text) > TITLE_MAX_CHARS:
        notes.append(f"title: cut from {len(text)} to {TITLE_MAX_CHARS} characters")
        text = text[: TITLE_MAX_CHARS - 1].rstrip() + "…"
    return text


def fit_description(label: str, description: str, notes: list[str]) -> str:
    """The AI label on the first line, then the description; cleaned, cut to 5000 UTF-8 bytes."""
    body = description.strip()
    if body.startswith(label):
        body = body[len(label) :].lstrip()
    text = _clean(f"{label}\n{body}".rstrip(), "description", notes)
    data = text.encode("utf-8")
    if len(data) > DESCRIPTION_MAX_BYTES:
        notes.append(f"description: cut from {len(data)} to {DESCRIPTION_MAX_BYTES} bytes")
        keep = data[: DESCRIPTION_MAX_BYTES - len("…".encode())].decode("utf-8", "ignore")
        text = keep.rstrip() + "…"
    return text


def fit_tags(tags: tuple[str, ...], notes: list[str]) -> list[str]:
    """Tags without `<`/`>`, kept in order while they fit YouTube's 500 characters (a tag with a
    space counts its quotes, and tags are joined by commas)."""
    kept: list[str] = []
    used = 0
    for tag in tags:
        tag = re.sub(r"[<>]", "", " ".join(tag.split()))
        cost = len(tag) + (2 if " " in tag else 0) + (1 if kept else 0)
        if not tag:
            continue
        if used + cost > TAGS_MAX_CHARS:
            notes.append(f"tags: kept {len(kept)} of {len(tags)} to fit {TAGS_MAX_CHARS} characters")
            break
        kept.append(tag)
        used += cost
    return kept
