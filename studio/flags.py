"""The flags commands share, spelled once, so `make`, `plan`, `chat` and `revise` say the same."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

BriefArg = Annotated[str | None, typer.Argument(help="The story brief, in any language and form.")]
BriefFile = Annotated[
    Path | None, typer.Option("--brief-file", "-f", help="Read the brief from a UTF-8 text file.")
]
Duration = Annotated[float | None, typer.Option("--duration", "-d", help="Film length in seconds (2-1800).")]
AspectOpt = Annotated[str, typer.Option("--aspect", "-a", help="16:9, 9:16, 1:1 or 4:5.")]
StyleOpt = Annotated[str | None, typer.Option("--style", help="Look of the film, e.g. 'noir'.")]
SeedOpt = Annotated[int, typer.Option("--seed", help="Same brief + seed gives the same film.")]
TitleOpt = Annotated[bool, typer.Option("--title-card/--no-title-card", help="Open with a title card.")]
EngineOpt = Annotated[str | None, typer.Option("--engine", help="Render engine (default: previz).")]
LlmOpt = Annotated[
    str | None,
    typer.Option("--llm", help="OpenAI-compatible base URL for LLM agents (default: offline heuristics)."),
]
ModelOpt = Annotated[str | None, typer.Option("--model", help="LLM model name served at --llm.")]
CriticOpt = Annotated[bool, typer.Option("--critic", help="Check every take; re-render broken ones.")]
MusicOpt = Annotated[Path | None, typer.Option("--music", help="Music bed, ducked under dialogue.")]
LoudnessOpt = Annotated[float | None, typer.Option("--loudness", help="Loudness target in LUFS (-14).")]
BurnOpt = Annotated[bool, typer.Option("--burn-subtitles", help="Draw subtitles into the picture too.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")]
FilmDirOpt = Annotated[Path | None, typer.Option("--out", "-o", help="Folder for film.mp4.")]
PlanArg = Annotated[Path, typer.Argument(help="A plan JSON written by `storyreel plan`.")]
RunArg = Annotated[str, typer.Argument(help="A run id from `storyreel runs`.")]
ConsentOpt = Annotated[
    str | None,
    typer.Option("--i-have-consent", help="Override a gate refusal with this consent id (audited)."),
]
