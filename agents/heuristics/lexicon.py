"""The heuristics' word lists, read from `templates/lexicons/`: one TOML file per language plus
`common.toml`, validated and loaded once per process.

Schema (the full story is templates/lexicons/README.md):

- `common.toml` holds `languages` (every language file, in the order merged views list them),
  `[schema]` (category -> its keys, in the order the heuristics try them), `[types]`
  (`"category.key"` -> "text" | "integer" | "marks" for keys that do not hold a list of words) and
  `[colours]` (colour class -> the hex colour a figure wears).
- `<language>.toml` holds categories as tables, each key a list of words (stems match at a word
  start in spaced scripts and anywhere in CJK/Arabic; see text.py). A file may leave any out.
- `names.marks` is an array of tables `{before | after, letters, longest?, spaced?}`: the words
  that stand right before or after a name in a script without capitals, and the letters a name is
  made of, from which cast.py builds its patterns.

A category or key not in the schema, a value of the wrong type or a language without a file
raises `BadInput` naming the file and the key, so a typo fails loudly instead of matching nothing.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from film import BadInput
from templates import template_path

FOLDER = "lexicons"
COMMON = "common.toml"
KINDS: Mapping[str, str] = {
    "words": "a list of non-empty strings",
    "text": "a non-empty string",
    "integer": "an integer",
    "flag": "true or false",
    "marks": "an array of [[names.marks]] tables",
}
"""What a value may be, and how an error says it. [types] may name all but "flag"."""
TYPES = frozenset(KINDS) - {"flag"}
MARK_FIELDS: Mapping[str, str] = {
    "before": "words",
    "after": "words",
    "letters": "text",
    "longest": "integer",
    "spaced": "flag",
}


@dataclass(frozen=True)
class NameMark:
    """Words next to a name in a script without capitals: `before` or `after` it, with whitespace
    in between when `spaced`; the name is 1..`longest` (unbounded when None) of `letters`."""

    before: tuple[str, ...]
    after: tuple[str, ...]
    letters: str
    longest: int | None
    spaced: bool


@dataclass(frozen=True)
class Schema:
    """What common.toml says a language file may hold."""

    languages: tuple[str, ...]
    categories: Mapping[str, tuple[str, ...]]
    types: Mapping[str, str]
    colours: Mapping[str, str]

    def type_of(self, category: str, key: str) -> str:
        return self.types.get(f"{category}.{key}", "words")


LanguageFile = Mapping[str, Mapping[str, Any]]
"""One language file: category -> key -> tuple of words, str, int or tuple of NameMark."""


def _fail(path: Path, where: str, value: object, why: str) -> BadInput:
    return BadInput(f"{FOLDER}/{path.name} {where}", value, why)


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError as e:
        raise _fail(path, "", str(path), "is missing; every language in common.toml needs a file") from e
    except tomllib.TOMLDecodeError as e:
        raise _fail(path, "", str(path), f"is not valid TOML ({e})") from e


def _words(path: Path, where: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(w, str) and w.strip() for w in value):
        raise _fail(path, where, value, f"must be {KINDS['words']}")
    return tuple(value)


def read_schema(path: Path) -> Schema:
    """Read and check common.toml."""
    data = _read(path)
    unknown = set(data) - {"languages", "schema", "types", "colours"}
    if unknown:
        raise _fail(path, min(unknown), data[min(unknown)], "is not a key of common.toml")
    languages = _words(path, "languages", data.get("languages"))
    tables = {name: data.get(name, {}) for name in ("schema", "types", "colours")}
    for name, table in tables.items():
        if not isinstance(table, dict):
            raise _fail(path, f"[{name}]", table, "must be a table")
    categories = {cat: _words(path, f"[schema] {cat}", keys) for cat, keys in tables["schema"].items()}
    for dotted, kind in tables["types"].items():
        category, _, key = dotted.partition(".")
        if key not in categories.get(category, ()):
            raise _fail(path, f"[types] {dotted}", kind, "names no category.key of [schema]")
        if kind not in TYPES:
            raise _fail(path, f"[types] {dotted}", kind, f"must be one of {', '.join(sorted(TYPES))}")
    colours = tables["colours"]
    if set(colours) != set(categories.get("colours", ())):
        raise _fail(
            path, "[colours]", sorted(colours), "must give a hex colour for every [schema] colours class"
        )
    for name, hex_colour in colours.items():
        if not (isinstance(hex_colour, str) and len(hex_colour) == 7 and hex_colour.startswith("#")):
            raise _fail(path, f"[colours] {name}", hex_colour, "must be a colour like '#d4ac0d'")
    return Schema(languages, categories, dict(tables["types"]), dict(colours))


def _mark(path: Path, where: str, table: object) -> NameMark:
    if not isinstance(table, dict):
        raise _fail(path, where, table, "must be a table")
    for field, value in table.items():
        kind = MARK_FIELDS.get(field)
        if kind is None:
            raise _fail(path, f"{where}.{field}", value, f"is not one of {', '.join(MARK_FIELDS)}")
        _value(path, f"{where}.{field}", kind, value)
    if ("before" in table) == ("after" in table) or "letters" not in table:
        raise _fail(path, where, table, "needs `letters` and exactly one of `before` or `after`")
    try:
        re.compile(f"[{table['letters']}]")
    except re.error as e:
        raise _fail(path, f"{where}.letters", table["letters"], f"is no set of letters ({e})") from e
    return NameMark(
        before=tuple(table.get("before", ())),
        after=tuple(table.get("after", ())),
        letters=table["letters"],
        longest=table.get("longest"),
        spaced=bool(table.get("spaced", False)),
    )


def _value(path: Path, where: str, kind: str, value: object) -> object:
    if kind == "words":
        return _words(path, where, value)
    if kind == "text" and isinstance(value, str) and value:
        return value
    if kind == "integer" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind == "flag" and isinstance(value, bool):
        return value
    if kind == "marks" and isinstance(value, list):
        return tuple(_mark(path, f"{where}[{i}]", t) for i, t in enumerate(value))
    raise _fail(path, where, value, f"must be {KINDS[kind]}")


def read_lexicon(path: Path, schema: Schema) -> LanguageFile:
    """Read and check one language file against the schema."""
    out: dict[str, dict[str, object]] = {}
    for category, table in _read(path).items():
        keys = schema.categories.get(category)
        if keys is None:
            raise _fail(
                path, f"[{category}]", table, f"is not a category; known: {', '.join(schema.categories)}"
            )
        if not isinstance(table, dict):
            raise _fail(path, f"[{category}]", table, "must be a table")
        for key, value in table.items():
            if key not in keys:
                raise _fail(
                    path, f"[{category}] {key}", value, f"is not a key of {category}: {', '.join(keys)}"
                )
        out[category] = {
            key: _value(path, f"[{category}] {key}", schema.type_of(category, key), table[key])
            for key in keys
            if key in table
        }
    return out


def check_folder(folder: Path, found: Schema) -> None:
    """Every language file is named in common.toml and every named language has a file."""
    files = {p.stem for p in folder.glob("*.toml")} - {Path(COMMON).stem}
    for name in sorted(files ^ set(found.languages)):
        if name in files:
            raise _fail(folder / f"{name}.toml", "", name, "is not listed in common.toml `languages`")
        raise _fail(
            folder / f"{name}.toml", "", name, "is missing; every language in common.toml needs a file"
        )


@cache
def schema() -> Schema:
    """common.toml, checked, with the folder it describes."""
    folder = template_path(FOLDER)
    found = read_schema(folder / COMMON)
    check_folder(folder, found)
    return found


@cache
def lexicon(language: str) -> LanguageFile:
    """One language's words; {} for a language without a file (e.g. Korean today)."""
    if language not in schema().languages:
        return {}
    return read_lexicon(template_path(FOLDER, f"{language}.toml"), schema())


def languages() -> tuple[str, ...]:
    return schema().languages


@cache
def by_language(category: str, key: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(language, words) for every language that has `category.key`, in language order."""
    _check_key(category, key)
    pairs = ((code, lexicon(code).get(category, {}).get(key)) for code in languages())
    return tuple((code, value) for code, value in pairs if value)


@cache
def words(category: str, key: str, language: str | None = None) -> tuple[str, ...]:
    """One language's words for `category.key` (() when it has none), or with no language all
    languages' words merged in language order without repeats."""
    pairs = by_language(category, key)
    if language is not None:
        return next((ws for code, ws in pairs if code == language), ())
    return tuple(dict.fromkeys(w for _, ws in pairs for w in ws))


def keys(category: str) -> tuple[str, ...]:
    """The keys (classes) of a category, in the order the heuristics try them."""
    _check_key(category, None)
    return schema().categories[category]


@cache
def classes(category: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(class, all languages' words) for each key of a category, in the schema's order."""
    return tuple((key, words(category, key)) for key in keys(category))


@cache
def name_marks() -> tuple[NameMark, ...]:
    """Every language's [names] marks, in language order."""
    out: list[NameMark] = []
    for code in languages():
        out.extend(lexicon(code).get("names", {}).get("marks", ()))
    return tuple(out)


def value(language: str, category: str, key: str) -> object | None:
    """One key of one language file as stored (None when the file leaves it out)."""
    _check_key(category, key)
    return lexicon(language).get(category, {}).get(key)


def _check_key(category: str, key: str | None) -> None:
    """Code asking for a category or key the schema lacks is a bug: fail, never match nothing."""
    known = schema().categories.get(category)
    if known is None or (key is not None and key not in known):
        raise KeyError(f"lexicon has no {category}{'.' + key if key else ''}; see {FOLDER}/{COMMON}")
