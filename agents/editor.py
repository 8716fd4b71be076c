"""The editor: takes in plan order become a Timeline — title card, transitions, chapter titles,
lower thirds, an end title and subtitle cues.

The heuristic cut keeps every take whole because the planner already timed each shot in whole
frames. Transitions are centred on the cut and never change the length (film.timeline explains
how), and all graphics are overlays, so the film decodes to exactly the plan's total. Rules:
inside a scene, hard cuts; a new scene at another time of day dips to black (time passes);
a new place at the same time crossfades; a new scene at the same place and time wipes.
"""

from __future__ import annotations

from typing import Any, Protocol

from film import (
    Clip,
    FilmPlan,
    RenderFailure,
    Scene,
    Shot,
    SubtitleCue,
    Take,
    Timeline,
    TitleCard,
    frame_size,
)
from film.disclosure import AI_LABEL, dramatised_label
from film.plan import DialogueLine
from film.timeline import KEYFRAME_INTERVAL, Overlay, TransitionKind
from film.timing import LINE_GAP_S, speech_s

MIN_CUE_S = 1.0
TRANSITION_S = 0.5
CHAPTERS_FROM_S = 60.0
"""Films at least this long get a chapter title at each scene change."""
CHAPTER_S = 2.0
LOWER_THIRD_S = 2.5
END_TITLE_S = 2.0


class Editor(Protocol):
    def edit(self, plan: FilmPlan, takes: list[Take]) -> Timeline: ...


class HeuristicEditor:
    """The offline editor as an `Editor`."""

    def edit(self, plan: FilmPlan, takes: list[Take]) -> Timeline:
        return edit(plan, takes)


def edit(plan: FilmPlan, takes: list[Take]) -> Timeline:
    """Cut the film: one clip per shot in plan order, a title card, subtitles from the dialogue."""
    by_shot = {take.shot_id: take for take in takes}
    clips: list[Clip] = []
    cues: list[SubtitleCue] = []
    start = plan.title_card_frames
    for shot in plan.shots:
        take = by_shot.get(shot.id)
        if take is None:
            raise RenderFailure(f"no take for shot {shot.id}; render it before editing")
        if take.frames < shot.frames:
            raise RenderFailure(
                f"take for shot {shot.id} has {take.frames} frames, the plan needs {shot.frames}"
            )
        kind: TransitionKind = "cut"
        frames = 0
        if clips and shot.scene_id != plan.shots[len(clips) - 1].scene_id:
            prev = plan.shots[len(clips) - 1]
            kind = transition_between(plan.scene(prev.scene_id), plan.scene(shot.scene_id))
            frames = min(round(TRANSITION_S * plan.fps), shot.frames // 3, prev.frames // 3)
            kind = kind if frames >= 2 else "cut"
            frames = frames if kind != "cut" else 0
        clips.append(
            Clip(
                shot_id=shot.id,
                take_path=take.path,
                in_frame=0,
                out_frame=shot.frames,
                transition_in=kind,
                transition_frames=frames,
                **_still(take),
            )
        )
        cues.extend(subtitle_cues(shot, start / plan.fps, (start + shot.frames) / plan.fps))
        start += shot.frames
    width, height = frame_size(plan.aspect)
    card = None
    if plan.title_card_frames > 0:
        card = TitleCard(text=plan.title, subtitle=_short(plan.logline, 300), frames=plan.title_card_frames)
    return Timeline(
        fps=plan.fps,
        width=width,
        height=height,
        title_card=card,
        clips=tuple(clips),
        subtitles=tuple(cues),
        overlays=tuple(overlays_for(plan, clips)),
        language=plan.language,
    )


def transition_between(before: Scene, after: Scene) -> TransitionKind:
    """How the story moves from one scene to the next (see the module docstring)."""
    if before.time_of_day != after.time_of_day:
        return "dip_to_black"
    if before.location != after.location:
        return "crossfade"
    return "wipe"


def overlays_for(plan: FilmPlan, clips: list[Clip]) -> list[Overlay]:
    """Chapter titles (long films), a lower third the first time each character appears, and the
    end title over the last shot; each kept clear of transition windows and of each other."""
    fps = plan.fps
    overlays: list[Overlay] = []
    seen: set[str] = set()
    long_film = plan.total_s >= CHAPTERS_FROM_S and len(plan.scenes) > 1
    for i, (shot, clip) in enumerate(zip(plan.shots, clips, strict=True)):
        free = clip.head
        end = clip.frames - (clips[i + 1].tail_of_previous if i + 1 < len(clips) else 0)
        if i == len(clips) - 1:
            end_frames = _on_grid(
                end, round(END_TITLE_S * fps), (end - free) // 2, round(1.5 * fps), backwards=True
            )
            if end_frames >= 1:
                end -= end_frames
                overlays.append(
                    Overlay(
                        kind="end",
                        clip_index=i,
                        start_frame=end,
                        frames=end_frames,
                        text=plan.title,
                        subtitle=AI_LABEL,
                    )
                )
        new_scene = i == 0 or shot.scene_id != plan.shots[i - 1].scene_id
        if long_film and new_scene:
            scene = plan.scene(shot.scene_id)
            frames = _on_grid(free, round(CHAPTER_S * fps), end - free, fps // 2)
            if frames >= fps // 2:
                text = _short(scene.heading or scene.location, 200)
                overlays.append(
                    Overlay(kind="chapter", clip_index=i, start_frame=free, frames=frames, text=text)
                )
                free += frames
        for perf in shot.performances:
            if perf.character_id in seen:
                continue
            frames = _on_grid(free, round(LOWER_THIRD_S * fps), end - free, fps)
            if frames < fps:  # too short to read: try again the next time they appear
                continue
            seen.add(perf.character_id)
            person = plan.character(perf.character_id)
            overlays.append(
                Overlay(
                    kind="lower_third",
                    clip_index=i,
                    start_frame=free,
                    frames=frames,
                    text=person.name,
                    subtitle=_short(person.description, 80),
                )
            )
            free += frames
    return overlays


def _on_grid(at: int, wanted: int, most: int, least: int, *, backwards: bool = False) -> int:
    """An overlay's length from frame `at` (or, `backwards`, ending there): the one nearest
    `wanted`, between `least` and `most`, whose far end is a keyframe, so the cut re-encodes
    whole GOPs only; `wanted` capped at `most` where no keyframe is in reach."""
    sign = -1 if backwards else 1
    fits = [n for n in range(max(0, least), most + 1) if (at + sign * n) % KEYFRAME_INTERVAL == 0]
    return min(fits, key=lambda n: abs(n - wanted), default=min(wanted, most))


def subtitle_cues(shot: Shot, start_s: float, end_s: float) -> list[SubtitleCue]:
    """Spread a shot's lines evenly over its time on the film; lines share a cue when the shot is
    too short to give each at least a second, and no cue leaves the shot."""
    lines = list(shot.dialogue)
    if not lines:
        return []
    span = end_s - start_s
    count = max(1, min(len(lines), int(span // MIN_CUE_S)))
    groups: list[list[DialogueLine]] = [
        lines[k * len(lines) // count : (k + 1) * len(lines) // count] for k in range(count)
    ]
    cues = []
    for k, group in enumerate(groups):
        speakers = {line.speaker for line in group}
        text = " / ".join(line.text for line in group)
        cue_start = start_s + span * k / count
        cue_end = end_s if k == count - 1 else start_s + span * (k + 1) / count
        cues.append(
            SubtitleCue(
                start_s=cue_start,
                end_s=min(cue_end, end_s),
                text=_short(text, 500),
                speaker=group[0].speaker if len(speakers) == 1 else None,
            )
        )
    return cues


def long_lines(plan: FilmPlan) -> list[str]:
    """A warning for each shot whose lines take longer to say than the shot lasts: the voice is
    never cut off, so it would run on over the next shot; better lengthened or trimmed now."""
    rates = {key.casefold(): c.voice.rate for c in plan.characters if c.voice for key in (c.id, c.name)}
    warnings = []
    for shot in plan.shots:
        lines = shot.dialogue
        need = sum(speech_s(ln.text, rates.get((ln.speaker or "").casefold(), 1.0)) for ln in lines)
        need += LINE_GAP_S * max(0, len(lines) - 1)
        have = shot.frames / plan.fps
        if lines and need > have:
            warnings.append(
                f"shot {shot.id}: its lines take about {need:.1f}s to say and the shot lasts {have:.1f}s; "
                "the voice will run on over the next shot (lengthen the shot or shorten the lines)"
            )
    return warnings


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _still(take: Take) -> dict[str, Any]:
    """The engine's drawn still of the take (the previz keeps its middle frame), so the contact
    sheet reuses it instead of decoding the take again; and the side files the mix hears: the
    previz boxes (its foley cues) and any sound the engine made."""
    still = take.extras.get("still")
    drawn: dict[str, Any] = {"still": still, "still_frame": take.frames // 2} if still else {}
    return {**drawn, **{kind: take.extras[kind] for kind in ("boxes", "sound") if take.extras.get(kind)}}


def dramatisation(timeline: Timeline, names: list[str]) -> Timeline:
    """The edit with its end title saying the film dramatises `names` (historical figures the
    misuse gate allowed); unchanged when there are none."""
    if not names:
        return timeline
    label = dramatised_label(names)
    overlays = tuple(
        o.model_copy(update={"subtitle": label}) if o.kind == "end" else o for o in timeline.overlays
    )
    end_card = timeline.end_card.model_copy(update={"subtitle": label}) if timeline.end_card else None
    return timeline.model_copy(update={"overlays": overlays, "end_card": end_card})
