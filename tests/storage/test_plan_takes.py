"""Which take plays each shot of a plan version: recorded once the film is cut, read by `storyreel show`."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from storage import (
    AssetStore,
    RunCreate,
    StoredTakeLibrary,
    create_run,
    plan_takes,
    save_plan_version,
    session_scope,
    set_plan_takes,
)
from tests.storage.factories import make_plan, make_take


def test_plan_takes_follow_the_version_holding_the_plan(
    tmp_path: Path, engine: Engine, store: AssetStore
) -> None:
    plan = make_plan()
    revised = make_plan(second_shot="She lets it go at last.")
    library = StoredTakeLibrary(engine, store)
    take = library.keep(
        make_take(tmp_path, "sh1", b"one").model_copy(update={"settings": {"engine": "previz"}})
    )
    with session_scope(engine) as session:
        run = create_run(
            session=session,
            run_create=RunCreate(brief="A lantern.", engine="previz", duration_s=2.0, out_dir="/tmp/out"),
        )
        save_plan_version(session=session, run_id=run.id, plan=plan)
        save_plan_version(session=session, run_id=run.id, plan=revised)
        before = plan_takes(session=session, run_id=run.id, version=1)
        assert [(r.shot_id, t) for r, t in before] == [("sh1", None), ("sh2", None)]

        set_plan_takes(
            session=session, run_id=run.id, plan_hash=plan.spec_hash(), takes={"sh1": take.spec_hash}
        )
        set_plan_takes(session=session, run_id=run.id, plan_hash="0" * 64, takes={"sh1": take.spec_hash})
        first = plan_takes(session=session, run_id=run.id, version=1)
        second = plan_takes(session=session, run_id=run.id, version=2)
    record, found = first[0]
    assert (
        found is not None and found.spec_hash == take.spec_hash and found.settings() == {"engine": "previz"}
    )
    assert record.take_spec_hash == take.spec_hash and first[1][1] is None
    assert all(found is None for _, found in second)
