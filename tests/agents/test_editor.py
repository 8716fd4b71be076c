"""The heuristic editor's decisions: transitions at scene/time changes, cards, name tags, length."""

from __future__ import annotations

from agents import edit, plan_brief
from agents.editor import dramatisation
from film import Camera, Character, FilmPlan, Performance, Scene, Shot, Take, TimeOfDay
from film.disclosure import AI_LABEL
from film.timeline import KEYFRAME_INTERVAL
from tests.agents.briefs import SCREENPLAY


def _takes(plan: FilmPlan) -> list[Take]:
    return [
        Take(shot_id=s.id, spec_hash=s.id, engine="e", path=f"/t/{s.id}.mp4", frames=s.frames, fps=plan.fps,
             width=854, height=480)
        for s in plan.shots
    ]  # fmt: skip


def _plan(scenes: tuple[Scene, ...], shot_scenes: list[str], seconds: float = 4.0) -> FilmPlan:
    cast = (
        Character(id="maria", name="Maria", description="a ferry pilot"),
        Character(id="jonas", name="Jonas"),
    )
    shots = tuple(
        Shot(id=f"sh{k}", scene_id=sc, frames=round(seconds * 24), description="something happens",
             performances=(Performance(character_id="maria" if k % 2 == 0 else "jonas"),), camera=Camera())
        for k, sc in enumerate(shot_scenes)
    )  # fmt: skip
    total = 48 + sum(s.frames for s in shots)
    return FilmPlan(title="The Last Ferry", fps=24, duration_s=total / 24, title_card_frames=48,
                    characters=cast, scenes=scenes, shots=shots)  # fmt: skip


def test_scene_and_time_changes_get_transitions_and_the_length_holds() -> None:
    scenes = (
        Scene(id="a", location="harbour", time_of_day=TimeOfDay.night),
        Scene(id="b", location="ferry cabin", time_of_day=TimeOfDay.night),
        Scene(id="c", location="ferry cabin", time_of_day=TimeOfDay.dawn),
        Scene(id="d", location="ferry cabin", time_of_day=TimeOfDay.dawn),
    )
    plan = _plan(scenes, ["a", "a", "b", "c", "d"])
    timeline = edit(plan, _takes(plan))
    assert [c.transition_in for c in timeline.clips] == ["cut", "cut", "crossfade", "dip_to_black", "wipe"]
    assert all(c.transition_frames in (0, 12) for c in timeline.clips)
    assert timeline.total_frames == plan.total_frames  # transitions never change the length
    names = [(o.text, o.clip_index) for o in timeline.overlays if o.kind == "lower_third"]
    assert names == [("Maria", 0), ("Jonas", 1)]  # first appearance only
    end = [o for o in timeline.overlays if o.kind == "end"]
    assert len(end) == 1 and end[0].clip_index == 4 and end[0].start_frame + end[0].frames == 96
    assert not [o for o in timeline.overlays if o.kind == "chapter"]  # a 24 s film needs no chapters
    assert timeline.title_card is not None and timeline.language == plan.language


def test_long_films_get_chapter_titles_clear_of_the_transitions() -> None:
    scenes = (
        Scene(id="a", heading="EXT. HARBOUR - NIGHT", time_of_day=TimeOfDay.night),
        Scene(id="b", heading="INT. FERRY CABIN - DAWN", time_of_day=TimeOfDay.dawn),
    )
    plan = _plan(scenes, ["a"] * 4 + ["b"] * 4, seconds=9.0)
    timeline = edit(plan, _takes(plan))
    chapters = [o for o in timeline.overlays if o.kind == "chapter"]
    assert [(o.text, o.clip_index) for o in chapters] == [
        ("EXT. HARBOUR - NIGHT", 0),
        ("INT. FERRY CABIN - DAWN", 4),
    ]
    assert chapters[1].start_frame >= timeline.clips[4].head  # not inside the dip to black
    assert timeline.total_frames == plan.total_frames


def test_screenplay_edit_keeps_every_take_whole() -> None:
    plan = plan_brief(SCREENPLAY, duration_s=30)
    timeline = edit(plan, _takes(plan))
    assert [c.frames for c in timeline.clips] == [s.frames for s in plan.shots]
    assert timeline.total_frames == plan.total_frames
    assert timeline.subtitles


def test_overlays_are_timed_to_the_keyframe_grid() -> None:
    """Each overlay ends on a keyframe (the end title starts on one), so the cut re-encodes whole
    GOPs under it and copies the rest; each stays near its length and readable."""
    scenes = (
        Scene(id="a", heading="EXT. HARBOUR - NIGHT", time_of_day=TimeOfDay.night),
        Scene(id="b", heading="INT. FERRY CABIN - DAWN", time_of_day=TimeOfDay.dawn),
    )
    plan = _plan(scenes, ["a"] * 4 + ["b"] * 4, seconds=9.0)
    timeline = edit(plan, _takes(plan))
    kinds = {o.kind for o in timeline.overlays}
    assert kinds == {"chapter", "lower_third", "end"}
    for o in timeline.overlays:
        at_keyframe = o.start_frame if o.kind == "end" else o.start_frame + o.frames
        assert at_keyframe % KEYFRAME_INTERVAL == 0, o
        assert o.frames >= plan.fps // 2 if o.kind == "chapter" else o.frames >= plan.fps


def test_the_end_title_says_a_film_dramatises_historical_figures() -> None:
    """Historical figures the misuse gate allowed are named on the end title, next to the AI label."""
    plan = plan_brief("Napoleon crosses the Alps at dawn and looks back.", duration_s=8)
    timeline = edit(plan, _takes(plan))
    assert dramatisation(timeline, []) is timeline
    marked = dramatisation(timeline, ["Napoleon Bonaparte"])
    ends = [o for o in marked.overlays if o.kind == "end"]
    assert ends and all(o.subtitle.startswith(AI_LABEL) and "Napoleon Bonaparte" in o.subtitle for o in ends)
    assert "dramatisation" in ends[0].subtitle
    others = [o for o in timeline.overlays if o.kind != "end"]
    assert [o for o in marked.overlays if o.kind != "end"] == others


def test_a_line_too_long_for_its_shot_is_flagged_and_a_slow_voice_counts() -> None:
    from agents.editor import long_lines
    from film import DialogueLine, Voice

    plan = _plan((Scene(id="a", location="a pier"),), ["a", "a"], seconds=2.0)
    words = "We have to leave before the tide turns or we will never make the crossing tonight."

    def said(maria: str, jonas: str, cast: tuple[Character, ...] = plan.characters) -> list[str]:
        first, second = (
            s.model_copy(update={"dialogue": (DialogueLine(speaker=who, text=text),)})
            for s, who, text in zip(plan.shots, ("Maria", "Jonas"), (maria, jonas), strict=True)
        )
        return long_lines(plan.model_copy(update={"shots": (first, second), "characters": cast}))  # fmt: skip

    warned = said("Cast off.", words)
    assert len(warned) == 1 and warned[0].startswith("shot sh1: its lines take about") and "2.0s" in warned[0]
    assert said("Cast off now, all.", "Go.") == []
    slow = (Character(id="maria", name="Maria", voice=Voice(rate=0.5)), plan.characters[1])
    assert [w.split(":")[0] for w in said("Cast off now, all.", "Go.", slow)] == ["shot sh0"]
