"""Plan versions: numbered from 1, round-trip to an equal FilmPlan, one ShotRecord per shot."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from film import BadInput
from storage import (
    RunCreate,
    create_run,
    get_plan_version,
    latest_plan,
    list_plan_versions,
    list_shot_records,
    save_plan_version,
    session_scope,
    set_shot_render,
)
from tests.storage.factories import make_plan, spec_hash_of


def _new_run(engine: Engine) -> str:
    with session_scope(engine) as session:
        return create_run(session=session, run_create=RunCreate(brief="b", duration_s=2.0, out_dir="/o")).id


def test_versions_increment_and_round_trip(engine: Engine) -> None:
    run_id = _new_run(engine)
    first, second = make_plan(), make_plan(second_shot="She lets it go, and it climbs.")
    with session_scope(engine) as session:
        assert latest_plan(session=session, run_id=run_id) is None
        v1 = save_plan_version(session=session, run_id=run_id, plan=first)
    with session_scope(engine) as session:
        v2 = save_plan_version(session=session, run_id=run_id, plan=second)
    assert (v1.version, v2.version) == (1, 2)
    assert v1.plan_hash == first.spec_hash()

    with session_scope(engine) as session:
        assert latest_plan(session=session, run_id=run_id) == second
        old = get_plan_version(session=session, run_id=run_id, version=1)
        assert old.film_plan() == first
        assert old.film_plan().spec_hash() == first.spec_hash()
        assert [v.version for v in list_plan_versions(session=session, run_id=run_id)] == [1, 2]


def test_saving_the_same_plan_again_adds_no_version(engine: Engine) -> None:
    run_id = _new_run(engine)
    with session_scope(engine) as session:
        v1 = save_plan_version(session=session, run_id=run_id, plan=make_plan())
    with session_scope(engine) as session:
        again = save_plan_version(session=session, run_id=run_id, plan=make_plan())
        assert again.version == v1.version == 1
        assert len(list_plan_versions(session=session, run_id=run_id)) == 1


def test_shot_records_follow_the_plan(engine: Engine) -> None:
    run_id = _new_run(engine)
    with session_scope(engine) as session:
        save_plan_version(session=session, run_id=run_id, plan=make_plan())
        set_shot_render(
            session=session, run_id=run_id, version=1, shot_id="sh2", spec_hash=spec_hash_of("sh2")
        )
    with session_scope(engine) as session:
        shots = list_shot_records(session=session, run_id=run_id, version=1)
    assert [(s.position, s.shot_id) for s in shots] == [(0, "sh1"), (1, "sh2")]
    assert (shots[0].spec_hash, shots[1].spec_hash) == (None, spec_hash_of("sh2"))
    assert shots[1].take_spec_hash is None


def test_plan_for_unknown_run_or_version_is_bad_input(engine: Engine) -> None:
    run_id = _new_run(engine)
    with session_scope(engine) as session:
        with pytest.raises(BadInput, match="no such run"):
            save_plan_version(session=session, run_id="r-missing", plan=make_plan())
        with pytest.raises(BadInput, match="no such plan version"):
            get_plan_version(session=session, run_id=run_id, version=3)
