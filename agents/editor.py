"""The editor: takes in plan order become a Timeline with a title card and subtitle cues.

The heuristic cut is the plan itself — hard cuts, full takes — because the planner already timed
every shot in whole frames; a later critic/LLM editor can trim behind the same `Editor` protocol.
"""

from __future__ import annotations

from typing import Protocol

from film import Clip, FilmPlan, RenderFailure, Shot, SubtitleCue, Take, Timeline, TitleCard, frame_size
from film.plan import DialogueLine

MIN_CUE_S = 1.0


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
        clips.append(Clip(shot_id=shot.id, take_path=take.path, in_frame=0, out_frame=shot.frames))
        cues.extend(subtitle_cues(shot, start / plan.fps, (start + shot.frames) / plan.fps))
        start += shot.frames
    width, height = frame_size(plan.aspect)
    card = None
    if plan.title_card_frames > 0:
        card = TitleCard(text=plan.title, subtitle=_short(plan.logline, 300), frames=plan.title_card_frames)
    return Timeline(
        fps=plan.fps, width=width, height=height, title_card=card, clips=tuple(clips), subtitles=tuple(cues)
    )


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


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
