"""The cutting room: a Timeline becomes film.mp4 — cuts and transitions, titles and lettering,
subtitles, the sound bed, exports (OTIO, contact sheet), provenance, aspect re-cuts (reframe)
and the MP4 header reader the assembler plans with. Render engines never import it."""

from engine.cutting.assemble import AssembleOptions, FfmpegAssembler

__all__ = ["AssembleOptions", "FfmpegAssembler"]
