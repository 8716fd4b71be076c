"""What a worker does with an "episode" job: write the episode's brief from the bible, its topic
and the ledger's canon; clear it through the misuse gate; plan it with the series' cast (and
again while it is too close to the last episodes); shoot it like any stored plan; leave its
ledger entry; then wait for review or publish it.

A job handed to a second worker (the first was killed) finds the plan the first one stored and
continues that run's thread, so an episode is never planned or shot twice. Publishing records a
receipt per publisher under the release's idempotency key before moving on, so a retried job
skips what already went out.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from film import FilmPlan, StoryreelError
from film.gate import GateRefused
from film.series import Canon, EpisodeState, SeriesBible, fold
from storage import (
    Episode,
    Job,
    Run,
    Series,
    add_receipt,
    episode_by_run,
    get_episode,
    get_run,
    latest_plan_version,
    ledger,
    put_ledger,
    receipts,
    recent_fingerprints,
    save_plan_version,
    session_scope,
    set_episode,
)
from studio.crew import Crew
from studio.runner import FilmResult
from studio.settings import Settings

SEED_STEP = 7919
"""Each episode plans from its own seed (a prime apart), each re-plan from another."""


def make_episode(settings: Settings, db: Engine, job: Job, crew: Crew) -> FilmResult | None:
    """Run one episode job to its end: made and waiting for review, published, or refused."""
    payload: dict[str, Any] = json.loads(job.payload_json or "{}")
    with session_scope(db) as session:
        episode = episode_by_run(session=session, run_id=job.run_id)
        if episode is None:
            raise StoryreelError(f"run {job.run_id} belongs to no episode")
        series = session.get(Series, episode.series_id)
        assert series is not None
        run = get_run(session=session, run_id=job.run_id)
        earlier = [e for e in ledger(session=session, series_id=series.id) if e.slot < episode.slot]
    if payload.get("publish"):
        publish_episode(settings, db, episode.id or 0)
        return None
    if episode.state not in ("scheduled", "making"):
        return None  # settled already: a job retried after its work was done
    return _make(settings, db, series.bible(), episode, run, fold(earlier), crew)


def episode_stopped(db: Engine, run_id: str, status: str, error: str | None) -> None:
    """A job that stopped for good (failed or cancelled, and no other worker holds it) settles
    its episode as failed, so the series goes on; a refusal keeps its own state and reason."""
    with session_scope(db) as session:
        episode = episode_by_run(session=session, run_id=run_id)
        if (
            episode is not None
            and episode.id is not None
            and episode.state in ("scheduled", "making", "approved")
        ):
            set_episode(session=session, episode_id=episode.id, state="failed", reason=error or status)


def _make(
    settings: Settings, db: Engine, bible: SeriesBible, episode: Episode, run: Run, canon: Canon, crew: Crew
) -> FilmResult | None:
    from agents.episode_checks import canon_breaks
    from agents.series import episode_brief, topic_for
    from agents.series_ledger import ledger_entry
    from studio.clearance import Clearance, brief_texts
    from studio.work import shoot_version

    assert episode.id is not None and episode.number is not None
    number = episode.number
    topic = topic_for(bible, number)
    brief = episode_brief(bible, number=number, slot=episode.slot, canon=canon)
    with session_scope(db) as session:
        set_episode(session=session, episode_id=episode.id, state="making", brief=brief, topic=topic)
    crew.status("planning")
    gate = Clearance(db, settings, entry=f"scheduler:{bible.name}")
    try:
        gate.texts(brief_texts(brief), run_id=run.id)
        with session_scope(db) as session:
            stored = latest_plan_version(session=session, run_id=run.id)
        # a new plan is cleared by shoot() before anything renders, as a make's is
        plan = _planned(settings, db, bible, episode, brief, topic) if stored is None else stored.film_plan()
        result = shoot_version(settings, db, run, 1, crew)
    except GateRefused as refused:
        with session_scope(db) as session:
            set_episode(session=session, episode_id=episode.id, state="refused", reason=str(refused))
        raise
    entry = ledger_entry(plan, number=number, slot=episode.slot, bible=bible)
    with session_scope(db) as session:
        known = json.loads(get_episode(session=session, episode_id=episode.id).flags_json or "[]")
        flags = [*known, *canon_breaks(plan, canon, entry, bible)]
        put_ledger(session=session, series_id=episode.series_id, episode_id=episode.id, entry=entry)
        state: EpisodeState = "review" if bible.review == "required" or flags else "approved"
        set_episode(
            session=session, episode_id=episode.id, state=state, flags=flags, reason="; ".join(flags) or None
        )
    if state == "approved":
        publish_episode(settings, db, episode.id)
    return result


def _planned(
    settings: Settings, db: Engine, bible: SeriesBible, episode: Episode, brief: str, topic: str
) -> FilmPlan:
    """The episode's plan with the bible's cast, re-planned while it is too close to the last
    `variety.window` episodes; stored as the run's plan version 1 with its fingerprint (and the
    flag, if every attempt stayed too close) in one transaction."""
    from agents.episode_checks import recurring_words, vary
    from agents.series_ledger import recast
    from studio.make import FilmRequest

    assert episode.id is not None and episode.number is not None
    number = episode.number

    def plan_for(attempt: int) -> FilmPlan:
        seed = (bible.seed + number * SEED_STEP + attempt * SEED_STEP**2) % 2**31
        request = FilmRequest(
            brief=brief,
            duration_s=bible.format.duration_s,
            aspect=bible.format.aspect,
            style=bible.style,
            seed=seed,
            title_card=bible.format.title_card,
        )
        return recast(request.plan(settings), bible)

    with session_scope(db) as session:
        recent = recent_fingerprints(
            session=session, series_id=episode.series_id, before=episode.slot, n=bible.variety.window
        )
    variation = vary(
        plan_for,
        topic=topic,
        recent=recent,
        threshold=bible.variety.threshold,
        replans=bible.variety.replans,
        ignore=recurring_words(bible),
    )
    with session_scope(db) as session:
        save_plan_version(
            session=session,
            run_id=episode.run_id or "",
            plan=variation.plan,
            note=f"episode {number}",
            thread_id=episode.run_id or "",
        )
        set_episode(
            session=session,
            episode_id=episode.id,
            state="making",
            fingerprint=variation.fingerprint,
            flags=[variation.reason] if variation.flagged else [],
        )
    return variation.plan


def publish_episode(
    settings: Settings, db: Engine, episode_id: int, *, sleep: Callable[[float], None] = time.sleep
) -> Episode:
    """Send an approved episode to every publisher of its series, in order; a publisher whose
    receipt is already recorded (a retried job) is skipped. Published once all have receipts."""
    from studio.publish import PublishFailure, parse_config, publisher

    with session_scope(db) as session:
        episode = get_episode(session=session, episode_id=episode_id)
        series = session.get(Series, episode.series_id)
        assert series is not None and episode.run_id is not None
        run = get_run(session=session, run_id=episode.run_id)
        recap = next(
            (e.recap for e in ledger(session=session, series_id=series.id) if e.slot == episode.slot), ""
        )
    if episode.state == "published":
        return episode
    bible = series.bible()
    release = _release(settings, bible, episode, run, recap)
    done = receipts(episode)
    try:
        for k, raw in enumerate(bible.publish):
            config = parse_config(_rooted(raw, settings))
            key = f"{k}:{config.kind}:{release.idempotency_key}"
            if key in done:
                continue
            receipt = publisher(config, sleep=sleep).publish(release)
            with session_scope(db) as session:
                add_receipt(
                    session=session, episode_id=episode_id, key=key, receipt=dataclasses.asdict(receipt)
                )
    except PublishFailure as failure:
        with session_scope(db) as session:
            set_episode(
                session=session, episode_id=episode_id, state="failed", reason=f"publishing: {failure}"
            )
        raise
    with session_scope(db) as session:
        return set_episode(session=session, episode_id=episode_id, state="published")


def _rooted(raw: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """A folder publisher's relative root lies under the studio's output folder."""
    if raw.get("kind") == "folder" and not Path(str(raw.get("root", ""))).is_absolute():
        return {**raw, "root": str(settings.out_root.resolve() / str(raw.get("root") or "published"))}
    return raw


def _release(settings: Settings, bible: SeriesBible, episode: Episode, run: Run, description: str) -> Any:
    """The episode as a Release: its film, the C2PA sidecar and subtitles beside it, the AI label."""
    from engine.cutting.provenance import SIDECAR_SUFFIX
    from studio.publish import Release, episode_id

    if not run.film_path:
        raise StoryreelError(f"episode {episode.id} has no film to publish")
    film = Path(run.film_path)
    beside = [film.with_name(film.stem + SIDECAR_SUFFIX), film.with_suffix(".srt")]
    return Release(
        series=bible.name,
        episode_id=episode_id(bible.name, episode.slot),
        slot=episode.slot,
        title=f"{bible.title} #{episode.number}: {episode.topic or run.title}",
        description=description,
        film=film,
        sidecars=tuple(p for p in beside if p.is_file()),
        language=bible.language,
        privacy=bible.privacy,
        c2pa_signed=settings.c2pa_cert is not None and settings.c2pa_key is not None,
    )
