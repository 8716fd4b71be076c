"""The misuse gate's decision: no realistic footage of an identifiable real person without their
consent, and never deceptive or harmful footage of one. Pure functions over the request's texts
(and reference pictures); the studio enforces the verdict and writes it to the audit log.

Layers (one module each): normalise (folding), figures (public figures), private (people in the
user's life), framing (deceptive framing and harmful scenes), faces (real faces in pictures).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from pathlib import Path

from agents.gate import faces, figures, framing, private
from agents.gate.figures import Mention
from agents.gate.lexicon import compile_words, data, version
from agents.gate.normalise import Folded, fold, fold_plain, needs_transliteration, strip_titles, transliterate
from film.gate import ConsentGrant, Finding, GateRule, GateText, Use, Verdict

__all__ = ["check", "check_reference_image"]

CONSENT_HINT = "record one with `storyreel consent add` or use an invented character"
RANK: dict[GateRule, int] = {
    "deceptive_framing": 0,
    "harmful_scene": 1,
    "out_of_scope": 2,
    "public_figure": 3,
    "recently_deceased": 3,
    "private_person": 3,
    "real_face": 3,
}


@cache
def _titles() -> frozenset[str]:
    titles = data("public_figures.toml")["titles"]
    return frozenset(fold_plain(t) for t in (*titles["before"], *titles["honorifics"]) if " " not in t)


def _consent_keys(grant: ConsentGrant) -> frozenset[str]:
    return frozenset(strip_titles(n, _titles()) for n in (grant.name, *grant.aliases)) - {""}


@lru_cache(maxsize=64)
def _consent_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    return compile_words(names)


@dataclass
class _Person:
    """A person the request names, with every place it names them."""

    name: str
    mentions: list[Mention]
    figure: figures.Figure | None
    grants: list[ConsentGrant]


@dataclass
class _Input:
    """One input, folded once, with what each layer found in it."""

    text: GateText
    views: list[Folded]
    frames: list[framing.Hit]
    harmful: list[framing.Hit]
    relations: list[private.Relation]


def _read(text: GateText) -> _Input:
    folded = fold(text.text)
    views = [folded, transliterate(text.text)] if needs_transliteration(text.text) else [folded]
    return _Input(
        text, views, framing.find_framing(folded), framing.find_harmful(folded), private.find(folded)
    )


def _people(inputs: Sequence[_Input], consents: Sequence[ConsentGrant]) -> list[_Person]:
    """Public figures and consented names, merged per person, in the order first named."""
    keyed = [(grant, _consent_keys(grant)) for grant in consents]
    names = tuple(sorted({k for _, keys in keyed for k in keys}))
    consent_re = _consent_pattern(names) if names else None
    people: dict[str, _Person] = {}
    for item in inputs:
        field = item.text.field
        for index, view in enumerate(item.views):
            mentions = figures.find(view, field, full_names_only=index > 0)
            if consent_re is not None:
                mentions += [
                    Mention(m.group(0), view.span(*m.span()), field, m.start(), view.sentence(m.start()))
                    for m in consent_re.finditer(view.text)
                ]
            for mention in mentions:
                figure = mention.figure
                keys = figure.keys if figure else frozenset({mention.name})
                grants = [g for g, gkeys in keyed if gkeys & keys]
                key = figure.name if figure else (grants[0].name if grants else mention.name)
                people.setdefault(key, _Person(key, [], figure, grants)).mentions.append(mention)
    return list(people.values())


def _consent_problem(person: _Person, use: Use, today: date) -> Finding | None:
    """Why the person may not appear for `use` today, or None when a consent allows it."""
    if any(g.covers(use, today) for g in person.grants):
        return None
    m = person.mentions[0]
    if not person.grants:
        figure = person.figure
        if figure is not None and figure.died is not None:
            why = (
                f"{person.name} died in {figure.died}, too recently to dramatise; storyreel needs the "
                f"estate's consent: {CONSENT_HINT}"
            )
            return Finding(rule="recently_deceased", field=m.field, span=m.span, person=person.name, why=why)
        why = (
            f"{person.name} is a real public figure; storyreel does not make footage of real people "
            f"without their consent: {CONSENT_HINT}"
        )
        return Finding(rule="public_figure", field=m.field, span=m.span, person=person.name, why=why)
    grant = person.grants[0]
    if grant.revoked:
        state = "was revoked"
    elif grant.expires is not None and today > grant.expires:
        state = f"expired on {grant.expires.isoformat()}"
    else:
        state = f"does not cover {use!r} (it covers {', '.join(sorted(grant.uses))})"
    why = f"consent {grant.id} for {person.name} {state}: {CONSENT_HINT}"
    return Finding(rule="out_of_scope", field=m.field, span=m.span, person=person.name, why=why)


def _scene_problems(person: _Person, inputs: Sequence[_Input], use: Use, today: date) -> list[Finding]:
    """A consented person in a harmful scene (same input, same sentence); endorsement only when a
    consent includes it."""
    places = {(m.field, m.sentence) for m in person.mentions}
    endorses = any(g.covers(use, today) and g.covers("endorsement", today) for g in person.grants)
    found: list[Finding] = []
    for item in inputs:
        for hit in item.harmful:
            if (item.text.field, hit.sentence) not in places or (hit.kind == "endorsement" and endorses):
                continue
            if hit.kind == "endorsement":
                why = (
                    f"{person.name} would endorse something, and no consent of theirs includes endorsement: "
                    "record one whose uses include endorsement, or drop the endorsement"
                )
            else:
                why = (
                    f"{person.name} would appear in a fabricated {hit.kind} scene; no consent covers that: "
                    "drop the scene or use an invented character"
                )
            found.append(
                Finding(
                    rule="harmful_scene", field=item.text.field, span=hit.span, person=person.name, why=why
                )
            )
    return found


def _framing_problems(inputs: Sequence[_Input], real: str | None) -> list[Finding]:
    """'deepfake' and its kin always; CCTV, news footage, 'make X say' when a real person is named."""
    found: list[Finding] = []
    for item in inputs:
        for hit in item.frames:
            if hit.kind == "strong":
                why = (
                    "storyreel never makes deepfakes, face swaps or voice clones of anyone: "
                    "make an openly fictional film with invented characters"
                )
            elif real is not None:
                why = (
                    f"this would pass off footage of {real} as real; storyreel never makes deceptive footage "
                    "of real people, with or without consent: drop the framing or use an invented character"
                )
            else:
                continue
            found.append(
                Finding(rule="deceptive_framing", field=item.text.field, span=hit.span, person=real, why=why)
            )
    return found


def _private_problems(inputs: Sequence[_Input], people: Sequence[_Person]) -> list[Finding]:
    """Relations ("my boss") always, family words only in a harmful or deceptive sentence; a named
    relation with a consent is left to the consent rules."""
    consented = {p.name for p in people if p.grants}
    consented |= {m.name for p in people if p.grants for m in p.mentions}
    framed = any(h.kind == "weak" for item in inputs for h in item.frames)
    found: list[Finding] = []
    for item in inputs:
        harmful = {h.sentence for h in item.harmful}
        for rel in item.relations:
            if rel.name and strip_titles(rel.name, _titles()) in {
                strip_titles(c, _titles()) for c in consented
            }:
                continue
            if rel.tier == "family" and not (framed or rel.sentence in harmful):
                continue
            who = rel.name or rel.span
            why = (
                f"{rel.span!r} is a real person in your life; storyreel does not make footage of real people "
                "without their consent: use an invented character, or name them and record their consent "
                "with `storyreel consent add`"
            )
            found.append(
                Finding(rule="private_person", field=item.text.field, span=rel.span, person=who, why=why)
            )
    return found


def check(
    texts: Sequence[GateText],
    *,
    use: Use = "film",
    consents: Sequence[ConsentGrant] = (),
    today: date,
    deceased_years: int = 30,
) -> Verdict:
    """Decide whether the request may be made: refused with findings, or allowed with the consents
    it relied on and the historical figures the end card must call dramatised."""
    inputs = [_read(text) for text in texts]
    people = _people(inputs, consents)
    findings: list[Finding] = []
    relied: list[str] = []
    dramatised: list[str] = []
    for person in people:
        figure = person.figure
        if figure is not None and not person.grants and figure.dramatised(today, deceased_years):
            dramatised.append(figure.name)
            continue
        problem = _consent_problem(person, use, today)
        if problem is not None:
            findings.append(problem)
            continue
        findings += _scene_problems(person, inputs, use, today)
        relied += [g.id for g in person.grants if g.covers(use, today)][:1]
    private_found = _private_problems(inputs, people)
    real = people[0].name if people else (private_found[0].person if private_found else None)
    findings = _framing_problems(inputs, real) + findings + private_found
    findings.sort(key=lambda f: RANK[f.rule])
    return Verdict(
        outcome="refused" if findings else "allowed",
        findings=tuple(findings),
        consents=() if findings else tuple(dict.fromkeys(relied)),
        dramatised=tuple(dict.fromkeys(dramatised)),
        gate_version=version(),
    )


def check_reference_image(
    path: Path,
    *,
    field: str,
    character_name: str,
    consents: Sequence[ConsentGrant],
    today: date,
    use: Use = "film",
) -> Verdict:
    """A reference picture with a real face needs a consent naming the character (or listing the
    picture's sha256); a drawing or a picture without a face passes."""
    if faces.count_faces(path) == 0:
        return Verdict(outcome="allowed", gate_version=version())
    digest = faces.sha256(path)
    name = strip_titles(character_name, _titles())
    grants = [g for g in consents if digest in g.reference_sha256 or name in _consent_keys(g)]
    valid = [g for g in grants if g.covers(use, today)]
    if valid:
        return Verdict(outcome="allowed", consents=(valid[0].id,), gate_version=version())
    if grants:
        person = _Person(grants[0].name, [Mention(grants[0].name, path.name, field, 0, 0)], None, grants)
        problem = _consent_problem(person, use, today)
        assert problem is not None
        return Verdict(outcome="refused", findings=(problem,), gate_version=version())
    why = (
        f"the picture shows a real face and no consent names {character_name!r}: record one with "
        "`storyreel consent add` (with this picture) or use a drawn or generated face"
    )
    finding = Finding(rule="real_face", field=field, span=path.name, person=None, why=why)
    return Verdict(outcome="refused", findings=(finding,), gate_version=version())
