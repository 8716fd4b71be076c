"""Word segmentation for scripts written without spaces (Chinese, Japanese), so lexicon stems
and names match whole words there too. STUB: the language room replaces the body."""

from __future__ import annotations


def word_spans(text: str, language: str | None = None) -> list[tuple[int, int]]:
    """(start, end) of each word of `text`; one span per whitespace-separated run for now."""
    spans: list[tuple[int, int]] = []
    start = -1
    for i, ch in enumerate(text):
        if ch.isspace():
            if start >= 0:
                spans.append((start, i))
            start = -1
        elif start < 0:
            start = i
    if start >= 0:
        spans.append((start, len(text)))
    return spans
