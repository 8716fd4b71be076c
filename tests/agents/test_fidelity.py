"""Plan fidelity: expected facts load from TOML and each is checked with a one-line reason; the
benchmark prints the `plan_fidelity` line; the LLM planner sends a lost character or line back to
the model and keeps the repaired plan."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from agents import plan_brief
from agents.fidelity import Fact, brief_facts, check, facts_from, load_facts
from agents.llm import LLMClient, LLMConfig, RunLedger
from agents.llm_planner import LLMPlanner
from agents.planner import PlanRequest
from film import (
    BadInput,
    Character,
    DialogueLine,
    FilmPlan,
    MotionAction,
    MotionEvent,
    Physics,
    Prop,
    Scene,
    Shot,
    TimeOfDay,
    Weather,
)
from tests.agents.openai_stub import Reply, scripted_server
from tests.agents.test_llm_faults import DRAFT

ROOT = Path(__file__).resolve().parents[2]
ROOMS_EXAMPLE = """
duration_s = 40
characters = ["Mara", "Theo"]
not_characters = ["Surabaya"]
scenes = 3
times = ["dusk", "night", "dawn"]
weather = ["storm", "storm", "clear"]
no_events = ["roll"]
props = ["lighthouse", "boat", "lamp"]
[[lines]]
text = "Not while the boats are out."
speaker = "Mara"
[[events]]
action = "fall"
object = "bucket"
[[builds]]
name = "Mara"
build = "average"
"""


def _film(
    *,
    cast_names: tuple[str, ...] = ("Mara", "Theo"),
    times: tuple[TimeOfDay, ...] = (TimeOfDay.dusk, TimeOfDay.night, TimeOfDay.dawn),
    weather: tuple[Weather, ...] = (Weather.storm, Weather.storm, Weather.clear),
    lines: tuple[DialogueLine, ...] = (DialogueLine(speaker="Mara", text="Not while the boats are out."),),
    events: tuple[MotionEvent, ...] = (MotionEvent(object="bucket", action=MotionAction.fall),),
    set_pieces: tuple[Prop, ...] = (Prop(id="lighthouse", kind="lighthouse"),),
    props: tuple[Prop, ...] = (
        Prop(id="p1", kind="rowboat", name="his small boat"),
        Prop(id="p2", kind="lamp"),
    ),
) -> FilmPlan:
    """A plan written by hand: one shot per scene, the lines, events and props in the first."""
    characters = tuple(Character(id=f"c{i}", name=n) for i, n in enumerate(cast_names))
    scenes = tuple(
        Scene(id=f"sc{i + 1}", time_of_day=t, weather=w, set_pieces=set_pieces if i == 0 else ())
        for i, (t, w) in enumerate(zip(times, weather, strict=True))
    )
    shots = tuple(
        Shot(
            id=f"sh{i + 1}",
            scene_id=scene.id,
            frames=24,
            description="A beat.",
            dialogue=lines if i == 0 else (),
            physics=Physics(events=events if i == 0 else ()),
            props=props if i == 0 else (),
        )
        for i, scene in enumerate(scenes)
    )
    return FilmPlan(title="T", duration_s=len(shots), characters=characters, scenes=scenes, shots=shots)


def _reasons(plan: FilmPlan, facts: list[Fact]) -> list[str]:
    return [v.reason for v in check(plan, facts) if not v.passed]


def test_facts_load_from_the_rooms_format(tmp_path: Path) -> None:
    path = tmp_path / "lighthouse.toml"
    path.write_text(ROOMS_EXAMPLE, encoding="utf-8")
    expected = load_facts(path)
    assert expected.duration_s == 40.0
    kinds = [f.kind for f in expected.facts]
    assert len(kinds) == 17  # each listed value is one fact
    assert kinds.count("character") == 2 and kinds.count("time") == 3 and kinds.count("prop") == 3
    assert Fact("line", "Not while the boats are out.", "Mara") in expected.facts
    assert Fact("event", "fall", "bucket") in expected.facts
    assert Fact("time", "3", "dawn") in expected.facts and Fact("weather", "3", "clear") in expected.facts
    assert facts_from({}).duration_s == 40.0 and facts_from({}).facts == ()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"charcters": ["Mara"]}, "facts"),
        ({"lines": [{"speaker": "Mara"}]}, "lines"),
        ({"lines": [{"text": "Hi", "speeker": "Mara"}]}, "lines"),
        ({"events": [{"action": "fall", "props": ["lamp"]}]}, "events"),  # a key after [[events]]
        ({"scenes": 0}, "scenes"),
        ({"characters": "Mara"}, "characters"),
        ({"duration_s": "long"}, "duration_s"),
        ({"times": ["dusk", "midnight"]}, "times"),
        ({"weather": ["sunny"]}, "weather"),
        ({"events": [{"action": "tumble", "object": "bucket"}]}, "action"),
        ({"no_events": ["rolls"]}, "no_events"),
        ({"builds": [{"name": "Mara", "build": "old"}]}, "build"),
    ],
)
def test_a_bad_facts_file_is_one_line_naming_the_key(data: dict[str, Any], field: str) -> None:
    with pytest.raises(BadInput) as info:
        facts_from(data)
    assert info.value.field == field and "\n" not in str(info.value)


def test_a_faithful_plan_passes_every_fact() -> None:
    verdicts = check(_film(), facts_from(tomllib.loads(ROOMS_EXAMPLE)).facts)
    assert [v.reason for v in verdicts if not v.passed] == []
    assert len(verdicts) == 17 and all(v.reason for v in verdicts)


def test_failing_facts_say_why_in_one_line() -> None:
    plan = _film(
        cast_names=("Wulan", "Surabaya", "Theo", "Mara"),
        times=(TimeOfDay.dusk, TimeOfDay.night, TimeOfDay.dusk),
        lines=(DialogueLine(speaker="Theo", text="Not while the boats are out."),),
        events=(MotionEvent(object="water", action=MotionAction.fall),),
        set_pieces=(),
        props=(),
    )
    facts = [
        Fact("character", "Pak Bambang"),
        Fact("not_character", "Surabaya"),
        Fact("line", "Not while the boats are out.", "Mara"),
        Fact("time", "3", "dawn"),
        Fact("event", "fall", "bucket"),
        Fact("prop", "lamp"),
        Fact("line", "Goodbye", None),
        Fact("scenes", "1"),
        Fact("weather", "4", "clear"),
    ]
    assert _reasons(plan, facts) == [
        "character 'Pak Bambang' is not cast (cast: Wulan, Surabaya, Theo, Mara)",
        "'Surabaya' is cast as a character",
        "line 'Not while the boats are out.' is spoken by Theo, expected Mara",
        "scene 3 time is dusk, expected dawn",
        "event fall of bucket missing (events: fall of water)",
        "prop lamp is never drawn",
        "line 'Goodbye' is never spoken",
        "plan has 3 scenes, expected 1",
        "scene 4 weather expected clear, but the plan has 3 scenes",
    ]


def test_lines_match_normalised_substrings_and_the_narrator() -> None:
    plan = _film(
        lines=(
            DialogueLine(speaker="c0", text="“NOT  while the boats are out!” she says"),
            DialogueLine(speaker=None, text="Ｈｅｌｌｏ，　world"),
        )
    )
    facts = [
        Fact("line", "not while the boats are out", "Mara"),  # the speaker given as an id resolves too
        Fact("line", "Hello, world.", ""),
        Fact("line", "hello world", "Mara"),
        Fact("line", "out", None),
    ]
    assert _reasons(plan, facts) == ["line 'hello world' is spoken by nobody (narrator), expected Mara"]


def test_props_match_a_set_piece_or_a_shot_prop_by_kind_or_name() -> None:
    plan = _film()
    facts = [Fact("prop", k) for k in ("lighthouse", "boat", "lamp", "rowboat", "beam", "small boat")]
    assert _reasons(plan, facts) == ["prop beam is never drawn"]


def test_names_match_whole_words_in_any_script() -> None:
    plan = _film(cast_names=("Pak Bambang", "千代", "ユウタ"))
    facts = [
        Fact("character", "Bambang"),
        Fact("character", "pak  bambang"),
        Fact("character", "千代"),
        Fact("character", "千"),
        Fact("character", "ユウタくん"),
        Fact("not_character", "Bam"),
        Fact("build", "千代", "average"),
        Fact("build", "Mara", "average"),
    ]
    assert _reasons(plan, facts) == [
        "character '千' is not cast (cast: Pak Bambang, 千代, ユウタ)",
        "character 'ユウタくん' is not cast (cast: Pak Bambang, 千代, ユウタ)",
        "character 'Mara' is not cast",
    ]


def test_events_and_no_events() -> None:
    plan = _film(events=(MotionEvent(object="the old bucket", action=MotionAction.fall),))
    facts = [
        Fact("event", "fall", "bucket"),
        Fact("event", "fall", None),
        Fact("event", "splash", None),
        Fact("no_event", "roll"),
        Fact("no_event", "fall"),
    ]
    assert _reasons(plan, facts) == [
        "event splash missing (events: fall of the old bucket)",
        "event fall occurs (of the old bucket) but the brief has none",
    ]


def test_a_plan_from_an_older_schema_fails_the_fact_instead_of_the_check() -> None:
    """Plans from before scenes had weather and shots had props (the 'before' benchmark)."""
    old = SimpleNamespace(
        characters=(),
        scenes=(SimpleNamespace(id="sc1", time_of_day=TimeOfDay.dusk),),
        shots=(SimpleNamespace(dialogue=(), physics=Physics()),),
    )
    facts = [Fact("weather", "1", "storm"), Fact("prop", "lamp"), Fact("time", "1", "dusk")]
    assert _reasons(cast(FilmPlan, old), facts) == [
        "scene 1 has no weather in this plan, expected storm",
        "prop lamp is never drawn",
    ]


BRIEF = (
    "Mara waits on the pier at dusk. Theo rows his boat toward the harbour, and Theo waves to her. "
    "“Not while the boats are out,” Mara says."
)


def test_brief_facts_are_the_heuristic_cast_and_lines_within_the_draft_limits() -> None:
    heuristic = plan_brief(BRIEF, duration_s=12)
    facts = brief_facts(heuristic, max_characters=4, max_lines=3, max_line_chars=160)
    assert [f.subject for f in facts if f.kind == "character"] == [c.name for c in heuristic.characters]
    assert {"Mara", "Theo"} <= {f.subject for f in facts if f.kind == "character"}
    lines = [f for f in facts if f.kind == "line"]
    assert len(lines) == 1 and "Not while the boats are out" in lines[0].subject
    assert lines[0].expected is None  # the speaker stays open: the draft's speaker is its first cast
    capped = brief_facts(heuristic, max_characters=1, max_lines=0, max_line_chars=160)
    assert [f.kind for f in capped] == ["character"]
    assert not [
        f for f in brief_facts(heuristic, max_characters=4, max_lines=3, max_line_chars=5) if f.kind == "line"
    ]


def _draft(*, cast_names: tuple[str, ...], line: str) -> str:
    shots = [dict(DRAFT["shots"][0]), dict(DRAFT["shots"][1], who=list(cast_names), line=line)]
    characters = [{"name": n, "look": ""} for n in cast_names]
    return json.dumps(dict(DRAFT, characters=characters, shots=shots))


def _llm_plan(script: list[Reply], max_repairs: int = 1) -> tuple[FilmPlan, RunLedger, list[dict[str, Any]]]:
    ledger = RunLedger()
    with scripted_server(script) as server:
        config = LLMConfig(
            base_url=server.base_url, model="stub", timeout_s=5.0, max_retries=0, max_repairs=max_repairs
        )
        plan = LLMPlanner(LLMClient(config, ledger)).plan(BRIEF, PlanRequest(duration_s=12))
    return plan, ledger, server.requests


LINE = "Not while the boats are out."


def test_llm_plan_missing_a_character_is_sent_back_naming_it_and_the_repair_is_kept() -> None:
    lost = Reply(_draft(cast_names=("Mara",), line=LINE))
    repaired = Reply(_draft(cast_names=("Mara", "Theo"), line=LINE))
    plan, ledger, requests = _llm_plan([lost, repaired])
    assert len(requests) == 2 and ledger.warnings == []
    repair = requests[1]["messages"][3]["content"]
    assert "the brief names Theo but the plan casts nobody by that name" in repair
    assert "Mara" not in repair.split("not valid:")[1]  # only what is missing
    assert plan.title == "Rain on the Pier" and [c.name for c in plan.characters] == ["Mara", "Theo"]
    assert all(c.defaults == ("build", "color") and c.appearance == "" for c in plan.characters)


def test_llm_plan_losing_a_line_is_sent_back_quoting_it() -> None:
    lost = Reply(_draft(cast_names=("Mara", "Theo"), line="Not tonight."))
    repaired = Reply(_draft(cast_names=("Mara", "Theo"), line=f"“{LINE}”"))
    plan, ledger, requests = _llm_plan([lost, repaired])
    repair = requests[1]["messages"][3]["content"]
    assert re.search(r"the line 'Not while the boats are out,?' is missing", repair)
    assert ledger.warnings == [] and any(LINE in d.text for s in plan.shots for d in s.dialogue)


def test_llm_plan_still_unfaithful_after_the_repairs_is_kept_with_a_warning() -> None:
    plan, ledger, requests = _llm_plan(
        [Reply(_draft(cast_names=("Mara",), line="Not tonight."))], max_repairs=2
    )
    assert len(requests) == 3 and plan.title == "Rain on the Pier"
    assert len(ledger.warnings) == 1
    warning = ledger.warnings[0]
    assert warning.startswith("planner: kept the LLM plan after 2 repairs;")
    assert "Theo" in warning and "Not while the boats are out" in warning


def _bench(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_plan.py"), "--briefs", str(folder), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_bench_prints_one_line_per_brief_and_the_fidelity_line_last(tmp_path: Path) -> None:
    (tmp_path / "pier.md").write_text(BRIEF, encoding="utf-8")
    (tmp_path / "pier.toml").write_text(
        'duration_s = 12\ncharacters = ["Mara", "Nobody"]\nprops = ["spaceship"]\n', encoding="utf-8"
    )
    (tmp_path / "blank.md").write_text("   \n", encoding="utf-8")  # the planner refuses it
    (tmp_path / "blank.toml").write_text('characters = ["Mara"]\n', encoding="utf-8")
    (tmp_path / "loose.md").write_text(BRIEF, encoding="utf-8")  # no facts beside it
    done = _bench(tmp_path)
    assert done.returncode == 0, done.stderr
    planner, blank, loose, pier, summary, last = done.stdout.strip().splitlines()
    assert planner == f"planner: {ROOT}" and last == "plan_fidelity: facts=1/4 ratio=0.250"
    assert blank.startswith("blank: 0/1  FAIL planner failed: BadInput")
    assert loose == "loose: no facts (loose.toml missing)"
    assert pier.startswith("pier: 1/3  FAIL character 'Nobody' is not cast") and "prop spaceship" in pier
    assert summary == "briefs: 3, under 0.8: 2 (blank, pier)"
    assert _bench(tmp_path, "--min-ratio", "0.2").returncode == 0
    assert _bench(tmp_path, "--min-ratio", "0.3").returncode == 1
    assert _bench(tmp_path, "pier").stdout.strip().splitlines()[-1] == "plan_fidelity: facts=1/3 ratio=0.333"
    (tmp_path / "pier.toml").write_text('times = ["teatime"]\n', encoding="utf-8")
    broken = _bench(tmp_path, "pier")
    assert broken.returncode == 2 and "pier: bad facts file: times='teatime'" in broken.stdout


def test_the_repair_note_fits_what_the_repair_loop_quotes() -> None:
    from agents.fidelity import Verdict
    from agents.llm_planner import repair_note

    missing = [Verdict(Fact("character", f"Person{i}"), False, "") for i in range(12)]
    missing.append(Verdict(Fact("line", "x" * 150), False, ""))
    note = repair_note(missing)
    assert len(note) <= 400 and note.startswith("the brief names Person0 but the plan casts nobody")
    assert re.search(r"; and \d+ more$", note)
    assert repair_note(missing[:1]) == "the brief names Person0 but the plan casts nobody by that name"
