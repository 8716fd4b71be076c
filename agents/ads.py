"""The shipped ad templates (templates/ads/*.yaml) and platforms (platforms.toml), and the
slots' prompt text rendered in a Jinja2 sandbox.

The prompts are Jinja2 so a template can say "{{ product }}, {{ benefit | lower }}"; the values a
marketer types are data, never template code: they are passed in as variables, so "{{ 7 * 7 }}"
in an offer stays those characters. The environment is an immutable sandbox with strict
undefined names, so a template that reaches for attributes (`''.__class__`), mutates a value or
names a variable it does not define fails closed with one line, instead of rendering.
"""

from __future__ import annotations

import tomllib
from functools import cache

import yaml
from jinja2 import TemplateError
from pydantic import ValidationError

from agents.sandbox import SANDBOX
from film import BadInput
from film.ads import AdTemplate, Value
from film.platforms import Platform
from templates import template_path

FOLDER = "ads"


@cache
def ad_templates() -> dict[str, AdTemplate]:
    """Every shipped template by name, validated (a broken file fails here, naming itself)."""
    found: dict[str, AdTemplate] = {}
    for path in sorted(template_path(FOLDER).glob("*.yaml")):
        try:
            template = AdTemplate.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        except (yaml.YAMLError, ValidationError) as err:
            raise ValueError(f"templates/{FOLDER}/{path.name}: {err}") from err
        if template.name != path.stem.replace("_", "-"):
            raise ValueError(f"templates/{FOLDER}/{path.name}: its name is {template.name!r}")
        found[template.name] = template
    return found


def ad_template(name: str) -> AdTemplate:
    """The template called `name`, or BadInput listing the ones there are."""
    templates = ad_templates()
    if name not in templates:
        raise BadInput("template", name, f"no such ad template; choose one of: {', '.join(templates)}")
    return templates[name]


@cache
def platforms() -> dict[str, Platform]:
    """Every platform in templates/ads/platforms.toml, by name."""
    with template_path(FOLDER, "platforms.toml").open("rb") as handle:
        table = tomllib.load(handle)
    try:
        return {name: Platform.model_validate({"name": name, **row}) for name, row in table.items()}
    except ValidationError as err:
        raise ValueError(f"templates/{FOLDER}/platforms.toml: {err}") from err


def parse_platforms(text: str) -> tuple[Platform, ...]:
    """ "tiktok,feed-4x5,youtube" as platforms, in that order; BadInput names an unknown one."""
    known = platforms()
    names = [part.strip() for part in text.split(",") if part.strip()]
    if not names:
        raise BadInput("platforms", text, f"name at least one of: {', '.join(known)}")
    for name in names:
        if name not in known:
            raise BadInput("platforms", name, f"no such platform; choose from: {', '.join(known)}")
    return tuple(known[name] for name in dict.fromkeys(names))


def render_text(template: AdTemplate, where: str, text: str, values: dict[str, Value]) -> str:
    """`text` (a slot's prompt or caption) with the filled values, rendered in the sandbox."""
    try:
        return SANDBOX.from_string(text).render(values).strip()
    except TemplateError as err:  # SecurityError and UndefinedError are TemplateErrors
        raise BadInput("template", template.name, f"{where} cannot render: {err}") from None


def slot_prompts(template: AdTemplate, values: dict[str, Value]) -> tuple[str, ...]:
    """Each slot's prompt with `values` (from `template.fill`) in it, in slot order."""
    return tuple(
        render_text(template, f"slot {i + 1} ({slot.kind}) prompt", slot.prompt, values)
        for i, slot in enumerate(template.slots)
    )


def slot_captions(template: AdTemplate, values: dict[str, Value]) -> tuple[str, ...]:
    """Each slot's on-screen words (empty where it has none), in slot order."""
    return tuple(
        render_text(template, f"slot {i + 1} ({slot.kind}) caption", slot.caption, values)
        for i, slot in enumerate(template.slots)
    )
