"""Scheduled series, the use cases: create one from its bible, claim the slots that fall due,
start episodes in slot order, make one now, pause and resume, and review before publishing.

Every step is safe to run in any number of processes at once. A slot becomes an episode by an
insert-or-nothing on (series, slot), so two schedulers that see the same slot make one episode.
An episode starts (gets its run and its "episode" job) only once every earlier one has settled,
because its brief carries their ledger as canon; that start is one conditional update in the
same transaction as the run and job rows, so it happens once or not at all. From then on the
job queue's leases carry it: a killed worker's episode is resumed from its run, never redone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from film import BadInput
from film.schedule import due
from film.series import EpisodeState, SeriesBible
from storage import (
    Episode,
    RunCreate,
    Series,
    add_event,
    add_note,
    claim_slot,
    create_run,
    enqueue_job,
    get_episode,
    get_series,
    list_series,
    session_scope,
    set_episode,
    set_run_status,
    start_next,
)
from storage.tables import new_run_id
from studio import inputs
from studio.settings import Settings

Verdict = str
"""'approve' or 'reject'."""


@dataclass
class Tick:
    """What one scheduler pass did, for its log line."""

    claimed: list[tuple[str, datetime]] = field(default_factory=list)
    started: list[tuple[str, int]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.claimed or self.started)


def create_series(db: Engine, settings: Settings, path: Path) -> Series:
    """Load and check a bible file (its topics and pictures read into it), clear its cast and
    world through the misuse gate, check its publishers, and store it."""
    from agents.series import load_bible

    bible = load_bible(inputs.existing_file(path, "FILE", "series bible"))
    return store_bible(db, settings, bible, entry="cli:series create")


def store_bible(db: Engine, settings: Settings, bible: SeriesBible, *, entry: str) -> Series:
    """A checked bible into the database: the gate sees the cast and world before any episode."""
    from film.gate import GateText
    from studio.clearance import Clearance
    from studio.publish import parse_config

    for k, config in enumerate(bible.publish):
        try:
            parse_config(config)
        except BadInput as err:
            raise BadInput(f"publish.{k}.{err.field.removeprefix('publish.')}", err.value, err.why) from None
    texts = [GateText(field="title", text=bible.title)]
    texts += [GateText(field="world", text=bible.world)] if bible.world.strip() else []
    for member in bible.cast:
        texts.append(GateText(field=f"cast.{member.id}", text=f"{member.name}. {member.description}"))
    Clearance(db, settings, entry=entry).texts(texts)
    for member in bible.cast:
        if member.reference_image is not None:
            Clearance(db, settings, entry=entry).picture(
                Path(member.reference_image.path),
                member.reference_image.sha256,
                member.id,
                member.name,
                run_id=None,
            )
    from storage import create_series as insert_series

    with session_scope(db) as session:
        return insert_series(session=session, bible=bible)


def tick(db: Engine, settings: Settings, now: datetime) -> Tick:
    """One scheduler pass at `now`: claim every due slot of every running series, then start
    each series' next episode if its turn has come. Idempotent: run it as often as you like."""
    done = Tick()
    with session_scope(db) as session:
        running = [s for s in list_series(session=session) if not s.paused]
    for series in running:
        bible = series.bible()
        for slot in due(bible.schedule, series.last_slot, now, settings.series_grace_s):
            if claim_slot(engine=db, series_id=series.id, slot=slot) is not None:
                done.claimed.append((series.name, slot))
        started = start_next(engine=db, series_id=series.id, launch=_launcher(settings, series))
        if started is not None:
            done.started.append((series.name, started.number or 0))
    return done


def run_now(db: Engine, settings: Settings, name: str, now: datetime) -> Episode:
    """An extra episode at `now` (to the second), made like a scheduled one; it starts as soon
    as the episodes before it have settled."""
    with session_scope(db) as session:
        series = get_series(session=session, name=name)
    slot = now.astimezone(UTC).replace(microsecond=0)
    episode = claim_slot(engine=db, series_id=series.id, slot=slot)
    if episode is None:
        raise BadInput("--now", slot.isoformat(), "this series already has an episode at that second")
    start_next(engine=db, series_id=series.id, launch=_launcher(settings, series))
    with session_scope(db) as session:
        assert episode.id is not None
        return get_episode(session=session, episode_id=episode.id)


def pause(db: Engine, name: str, paused: bool) -> Series:
    """A paused series claims no slots and starts nothing; slots missed meanwhile follow the
    schedule's misfire policy when it resumes."""
    from storage import set_paused

    with session_scope(db) as session:
        return set_paused(session=session, name=name, paused=paused)


def review(db: Engine, settings: Settings, episode_id: int, verdict: Verdict, note: str) -> Episode:
    """A person's verdict on an episode waiting for review. The note goes into the ledger (the
    next brief reads it); approval queues publishing on the episode's run."""
    if verdict not in ("approve", "reject"):
        raise BadInput("verdict", verdict, "must be approve or reject")
    with session_scope(db) as session:
        episode = get_episode(session=session, episode_id=episode_id)
        if episode.state != "review":
            raise BadInput(
                "episode", episode_id, f"is {episode.state}; only an episode in review can be reviewed"
            )
        text = f"{'approved' if verdict == 'approve' else 'rejected'}: {note.strip() or 'no note'}"
        add_note(session=session, episode_id=episode_id, note=text)
        state: EpisodeState = "approved" if verdict == "approve" else "rejected"
        episode = set_episode(session=session, episode_id=episode_id, state=state)
        if verdict == "approve" and episode.run_id is not None:
            enqueue_job(session=session, run_id=episode.run_id, kind="episode", payload={"publish": True})
    return episode


def _launcher(settings: Settings, series: Series) -> Callable[[Session, Episode], str]:
    """The callback start_next runs inside its transaction: the episode's run and its job."""
    bible = series.bible()

    def launch(session: Session, episode: Episode) -> str:
        run_id = new_run_id()
        out_dir = inputs.check_out_dir(settings.out_root / run_id).resolve()
        slot = episode.slot.strftime("%Y-%m-%d %H:%M UTC")
        run = create_run(
            session=session,
            run_create=RunCreate(
                brief=f"{bible.title}, episode of {slot}",
                title=bible.title,
                engine=settings.engine,
                aspect=bible.format.aspect,
                duration_s=bible.format.duration_s,
                seed=bible.seed,
                style=bible.style,
                title_card=bible.format.title_card,
                out_dir=str(out_dir),
            ),
            run_id=run_id,
        )
        set_run_status(session=session, run_id=run.id, status="queued")
        add_event(session=session, run_id=run.id, kind="status", data={"status": "queued"})
        enqueue_job(session=session, run_id=run.id, kind="episode", payload={"episode_id": episode.id})
        return run.id

    return launch
