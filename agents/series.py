"""A series bible read from YAML, and each episode's brief rendered from it.

`parse_bible` turns a file's text into a self-contained `SeriesBible`: the cast's reference
pictures become MediaRefs (path + sha256) and a CSV or folder topic source is read into
`topics.items`, so the database can keep the bible as JSON and never needs the folder again.
Every file it names must lie inside the bible's folder.

`episode_brief` renders the bible's Jinja2 brief in an immutable sandbox (values are data, a
template that reaches for attributes or names an unknown variable fails closed) and then always
adds the cast, the format and the canon, so the planner sees them even if a template forgets.
The words it adds, and the ledger's cue words, are data: templates/series/ledger.toml (not in
templates/lexicons/, whose loader takes every .toml file there for a language).
"""

from __future__ import annotations

import csv
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from jinja2 import TemplateError
from pydantic import ValidationError

from agents.heuristics.text import split_sentences
from agents.sandbox import SANDBOX
from agents.series_words import LedgerWords, all_ledger_words, labels, ledger_words, strip_end
from film import BadInput, MediaRef
from film.files import file_sha256
from film.series import Canon, CastMember, SeriesBible, Topics

__all__ = [
    "LedgerWords",
    "all_ledger_words",
    "episode_brief",
    "labels",
    "ledger_words",
    "load_bible",
    "parse_bible",
    "strip_end",
    "topic_for",
]

RENDER_ERRORS = (TemplateError, ArithmeticError, LookupError, TypeError, ValueError)
"""What a template may raise while rendering (SecurityError and UndefinedError included)."""
CANON_FACTS = 8
"""How many of the newest canon facts the brief repeats: every episode's shot list has to hold them."""
CANON_CHARS = 600
"""The canon sentence's longest length, so it fits one shot's description."""


def load_bible(path: Path) -> SeriesBible:
    """The bible in a YAML file; its relative paths are read against the file's folder."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise BadInput("bible", str(path), f"cannot be read ({err})") from None
    return parse_bible(text, path.parent, where=path.name)


def parse_bible(text: str, folder: Path | None, where: str = "bible") -> SeriesBible:
    """The bible in `text` (YAML or JSON). `folder` is where its files lie; None for a bible sent
    as text, which may then name no file. `where` names the source in error messages."""
    _no_aliases(text, where)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:  # YAML explains itself over several lines: one line here
        raise BadInput(where, text, f"is not YAML ({' '.join(str(err).split())})") from None
    if not isinstance(data, dict):
        raise BadInput(where, data, "must be a mapping of the bible's fields (name, title, cast...)")
    data = _with_pictures(data, folder)
    try:
        bible = SeriesBible.model_validate(data)
    except ValidationError as err:
        raise _first_error(err, data, where) from None
    if bible.topics.items:
        return bible
    items = _read_topics(bible.topics, folder)
    return bible.model_copy(update={"topics": Topics(items=items, column=bible.topics.column)})


def _no_aliases(text: str, where: str) -> None:
    """Refuse YAML aliases (`*name`): a few hundred bytes of them stand for a billion values,
    which checking or quoting the bible would then walk one by one. And thousands of nested
    brackets, which would exhaust the parser's stack."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return  # parse_bible says what is wrong with it
    except RecursionError:  # the parser recurses once per level of brackets
        raise BadInput(where, text, "is nested too deeply to be a series bible") from None
    seen: set[int] = set()
    todo = [root] if root is not None else []
    while todo:
        node = todo.pop()
        if id(node) in seen:
            at = f"the value on line {node.start_mark.line + 1}"
            raise BadInput(where, at, "is repeated by a YAML alias (*name); write each value out")
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            todo += [part for pair in node.value for part in pair]
        elif isinstance(node, yaml.SequenceNode):
            todo += node.value


def _first_error(err: ValidationError, data: dict[str, Any], where: str) -> BadInput:
    """pydantic's first complaint as one BadInput: the field's dotted path and its value."""
    first = err.errors(include_url=False)[0]
    loc = [str(part) for part in first["loc"]]
    why = first["msg"].removeprefix("Value error, ")
    value: object = first.get("input")
    if first["type"] == "missing":
        value, why = None, "is missing"
    elif not loc and "cast" in why:  # the cast-ids check sees the whole bible; show the ids
        loc = ["cast"]
        value = [m.get("id") for m in data.get("cast", []) if isinstance(m, dict)]
    return BadInput(".".join(loc) or where, value, f"{why} (in {where})")


def _inside(folder: Path | None, field: str, name: object) -> Path:
    """The path `name` names, read against `folder`; it must exist and stay inside it."""
    if not isinstance(name, str) or not name.strip():
        raise BadInput(field, name, "must be a path relative to the bible's folder")
    if folder is None:
        raise BadInput(field, name, "names a file; files need the bible's folder (create it from its file)")
    root = folder.resolve()
    path = (root / name).resolve()
    if not path.is_relative_to(root):
        raise BadInput(field, name, f"leaves the bible's folder {root}")
    if not path.exists():
        raise BadInput(field, name, f"no such file in {root}")
    return path


def _with_pictures(data: dict[str, Any], folder: Path | None) -> dict[str, Any]:
    """The raw bible with each cast member's `reference_image` path as a MediaRef."""
    cast = data.get("cast")
    if not isinstance(cast, list):
        return data
    members: list[object] = []
    for i, member in enumerate(cast):
        picture = member.get("reference_image") if isinstance(member, dict) else None
        if isinstance(picture, str):
            field = f"cast.{i}.reference_image"
            path = _inside(folder, field, picture)
            if not path.is_file():
                raise BadInput(field, picture, "is a folder, not a picture")
            member = {**member, "reference_image": MediaRef(path=str(path), sha256=file_sha256(path))}
        members.append(member)
    return {**data, "cast": members}


def _read_topics(topics: Topics, folder: Path | None) -> tuple[str, ...]:
    """The topics of a CSV file or a folder of text files, in order, none empty."""
    if topics.csv is not None:
        path = _inside(folder, "topics.csv", topics.csv)
        items = _csv_topics(path, topics.csv, topics.column)
    else:
        path = _inside(folder, "topics.folder", topics.folder)
        items = _folder_topics(path, str(topics.folder))
    if not items:
        raise BadInput("topics", str(path.name), "holds no topics")
    return items


def _csv_topics(path: Path, name: str, column: str) -> tuple[str, ...]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = csv.DictReader(handle)
            if column not in (rows.fieldnames or ()):
                header = ", ".join(rows.fieldnames or ()) or "no header"
                raise BadInput("topics.column", column, f"is no column of {name} (it has: {header})")
            items = []
            for row in rows:
                cell = (row.get(column) or "").strip()
                if not cell:
                    raise BadInput("topics.csv", name, f"line {rows.line_num} has an empty {column!r}")
                items.append(cell)
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise BadInput("topics.csv", name, f"cannot be read as UTF-8 CSV ({err})") from None
    return tuple(items)


def _folder_topics(path: Path, name: str) -> tuple[str, ...]:
    if not path.is_dir():
        raise BadInput("topics.folder", name, "is not a folder")
    items = []
    for file in sorted(p for p in path.iterdir() if p.suffix in (".txt", ".md") and p.is_file()):
        try:
            text = file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as err:
            raise BadInput("topics.folder", f"{name}/{file.name}", f"cannot be read ({err})") from None
        if not text:
            raise BadInput("topics.folder", f"{name}/{file.name}", "is empty")
        items.append(text)
    return tuple(items)


def topic_for(bible: SeriesBible, number: int) -> str:
    """Episode `number`'s topic (1-based), wrapping around when the topics run out."""
    if number < 1:
        raise BadInput("number", number, "episodes count from 1")
    if not bible.topics.items:
        raise BadInput("topics", bible.name, "were not read; load the bible with load_bible or parse_bible")
    return bible.topics.items[(number - 1) % len(bible.topics.items)]


def episode_brief(bible: SeriesBible, *, number: int, slot: datetime, canon: Canon) -> str:
    """Episode `number`'s brief: the bible's template rendered for this topic, slot and canon,
    then the present cast, the format's beats and the canon, each as a sentence the offline
    planner turns into characters and shot descriptions."""
    present = [m for m in bible.cast if m.id not in canon.away]
    values = _values(bible, number=number, slot=slot, canon=canon, present=present)
    body = _render("brief", bible.brief, values)
    segments = [
        _render(f"format.segments.{i}.brief", s.brief, values) for i, s in enumerate(bible.format.segments)
    ]
    beats = [
        _render("format.cold_open", bible.format.cold_open, values),
        *segments,
        _render("format.end_card", bible.format.end_card, values),
    ]
    tail = [_cast_line(bible, present), *(_sentence(b) for b in beats if b), _canon_line(bible, canon)]
    return "\n\n".join([body, "\n".join(line for line in tail if line)])


def _values(
    bible: SeriesBible, *, number: int, slot: datetime, canon: Canon, present: list[CastMember]
) -> dict[str, object]:
    """The variables a template may use; all plain data."""
    if slot.tzinfo is None:
        raise BadInput("slot", slot.isoformat(), "must be timezone-aware")
    day = slot.astimezone(bible.schedule.zone).date()
    names = {m.id: m.name for m in bible.cast}
    return {
        "topic": topic_for(bible, number),
        "number": number,
        "date": day.isoformat(),
        "weekday": ledger_words(bible.language).weekdays[day.weekday()],
        "title": bible.title,
        "world": bible.world,
        "cast": [
            {
                **m.model_dump(include={"id", "name", "description", "appearance"}),
                "voice": m.voice.description if m.voice else "",
            }
            for m in present
        ],
        "canon": {
            "recaps": list(canon.recaps),
            "open_threads": list(canon.open_threads),
            "facts": list(canon.facts),
            "away": [names.get(i, i) for i in canon.away],
            "notes": list(canon.notes),  # review notes: a template may heed them, the tail never repeats them
        },
        "segments": [{"name": s.name, "brief": s.brief} for s in bible.format.segments],
    }


def _render(field: str, text: str, values: dict[str, object]) -> str:
    if not text:
        return ""
    try:
        return SANDBOX.from_string(text).render(values).strip()
    except RENDER_ERRORS as err:
        raise BadInput(field, text, f"cannot render: {err}") from None


def _sentence(text: str) -> str:
    """One line of the brief, ending like a sentence, so the planner keeps beats apart."""
    text = " ".join(text.split())
    return text if text[-1:] in '.!?…。！？"”' else f"{text}."


def _cast_line(bible: SeriesBible, present: list[CastMember]) -> str:
    """'On screen: Maya is here, the host, yellow cardigan; Theo is here, ...' (one sentence)."""
    words = ledger_words(bible.language)
    people = []
    for member in present:
        line = words.cast.format(
            name=member.name,
            description=strip_end(member.description),
            appearance=strip_end(member.appearance),
        )
        people.append(re.sub(r"(?:\s*,)+", ",", line).strip(" ,"))  # an empty part leaves no ', ,'
    return f"{words.on_screen}: {'; '.join(people)}." if people else ""


def _canon_line(bible: SeriesBible, canon: Canon) -> str:
    """'Previously: <last recap>. Canon so far: <facts>. Still open: "<thread>"; ...' Each part is
    one sentence (inner ends become ';') opening with its label, so the ledger can tell it from
    the episode's own story. Threads are quoted: a question's first word ('Will Maya...') would
    otherwise join the name after it."""
    words = ledger_words(bible.language)
    recap = split_sentences(canon.recaps[-1]) if canon.recaps else []
    parts = [
        _labelled(words.previously, recap),
        _labelled(words.canon, _newest(list(canon.facts))),
        _labelled(words.open_threads, [_quoted(t) for t in _newest(list(canon.open_threads))]),
    ]
    return " ".join(part for part in parts if part)


def _quoted(text: str) -> str:
    return "\u201c" + text.replace('"', "'").replace("\u201c", "'").replace("\u201d", "'") + "\u201d"


def _labelled(label: str, sentences: list[str]) -> str:
    """'Label: one; two; three?' as one sentence; '' for none."""
    joined = "; ".join(s for s in (strip_end(s, ".") for s in sentences) if s)
    return _sentence(f"{label}: {joined}") if joined else ""


def _newest(items: list[str]) -> list[str]:
    """The newest CANON_FACTS items that fit in CANON_CHARS, oldest first."""
    kept: list[str] = []
    for item in reversed(items[-CANON_FACTS:]):
        if sum(len(k) + 2 for k in kept) + len(item) > CANON_CHARS:
            break
        kept.insert(0, item)
    return kept
